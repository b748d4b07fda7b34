"""lsp_bench's documents come from each language's record and corpus: valid, exactly 1,000 typed-in lines."""

import pytest
from lastfix.benchmarks.lsp_bench import LARGE_LINES, large_document, main, with_broken_line
from lastfix.grammars import LANGUAGES, get_grammar, get_language, line_col


@pytest.mark.parametrize("language", LANGUAGES)
def test_large_document_is_valid_and_every_line_has_text(shared, language):
    chunks = large_document(language)
    text = "".join(chunks)
    assert text.count("\n") == LARGE_LINES and text.endswith("\n")
    assert all(line.strip() for line in text.splitlines())  # the typed character lands on code
    assert get_grammar(language).is_valid(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_broken_example_goes_between_statements_in_the_middle(shared, language):
    chunks = large_document(language)
    broken = with_broken_line(chunks, language)
    example = get_language(language).broken_example
    line = line_col(broken, broken.index(example + "\n"))[0]
    assert LARGE_LINES // 2 <= line < LARGE_LINES // 2 + max(c.count("\n") for c in chunks)
    assert broken.replace(example + "\n", "", 1) == "".join(chunks)
    assert get_grammar(language).errors(broken)


def test_languages_are_the_registry_s(capsys):
    with pytest.raises(SystemExit):
        main(["--languages", "cobol"])
    assert "python" in capsys.readouterr().err

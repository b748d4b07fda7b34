"""Python error regions (tree-sitter) and the oracle (CPython): real broken inputs, golden messages."""

import json
import os
from pathlib import Path

import pytest
from lastfix.grammars.base import line_col
from lastfix.grammars.python.errors import cpython_error, is_valid_python
from lastfix.grammars.registry import get_grammar

GOLDEN = Path(__file__).parent / "golden" / "python_errors.json"

# Real shapes of the StackOverflow dev errors, one per kind of mistake.
CASES = {
    "missing_colon": "for number in aString:\n    if number != '0'\n        return len(aString)\n",
    "missing_paren_at_end_of_line": "x = int(input('n: ')\ny = 2\n",
    "python2_print": "while i < 2:\n    print tankList[i].mode\n    i += 1\n",
    "python2_print_percent": "print 'hello %s' % name\n",
    "unexpected_indent": "x = 1\n    y = 2\n",
    "unindent_mismatch": "if x:\n    a = 1\n  b = 2\n",
    "expected_indented_block": "def f():\nreturn 1\n",
    "unmatched_paren": "val = range(1, 11))\n",
    "mismatched_bracket": "a = [1, 2, 3)\n",
    "unterminated_string": "s = 'abc\nt = 1\n",
    "unterminated_triple_quote": 'doc = """abc\n\nx = 1\n',
    "missing_comma": "f(a b)\n",
    "dict_missing_colon": "d = {'key4' 45, 'key5': 47}\n",
    "assignment_in_return": "def f():\n    return s = ''.join(x)\n",
    "keyword_as_name": "class = 1\n",
    "emoji_outside_string": "x = 1 😀\n",
    "emoji_before_error": "s = '😀😀'; f(\n",
    "crlf_missing_colon": "if x\r\n    y = 1\r\n",
    "tabs_and_spaces": "if x:\n\tif y:\n        pass\n",
    "lambda_typo": "f = lamba e: e + 1\n",
    "null_byte": "x = 1\0\n",
    "stray_else": "else:\n    pass\n",
}


def issues_as_json(text):
    grammar = get_grammar("python")
    issues = grammar.errors(text)
    return [[list(line_col(text, i.start)), list(line_col(text, i.end)), i.message] for i in issues]


def test_golden_error_messages_and_ranges():
    got = {name: {"text": text, "issues": issues_as_json(text)} for name, text in CASES.items()}
    if os.environ.get("LASTFIX_UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_every_case_is_flagged_and_rejected(text):
    grammar = get_grammar("python")
    issues = grammar.errors(text)
    assert issues and not grammar.is_valid(text)
    assert all(0 <= i.start <= i.end <= len(text) and i.message for i in issues)


def test_missing_node_reports_the_missing_token():
    issues = get_grammar("python").errors("def f(:\n    pass\n")
    assert [(i.start, i.end, i.message) for i in issues] == [(6, 6, "missing ')'")]


def test_error_node_is_innermost_and_worded_by_cpython():
    text = "a = 1\nb = f(x))\nc = 3\n"
    (issue,) = get_grammar("python").errors(text)
    assert text[issue.start : issue.end] == "f(x))"  # tree-sitter's innermost ERROR node
    assert issue.message == "unmatched ')'"  # CPython's words, on the node that holds its error line


def test_cpython_location_comes_first_when_tree_sitter_recovers_past_the_mistake():
    text = CASES["missing_colon"]
    issues = get_grammar("python").errors(text)
    assert issues[0].message == "expected ':'" and issues[0].start == text.index("\n        ")
    assert issues[1].message == "unexpected 'return'"


def test_error_node_without_cpython_words_names_its_first_token():
    text = "x = (1,\n  2\ny = [3,\n"  # CPython: "'[' was never closed" on line 3
    (issue,) = get_grammar("python").errors(text)
    assert text[issue.start : issue.end] == "y =" and issue.message == "unexpected 'y'"


def test_python2_print_passes_tree_sitter_so_cpython_speaks():
    text = "print x\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.message.startswith("Missing parentheses in call to 'print'")
    assert (issue.start, issue.end) == (0, 7)


def test_offsets_are_code_points_after_emoji():
    text = "s = '😀😀'\nif s\n    pass\n"
    issues = get_grammar("python").errors(text)
    assert issues and line_col(text, issues[0].start)[0] == 1
    first = issues[0]
    assert text[first.start : first.end].startswith("if") or first.start == text.index("s\n    ") + 1


def test_cpython_error_maps_line_and_column_with_crlf():
    text = "x = 1\r\ny = (\r\n"
    err = cpython_error(text)
    assert err is not None and text[err.start] == "(" and "never closed" in err.message


def test_valid_code_has_no_issues_even_with_warnings_as_errors():
    import warnings

    grammar = get_grammar("python")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert grammar.errors("x = 1\nif x is 1: y = '\\d'\n") == []
    assert grammar.errors("") == [] and grammar.is_valid("")
    assert grammar.errors("return 1\n") == []  # a fragment of a function body is valid syntax


def test_oracle_survives_deep_nesting_and_null_bytes():
    assert not is_valid_python("(" * 5000)
    assert not is_valid_python("x = 1\0")
    assert not is_valid_python("\ud800 = 1")  # a lone surrogate
    assert get_grammar("python").errors("\ud800(")  # tree-sitter gets surrogatepass bytes


def test_incremental_document_matches_fresh_parse():
    grammar = get_grammar("python")
    doc = grammar.document()
    texts = [
        "def f():\n    return 1\n",
        "def f():\n    return (1\n",
        "def f(:\n    return (1\n",
        "é = 1\nprint x\n",
        "",
    ]
    for text in texts:
        assert grammar.errors_in(doc, text) == grammar.errors(text)

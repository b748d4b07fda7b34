"""Python's one-slip rewrites: an unclosed string closed at its line end, ranked first by the real engine."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.model_runtime.repair import Repairer, RepairSettings


@pytest.fixture(scope="module")
def py():
    return get_grammar("python")


def _proposed(grammar, text):
    tokens = grammar.tokenize(text)
    return [apply_edits(text, list(r.edits)) for r in grammar.rewrites(text, tokens, 0, len(tokens))]


def test_an_unclosed_string_is_closed_at_its_line_end_or_before_the_closers_ending_it(py):
    assert _proposed(py, 'name = "world\nprint(name)\n') == ['name = "world"\nprint(name)\n']
    assert _proposed(py, "x = 'a b   \n") == ["x = 'a b'   \n"]  # the blanks after it stay code
    assert _proposed(py, 'print("hello)\n') == ['print("hello)"\n', 'print("hello")\n']
    assert 'if x == "a":\n    pass\n' in _proposed(py, 'if x == "a:\n    pass\n')
    assert _proposed(py, 'x = rb"abc\n') == ['x = rb"abc"\n']


def test_closed_triple_quoted_and_continued_strings_are_left_alone(py):
    assert _proposed(py, 'x = "done"\ny = f"{x}"\n') == []
    assert _proposed(py, 'x = "escaped \\"\n') == ['x = "escaped \\""\n']  # the quote there is content
    assert _proposed(py, 'x = """open\n') == []  # a docstring left open: where it ends is a guess
    assert _proposed(py, 'x = "a \\\nb"\n') == []  # continued on the next line, and closed there
    assert _proposed(py, 'x = "\n') == []  # nothing after the quote


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ('name = "world\nprint(name)\n', 'name = "world"\nprint(name)\n'),  # not ' "world ': issue 17
        ("greeting = 'hello\n", "greeting = 'hello'\n"),
        ('print("hello)\n', 'print("hello")\n'),
        ('if answer == "yes:\n    print(1)\n', 'if answer == "yes":\n    print(1)\n'),
        ('names = ["a", "b]\n', 'names = ["a", "b"]\n'),
    ],
)
def test_the_edits_engine_ranks_the_closing_quote_first(py, broken, fixed):
    cands = Repairer(py, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(broken)
    assert cands[0].text == fixed
    assert "python.unclosed-string" in cands[0].rules
    assert all(py.is_valid(c.text) for c in cands)


def test_the_rule_is_named_and_can_be_switched_off(py):
    assert "python.unclosed-string" in {r.name for r in py.rules()}
    without = py.without(["python.unclosed-string"])
    assert _proposed(without, 'name = "world\n') == []
    assert without.is_valid("type X = int\n") == py.is_valid("type X = int\n")  # tolerances stay on

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


def _by_rule(grammar, text, rule):
    tokens = grammar.tokenize(text)
    rewrites = grammar.rewrites(text, tokens, 0, len(tokens))
    return [apply_edits(text, list(r.edits)) for r in rewrites if r.rule == rule]


def test_a_pasted_interactive_session_loses_every_prompt_at_once(py):
    session = ">>> def f(x):\n...     return [x,\n...  1]\n>>> f(2)\n"
    assert _by_rule(py, session, "python.repl-prompt") == ["def f(x):\n    return [x,\n 1]\nf(2)\n"]
    assert _by_rule(py, ">>>\n>>> x = 1\n", "python.repl-prompt") == ["\nx = 1\n"]
    assert _by_rule(py, "x = a >>> b\n", "python.repl-prompt") == []  # not at a line start
    assert _by_rule(py, "...\nx = 1 +\n", "python.repl-prompt") == []  # an Ellipsis, no session


def test_a_capitalised_keyword_starting_a_line_is_lowered(py):
    assert _by_rule(py, "For i in x:\n    pass\n", "python.capitalised-keyword") == [
        "for i in x:\n    pass\n"
    ]
    assert _by_rule(py, "if a:\n    Return 1\n", "python.capitalised-keyword") == ["if a:\n    return 1\n"]
    assert _by_rule(py, "Import os\n", "python.capitalised-keyword") == ["import os\n"]
    assert _by_rule(py, "x = For + 1 +\n", "python.capitalised-keyword") == []  # not where a line starts
    assert _by_rule(py, "FOR i in x:\n", "python.capitalised-keyword") == []  # shouting, not sentence case
    assert _by_rule(py, "True = 1 +\n", "python.capitalised-keyword") == []  # capitalised already


def test_html_line_breaks_are_removed_from_code_not_strings(py):
    broken = 'while a:<br>\n    b = "<br>"  <br/>\n'
    assert _by_rule(py, broken, "python.html-break") == ['while a:\n    b = "<br>"\n']
    assert _by_rule(py, "x = a < br > c\n", "python.html-break") == []  # a comparison chain, spaced


def test_markdown_bold_around_code_is_removed_but_a_power_stays(py):
    rule = "python.markdown-bold"
    assert _by_rule(py, "**NAME** = (1,\n)\n", rule) == ["NAME = (1,\n)\n"]
    assert _by_rule(py, "x = [\n    **path('a')**,\n]\n", rule) == ["x = [\n    path('a'),\n]\n"]
    assert _by_rule(py, "y = x ** 2 +\n", rule) == []
    assert _by_rule(py, "f(**kw, **more) +\n", rule) == []  # unpackings: the second is not glued left


@pytest.mark.parametrize(
    "broken, fixed",
    [
        (">>> from os import path\n", "from os import path\n"),
        ("For i in range(3):\n    print(i)\n", "for i in range(3):\n    print(i)\n"),
        ("if a:<br>\n    b()\n", "if a:\n    b()\n"),
        ("**SETTING** = 1\n", "SETTING = 1\n"),
    ],
)
def test_the_edits_engine_finds_the_pasted_habit_undone(py, broken, fixed):
    cands = Repairer(py, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(broken)
    assert fixed in [c.text for c in cands[:5]]
    assert all(py.is_valid(c.text) for c in cands)


def test_the_paste_rules_are_named_and_can_be_switched_off(py):
    names = {"python.repl-prompt", "python.capitalised-keyword", "python.html-break", "python.markdown-bold"}
    assert names <= {r.name for r in py.rules()}
    assert _proposed(py.without(sorted(names)), ">>> For x in y:<br>\n") == []

"""Where the masked repair masks: the named stretches of an error window (pure layout, no model)."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.model_runtime.masked_stretches import (
    fit_stretch,
    open_scope_ends,
    statement_end,
    stretches,
    unclosed_openers,
)
from lastfix.model_runtime.windows import find_window


def _window(text: str, canvas: int = 64):
    grammar = get_grammar("excel")
    tokens = grammar.tokenize(text)
    window = find_window(grammar, text, tokens, grammar.errors(text)[0], canvas - 8)
    return grammar, tokens, window, [t.kind for t in tokens]


def test_open_scope_ends_close_before_an_outer_closer_or_at_the_end():
    assert open_scope_ends(list("f(a(b)"), 0, 6) == [6]  # the outer '(' is never closed
    assert open_scope_ends(list("[a(b]c"), 0, 6) == [4]  # '(' ends where its enclosing '[' closes
    assert open_scope_ends(list("(a)b)"), 0, 5) == []  # a stray closer opens nothing
    assert open_scope_ends(list("x(a(b"), 10, 15) == [15]  # document indices; both end at the end
    assert unclosed_openers(list("f((a,b)"), 0, 7) == [1]  # the stray one of a doubled opener
    assert unclosed_openers(list("[a(b]c"), 0, 6) == [2] and unclosed_openers(list("(a)"), 0, 3) == []


def test_an_openers_stretch_covers_the_bracket_left_open():
    text = "=INDEX(($A$2:$B$25,7-1,1)"
    grammar, tokens, window, symbols = _window(text)
    (at,) = unclosed_openers(symbols, window.first, window.last)
    got = stretches(grammar, text, tokens, window, symbols, ("openers",), (4, 2), (3, 0), 64, 4)
    assert got == [(at - 1, at + 2)]


def test_the_end_stretch_sits_before_the_statement_end_where_a_closer_was_forgotten():
    text = "=IF(A1>0,SUM(A1:A3),MAX(B1,B2)"
    grammar, tokens, window, symbols = _window(text)
    end = statement_end(grammar, text, tokens, window)
    assert end == window.last == len(tokens)
    got = stretches(grammar, text, tokens, window, symbols, ("error", "end"), (4, 2), (3, 0), 64, 4)
    assert got[-1] == (end - 3, end)  # slots in the last three gaps and after the last token
    assert all(window.first <= a <= b <= window.last for a, b in got)
    assert len(got) == len(set(got))


def test_closers_and_end_stretches_are_distinct_bounded_and_fit_the_canvas():
    text = "=SUM(A1,MAX(B1,B2)+" + "+".join(["C1"] * 10)
    grammar, tokens, window, symbols = _window(text)
    anchors = ("error", "end", "closers")
    got = stretches(grammar, text, tokens, window, symbols, anchors, (4, 2), (3, 0), 64, 4)
    assert len(got) == len(set(got)) and 1 <= len(got) <= 4
    assert stretches(grammar, text, tokens, window, symbols, anchors, (4, 2), (3, 0), 64, 1) == got[:1]
    for a, b in stretches(grammar, text, tokens, window, symbols, anchors, (30, 30), (30, 30), 40, 4):
        assert window.size + (b - a + 1) + 1 <= 40
    with pytest.raises(ValueError, match="valid names"):
        stretches(grammar, text, tokens, window, symbols, ("middle",), (4, 2), (3, 0), 64, 4)


def test_fit_stretch_narrows_away_from_its_anchor():
    _, _, window, _ = _window("=" + "+".join(["A1"] * 12) + "+")
    a, b = fit_stretch(window, window.last - 30, window.last, window.last, 40)
    assert b == window.last and window.size + (b - a + 1) + 1 <= 40

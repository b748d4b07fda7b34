"""Bracket matching over real token lists."""

from lastfix.grammars import get_grammar
from lastfix.grammars.brackets import bracket_arguments, closing_bracket, innermost_open, opening_bracket


def test_bracket_arguments_skip_nested_brackets_and_stop_at_the_closer():
    tokens = get_grammar("excel").tokenize("=SUM(A1,MAX(B1,B2),{1,2})+1")
    texts = [[t.text for t in tokens[a:b]] for a, b in bracket_arguments(tokens, 2)]
    assert texts == [["A1"], ["MAX", "(", "B1", ",", "B2", ")"], ["{", "1", ",", "2", "}"]]
    unclosed = get_grammar("excel").tokenize("=SUM(A1,B2")
    assert bracket_arguments(unclosed, 2) == [(3, 4)]  # only what a comma completed


def test_brackets_match_by_kind_both_ways():
    tokens = get_grammar("excel").tokenize("=SUM(A1,{1,2},MAX(B1))")
    texts = [t.text for t in tokens]
    assert closing_bracket(tokens, 2) == len(tokens) - 1
    assert opening_bracket(tokens, len(tokens) - 1) == 2
    assert texts[closing_bracket(tokens, texts.index("{"))] == "}"
    broken = get_grammar("excel").tokenize("=SUM((A1,B1])")
    assert closing_bracket(broken, 3) is None and opening_bracket(broken, 7) is None  # ( ... ]


def test_the_innermost_open_bracket_and_other_pairs():
    ps = get_grammar("powershell")
    tokens = ps.tokenize("$a = @(1, (2 + 3), $(4")
    pairs = {"(": ")", "@(": ")", "$(": ")", "{": "}", "[": "]"}
    assert tokens[innermost_open(tokens, len(tokens), pairs)].text == "$("
    assert tokens[innermost_open(tokens, 5, pairs)].text == "@("  # after '1,'
    assert innermost_open(tokens, 2, pairs) is None
    assert tokens[closing_bracket(tokens, 5, pairs) - 1].text == "3"

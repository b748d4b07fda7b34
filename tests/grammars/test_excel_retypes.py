"""Excel retypes (grammars/excel/retypes.py): a placeholder written over what the user typed keeps their
characters where they read as that placeholder, and is the stand-in elsewhere."""

from __future__ import annotations

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits


def _write(text: str, new: list[str]) -> str:
    grammar = get_grammar("excel")
    tokens = grammar.tokenize(text)
    return apply_edits(text, grammar.edits_for(text, tokens, [t.kind for t in tokens], new))


@pytest.mark.parametrize(
    ("broken", "new", "fixed"),
    [
        ("=SUM(A1:10)", ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")"], "=SUM(A1:A10)"),
        ("=SUM($B$2:7)", ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")"], "=SUM($B$2:$B7)"),
        ('=MIN("$A$1":"$B$1")', ["=", "MIN", "(", "<CELL>", ":", "<CELL>", ")"], "=MIN($A$1:$B$1)"),
        ("=TIMEVALUE(7:00)", ["=", "TIMEVALUE", "(", "<STRING>", ")"], '=TIMEVALUE("7:00")'),
        (
            "=IF(C1<07:00:00,1,0)",
            ["=", "IF", "(", "<CELL>", "<", "<STRING>", ",", "<NUMBER>", ",", "<NUMBER>", ")"],
            '=IF(C1<"07:00:00",1,0)',
        ),
        # the alignment merges the retyped end with the missing ")" into one replacement
        ("=SUM(A1:10", ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")"], "=SUM(A1:A10)"),
        (
            "=SUM(A1:10,,B2)",
            ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ",", "<CELL>", ")"],
            "=SUM(A1:A10,B2)",
        ),
    ],
)
def test_a_retyped_value_keeps_what_was_typed(broken, new, fixed):
    out = _write(broken, new)
    assert out == fixed and get_grammar("excel").is_valid(out)


@pytest.mark.parametrize(
    ("broken", "new", "fixed"),
    [
        # a number that is no range's end, a string that is no range's end or no reference, a row or a
        # cell off the grid, a lone number or name (as likely meant as it stands)
        ("=SUM(10)", ["=", "SUM", "(", "<CELL>", ")"], "=SUM(A1)"),
        ('=SUM("total")', ["=", "SUM", "(", "<CELL>", ")"], "=SUM(A1)"),
        ('=INDIRECT("B2")', ["=", "INDIRECT", "(", "<CELL>", ")"], "=INDIRECT(A1)"),
        ("=SUM(1,2)", ["=", "SUM", "(", "<STRING>", ",", "<NUMBER>", ")"], '=SUM("",2)'),
        (
            "=IF(A1,yes,no)",
            ["=", "IF", "(", "<CELL>", ",", "<STRING>", ",", "<STRING>", ")"],
            '=IF(A1,"","")',
        ),
        ("=SUM(A1:0)", ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")"], "=SUM(A1:A1)"),
        ('=SUM("ZZZ1")', ["=", "SUM", "(", "<CELL>", ")"], "=SUM(A1)"),
        # a bracket or a separator in the span is the formula's own: quoting it would hide the slip
        (
            "=IF(A1=yes),1,0)",
            ["=", "IF", "(", "<CELL>", "=", "<STRING>", ",", "<NUMBER>", ",", "<NUMBER>", ")"],
            None,
        ),
    ],
)
def test_what_does_not_read_as_the_placeholder_gets_its_stand_in(broken, new, fixed):
    out = _write(broken, new)
    if fixed is None:  # the stand-in, wherever the alignment put it; never the typed text quoted
        assert "yes)" not in out and '"yes' not in out
    else:
        assert out == fixed

"""Excel's one-slip rewrites: what they propose, and that the repair engine ranks them as one slip."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.model_runtime.repair import Repairer, RepairSettings


@pytest.fixture(scope="module")
def excel():
    return get_grammar("excel")


def _proposed(grammar, text):
    tokens = grammar.tokenize(text)
    return {apply_edits(text, list(r.edits)): r.cost for r in grammar.rewrites(text, tokens, 0, len(tokens))}


@pytest.mark.parametrize(
    "broken, fixed, cost",
    [
        ("=SUM(A1:10)", "=SUM(A1:A10)", 1.0),
        ("=MAX($D7:37)", "=MAX($D7:$D37)", 1.0),
        ("=SUM(1:B5)", "=SUM(B1:B5)", 1.0),
        ('=MIN(B37:"V37")', "=MIN(B37:V37)", 1.0),
        ('=MIN("$A$1":"$B$1")', "=MIN($A$1:$B$1)", 1.5),  # the same slip twice, undone together
        ("=TIMEVALUE(7:00)", '=TIMEVALUE("7:00")', 1.5),
        ("=IF(C1<07:00:00,1,0)", '=IF(C1<"07:00:00",1,0)', 1.5),
        ('=IF(A2=Refer!A:6,"Y","N")', '=IF(A2=Refer!A6,"Y","N")', 1.0),
        ("=VLOOKUP(Z5,$X$5:$Y:31,2,0)", "=VLOOKUP(Z5,$X$5:$Y31,2,0)", 1.0),
        ('=IF(B3=5. "25")', '=IF(B3=5, "25")', 0.8),
        ('=IF(A1>B1, "Up," "Down")', '=IF(A1>B1, "Up", "Down")', 1.0),
        ("=IF(A2>7;7;A2)", "=IF(A2>7,7,A2)", 1.5),  # one locale habit, shown twice
        ("=SUM(A1;A2;A3;A4)", "=SUM(A1,A2,A3,A4)", 2.0),
        ("=COUNTIF(C2:C25>24)", '=COUNTIF(C2:C25,">24")', 1.5),
        ('=SUMIF(A:A="x",B:B)', '=SUMIF(A:A,"=x",B:B)', 1.5),
        ("=COUNTIFS(C3:C13>= B14, D3:D13<= B15)", '=COUNTIFS(C3:C13,">="&B14, D3:D13,"<="&B15)', 2.0),
        ('=SUMPRODUCT((J3:J9,"a")*(K3:K9,"b"))', '=SUMPRODUCT((J3:J9="a")*(K3:K9="b"))', 1.5),
        ('=IF((C1,"-"),A1,"")', '=IF(C1="-",A1,"")', 1.0),  # a whole argument needs no parentheses
        ('=INDIRECT(B 20&":"&D20)', '=INDIRECT(B20&":"&D20)', 1.0),
        ('=IF(ISBLANK(L6) AND(ISBLANK(K6)), "", 1)', '=IF(AND(ISBLANK(L6),ISBLANK(K6)), "", 1)', 1.0),
        ("=IF(A1>5 OR B1<3, 1, 0)", "=IF(OR(A1>5,B1<3), 1, 0)", 1.0),
        ("=A1>5 AND B1<3", "=AND(A1>5,B1<3)", 1.0),
        ("=IF(A1=>10,1,0)", "=IF(A1>=10,1,0)", 1.0),  # reversed comparisons
        ("=IF(A1=<10,1,0)", "=IF(A1<=10,1,0)", 1.0),
        ("=IF(A1==10,1,0)", "=IF(A1=10,1,0)", 1.0),  # C-family comparisons
        ("=IF(A1!=10,1,0)", "=IF(A1<>10,1,0)", 1.0),
        ('=IF(A1="Yes,1,0)', '=IF(A1="Yes",1,0)', 1.0),  # an unclosed string, before the separator
        ('=A1&"total', '=A1&"total"', 1.0),  # ... or at the end of its line
    ],
)
def test_proposals(excel, broken, fixed, cost):
    assert _proposed(excel, broken).get(fixed) == cost


def test_nothing_to_rewrite_in_ordinary_code(excel):
    assert _proposed(excel, '=SUM(A1:A10)+IF(B2>3,"x",4)') == {}
    assert _proposed(excel, "=SUM(A1 : 10)") == {}  # spaced out: not one slip of the pen
    assert '=TIMEVALUE(1:"00:05")' not in _proposed(excel, "=TIMEVALUE(1:00:05)")  # whole times only
    assert _proposed(excel, "=SUM(1.)+A1*2.") == {}  # a trailing point before ')' or at the end is legal
    assert _proposed(excel, '=IF(A1,"a,",B1)') == {}  # a comma inside quotes before a separator is text
    assert "=VLOOKUP(B1,A2:C34:C2,0)" not in _proposed(excel, "=VLOOKUP(B1,A2:C34:2,0)")  # upside down
    assert "=SUM(B9:B5)" not in _proposed(excel, "=SUM(9:B5)")
    assert _proposed(excel, "=SUMIF(A1+1>2,B:B)") == {}  # a criterion's left side is a range, not a sum
    assert _proposed(excel, "=IF(C2:C25>24,1)") == {}  # only the *IF(S) functions take criteria
    assert _proposed(excel, "=SUM((A1:A3,B1:B3))") == {}  # a union of references is Excel's
    assert _proposed(excel, "=IF(AND(A1,B1),1,0)") == {}  # AND already a function
    assert _proposed(excel, "=SUM(A1 B2)") == {}  # the intersection of two cells: valid
    assert _proposed(excel, "=IF(A1>=10,A1<=2,A1<>3)") == {}  # Excel's own comparisons
    # the text of a sheet reference is split by "&", not closed after the cell
    assert '=SUM(INDIRECT("\'"&E6&"\'!A1"))' not in _proposed(excel, '=SUM(INDIRECT("\'"&E6&"\'!A1))')


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("=SUM(A1:10)", "=SUM(A1:A10)"),
        ('=MIN("$A$1":"$B$1")', "=MIN($A$1:$B$1)"),
        ("=MAX(D7:37)-1", "=MAX(D7:D37)-1"),
        ("=IF(A2>7;7;A2)", "=IF(A2>7,7,A2)"),
        ("=COUNTIF(C2:C25>24)", '=COUNTIF(C2:C25,">24")'),
        ('=IF(ISBLANK(L6) AND(ISBLANK(K6)), "", 1)', '=IF(AND(ISBLANK(L6),ISBLANK(K6)), "", 1)'),
        ('=SUMPRODUCT((J3:J9,"a")*(K3:K9,"b"))', '=SUMPRODUCT((J3:J9="a")*(K3:K9="b"))'),
        ("=IF(A1=>10,1,0)", "=IF(A1>=10,1,0)"),  # not A1>10 nor A1=10: the comparison the user meant
        ("=IF(A1=<10,1,0)", "=IF(A1<=10,1,0)"),
        ("=IF(A1==10,1,0)", "=IF(A1=10,1,0)"),
        ("=IF(A1!=10,1,0)", "=IF(A1<>10,1,0)"),
        ('=IF(A1="Yes,1,0)', '=IF(A1="Yes",1,0)'),  # not =IF(A1=Yes,1,0): the quote closed, not dropped
    ],
)
def test_the_edits_engine_ranks_a_rewrite_as_one_slip(excel, broken, fixed):
    cands = Repairer(excel, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(broken)
    assert cands[0].text == fixed and cands[0].cost <= 2.0
    assert all(excel.is_valid(c.text) for c in cands)

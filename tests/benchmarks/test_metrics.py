"""The scoreboard's metrics on hand-made cases (DESIGN.md "Measuring"), with the real grammars."""

import pytest
from lastfix.benchmarks.metrics import CLOSE_DISTANCE, at_k, judge, latency_summary, pooling
from lastfix.grammars import get_grammar


@pytest.fixture(scope="module")
def excel():
    return get_grammar("excel")


@pytest.fixture(scope="module")
def python():
    return get_grammar("python")


def test_paper_example_execution_equal_is_neither_exact_nor_sketch(excel):
    # Paper 4.1: SUM(A1:A10)/COUNT(A1:A10) and AVERAGE(A1:A10) match in execution, not in sketch.
    j = judge(excel, "=SUM(A1:A10)/COUNT(A1:A10", "=SUM(A1:A10)/COUNT(A1:A10)", "=AVERAGE(A1:A10)")
    assert j.valid and not j.exact and not j.sketch


def test_other_constants_are_a_sketch_match_not_an_exact_one(excel):
    # Paper 4.1: SUM(A1:A5)/COUNT(A1:A5) is a sketch match of SUM(A1:A10)/COUNT(A1:A10).
    j = judge(excel, "=SUM(A1:A10)/COUNT(A1:A10", "=SUM(A1:A10)/COUNT(A1:A10)", "=SUM(A1:A5)/COUNT(A1:A5)")
    assert j.sketch and not j.exact and j.valid


def test_whitespace_does_not_matter_for_exact(excel, python):
    assert judge(excel, "=SUM(A1", "=SUM(A1)", "=SUM( A1 )").exact
    assert judge(python, "x = (1,\n", "x = (1,)\n", "x = (1, )  # done\n").exact


def test_close_is_valid_and_fewer_than_five_token_edits_from_the_broken_input(python):
    broken = "print x\n"
    near = judge(python, broken, "print(x)\n", "print(x)\n")
    assert near.close and near.distance == 2
    far = judge(python, broken, "print(x)\n", "print(x, 1, 2, 3)\n")  # valid but 8 token edits away
    assert far.valid and far.distance >= CLOSE_DISTANCE and not far.close
    invalid = judge(python, broken, "print(x)\n", "print(x\n")
    assert not invalid.valid and not invalid.close and invalid.distance == 1


def test_at_k_counts_a_hit_anywhere_in_the_top_k(excel):
    fixed, broken = "=SUM(A1)", "=SUM(A1"
    wrong, right = judge(excel, broken, fixed, "=SUM(A1,)"), judge(excel, broken, fixed, "=SUM(A1)")
    records = [[wrong, right], [right], []]
    assert at_k(records, "exact", 1) == pytest.approx(1 / 3)
    assert at_k(records, "exact", 2) == pytest.approx(2 / 3)
    assert at_k([], "exact", 1) == 0.0


def test_pooling_any_best_vote():
    # record 1: right only at 0.1; record 2: right at 0.1 and 0.2; record 3: the wrong text wins the vote
    top1 = [
        {0.1: ("a", True), 0.2: ("b", False), 0.3: ("c", False)},
        {0.1: ("a", True), 0.2: ("a", True), 0.3: ("b", False)},
        {0.1: ("x", False), 0.2: ("x", False), 0.3: ("y", True)},
    ]
    p = pooling(top1)
    assert p["any"] == pytest.approx(1.0)
    assert p["best"] == pytest.approx(2 / 3, abs=1e-3)  # level 0.1 is right for records 1 and 2
    assert p["vote"] == pytest.approx(2 / 3, abs=1e-3)  # record 1: three-way tie -> lowest level 'a' (right)
    assert pooling([]) == {"any": None, "best": None, "vote": None}


def test_latency_summary():
    s = latency_summary([10.0, 20.0, 30.0, 40.0, 1000.0])
    assert s["p50"] == 30.0 and s["max"] == 1000.0 and 40.0 < s["p95"] <= 1000.0
    assert latency_summary([]) == {"p50": None, "p95": None, "max": None}

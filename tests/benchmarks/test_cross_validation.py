"""Cross-validated figures: folds by record id, the learned ranking fitted on pools, recall, rule gains."""

import json

from lastfix.benchmarks.cross_validation import (
    PoolRecord,
    cross_validated_ranking,
    fold_of,
    recall_figures,
)
from lastfix.benchmarks.metrics import Judgement
from lastfix.benchmarks.ranker_fit import Pool, fit_weights, rank_pool, top1_hits

from lastfix.cli import main

_RIGHT = Judgement(True, True, True, True, 1)
_WRONG = Judgement(False, False, True, True, 1)


def _record(n: int, right_at_end: bool) -> PoolRecord:
    """A pool of two: an edit in the middle (engine's first) and one at the end; one of them is right."""
    feats = ({"ins@after1": 1.0, "cost": 1.0}, {"ins@eol": 1.0, "cost": 1.2})
    judged = (_WRONG, _RIGHT) if right_at_end else (_RIGHT, _WRONG)
    return PoolRecord(f"r{n}", feats, judged, (frozenset({"search"}),) * 2, ((0,), (1,)))


def test_folds_depend_on_the_id_alone():
    ids = [f"excel-{n}" for n in range(200)]
    folds = [fold_of(i, 5) for i in ids]
    assert folds == [fold_of(i, 5) for i in reversed(ids)][::-1]  # order does not matter
    assert set(folds) == set(range(5)) and max(folds.count(f) for f in range(5)) < 60


def test_the_fit_learns_what_people_fix_and_cross_validation_holds_it_out():
    # people forget the last closer: 80% of the right fixes are at the end, the engine puts the middle first
    records = [_record(n, n % 5 != 0) for n in range(100)]
    pools = [r.pool("sketch") for r in records]
    assert top1_hits(pools, {}) == 20  # the engine's own order
    weights = fit_weights(pools, l2=1.0)
    assert weights["ins@eol"] > weights.get("ins@after1", 0.0)
    assert top1_hits(pools, weights) == 80
    block = cross_validated_ranking(records, "excel", folds=5, k=1)
    assert block["label"] == "sketch"
    assert block["cv"]["sketch@1"] == 0.8 and block["in_sample"]["sketch@1"] == 0.8
    figures = recall_figures(records, k=1)
    assert figures["sketch"] == {"recall": 1.0, "at1": 0.2, "atk": 0.2, "at1_given_recall": 0.2}


def test_ties_keep_the_engines_order_and_uninformative_pools_teach_nothing():
    pool = Pool(({"a": 1.0}, {"a": 1.0}), (False, True))
    assert rank_pool(pool, {"a": 2.0}) == [0, 1]
    all_right, none_right = Pool(({"a": 1.0},), (True,)), Pool(({"b": 1.0}, {"c": 1.0}), (False, False))
    assert fit_weights([all_right, none_right], 1.0) == {}


def test_a_rule_stays_where_its_candidates_are_right_and_a_one_record_rule_earns_nothing_held_apart():
    def rec(n: int, rule: str) -> PoolRecord:
        feats = ({"cost": 1.0}, {"cost": 2.0})
        rules = (frozenset({"search"}), frozenset({rule}))
        return PoolRecord(f"r{n}", feats, (_WRONG, _RIGHT), rules, ((0,), (1,)))

    # a rule right on 20 records, a rule right on one, a rule that is never right
    records = [rec(n, "excel.general") for n in range(20)] + [rec(20, "excel.one-record")]
    wrong = PoolRecord(
        "r21",
        ({"cost": 1.0}, {"cost": 2.0}),
        (_RIGHT, _WRONG),
        (frozenset({"search"}), frozenset({"excel.never"})),
        ((0,), (1,)),
    )
    block = cross_validated_ranking([*records, wrong], "excel", folds=4, k=1)
    rules = block["rules"]
    assert rules["excel.general"]["kept_in_folds"] == 4 and rules["excel.general"]["cv_gain"] == 20
    assert rules["excel.one-record"]["kept_in_folds"] == 3 and rules["excel.one-record"]["cv_gain"] == 0
    assert rules["excel.never"]["kept_in_folds"] == 0
    assert block["dropped_rules"] == ["excel.never", "excel.one-record"]
    # held apart the one-record rule's record is lost (no training side saw the rule help), and the
    # shipped configuration without that rule loses it in-sample too: the two figures agree
    assert block["cv"]["sketch@1"] == round(21 / 22, 4) == block["in_sample"]["sketch@1"]


def test_bench_folds_reports_cross_validated_figures_and_writes_a_ranker(shared, tmp_path, capsys):
    out, ranker = tmp_path / "excel.json", tmp_path / "ranker.json"
    data = str(shared / "benchmarks/excel/dev.jsonl")
    args = ["bench", "--lang", "excel", "--data", data, "--limit", "12", "--threads", "1", "--out", str(out)]
    assert main([*args, "--engine", "edits", "--write-ranker", str(ranker)]) == 2  # needs --folds
    assert main([*args, "--engine", "edits", "--folds", "3"]) == 0
    report = json.loads(out.read_text())
    cv = report["cross_validated"]
    assert cv["folds"] == 3 and cv["label"] == "sketch" and set(cv["cv"]) >= {"sketch@1", "exact@1"}
    assert report["recall"]["sketch"]["recall"] >= report["metrics"]["sketch@k"]
    assert "learned ranking (sketch, 3 folds)" in capsys.readouterr().out
    assert main([*args, "--engine", "hybrid", "--folds", "3", "--write-ranker", str(ranker)]) == 0
    written = json.loads(ranker.read_text())
    assert written["fitted"]["records"] == 12 and written["fitted"]["language"] == "excel"
    # the ranking that cross-validated better: learned weights, or none (the hand-set score stays)
    assert written["fitted"]["ranking"] == ("learned" if written["weights"] else "hand-set")
    assert isinstance(written["without_rules"], list)
    assert all(isinstance(v, float) for v in written["weights"].values())

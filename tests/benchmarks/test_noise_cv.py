"""The noise table cross-validated: a level per error size fitted on K-1 folds against one fixed level."""

import json
import random

import pytest
from lastfix.benchmarks.cross_validation import fold_of
from lastfix.benchmarks.noise_cv import best_fixed_level, noise_cv_lines, noise_table_cv, table_hits
from lastfix.model_runtime.noise_table import DEFAULT_NOISE, SWEEP_LEVELS

from lastfix.cli import main
from lastfix.cli.bench import format_table


def _right_at(*levels: float) -> dict[float, bool]:
    """A sweep row: right exactly at ``levels``."""
    return {lv: lv in levels for lv in SWEEP_LEVELS}


def _ids_in(fold: int, count: int, folds: int = 2, start: int = 0) -> list[str]:
    """``count`` record ids that fall in ``fold`` (folds are a hash of the id)."""
    out, n = [], start
    while len(out) < count:
        if fold_of(f"r{n}", folds) == fold:
            out.append(f"r{n}")
        n += 1
    return out


def test_table_hits_reads_the_level_for_each_size():
    table = {"buckets": [[1, 0.1], [4, 0.5]], "default": 0.7}
    outcomes = [(1, _right_at(0.1)), (3, _right_at(0.1)), (3, _right_at(0.5)), (9, _right_at(0.7))]
    assert table_hits(table, outcomes) == 3  # the size-3 record right only at 0.1 gets 0.5
    assert table_hits(None, outcomes) == 0  # no table: the default level 0.3 repaired none of them
    # a hand-written table's level need not be the swept float bit for bit; an unswept level is wrong
    assert table_hits({"buckets": [], "default": 0.1 + 0.2}, [(1, _right_at(0.3))]) == 1
    assert table_hits({"buckets": [], "default": 0.35}, [(1, _right_at(0.3))]) == 0


def test_best_fixed_level_prefers_less_noise_on_a_tie_and_falls_back_when_nothing_repairs():
    outcomes = [(1, _right_at(0.2, 0.6)), (5, _right_at(0.6)), (2, _right_at(0.2))]
    assert best_fixed_level(outcomes) == 0.2  # 0.2 and 0.6 both repair two: the lower noise
    assert best_fixed_level([(1, _right_at())]) == DEFAULT_NOISE
    assert best_fixed_level([]) == DEFAULT_NOISE


def test_a_table_that_holds_across_folds_beats_one_fixed_level():
    # small errors repaired from little noise, large ones need more (paper fig. 5-6), in both folds
    a, c = _ids_in(0, 2)
    b, d = _ids_in(1, 2)
    ids = [a, b, c, d]
    outcomes = [(1, _right_at(0.1)), (1, _right_at(0.1)), (8, _right_at(0.7)), (8, _right_at(0.7))]
    block = noise_table_cv(outcomes, ids, folds=2)
    assert block["table"]["cv"] == 1.0 and block["table"]["in_sample"] == 1.0
    assert block["table"]["learned"]["buckets"] == [[1, 0.1], [2, 0.1], [4, 0.1], [8, 0.7]]
    # each training side ties 0.1 and 0.7 and takes 0.1: the held small error is right, the large one not
    assert block["best_fixed"] == {"cv": 0.5, "in_sample": 0.5, "level": 0.1, "per_fold": [0.1, 0.1]}
    assert block["table_minus_fixed_cv"] == 0.5
    assert block["fixed"]["0.1"] == 0.5 and block["fixed"]["0.7"] == 0.5 and block["fixed"]["0.3"] == 0.0
    assert [t["held"] for t in block["table"]["per_fold"]] == [2, 2]
    assert block["sizes"] == {"<=1": 2, "<=2": 0, "<=4": 0, "<=8": 2, ">8": 0}
    assert block["right_by_size"]["<=1"]["0.1"] == 2 and block["right_by_size"]["<=8"]["0.1"] == 0
    assert block["right_by_size"]["<=8"]["0.7"] == 2 and sum(block["right_by_size"][">8"].values()) == 0
    assert block["n"] == 4 and block["folds"] == 2 and "shipped" not in block


def test_a_table_fitted_on_noise_flatters_in_sample_and_cross_validation_shows_it():
    # each record's right level is its own: the in-sample table finds some, the held-apart fold none
    a, c = _ids_in(0, 2)
    b, d = _ids_in(1, 2)
    ids = [a, c, b, d]
    outcomes = [(1, _right_at(0.1)), (8, _right_at(0.7)), (1, _right_at(0.9)), (8, _right_at(0.3))]
    block = noise_table_cv(outcomes, ids, folds=2)
    assert block["table"]["in_sample"] == 0.5  # ties go to the lower level: 0.1 for size 1, 0.3 for size 8
    assert block["table"]["cv"] == 0.0
    assert block["best_fixed"]["cv"] == 0.0


def test_the_figures_do_not_depend_on_record_order():
    rng = random.Random(7)
    rows = [
        (rng.choice([1, 2, 3, 5, 9, 14]), _right_at(*rng.sample(SWEEP_LEVELS, rng.randint(0, 3))))
        for _ in range(60)
    ]
    ids = [f"excel-{n}" for n in range(60)]
    block = noise_table_cv(rows, ids, folds=5)
    order = list(range(60))
    rng.shuffle(order)
    shuffled = noise_table_cv([rows[i] for i in order], [ids[i] for i in order], folds=5)
    assert shuffled == block
    assert 0.0 <= block["table"]["cv"] <= 1.0 and sum(t["held"] for t in block["table"]["per_fold"]) == 60


def test_the_shipped_table_is_scored_on_every_record():
    shipped = {"buckets": [[1, 0.1], [3, 0.2], [6, 0.3]], "default": 0.5}  # Python's, bounds of its own
    outcomes = [(1, _right_at(0.1)), (3, _right_at(0.2)), (5, _right_at(0.1)), (20, _right_at(0.5))]
    block = noise_table_cv(outcomes, ["a", "b", "c", "d"], folds=2, shipped=shipped)
    assert block["shipped"] == {"table": shipped, "in_sample": 0.75}


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="2 outcomes for 1 ids"):
        noise_table_cv([(1, _right_at(0.1))] * 2, ["a"], folds=2)
    with pytest.raises(ValueError, match="at least 2 folds"):
        noise_table_cv([(1, _right_at(0.1))], ["a"], folds=1)


def test_the_one_screen_table_shows_the_noise_table_line():
    a, c = _ids_in(0, 2)
    b, d = _ids_in(1, 2)
    outcomes = [(1, _right_at(0.1)), (1, _right_at(0.1)), (8, _right_at(0.7)), (8, _right_at(0.7))]
    cv = noise_table_cv(outcomes, [a, b, c, d], folds=2, shipped={"buckets": [], "default": 0.5})
    lines = noise_cv_lines(cv)
    assert "learned 1.000 cross-validated, 1.000 in-sample" in lines[0]
    assert "best fixed level 0.500 cross-validated (0.1 on all: 0.500)" in lines[0]
    assert "shipped table 0.000 in-sample" in lines[0]
    assert lines[1].strip() == "learned table: <=1:0.1, <=2:0.1, <=4:0.1, <=8:0.7, else 0.1"
    metrics = dict.fromkeys(("exact@1", "exact@k", "sketch@1", "sketch@k", "valid@1", "close@1"), 0.0)
    block = {"metrics": {**metrics, "no_candidate": 0.0}, "latency_ms": {"p50": 1, "p95": 2}}
    report = {"lang": "excel", "n": 4, "k": 5, "engine": "diffusion", **block, "noise_table_cv": cv}
    screen = format_table(report)
    assert lines[0] in screen and lines[1] in screen


@pytest.mark.slow
def test_bench_sweep_with_folds_reports_the_noise_table_cross_validated(shared, tmp_path, capsys):
    out = tmp_path / "excel.json"
    argv = ["bench", "--lang", "excel", "--data", str(shared / "benchmarks/excel/dev.jsonl")]
    argv += ["--engine", "diffusion", "--noise", "sweep", "--folds", "2", "--limit", "3", "--seeds", "2"]
    rc = main([*argv, "--budget-ms", "300", "--threads", "1", "--out", str(out)])
    assert rc == 0
    block = json.loads(out.read_text())["noise_table_cv"]
    assert block["n"] == 3 and block["folds"] == 2
    assert sorted(block["fixed"]) == [f"0.{i}" for i in range(1, 10)]
    assert "buckets" in block["shipped"]["table"]  # the shipped Excel model's own table, scored beside
    assert "noise table (sketch@1, 2 folds)" in capsys.readouterr().out

"""``lastfix bench``, ``report`` and ``calibrate`` end to end on the dev benchmarks (real engine, files)."""

import json
import shutil

import pytest

from lastfix.cli import main
from lastfix.cli.bench import format_table
from tests.model_training.tiny_model import tiny_excel_model

_METRICS = {
    "exact@1",
    "exact@k",
    "sketch@1",
    "sketch@k",
    "valid@1",
    "close@1",
    "close@k",
    "no_candidate",
    "capped",
}


def test_bench_edits_writes_the_scoreboard_and_report_renders_it(shared, tmp_path, capsys):
    out = tmp_path / "excel.json"
    rc = main(
        [
            "bench",
            "--lang",
            "excel",
            "--data",
            str(shared / "benchmarks/excel/dev.jsonl"),
            "--engine",
            "edits",
            "--limit",
            "6",
            "-k",
            "3",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    report = json.loads(out.read_text())
    assert report["lang"] == "excel" and report["n"] == 6 and report["k"] == 3 and report["model"] is None
    assert set(report["metrics"]) == _METRICS and set(report["latency_ms"]) == {"p50", "p95", "max"}
    m = report["metrics"]
    assert 0 <= m["exact@1"] <= m["exact@k"] <= 1 and m["exact@1"] <= m["sketch@1"] <= m["sketch@k"]
    assert m["close@1"] <= m["valid@1"]
    assert report["pooling"] == {"any": None, "best": None, "vote": None}  # needs --noise sweep
    for f in report["failures"]:
        assert set(f) == {"id", "broken", "expected", "got"}
    # every record's top-1 repair, its time and the rules that made it
    records = report["records"]
    assert [r["id"] for r in records] == [f"excel-{n}" for n in range(200, 206)]
    for r in records:
        assert set(r) == {"id", "top1", "ms", "rules", "capped"} and r["ms"] >= 0
        assert r["rules"] == sorted(r["rules"]) and (r["top1"] is None) == (r["rules"] == [])
    assert any(r["rules"] for r in records)
    assert "edits" in capsys.readouterr().out  # the one-screen table

    md = tmp_path / "excel.md"
    assert main(["report", "--lang", "excel", str(out), "--out", str(md)]) == 0
    text = md.read_text()
    assert "LaMirage (paper) | 0.690" in text and "GPT-4o + RING prompt (paper) | 0.680" in text
    assert f"**{m['sketch@1']:.3f}**" in text


def test_bench_switches_named_rules_off(shared, tmp_path, capsys):
    from lastfix.benchmarks.bench import BenchSettings, bench_engine
    from lastfix.grammars import get_grammar

    off = BenchSettings(without_rules=frozenset({"excel.semicolon-separators"}))
    engine = bench_engine(get_grammar("excel"), None, "edits", off)
    assert engine.search.edits.without_rules == off.without_rules  # type: ignore[attr-defined]

    def named_rules(*extra: str) -> set[str]:
        out = tmp_path / "r.json"
        args = ["bench", "--lang", "excel", "--data", str(shared / "benchmarks/excel/dev.jsonl")]
        assert main([*args, "--engine", "edits", "--limit", "6", "--out", str(out), *extra]) == 0
        return {n for r in json.loads(out.read_text())["records"] for n in r["rules"]} - {"search"}

    used = named_rules()
    assert used  # the top-1 repairs of the first records come from named rules
    rule = sorted(used)[0]
    assert rule not in named_rules("--without-rule", rule)
    bad = [
        "bench",
        "--lang",
        "excel",
        "--data",
        str(shared / "benchmarks/excel/dev.jsonl"),
        "--engine",
        "edits",
    ]
    bad += ["--out", str(tmp_path / "bad.json"), "--without-rule", "excel.no-such-rule"]
    assert main(bad) == 2
    err = capsys.readouterr().err
    assert "excel.no-such-rule" in err and rule in err  # the unknown name, and the valid ones


def test_bench_refuses_model_engines_without_a_model(shared, tmp_path, capsys):
    rc = main(
        [
            "bench",
            "--lang",
            "excel",
            "--data",
            str(shared / "benchmarks/excel/dev.jsonl"),
            "--engine",
            "hybrid",
            "--model",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "r.json"),
        ]
    )
    assert rc == 2 and "lastfix export" in capsys.readouterr().err


def test_bench_rejects_a_malformed_benchmark(tmp_path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"id": 1, "broken": "=SUM("}\n')
    rc = main(
        [
            "bench",
            "--lang",
            "excel",
            "--data",
            str(data),
            "--engine",
            "edits",
            "--out",
            str(tmp_path / "r.json"),
        ]
    )
    assert rc == 2 and "bad.jsonl:1" in capsys.readouterr().err


@pytest.mark.slow
def test_sweep_all_engines_plots_and_calibrate(shared, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_excel_model(shared).model_dir, model)
    data = str(shared / "benchmarks/excel/dev.jsonl")
    out, plots = tmp_path / "all.json", tmp_path / "plots"
    rc = main(
        [
            "bench",
            "--lang",
            "excel",
            "--data",
            data,
            "--engine",
            "all",
            "--noise",
            "sweep",
            "--limit",
            "3",
            "--budget-ms",
            "300",
            "--seeds",
            "2",
            "--model",
            str(model),
            "--out",
            str(out),
            "--plots",
            str(plots),
        ]
    )
    assert rc == 0
    report = json.loads(out.read_text())
    assert set(report["engines"]) == {"diffusion", "edits", "hybrid"}
    assert report["model"]["params"] > 0 and len(report["model"]["sha256"]) == 64
    diffusion = report["engines"]["diffusion"]
    assert sorted(diffusion["by_noise"]) == [f"0.{i}" for i in range(1, 10)]
    assert (
        diffusion["pooling"]["any"] is not None
        and diffusion["pooling"]["best"] <= diffusion["pooling"]["any"]
    )
    assert report["engines"]["edits"]["by_noise"] == {}
    assert (plots / "excel-fig5-noise.png").stat().st_size > 1000
    assert (plots / "excel-fig6-band.png").stat().st_size > 1000
    assert "hybrid" in format_table(report)

    rc = main(
        [
            "calibrate",
            "--lang",
            "excel",
            "--data",
            data,
            "--limit",
            "3",
            "--budget-ms",
            "300",
            "--model",
            str(model),
            "--in-place",
        ]
    )
    assert rc == 0
    table = json.loads((model / "config.json").read_text())["noise_table"]
    assert [b[0] for b in table["buckets"]] == [1, 2, 4, 8]
    assert all(0 < b[1] < 1 for b in table["buckets"]) and 0 < table["default"] < 1


def test_rule_figures_count_fired_top1_and_right_top1():
    from lastfix.benchmarks.bench import RecordResult, rule_figures
    from lastfix.benchmarks.metrics import Judgement

    right = Judgement(exact=True, sketch=True, valid=True, close=True, distance=1)
    wrong = Judgement(exact=False, sketch=False, valid=True, close=True, distance=2)
    results = [
        RecordResult(
            "a",
            ("x", "y"),
            (None, None),
            (right, wrong),
            1.0,
            ("excel.decimal-comma",),
            ("excel.decimal-comma", "search"),
        ),
        RecordResult("b", ("z",), (None,), (wrong,), 1.0, ("search",), ("search",)),
        RecordResult("c", (), (), (), 1.0, (), ()),
    ]
    assert rule_figures(results) == {
        "excel.decimal-comma": {"fired": 1, "top1": 1, "top1_exact": 1, "top1_sketch": 1},
        "search": {"fired": 2, "top1": 1, "top1_exact": 0, "top1_sketch": 0},
    }


@pytest.mark.slow
def test_all_engines_include_the_masked_model_when_the_model_ships_one(shared, tmp_path):
    from tests.model_training.test_masked_train import tiny_masked_model

    model = tmp_path / "model"
    shutil.copytree(tiny_excel_model(shared).model_dir, model)
    shutil.copytree(tiny_masked_model().model_dir, model / "masked")
    out = tmp_path / "all.json"
    args = ["bench", "--lang", "excel", "--data", str(shared / "benchmarks/excel/dev.jsonl")]
    args += ["--engine", "all", "--limit", "2", "--seeds", "2", "--model", str(model), "--out", str(out)]
    assert main(args) == 0
    report = json.loads(out.read_text())
    assert set(report["engines"]) == {"diffusion", "edits", "hybrid", "masked"}
    masked = report["engines"]["masked"]
    assert set(masked["metrics"]) == _METRICS and 0.0 <= masked["metrics"]["valid@1"] <= 1.0
    assert "masked" in format_table(report)

"""``lastfix bench --engine seq2seq``: the one-shot model scored by the same harness as the other engines."""

import json

import pytest

from lastfix.cli import main
from tests.model_training.seq2seq_tiny import tiny_seq2seq

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_seq2seq(shared)


def test_bench_engine_seq2seq_scores_the_model(tiny, tmp_path, capsys):
    data = tmp_path / "bench.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": f"t{i}", "broken": b, "fixed": f}) + "\n" for i, (b, f) in enumerate(tiny.pairs)
        )
    )
    out = tmp_path / "report.json"
    assert (
        main(
            [
                "bench",
                "--lang",
                "excel",
                "--data",
                str(data),
                "--engine",
                "seq2seq",
                "--model",
                str(tiny.directory),
                "--out",
                str(out),
                "-k",
                "3",
            ]
        )
        == 0
    )
    report = json.loads(out.read_text())
    assert report["engine"] == "seq2seq" and report["n"] == len(tiny.pairs)
    assert report["model"]["params"] > 0 and len(report["model"]["sha256"]) == 64
    m = report["metrics"]
    assert m["exact@1"] >= 0.7 and m["valid@1"] >= m["exact@1"] and m["exact@k"] >= m["exact@1"]
    assert report["latency_ms"]["p50"] is not None
    assert "seq2seq" in capsys.readouterr().out


def test_bench_engine_seq2seq_needs_a_model(tmp_path, shared, capsys):
    dev = shared / "benchmarks" / "excel" / "dev.jsonl"
    assert (
        main(
            [
                "bench",
                "--lang",
                "excel",
                "--data",
                str(dev),
                "--engine",
                "seq2seq",
                "--out",
                str(tmp_path / "r.json"),
            ]
        )
        == 2
    )
    assert "--model DIR" in capsys.readouterr().err

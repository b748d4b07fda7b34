"""Training curves: the log lines `lastfix train-seq2seq` writes become a table row and a PNG."""

import json

import pytest
from lastfix.benchmarks.training_curves import main, read_curve

LOG = """2026-11-24 10:25:25,396 step=50 loss=2.5000 pairs/s=132
2026-11-24 10:25:49,089 step=100 loss=0.7115 pairs/s=133
2026-11-24 10:46:04,603 done {'steps': 100}
"""


def _run(tmp_path, name, metrics):
    run = tmp_path / name
    run.mkdir()
    (run / "train.log").write_text(LOG, encoding="utf-8")
    (run / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    return run


def test_curve_table_and_png(tmp_path, capsys):
    a = _run(tmp_path, "a", {"steps": 100, "samples_per_s": 133, "token_acc": 0.9, "exact": 0.5})
    b = _run(tmp_path, "b", {"steps": 100, "samples_per_s": 120, "token_acc": 0.8, "exact": 0.25})
    assert read_curve(a) == [(50, 2.5), (100, 0.7115)]
    png = tmp_path / "curves.png"
    assert main([str(a), str(b), "--labels", "rules", "diffusion", "--png", str(png)]) == 0
    out = capsys.readouterr().out
    assert "| rules | 100 | 133 | 0.712 | 0.900 | 0.500 |" in out and "| diffusion |" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_directory_without_a_log_is_named(tmp_path):
    with pytest.raises(SystemExit, match="no training log"):
        read_curve(tmp_path)

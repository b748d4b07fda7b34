"""The reconstruction report reads the last evaluation of a run and draws it."""

import json

from lastfix.benchmarks.reconstruction import last_reconstruction, main


def test_last_evaluation_by_noise_level_table_and_png(tmp_path, capsys):
    run = tmp_path / "excel-pre"
    run.mkdir()
    rows = [
        {"step": 10, "stage": "pretrain", "exact@0.1": 0.5, "exact@0.3": 0.25},
        {"step": 20, "stage": "pretrain", "loss": 1.0},
        {"step": 30, "stage": "pretrain", "exact@0.1": 0.9, "exact@0.3": 0.75},
    ]
    (run / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert last_reconstruction(run) == (30, {0.1: 0.9, 0.3: 0.75})
    assert main([str(run), "--png", str(tmp_path / "r.png")]) == 0
    out = capsys.readouterr().out
    assert "| excel-pre | 30 | 0.900 | 0.750 |" in out
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"

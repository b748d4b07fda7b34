"""``python -m lastfix.model_training.export_check`` on the real tiny model: three engines, same noise."""

import json

import pytest
from lastfix.model_training.export_check import main

from tests.model_training.tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow


def test_compares_eager_fp32_and_int8_on_held_apart_snippets(shared, tmp_path, capsys):
    tiny = tiny_excel_model(shared)
    corpus = tmp_path / "formulas.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in tiny.held_apart * 6), encoding="utf-8")
    assert (
        main(["--checkpoint", str(tiny.checkpoint), "--corpus", str(corpus), "--work", str(tmp_path / "w")])
        == 0
    )
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert {"torch eager", "onnx fp32", "onnx int8"} <= set(rows)
    for name in ("torch eager", "onnx fp32"):
        cells = [float(c) for c in rows[name].strip("| \n").split("|")[1:6]]
        assert all(0.0 <= c <= 1.0 for c in cells)
    # fp32 ONNX decodes what eager PyTorch decodes from the same noise (the parity test's promise, here on
    # whole reconstruction rates)
    assert rows["torch eager"].split("|")[2:7] == rows["onnx fp32"].split("|")[2:7]
    assert "x eager PyTorch per step" in out
    assert (tmp_path / "w" / "int8" / "denoiser.onnx").is_file()

"""``lastfix calibrate`` writes a new model folder unless told ``--in-place``: no model changes unasked."""

import hashlib
import json
import shutil

import pytest
from lastfix.model_runtime.model_resolver import shipped_model_dir

from lastfix.cli import main
from tests.model_training.tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow


def _digest(folder):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def _calibrate(shared, *extra):
    data = str(shared / "benchmarks/excel/dev.jsonl")
    return main(
        ["calibrate", "--lang", "excel", "--data", data, "--limit", "1", "--budget-ms", "100", *extra]
    )


def test_the_table_goes_into_a_new_folder_and_the_model_stays(shared, tmp_path, monkeypatch, capsys):
    model = tmp_path / "model"
    shutil.copytree(tiny_excel_model(shared).model_dir, model)
    before = _digest(model)
    monkeypatch.chdir(tmp_path)
    assert _calibrate(shared, "--model", str(model)) == 0
    assert _digest(model) == before
    copy = tmp_path / "calibrated-models" / "excel"
    config = json.loads((copy / "config.json").read_text())
    assert [b[0] for b in config["noise_table"]["buckets"]] == [1, 2, 4, 8]
    assert {k: v for k, v in _digest(copy).items() if k != "config.json"} == {
        k: v for k, v in before.items() if k != "config.json"
    }
    err = capsys.readouterr().err
    assert f"calibrated model written to {copy.relative_to(tmp_path)}" in err and "is unchanged" in err
    assert "point lastfix.modelDir at calibrated-models" in err  # a folder of <language>/ folders

    # the same folder again: refused before minutes of sweeping, the earlier result kept
    assert _calibrate(shared, "--model", str(model)) == 2
    assert "already exists" in capsys.readouterr().err

    assert _calibrate(shared, "--model", str(model), "--out", str(tmp_path / "mine")) == 0
    assert (tmp_path / "mine" / "config.json").is_file() and _digest(model) == before
    # "mine" is no language: lastfix.modelDir reaches it by the {language: folder} form only
    err = capsys.readouterr().err
    assert "point lastfix.modelDir" not in err
    assert f'set lastfix.modelDir to {{"excel": "{tmp_path / "mine"}"}}' in err

    assert _calibrate(shared, "--model", str(model), "--dry-run") == 0
    assert _digest(model) == before and "nothing written" in capsys.readouterr().err

    assert _calibrate(shared, "--model", str(model), "--in-place") == 0
    assert "noise_table" in json.loads((model / "config.json").read_text())
    assert "written in place" in capsys.readouterr().err


def test_the_shipped_model_is_never_rewritten_without_in_place(shared, tmp_path, monkeypatch):
    shipped = shipped_model_dir("excel")
    if not (shipped / "config.json").is_file():
        pytest.skip("no Excel model is shipped in this checkout")
    before = _digest(shipped)
    monkeypatch.chdir(tmp_path)
    assert _calibrate(shared) == 0
    assert _digest(shipped) == before
    assert (tmp_path / "calibrated-models" / "excel" / "denoiser.onnx").is_file()


def test_in_place_out_and_dry_run_exclude_each_other(shared, capsys):
    with pytest.raises(SystemExit):
        _calibrate(shared, "--in-place", "--dry-run")
    assert "not allowed with" in capsys.readouterr().err

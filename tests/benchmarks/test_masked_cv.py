"""The masked model's repair settings chosen by cross-validation: the selection and its command line."""

import json
import shutil

import pytest
from lastfix.benchmarks.masked_cv import SHIPPED, choose_by_cv, main, masked_cv_label, write_choice

from tests.benchmarks.test_noise_cv import _ids_in
from tests.model_training.test_masked_train import tiny_masked_model


def _rows(rights: list[bool]) -> list[dict[str, bool]]:
    return [{"sketch@1": r, "sketch@5": r, "valid@1": True} for r in rights]


def test_a_setting_that_wins_only_in_sample_loses_cross_validated():
    ids = _ids_in(0, 6) + _ids_in(1, 6)
    # steady: right on 4 of every 6; lucky: right on all of fold 0 and half of fold 1 (more in all)
    table = {
        "steady": _rows([True] * 4 + [False] * 2 + [True] * 4 + [False] * 2),
        "lucky": _rows([True] * 6 + [True] * 3 + [False] * 3),
    }
    report = choose_by_cv(table, ids, 2, "sketch@1")
    assert report["chosen"] == "lucky" and report["in_sample"]["sketch@1"] == 0.75
    assert report["alone"] == {
        "steady": {"sketch@1": 0.6667, "sketch@5": 0.6667, "valid@1": 1.0},
        "lucky": {"sketch@1": 0.75, "sketch@5": 0.75, "valid@1": 1.0},
    }
    # held fold 0: fold 1 chose steady (4 > 3) -> 4 right; held fold 1: fold 0 chose lucky -> 3 right
    assert [f["chosen"] for f in report["per_fold"]] == ["steady", "lucky"]
    assert report["cv"]["sketch@1"] == round(7 / 12, 4) < report["alone"]["steady"]["sketch@1"]
    # a tie goes to the earlier setting of the grid
    assert (
        choose_by_cv({"a": _rows([True, False]), "b": _rows([False, True])}, ["x", "y"], 2, "sketch@1")[
            "chosen"
        ]
        == "a"
    )
    with pytest.raises(ValueError, match="records"):
        choose_by_cv({"a": _rows([True])}, ["x", "y"], 2, "sketch@1")


def test_the_label_is_close_for_python_and_sketch_elsewhere():
    assert masked_cv_label("python") == "close@1"
    assert masked_cv_label("excel") == masked_cv_label("powershell") == "sketch@1"


def test_the_command_line_runs_a_grid_on_three_records_and_writes_only_a_gain(tmp_path, capsys):
    model = tmp_path / "masked"
    shutil.copytree(tiny_masked_model().model_dir, model)
    data = tmp_path / "dev.jsonl"
    records = [
        {"id": "a", "broken": "=SUM(A1:A3", "fixed": "=SUM(A1:A3)"},
        {"id": "b", "broken": "=MAX(B1,B2", "fixed": "=MAX(B1,B2)"},
        {"id": "c", "broken": "=IF(A1>0,,", "fixed": "=IF(A1>0,1,0)"},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "report.json"
    grid = ["--grid", 'end={"anchors": ["error", "end"], "samples": 4}', "--grid", 'few={"samples": 2}']
    argv = ["--lang", "excel", "--data", str(data), "--folds", "2", "--model", str(model), "--out", str(out)]
    assert main([*argv, *grid, "--write"]) == 0
    report = json.loads(out.read_text())
    assert list(report["alone"]) == [SHIPPED, "end", "few"] and report["n"] == 3
    assert report["grid"]["end"] == {"anchors": ["error", "end"], "samples": 4}
    assert set(report["cv"]) == {"sketch@1", "sketch@5", "close@1", "exact@1", "valid@1"}
    assert all(0.0 <= v <= 1.0 for v in report["cv"].values()) and len(report["per_fold"]) == 2
    assert set(report["latency_ms"]) == {SHIPPED, "end", "few"}
    config = json.loads((model / "config.json").read_text())
    gained = report["cv"]["sketch@1"] > report["alone"][SHIPPED]["sketch@1"]
    assert report["written"] == (gained and report["chosen"] != SHIPPED)
    if report["written"]:
        assert config["repair_cv"]["setting"] == report["chosen"]
        assert {k: v for k, v in config["repair"].items() if k != "length_credit"} == report["grid"][
            report["chosen"]
        ]
    else:
        assert "repair_cv" not in config
    assert "cv" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*argv, "--grid", 'bad={"anchor": 1}'])


def test_writing_a_choice_keeps_the_length_credit_and_replaces_an_older_choice(tmp_path):
    (tmp_path / "config.json").write_text(
        json.dumps({"kind": "masked", "repair": {"length_credit": 1.2, "rounds": 3}})
    )
    write_choice(tmp_path, {"anchors": ["error", "end"]}, {"setting": "end", "cv": 0.2})
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["repair"] == {"length_credit": 1.2, "anchors": ["error", "end"]}
    assert config["repair_cv"] == {"setting": "end", "cv": 0.2} and config["kind"] == "masked"

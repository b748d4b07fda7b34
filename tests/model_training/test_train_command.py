"""``lastfix train`` / ``lastfix export`` end to end on a few hundred real formulas; DDP under torchrun."""

import json
import os
import re
import subprocess
import sys

import pytest
from lastfix.model_runtime.model_files import load_model
from lastfix.model_training.checkpoint import load_checkpoint

from lastfix.cli import main

pytestmark = pytest.mark.slow

TINY = [
    "--config",
    "model.d=32",
    "--config",
    "model.heads=2",
    "--config",
    "model.denoiser_layers=1",
    "--config",
    "model.decoder_layers=1",
    "--config",
    "train.batch=8",
    "--config",
    "train.eval_snippets=10",
    "--config",
    "train.log_every=5",
    "--threads",
    "1",
    "--no-progress",
]


@pytest.fixture(scope="module")
def corpus_dir(shared, tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    with (shared / "corpora" / "excel" / "formulas.jsonl").open(encoding="utf-8") as f:
        lines = [line for _, line in zip(range(200), f, strict=False)]
    (root / "src.jsonl").write_text("".join(lines), encoding="utf-8")
    assert (
        main(["corpus", "--lang", "excel", "--source", str(root / "src.jsonl"), "--out", str(root / "c")])
        == 0
    )
    return root / "c"


def test_train_resume_export(corpus_dir, tmp_path, capsys):
    out = tmp_path / "ckpt"
    assert (
        main(
            [
                "train",
                "--lang",
                "excel",
                "--corpus",
                str(corpus_dir),
                "--out",
                str(out),
                "--steps",
                "10",
                *TINY,
            ]
        )
        == 0
    )
    assert load_checkpoint(out)["step"] == 10
    assert (
        main(
            [
                "train",
                "--lang",
                "excel",
                "--corpus",
                str(corpus_dir),
                "--out",
                str(out),
                "--steps",
                "15",
                "--resume",
                *TINY,
            ]
        )
        == 0
    )
    assert load_checkpoint(out)["step"] == 15
    log = (out / "train.log").read_text()
    assert "start_step=10" in log and "samples/s" in log
    assert main(["export", "--checkpoint", str(out), "--out", str(tmp_path / "model")]) == 0
    runtime = load_model(tmp_path / "model", device="cpu")
    assert runtime.config["trained"]["step"] == 15 and runtime.config["model"]["d"] == 32
    assert "loads with ONNX Runtime" in capsys.readouterr().out


def test_clear_errors(corpus_dir, tmp_path, capsys):
    args = [
        "train",
        "--lang",
        "excel",
        "--corpus",
        str(corpus_dir),
        "--out",
        str(tmp_path / "x"),
        "--steps",
        "1",
    ]
    assert main([*args, "--resume", *TINY]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert main([*args, "--stage", "repair", *TINY]) == 2
    assert "--init" in capsys.readouterr().err
    assert main([*args, *TINY]) == 0
    assert main([*args, *TINY]) == 2
    assert "already holds a checkpoint" in capsys.readouterr().err
    assert main([*args[:-2], "--out", str(tmp_path / "y"), "--config", "model.depth=2"]) == 2
    assert "valid names" in capsys.readouterr().err


def test_ddp_two_processes_on_cpu(corpus_dir, tmp_path):
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "lastfix",
        "train",
        "--lang",
        "excel",
        "--corpus",
        str(corpus_dir),
        "--out",
        str(out),
        "--steps",
        "3",
        *TINY,
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-8000:]  # both ranks' tracebacks
    assert load_checkpoint(out)["step"] == 3
    assert "world=2" in (out / "train.log").read_text()
    assert json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])["step"] == 3


def test_minutes_stop_then_an_announced_bounded_evaluation_and_its_throughput(corpus_dir, tmp_path, capsys):
    out = tmp_path / "timed"
    args = ["train", "--lang", "excel", "--corpus", str(corpus_dir), "--out", str(out), "--minutes", "0.05"]
    assert main([*args, "--eval-seconds", "20", *TINY]) == 0
    lines = capsys.readouterr().out.splitlines()
    said = [line.removeprefix("lastfix train: ") for line in lines]
    assert "training for 0.05 min, then a final evaluation of at most 20 s" in said
    stop = next(i for i, line in enumerate(said) if line.startswith("stopped training at step "))
    assert said[stop + 1] == "evaluating on 10 held-apart snippets (at most 20 s)"
    assert said[stop + 2].startswith("evaluation done in ")
    m = re.search(r"step (\d+), ([\d.]+) samples/s over ([\d.]+) s of training", lines[stop + 3])
    assert m is not None and int(m[1]) == load_checkpoint(out)["step"] and float(m[2]) > 0
    assert 0 < float(m[3]) < 0.05 * 60 + 5  # the steps alone; the evaluation is not training time
    assert "evaluating on 10 held-apart snippets" in (out / "train.log").read_text()

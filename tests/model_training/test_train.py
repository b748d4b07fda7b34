import dataclasses
import json

import numpy as np
import pytest
import torch
from lastfix.model_training.checkpoint import load_checkpoint
from lastfix.model_training.config import tiny_config
from lastfix.model_training.train import TrainData, train

from .toy import toy_rows, toy_vocab


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def _data(vocab):
    rows = toy_rows(vocab, 300)
    return TrainData(rows, np.arange(260), np.arange(260, 300))


def test_tiny_model_learns_to_reconstruct(tmp_path):
    vocab = toy_vocab()
    cfg = tiny_config("toy", len(vocab), canvas=16)
    result = train(cfg, vocab, _data(vocab), tmp_path, steps=300, progress=False)
    assert result.step == 300 and result.metrics["exact@0.1"] >= 0.8
    assert result.metrics["exact@0.1"] >= result.metrics["exact@0.9"]
    for name in ("checkpoint.pt", "config.json", "vocab.json", "train.log", "metrics.jsonl"):
        assert (tmp_path / name).is_file()
    assert "samples/s" in (tmp_path / "train.log").read_text()
    assert json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])["step"] == 300


def test_resume_continues_the_same_run_exactly(tmp_path):
    vocab = toy_vocab()
    cfg = tiny_config("toy", len(vocab), canvas=16)
    cfg = dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, batch=8, eval_every=10**6))
    data = _data(vocab)
    train(cfg, vocab, data, tmp_path / "straight", steps=12, progress=False)
    train(cfg, vocab, data, tmp_path / "split", steps=5, progress=False)
    train(cfg, vocab, data, tmp_path / "split", steps=12, resume=True, progress=False)
    a = load_checkpoint(tmp_path / "straight")
    b = load_checkpoint(tmp_path / "split")
    assert a["step"] == b["step"] == 12
    for k, v in a["model"].items():
        assert torch.allclose(v, b["model"][k], atol=1e-6), k


def test_a_run_in_minutes_stops_announces_a_bounded_evaluation_and_reports_its_throughput(tmp_path):
    vocab = toy_vocab()
    cfg = tiny_config("toy", len(vocab), canvas=16)
    # fewer steps than one log window: the throughput must still be measured (issue 17: "0 samples/s")
    cfg = dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, log_every=10**6, eval_every=10**6))
    heard: list[str] = []
    data = _data(vocab)
    result = train(
        cfg, vocab, data, tmp_path, minutes=0.02, eval_seconds=0, announce=heard.append, progress=False
    )
    assert result.step > 0 and result.samples_per_s > 0 and result.training_s > 0
    assert heard[0].startswith(f"stopped training at step {result.step} after ")
    assert heard[1] == "evaluating on 40 held-apart snippets (at most 0 s)"
    # a bound of 0 s starts no noise level at all, and the result says it is not complete
    assert not result.eval_complete and result.metrics == {}
    assert heard[2].endswith("time was up before every noise level was measured")
    assert not (tmp_path / "metrics.jsonl").exists()
    log = (tmp_path / "train.log").read_text()
    assert all(message in log for message in heard)
    with_time = train(cfg, vocab, data, tmp_path / "b", minutes=0.02, eval_seconds=600, progress=False)
    assert with_time.eval_complete and list(with_time.metrics)[0] == "exact@0.1"


def test_an_evaluation_past_its_deadline_measures_nothing(tmp_path):
    """The loop's evaluation bounded by --minutes: once the deadline has passed, not even one level runs."""
    import time

    from lastfix.model_training.train_state import build_run, evaluate_run

    vocab = toy_vocab()
    cfg = tiny_config("toy", len(vocab), canvas=16)
    run = build_run(
        cfg,
        vocab,
        _data(vocab),
        tmp_path,
        stage="pretrain",
        rank=0,
        world=1,
        device="cpu",
        resume=False,
        init_from=None,
    )
    late = evaluate_run(run, until=time.monotonic() - 1.0)
    assert late.metrics == {} and not late.complete
    assert not (tmp_path / "metrics.jsonl").exists()
    on_time = evaluate_run(run, until=time.monotonic() + 600)
    assert on_time.complete and "exact@0.1" in on_time.metrics


def test_each_loop_state_has_its_own_evaluation():
    from lastfix.model_training.train import _LastEval

    assert _LastEval().evaluation is not _LastEval().evaluation


def test_a_bounded_evaluation_gives_the_figures_of_an_unbounded_one(tmp_path):
    vocab = toy_vocab()
    cfg = tiny_config("toy", len(vocab), canvas=16)
    cfg = dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, eval_every=10**6))
    a = train(cfg, vocab, _data(vocab), tmp_path / "a", steps=20, progress=False)
    b = train(cfg, vocab, _data(vocab), tmp_path / "b", steps=20, eval_seconds=600, progress=False)
    assert a.eval_complete and b.eval_complete and a.metrics == b.metrics and len(a.metrics) == 5

"""The repair fine-tuning stage on real Excel snippets, from the session's tiny pre-trained model."""

import dataclasses
import json

import numpy as np
import pytest
import torch
from lastfix.grammars import get_grammar
from lastfix.model_training.checkpoint import load_checkpoint, load_run
from lastfix.model_training.data import encode_snippets, split_held_apart
from lastfix.model_training.losses import codefusion_loss
from lastfix.model_training.network import CodeFusion
from lastfix.model_training.repair_data import build_repair_data, read_pairs
from lastfix.model_training.schedule import Schedule
from lastfix.model_training.train import train

from .tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(shared):
    torch.set_num_threads(1)
    tiny = tiny_excel_model(shared)
    config, vocab = load_run(tiny.checkpoint)
    config = dataclasses.replace(
        config, train=dataclasses.replace(config.train, repair_pool=400, eval_snippets=30, eval_every=10**6)
    )
    grammar = get_grammar("excel")
    with (shared / "corpora" / "excel" / "formulas.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(300), f, strict=False)]
    encoded = encode_snippets(grammar, vocab, texts, config.model.canvas)
    train_index, eval_index = split_held_apart(len(encoded.ids), 30, config.train.seed)
    data = build_repair_data(grammar, vocab, config, encoded, train_index, eval_index)
    return tiny, config, vocab, data


def test_pairs_are_aligned_canvases(setup):
    _, config, vocab, data = setup
    inputs, targets = data.repair_batch(np.random.default_rng(0))
    assert inputs.shape == targets.shape == (config.train.batch, config.model.canvas)
    assert (inputs == vocab.blank_id).any()  # blank slots around the errors
    broken_canvases, fixed = data.repair_eval
    assert len(broken_canvases) == len(fixed) > 10
    for canvas_ids, good in zip(broken_canvases, fixed, strict=False):
        assert vocab.decode(canvas_ids) != good  # the input really is broken


def test_read_pairs_file(tmp_path):
    grammar = get_grammar("excel")
    from lastfix.model_training.corpus import build_vocabulary

    vocab = build_vocabulary("excel", ["=SUM(A1)"])
    p = tmp_path / "pairs.jsonl"
    p.write_text(json.dumps({"broken": "=SUM(A1", "fixed": "=SUM(A1)"}) + "\n\n")
    assert read_pairs([p], grammar, vocab) == [
        (["=", "SUM", "(", "<CELL>"], ["=", "SUM", "(", "<CELL>", ")"])
    ]
    p.write_text('{"broken": 1}\n')
    with pytest.raises(Exception, match=r"pairs.jsonl:1"):
        read_pairs([p], grammar, vocab)


def _repair_loss(model, schedule, inputs, targets, seed=0):
    g = torch.Generator().manual_seed(seed)
    src, tgt = torch.from_numpy(inputs), torch.from_numpy(targets)
    t = torch.full((len(src),), int(0.2 * schedule.T))
    eps = torch.randn((*src.shape, model.config.d), generator=g)
    with torch.no_grad():
        return float(codefusion_loss(model, schedule, src, tgt, t, eps).total)


def test_fine_tuning_learns_the_repair_pairs(setup, tmp_path):
    tiny, config, vocab, data = setup
    inputs, targets = data.repair_batch(np.random.default_rng(123))

    def loss_of(directory):
        model = CodeFusion(config.model)
        model.load_state_dict(load_checkpoint(directory)["model"])
        return _repair_loss(model.eval(), Schedule(config.schedule), inputs, targets)

    result = train(
        config, vocab, data, tmp_path, stage="repair", steps=120, init_from=tiny.checkpoint, progress=False
    )
    assert result.step == 120 and "repair@any" in result.metrics and "exact@0.1" in result.metrics
    assert loss_of(tmp_path) < loss_of(tiny.checkpoint)
    record = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])
    assert record["stage"] == "repair" and set(record) >= {"repair@0.1", "repair@0.3", "repair@0.5"}

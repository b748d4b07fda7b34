"""Slip rows: the masked model's edit-noise forward process, its batches, and a run that learns from them.

Real parts: the Excel grammar and its oracle make the slips (``corrupt.Corrupter``), and the tiny masked
model of ``test_masked_train`` (trained on real formulas, exported through ONNX) is fine-tuned from.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
from lastfix.grammars import get_grammar
from lastfix.model_training.masked_data import MaskedBatch, MaskedDataConfig
from lastfix.model_training.masked_train import (
    load_checkpoint,
    load_masked_run,
    mdlm_loss,
    slip_exact,
    train_masked,
)
from lastfix.model_training.slip_rows import SlipRow, make_slip_batch, slip_rows

from .test_masked_train import FORMULAS, tiny_masked_model, tiny_run_config


def test_a_slip_row_is_the_broken_snippet_and_its_fix_cell_by_cell():
    grammar = get_grammar("excel")
    tiny = tiny_masked_model()
    rows = slip_rows(grammar, tiny.vocab, FORMULAS, 40, 32, np.random.default_rng(0))
    assert len(rows) >= 20
    for inp, tgt in rows:
        assert len(inp) == len(tgt) and len(inp) + 1 <= 32
        broken, fixed = tiny.vocab.decode(inp), tiny.vocab.decode(tgt)
        assert broken != fixed  # a slip changes the snippet
        assert fixed in [tiny.vocab.decode(r) for r in tiny.rows]  # the target is a real formula
        assert tiny.vocab.blank_id in inp  # the slip's stretch is slotted


def _slip_batch(seed: int, slip_mask_t: float) -> tuple[list[SlipRow], MaskedBatch]:
    """A batch of every slip row of the tiny model's formulas (the tiny vocabulary's ids)."""
    vocab = tiny_masked_model().vocab
    rows = slip_rows(get_grammar("excel"), vocab, FORMULAS, 30, 32, np.random.default_rng(seed))
    batch = make_slip_batch(
        rows,
        np.arange(len(rows)),
        MaskedDataConfig(slip_mask_t=slip_mask_t),
        blank=vocab.blank_id,
        eos=vocab.eos_id,
        pad=vocab.pad_id,
        mask=len(vocab),
        rng=np.random.default_rng(2),
    )
    return rows, batch


def test_a_slip_batch_masks_the_slots_and_scores_the_stretch():
    vocab = tiny_masked_model().vocab
    mask = len(vocab)
    rows, batch = _slip_batch(1, 0.0)
    for b, (inp, tgt) in enumerate(rows):
        n = len(inp)
        assert batch.x0[b, :n].tolist() == tgt and batch.x0[b, n] == vocab.eos_id
        slots = np.asarray(inp) == vocab.blank_id
        assert (batch.x_t[b, :n][slots] == mask).all()  # every slot of the stretch is masked
        assert (batch.x_t[b, :n][~slots] == np.asarray(inp)[~slots]).all()  # typed tokens are shown
        changed = np.flatnonzero(np.asarray(inp) != np.asarray(tgt))
        assert batch.scored[b, changed].all()  # the cells that must change are read by the loss
        assert not batch.scored[b, n:].any()


def test_a_run_started_from_trained_weights_learns_to_read_slips(tmp_path):
    torch.set_num_threads(1)
    tiny = tiny_masked_model()
    grammar = get_grammar("excel")
    base = tiny_run_config(len(tiny.vocab))
    config = dataclasses.replace(
        base, data=dataclasses.replace(base.data, slip_share=1.0, slip_pool=400, slip_mask_t=0.1)
    )
    held = slip_rows(grammar, tiny.vocab, FORMULAS, 60, 32, np.random.default_rng(5), margins=(1000,))
    batch = make_slip_batch(
        held,
        np.arange(len(held)),
        config.data,
        blank=tiny.vocab.blank_id,
        eos=tiny.vocab.eos_id,
        pad=tiny.vocab.pad_id,
        mask=len(tiny.vocab),
        rng=np.random.default_rng(6),
    )
    _, _, before, _ = load_masked_run(tiny.checkpoint)
    train_masked(
        config,
        tiny.vocab,
        tiny.rows,
        tmp_path,
        steps=120,
        texts=FORMULAS,
        init_from=tiny.checkpoint,
    )
    assert load_checkpoint(tmp_path)["step"] == 120  # a new run: its own steps, not the start's
    _, _, after, _ = load_masked_run(tmp_path)
    with torch.no_grad():
        loss_before, _ = mdlm_loss(before, batch)
        loss_after, _ = mdlm_loss(after, batch)
    assert float(loss_after) < 0.8 * float(loss_before)  # it learnt to read slips (new draws of them)
    assert slip_exact(after, held, tiny.vocab) >= slip_exact(before, held, tiny.vocab)


def test_a_slip_batch_can_mask_typed_cells_too_and_reads_every_masked_one():
    vocab = tiny_masked_model().vocab
    mask = len(vocab)
    _, batch = _slip_batch(4, 0.9)
    typed = batch.content & (batch.x_t == mask) & (batch.x0 != vocab.blank_id)
    assert typed.any()  # random masking reaches the typed tokens
    assert not (batch.masked & ~batch.scored).any() and not (batch.masked & ~batch.content).any()

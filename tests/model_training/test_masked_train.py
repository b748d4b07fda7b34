"""The masked diffusion model's training side: batches, the MDLM loss, exact resume, the ONNX export.

A real tiny model (d=32, 2 blocks) is trained for a few dozen steps on a handful of formulas and exported
once per session (:func:`tiny_masked_model`); the runtime tests load the same export.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from lastfix.grammars import get_grammar
from lastfix.grammars.vocab import Vocabulary
from lastfix.model_runtime.masked_runtime import load_masked_model
from lastfix.model_training.corpus import build_vocabulary
from lastfix.model_training.data import encode_snippets
from lastfix.model_training.masked_data import MaskedDataConfig, clean_row, make_batch, mask_rows
from lastfix.model_training.masked_export import export_masked, torch_logits
from lastfix.model_training.masked_network import MaskedDenoiser, MaskedModelConfig, mask_id_of
from lastfix.model_training.masked_train import (
    Budget,
    MaskedRunConfig,
    MaskedTrainConfig,
    apply_overrides,
    load_masked_run,
    masked_accuracy,
    mdlm_loss,
    train_masked,
)

FORMULAS = [
    "=SUM(A1:A10)",
    "=SUM(B2:B20)/COUNT(B2:B20)",
    '=IF(A1>0,"yes","no")',
    "=IF(B2=C2,1,0)",
    "=VLOOKUP(A2,Sheet2!A:B,2,FALSE)",
    "=AVERAGE(C1:C12)",
    "=ROUND(A1*B1,2)",
    "=MAX(A1:A5)-MIN(A1:A5)",
    '=IF(ISERROR(A1/B1),"",A1/B1)',
    "=A1+B1",
    "=A1*2",
    "=SUM(A1,B1,C1)",
    '=CONCATENATE(A1," ",B1)',
    "=IF(AND(A1>1,B1<2),A1,B1)",
    "=INDEX(A1:A10,MATCH(B1,C1:C10,0))",
    "=COUNTIF(A1:A10,B1)",
    "=ROUND(SUM(A1:A4)/4,1)",
    '=IF(A1="","",A1*B1)',
    "=SUMPRODUCT(A1:A3,B1:B3)",
    "=ABS(A1-B1)",
]


@dataclass(frozen=True)
class TinyMasked:
    checkpoint: Path
    model_dir: Path
    vocab: Vocabulary
    rows: list[list[int]]


def tiny_run_config(vocab_size: int, **train: object) -> MaskedRunConfig:
    """A masked model that trains in seconds: for tests only."""
    return MaskedRunConfig(
        "excel",
        model=MaskedModelConfig(vocab_size=vocab_size, canvas=32, d=32, heads=2, layers=2, ff_mult=2),
        data=MaskedDataConfig(tokens=256, bucket=2),
        train=dataclasses.replace(
            MaskedTrainConfig(lr=3e-3, warmup=5, held_apart=2, eval_snippets=2, eval_every=10_000),
            **train,  # type: ignore[arg-type]
        ),
    )


@functools.cache
def tiny_masked_model() -> TinyMasked:
    """Trained for 80 steps on FORMULAS, exported to ONNX (float32), in a temporary directory."""
    torch.set_num_threads(1)
    grammar = get_grammar("excel")
    vocab = build_vocabulary("excel", FORMULAS)
    config = tiny_run_config(len(vocab))
    rows = encode_snippets(grammar, vocab, FORMULAS, config.model.canvas).ids
    root = Path(tempfile.mkdtemp(prefix="lastfix-masked-"))
    train_masked(config, vocab, rows, root / "ckpt", steps=80)
    export_masked(root / "ckpt", root / "model")
    return TinyMasked(root / "ckpt", root / "model", vocab, rows)


@pytest.fixture(scope="module")
def tiny() -> TinyMasked:
    return tiny_masked_model()


def test_clean_rows_keep_the_snippet_and_lay_slots_out_like_the_repair():
    rng = np.random.default_rng(0)
    config = MaskedDataConfig(blank_prob=1.0, slot_prob=1.0)
    ids = [10, 11, 12, 13, 14]
    for _ in range(50):
        row, (a, b) = clean_row(ids, 32, config, blank=2, rng=rng)
        assert [i for i in row if i != 2] == ids  # blanks decode to nothing
        assert b > a and all(row[c] == 2 for c in range(a, b, 2))  # a slot in every gap of the stretch
        assert len(row) + 1 <= 32


def test_masking_touches_content_only_and_every_row():
    rng = np.random.default_rng(1)
    rows = [[10, 11, 12], [10, 2, 11, 12, 13, 14], [15]]
    batch = mask_rows(rows, [(0, 0)] * 3, MaskedDataConfig(), eos=1, pad=0, mask=99, rng=rng)
    assert batch.x0.shape == (3, 7)
    assert not (batch.masked & ~batch.content).any()  # EOS and PAD are never masked
    assert batch.masked.any(1).all()
    assert (batch.x_t[batch.masked] == 99).all()
    assert (batch.x_t[~batch.masked] == batch.x0[~batch.masked]).all()


def test_overrides_name_the_valid_settings():
    config = tiny_run_config(30)
    assert apply_overrides(config, ["model.d=64", "train.lr=1e-3"]).model.d == 64
    with pytest.raises(ValueError, match="valid names"):
        apply_overrides(config, ["model.width=3"])


def test_the_loss_falls_and_held_apart_accuracy_is_measured(tiny):
    config, vocab, model, step = load_masked_run(tiny.checkpoint)
    assert step == 80
    fresh = MaskedDenoiser(config.model)
    rng = np.random.default_rng(3)
    batch = make_batch(
        tiny.rows,
        np.arange(len(tiny.rows)),
        config.model.canvas,
        config.data,
        blank=vocab.blank_id,
        eos=vocab.eos_id,
        pad=vocab.pad_id,
        mask=mask_id_of(config.model),
        rng=rng,
    )
    with torch.no_grad():
        trained_loss, _ = mdlm_loss(model, batch)
        fresh_loss, _ = mdlm_loss(fresh, batch)
    assert float(trained_loss) < float(fresh_loss)
    metrics = masked_accuracy(model, tiny.rows[:5], vocab, (0.15, 0.9), seed=0)
    assert set(metrics) == {"acc@0.15", "nll@0.15", "acc@0.9", "nll@0.9"}
    assert 0.0 <= metrics["acc@0.9"] <= 1.0 and metrics["nll@0.15"] > 0


def test_resume_continues_the_very_same_run(tmp_path):
    torch.set_num_threads(1)
    grammar = get_grammar("excel")
    vocab = build_vocabulary("excel", FORMULAS)
    config = tiny_run_config(len(vocab))
    rows = encode_snippets(grammar, vocab, FORMULAS, 32).ids
    straight = train_masked(config, vocab, rows, tmp_path / "a", steps=6)
    train_masked(config, vocab, rows, tmp_path / "b", steps=3)
    resumed = train_masked(config, vocab, rows, tmp_path / "b", steps=6, resume=True)
    assert resumed.step == straight.step == 6
    for (name, p), q in zip(
        straight.model.state_dict().items(), resumed.model.state_dict().values(), strict=True
    ):
        assert torch.equal(p, q), name


def test_onnx_logits_match_pytorch(tiny):
    _, _, model, _ = load_masked_run(tiny.checkpoint)
    runtime = load_masked_model(tiny.model_dir, device="cpu", threads=1)
    rng = np.random.default_rng(5)
    for batch, n in ((1, 2), (3, 9), (5, 32)):
        x_t = rng.integers(0, runtime.mask_id + 1, size=(batch, n))
        np.testing.assert_allclose(runtime.logits(x_t), torch_logits(model, x_t), atol=1e-4, rtol=1e-4)


def test_int8_export_loads_and_mostly_agrees(tiny, tmp_path):
    export_masked(tiny.checkpoint, tmp_path / "int8", quantize=True)
    full = load_masked_model(tiny.model_dir, device="cpu", threads=1)
    int8 = load_masked_model(tmp_path / "int8", device="cpu", threads=1)
    x_t, _ = full.lay(tiny.rows)
    x_t[:, 1] = full.mask_id
    agree = (full.logits(x_t).argmax(-1) == int8.logits(x_t).argmax(-1)).mean()
    assert agree > 0.8


def test_measurements_run_through_onnx_and_calibrate_the_length_credit(tiny, tmp_path):
    from lastfix.model_runtime.masked_repair import MaskedRepairSettings
    from lastfix.model_runtime.ngram import NgramModel
    from lastfix.model_training.masked_measure import calibrate, likelihoods, repair_bench, token_accuracy

    shutil.copytree(tiny.model_dir, tmp_path / "m")
    runtime = load_masked_model(tmp_path / "m", device="cpu", threads=1)
    acc = token_accuracy(runtime, tiny.rows, (0.5,))
    assert 0.0 <= acc["acc@0.5"] <= acc["acc_token@0.5"] <= 1.0
    symbols = [[runtime.vocab.symbols[i] for i in r] for r in tiny.rows]
    figures = likelihoods(runtime, tiny.rows, {"ngram": NgramModel.build(symbols, 4, len(runtime.vocab))})
    assert figures["masked_pll_nats_per_token"] > 0 and figures["ngram_nats_per_token"] > 0
    calibrate(tmp_path / "m", 1.25)
    assert load_masked_model(tmp_path / "m").config["repair"] == {"length_credit": 1.25}
    records = [{"id": "a", "broken": "=SUM(A1:A3", "fixed": "=SUM(A1:A3)"}, {"broken": "=A1", "fixed": "=A1"}]
    bench = repair_bench(runtime, records, MaskedRepairSettings(samples=4))
    assert bench["records"] == 2 and 0.0 <= bench["sketch@1"] <= bench["sketch@5"] <= 1.0
    assert len(bench["per_record"]) == 2


def test_the_minutes_budget_does_not_count_a_pause():
    budget = Budget(0.0, minutes=1.0)
    assert not budget.spent(1.0) and not budget.spent(2.0)
    assert not budget.spent(602.0)  # stopped for ten minutes between two steps: 600 s more
    assert not budget.spent(659.0) and budget.spent(663.0)
    assert Budget(0.0, None).spent(1e9) is False

"""One optimiser step: a batch (pre-training snippets, or in the repair stage mostly repair pairs), its
noise levels, the loss, warmup, grad-norm clipping and AdamW."""

from __future__ import annotations

import numpy as np
import torch

from .data import pretrain_batch
from .noising import sample_t
from .train_state import TrainRun

__all__ = ["lr_factor", "next_batch", "next_t", "train_step"]


def lr_factor(step: int, warmup: int) -> float:
    """Linear warmup, then constant (the run length is often given in minutes, not steps)."""
    return min(1.0, (step + 1) / max(1, warmup))


def next_batch(run: TrainRun) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) ids; the repair stage mixes in pre-training batches so the model does not forget."""
    tc, data = run.config.train, run.data
    if run.stage == "repair" and run.rng.random() >= tc.pretrain_share:
        assert data.repair_batch is not None
        return data.repair_batch(run.rng)
    ids = pretrain_batch(data.rows, data.train_index, run.config.model.canvas, run.vocab, tc, run.rng)
    return ids, ids


def next_t(run: TrainRun, batch: int) -> np.ndarray:
    """Diffusion steps for ``batch`` rows: the repair range of noise levels (paper fig. 5) in that stage."""
    tc, T = run.config.train, run.config.schedule.T
    if run.stage == "repair":
        lo, hi = tc.repair_noise_min, tc.repair_noise_max
        return np.clip(np.rint(run.rng.uniform(lo, hi, size=batch) * T), 1, T).astype(np.int64)
    return sample_t(batch, tc, T, run.rng)


def train_step(run: TrainRun) -> torch.Tensor:
    """One step of ``run``; the detached loss terms (in ``losses.TERM_NAMES`` order) for the log."""
    tc, dev = run.config.train, run.dev
    source, target = next_batch(run)
    t = torch.from_numpy(next_t(run, len(source))).to(dev)
    src = torch.from_numpy(source).to(dev)
    tgt = src if target is source else torch.from_numpy(target).to(dev)
    eps = torch.randn((*src.shape, run.config.model.d), generator=run.gen, device=dev)
    for group in run.optimizer.param_groups:
        group["lr"] = tc.lr * lr_factor(run.step, tc.warmup)
    total, terms = run.loss_module(src, tgt, t, eps)
    run.optimizer.zero_grad(set_to_none=True)
    total.backward()
    torch.nn.utils.clip_grad_norm_(run.model.parameters(), tc.grad_clip)
    run.optimizer.step()
    run.step += 1
    terms_out: torch.Tensor = terms
    return terms_out

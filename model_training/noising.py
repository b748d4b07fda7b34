"""The forward process q(x_t | x0), timestep sampling, and blank-slot insertion into clean snippets."""

from __future__ import annotations

import numpy as np
import torch

from .config import TrainConfig
from .schedule import Schedule

__all__ = ["q_sample", "sample_t", "insert_blanks"]


def q_sample(schedule: Schedule, x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps (paper 3.1-3.2)."""
    a, b = schedule.coefficients(t)  # [B,1,1] each
    return a * x0 + b * eps  # [B,n,d]


def sample_t(batch: int, config: TrainConfig, T: int, rng: np.random.Generator) -> np.ndarray:
    """Timesteps [batch] in 1..T: uniform, or with a share drawn from the small-t repair range.

    Repair resumes the reverse process from 10%..90% noise, most often from the lower end (paper fig. 5),
    so "repair" sampling spends ``repair_share`` of each batch on t <= repair_t_max * T.
    """
    t = rng.integers(1, T + 1, size=batch)
    if config.t_sampling == "uniform":
        return t
    if config.t_sampling != "repair":
        raise ValueError(f"unknown t_sampling {config.t_sampling!r}; valid names: uniform, repair")
    high = max(1, int(round(config.repair_t_max * T)))
    small = rng.random(batch) < config.repair_share
    t[small] = rng.integers(1, high + 1, size=int(small.sum()))
    return t


def insert_blanks(
    ids: list[int], room: int, config: TrainConfig, blank_id: int, rng: np.random.Generator
) -> list[int]:
    """``ids`` with up to ``max_blanks`` <blank>s at random gaps, never more than ``room`` of them.

    DESIGN "Blank slots": a fixed canvas cannot shift tokens, so the model learns that a blank decodes
    to nothing; at repair time blanks between the window's tokens become insertions.
    """
    if room <= 0 or config.max_blanks <= 0 or rng.random() >= config.blank_prob:
        return ids
    k = int(rng.integers(1, min(config.max_blanks, room) + 1))
    gaps = np.sort(rng.integers(0, len(ids) + 1, size=k))  # a gap index may repeat: adjacent blanks
    out: list[int] = []
    prev = 0
    for g in gaps:
        out.extend(ids[prev:g])
        out.append(blank_id)
        prev = int(g)
    out.extend(ids[prev:])
    return out

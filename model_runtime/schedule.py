"""The noise schedule in numpy: the one definition both training (as torch buffers) and the runtime use.

Diffusion-LM's sqrt schedule (Li et al. 2022, "Diffusion-LM Improves Controllable Text Generation",
appendix A): alpha_bar(t) = 1 - sqrt(t/T + s). It adds noise fast at small t, which suits embeddings of
discrete tokens (a little noise barely changes the nearest token). Built exactly like their code: betas
from consecutive ratios, clipped at 0.999, then cumulated, so alpha_bar[T] is ~0 rather than negative.
"""

from __future__ import annotations

import numpy as np

__all__ = ["alpha_bars", "timestep_of", "respaced"]


def alpha_bars(T: int, s: float = 1e-4) -> np.ndarray:
    """alpha_bar[t] for t = 0..T as float64 [T+1]; alpha_bar[0] = 1 (the clean embeddings)."""
    if T < 1:
        raise ValueError(f"the schedule needs T >= 1, got {T}")

    def f(u: np.ndarray) -> np.ndarray:
        return 1.0 - np.sqrt(u + s)

    u = np.arange(T + 1, dtype=np.float64) / T
    betas = np.minimum(1.0 - f(u[1:]) / f(u[:-1]), 0.999)
    return np.concatenate([[1.0], np.cumprod(1.0 - betas)])


def timestep_of(noise: np.ndarray | float, T: int) -> np.ndarray:
    """Noise fraction(s) in (0, 1] -> integer timestep(s) in 1..T (paper: inject at 10%..90% of T)."""
    return np.clip(np.rint(np.asarray(noise, dtype=np.float64) * T), 1, T).astype(np.int64)


def respaced(t_start: np.ndarray, steps: int) -> np.ndarray:
    """Per-row reverse timesteps [steps+1, B] from t_start down to 0 (DESIGN: respace to 10-20 steps)."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    t_start = np.asarray(t_start, dtype=np.float64)
    frac = np.linspace(1.0, 0.0, steps + 1)[:, None]  # [steps+1, 1]
    ts: np.ndarray = np.rint(frac * t_start[None, :]).astype(np.int64)  # [steps+1, B]
    return ts

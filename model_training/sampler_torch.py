"""Reference reverse-diffusion sampler in PyTorch: training-time evaluation and the ONNX parity check.

It is the same algorithm as ``model_runtime.sampler`` (which runs the exported ONNX graphs): embed, noise
to t (paper 3.2: x_t = sqrt(alpha_bar_t) E(c) + sqrt(1 - alpha_bar_t) eps), then for each respaced
step predict x̂0, optionally clamp it to the nearest token embedding, clamp the kept positions to their
clean embeddings, and re-noise to the next step. The noise is passed in, so both samplers can be fed
the very same eps.
"""

from __future__ import annotations

import numpy as np
import torch
from lastfix.model_runtime.schedule import respaced

from .network import CodeFusion
from .schedule import Schedule

__all__ = ["torch_resume", "nearest_embedding"]


def nearest_embedding(x: torch.Tensor, E: torch.Tensor) -> torch.Tensor:
    """Each vector of x [B, n, d] replaced by its nearest row of E [V, d] (Diffusion-LM's clamping trick)."""
    dist = (x * x).sum(-1, keepdim=True) - 2 * x @ E.T + (E * E).sum(-1)  # [B, n, V]
    return E[dist.argmin(-1)]  # [B, n, d]


@torch.no_grad()
def torch_resume(
    model: CodeFusion,
    schedule: Schedule,
    ids: np.ndarray | None,
    t_start: np.ndarray,
    eps: np.ndarray,
    *,
    keep: np.ndarray | None = None,
    clamp: bool = False,
    update: str = "ddim",
    trajectory: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Resume the reverse process from ``ids`` [B, n] at per-row steps ``t_start`` [B] (ids None: pure noise).

    ``eps`` is [steps, B, n, d]: eps[0] builds x_t, eps[k] re-noises after step k. Returns
    (final ids [B, n], final x̂0 [B, n, d], decoded ids after every step if ``trajectory``).
    """
    device = model.E.weight.device
    steps, B, n, _ = eps.shape
    noise = torch.from_numpy(np.ascontiguousarray(eps)).to(device)  # [steps, B, n, d]
    ts = torch.from_numpy(respaced(t_start, steps)).to(device)  # [steps+1, B]
    ab = schedule.alpha_bar
    clean_ids = torch.from_numpy(ids).to(device) if ids is not None else None
    x0c = model.embed(clean_ids) if clean_ids is not None else torch.zeros_like(noise[0])  # [B, n, d]
    keep_t = torch.from_numpy(keep).to(device)[..., None] if keep is not None else None  # [B, n, 1]

    def renoise(x0: torch.Tensor, t: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        a = ab[t].view(-1, 1, 1)
        return a.sqrt() * x0 + (1 - a).sqrt() * e

    x = renoise(x0c, ts[0], noise[0])  # x_t [B, n, d]
    x0_hat = x0c
    path: list[np.ndarray] = []
    for k in range(steps):
        t = ts[k].clamp_min(1)
        x0_hat = model.N(x, t)  # [B, n, d]
        if clamp:
            x0_hat = nearest_embedding(x0_hat, model.E.weight)
        if keep_t is not None:
            x0_hat = torch.where(keep_t, x0c, x0_hat)
        if trajectory:
            path.append(model.decode(x0_hat).argmax(-1).cpu().numpy())
        if k + 1 < steps:
            t_next = ts[k + 1]
            if update == "ddim":  # deterministic DDIM step: keep the predicted noise direction
                a = ab[t].view(-1, 1, 1)
                e = (x - a.sqrt() * x0_hat) / (1 - a).sqrt().clamp_min(1e-6)
            else:
                e = noise[k + 1]
            x = renoise(x0_hat, t_next, e)
    out = model.decode(x0_hat).argmax(-1)  # [B, n]
    if clean_ids is not None and keep is not None:
        out = torch.where(keep_t[..., 0], clean_ids, out)  # type: ignore[index]
    return out.cpu().numpy(), x0_hat.cpu().numpy(), path

"""The CodeFusion training loss (paper 3.1) plus the rounding term that keeps E from collapsing.

L = ||N(x_t,t) - x0||^2 + ||D(x̂0) - E(c)||^2 + CE(c, H(D(x̂0))) + w * CE(c, H(D(E(c))))

The first three terms are the paper's (from CodeFusion / GENIE). With E trained jointly, the MSE terms
alone are minimised by shrinking every embedding towards one point; Diffusion-LM's fix is a rounding
term that must classify the clean embeddings, which is the fourth term. Positions after EOS are padding:
they are trivially predictable and would dominate the averages, so they get a small weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .config import TrainConfig
from .network import CodeFusion
from .noising import q_sample
from .schedule import Schedule

__all__ = ["LossTerms", "position_weights", "codefusion_loss", "LossModule", "TERM_NAMES"]

TERM_NAMES = ("mse_x0", "mse_dec", "ce", "ce_clean", "acc", "emb_norm")


@dataclass(frozen=True)
class LossTerms:
    """The total to back-propagate and the detached terms [6] in TERM_NAMES order, for the log.

    acc is the token accuracy of H(D(x̂0)) up to EOS; emb_norm the mean row norm of E / sqrt(d), ~1 at
    initialisation: watch it for collapse.
    """

    total: torch.Tensor
    terms: torch.Tensor  # [6], no grad; converted to floats only when logged (no device sync per step)


def position_weights(target: torch.Tensor, pad_id: int, pad_weight: float) -> torch.Tensor:
    """[B, n] weight 1 up to and including EOS, ``pad_weight`` on PAD after it."""
    w = torch.ones(target.shape, dtype=torch.float32, device=target.device)
    return torch.where(target == pad_id, torch.full_like(w, pad_weight), w)


def _weighted_mean(values: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return (values * w).sum() / w.sum().clamp_min(1e-8)


def codefusion_loss(
    model: CodeFusion,
    schedule: Schedule,
    source: torch.Tensor,
    target: torch.Tensor,
    t: torch.Tensor,
    eps: torch.Tensor,
    *,
    pad_id: int = 0,
    pad_weight: float = 0.1,
    rounding_weight: float = 1.0,
) -> LossTerms:
    """Loss for ids ``source`` noised to ``t`` and denoised towards ``target`` (both [B, n]).

    Pre-training has source == target; the repair stage noises the broken canvas and asks for the
    fixed one (DESIGN "Repair fine-tuning").
    """
    x0 = model.embed(target)  # E(c) [B, n, d]
    x_src = x0 if source is target else model.embed(source)  # [B, n, d]
    x_t = q_sample(schedule, x_src, t, eps)  # [B, n, d]
    x0_hat, decoded, logits = model(x_t, t)  # [B, n, d], [B, n, d], [B, n, V]
    w = position_weights(target, pad_id, pad_weight)  # [B, n]
    mse_x0 = _weighted_mean((x0_hat - x0).pow(2).mean(-1), w)
    mse_dec = _weighted_mean((decoded - x0).pow(2).mean(-1), w)
    ce = _weighted_mean(F.cross_entropy(logits.transpose(1, 2), target, reduction="none"), w)
    total = mse_x0 + mse_dec + ce
    ce_clean = torch.zeros((), device=total.device)
    if rounding_weight > 0:
        clean_logits = model.decode(x0)  # H(D(E(c))) [B, n, V]
        ce_clean = _weighted_mean(F.cross_entropy(clean_logits.transpose(1, 2), target, reduction="none"), w)
        total = total + rounding_weight * ce_clean
    with torch.no_grad():
        acc = _weighted_mean((logits.argmax(-1) == target).float(), (w >= 1).float())
        emb_norm = model.E.weight.norm(dim=-1).mean() / model.E.weight.shape[1] ** 0.5
    terms = torch.stack([mse_x0.detach(), mse_dec.detach(), ce.detach(), ce_clean.detach(), acc, emb_norm])
    return LossTerms(total, terms)


class LossModule(nn.Module):
    """The model and its loss as one module, so DDP sees every parameter used inside ``forward``."""

    def __init__(self, model: CodeFusion, schedule: Schedule, config: TrainConfig) -> None:
        super().__init__()
        self.model = model
        self.schedule = schedule
        self.config = config

    def forward(
        self, source: torch.Tensor, target: torch.Tensor, t: torch.Tensor, eps: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        out = codefusion_loss(
            self.model,
            self.schedule,
            source,
            target,
            t,
            eps,
            pad_weight=self.config.pad_weight,
            rounding_weight=self.config.rounding_weight,
        )
        return out.total, out.terms

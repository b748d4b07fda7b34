"""Torch view of the noise schedule; the numbers come from ``model_runtime.schedule``, so both agree."""

from __future__ import annotations

import torch
from lastfix.model_runtime.schedule import alpha_bars

from .config import ScheduleConfig

__all__ = ["Schedule"]


class Schedule:
    """alpha_bar as a tensor on a device, with the forward-process coefficients."""

    def __init__(self, config: ScheduleConfig, device: torch.device | str = "cpu") -> None:
        self.config = config
        self.T = config.T
        self.alpha_bar = torch.tensor(
            alpha_bars(config.T, config.s), dtype=torch.float32, device=device
        )  # [T+1]

    def coefficients(self, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """sqrt(alpha_bar_t), sqrt(1 - alpha_bar_t) shaped [B, 1, 1] for broadcasting over [B, n, d]."""
        ab = self.alpha_bar[t].view(-1, 1, 1)
        return ab.sqrt(), (1.0 - ab).sqrt()

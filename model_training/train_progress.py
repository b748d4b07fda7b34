"""Progress of a training run: loss terms averaged over each ``log_every`` window, samples/s, the bar."""

from __future__ import annotations

import logging
import time
from typing import Any

import torch

from .losses import TERM_NAMES
from .train_state import TrainRun

__all__ = ["Progress"]

log = logging.getLogger("lastfix.train")


class Progress:
    """Sums the terms of the current window, logs their means every ``log_every`` steps (rank 0)."""

    def __init__(self, run: TrainRun, target_steps: int | None, show: bool) -> None:
        self.bar: Any = None
        if run.main and show:
            from tqdm import tqdm

            self.bar = tqdm(total=target_steps, initial=run.step, unit="step", dynamic_ncols=True)
        self.terms_sum = torch.zeros(len(TERM_NAMES), device=run.dev)
        self.window_start, self.window_steps, self.rate = time.monotonic(), 0, 0.0
        self.last_terms: dict[str, float] = {}
        # the whole call: steps taken and seconds spent on them (evaluations and checkpoints left out)
        self.started, self.steps, self.other_s = time.monotonic(), 0, 0.0
        self.samples_per_step = run.config.train.batch * run.world

    def add(self, run: TrainRun, terms: torch.Tensor) -> None:
        """Count the step ``run`` just took."""
        self.window_steps += 1
        self.steps += 1
        self.terms_sum += terms
        if run.step % run.config.train.log_every == 0 and run.main:
            self._report(run)
        if self.bar is not None:
            self.bar.update(1)

    def leave_out(self, seconds: float) -> None:
        """Time spent on something else (evaluation, a checkpoint): samples/s counts training time only."""
        self.window_start += seconds
        self.other_s += seconds

    @property
    def training_s(self) -> float:
        """Seconds this call spent on training steps so far."""
        return max(time.monotonic() - self.started - self.other_s, 0.0)

    @property
    def mean_rate(self) -> float:
        """Samples per second over all of this call's training time (0.0 before the first step)."""
        return self.steps * self.samples_per_step / max(self.training_s, 1e-9) if self.steps else 0.0

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def _report(self, run: TrainRun) -> None:
        tc = run.config.train
        now = time.monotonic()
        self.rate = self.window_steps * tc.batch * run.world / max(now - self.window_start, 1e-9)
        sums = self.terms_sum.tolist()
        terms = {k: float(v) / self.window_steps for k, v in zip(TERM_NAMES, sums, strict=True)}
        self.last_terms = terms
        log.info(
            "step=%d lr=%.2e loss=%.4f %s samples/s=%.1f",
            run.step,
            run.optimizer.param_groups[0]["lr"],
            sum(terms[k] for k in ("mse_x0", "mse_dec", "ce")) + tc.rounding_weight * terms["ce_clean"],
            " ".join(f"{k}={v:.4f}" for k, v in terms.items()),
            self.rate,
        )
        if self.bar is not None:
            self.bar.set_postfix(
                ce=f"{terms['ce']:.3f}",
                mse=f"{terms['mse_x0']:.3f}",
                acc=f"{terms['acc']:.3f}",
                sps=f"{self.rate:.0f}",
            )
        self.terms_sum.zero_()
        self.window_start, self.window_steps = now, 0

"""The diffusion candidate source: the window noised around its calibrated level and the reverse process
resumed (paper 3.2), all seeds x levels in one batched call sized to the time it is given.

The batch is sized from the measured cost of one sampler row x step, which follows the machine's load:
so on a busy CPU the sampler takes fewer samples rather than overrunning its deadline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from lastfix.grammars.base import Grammar, Token

from .candidate_sources import OneShotRun, WindowTask
from .deadline import Deadline
from .diffusion_candidates import DiffusionSample, DiffusionSettings, sample_repairs
from .noise_table import levels_around, noise_for
from .windows import Window, error_size

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .sampler import DiffusionRuntime

__all__ = ["DiffusionSource"]

_MADE_BY = frozenset({"diffusion"})


class DiffusionSource:
    """Samples of the resumed diffusion; ``quick_ms`` caps its time once an earlier source has candidates."""

    order = 1  # after the symbolic search: a slow sampler on a busy CPU must not starve it

    def __init__(
        self,
        grammar: Grammar,
        runtime: DiffusionRuntime,
        settings: DiffusionSettings,
        *,
        seeds: int,  # samples per noise level
        noise: float | None = None,  # a fixed level instead of the model's noise table
        time_share: float = 0.0,  # of the budget kept for it while an earlier source runs
        quick_ms: int | None = None,  # its time when an earlier source already has candidates
        seed: int = 0,
    ) -> None:
        self.grammar, self.runtime, self.settings = grammar, runtime, settings
        self.seeds, self.noise, self.time_share, self.quick_ms, self.seed = (
            seeds,
            noise,
            time_share,
            quick_ms,
            seed,
        )
        self.canvas: int | None = runtime.canvas
        self._row_step_s: float | None = None  # measured cost of one sampler row x step on this machine

    def open(self, task: WindowTask) -> _DiffusionRun:
        return _DiffusionRun(self, task)

    def sample(
        self, text: str, tokens: Sequence[Token], window: Window, allowed_s: float
    ) -> list[DiffusionSample]:
        """One batched resume: seeds x noise levels around the calibrated level, sized to ``allowed_s``."""
        level = self.noise
        if level is None:
            level = noise_for(self.runtime.noise_table, error_size(tokens, window))
        levels = levels_around(level, self.settings.levels, self.settings.step)
        steps = self.settings.steps
        if self._row_step_s is None:  # one row, one step: what a row-step costs on this machine
            t0 = time.perf_counter()
            sample_repairs(
                self.grammar,
                self.runtime,
                text,
                tokens,
                window,
                [level],
                1,
                settings=replace(self.settings, steps=1),
                seed=self.seed,
            )
            self._row_step_s = time.perf_counter() - t0
            allowed_s -= self._row_step_s
        per_level = self.seeds
        rows = min(len(levels) * per_level, int(allowed_s / (self._row_step_s * steps)))
        if rows < 1:
            return []
        levels = levels[:rows]  # the calibrated level first, then its neighbours
        seeds = max(1, min(per_level, rows // len(levels)))
        t0 = time.perf_counter()
        out = sample_repairs(
            self.grammar,
            self.runtime,
            text,
            tokens,
            window,
            levels,
            seeds,
            settings=self.settings,
            seed=self.seed,
        )
        measured = (time.perf_counter() - t0) / (len(levels) * seeds * steps)
        self._row_step_s = 0.5 * self._row_step_s + 0.5 * measured  # follows the machine's load
        return out


class _DiffusionRun(OneShotRun):
    """The sampler on one window: one batched call in the first pass, nothing to resume."""

    def __init__(self, source: DiffusionSource, task: WindowTask) -> None:
        super().__init__(task, _MADE_BY)
        self._source = source

    def propose(self, until: Deadline, others_found: bool) -> None:
        if until.expired():
            return
        allowed = until.remaining_s()
        if others_found and self._source.quick_ms is not None:  # the model ranks and adds; keep it quick
            allowed = min(allowed, self._source.quick_ms / 1000.0)
        task = self._task
        for s in self._source.sample(task.text, task.tokens, task.window, allowed):
            self._keep(s.text, s.edits, s.votes, s.noise)

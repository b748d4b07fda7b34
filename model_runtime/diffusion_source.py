"""The diffusion candidate source: the window noised around its calibrated level and the reverse process
resumed (paper 3.2), all seeds x levels in one batched call.

Bounded by work, not by the clock (DESIGN "Repair" 5): a fixed number of rows (samples) and steps, fewer
rows (``quick_rows``) once an earlier source has candidates, so the same input gives the same samples on
any machine and under any load.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    """Samples of the resumed diffusion; ``quick_rows`` bounds them once an earlier source has candidates."""

    order = 1  # after the symbolic search, which is cheap and usually enough

    def __init__(
        self,
        grammar: Grammar,
        runtime: DiffusionRuntime,
        settings: DiffusionSettings,
        *,
        seeds: int,  # samples per noise level
        noise: float | None = None,  # a fixed level instead of the model's noise table
        quick_rows: int | None = None,  # rows (samples) when an earlier source already has candidates
        seed: int = 0,
    ) -> None:
        self.grammar, self.runtime, self.settings = grammar, runtime, settings
        self.seeds, self.noise, self.quick_rows, self.seed = seeds, noise, quick_rows, seed
        self.canvas: int | None = runtime.canvas

    def open(self, task: WindowTask) -> _DiffusionRun:
        return _DiffusionRun(self, task)

    def sample(
        self, text: str, tokens: Sequence[Token], window: Window, rows: int | None = None
    ) -> list[DiffusionSample]:
        """One batched resume: seeds x noise levels around the calibrated level, at most ``rows`` of them
        (None: all); fewer rows drop the far levels first, then seeds."""
        level = self.noise
        if level is None:
            level = noise_for(self.runtime.noise_table, error_size(tokens, window))
        levels = levels_around(level, self.settings.levels, self.settings.step)
        per_level = self.seeds
        rows = len(levels) * per_level if rows is None else min(rows, len(levels) * per_level)
        if rows < 1:
            return []
        levels = levels[:rows]  # the calibrated level first, then its neighbours
        seeds = max(1, min(per_level, rows // len(levels)))
        return sample_repairs(
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


class _DiffusionRun(OneShotRun):
    """The sampler on one window: one batched call in the first pass, nothing to resume."""

    def __init__(self, source: DiffusionSource, task: WindowTask) -> None:
        super().__init__(task, _MADE_BY)
        self._source = source

    def propose(self, until: Deadline, others_found: bool) -> None:
        if until.fires():
            return
        rows = self._source.quick_rows if others_found else None  # the model ranks and adds: keep it quick
        task = self._task
        for s in self._source.sample(task.text, task.tokens, task.window, rows):
            self._keep(s.text, s.edits, s.votes, s.noise)

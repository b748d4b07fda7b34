"""The masked diffusion candidate source: the error window masked and unmasked by the masked model
(``masked_repair.repair_window``), all samples in one batched ONNX run, or, for a slip-trained model
(its settings' ``decoder`` "read"), read at every cell in one run (``masked_reading.read_window``);
behind the candidate-source interface (``candidate_sources.CandidateSource``) so that an engine can
compose it with the others.

Bounded by work, not by the clock (DESIGN "Repair" 5): it draws ``samples`` rows or choices
(``quick_samples`` when an earlier source already found candidates) and skips the window only when the
safety cap has fired, so the same input gives the same candidates on any machine. Its candidates carry
votes (samples that made them; none for a reading, which is no sample) and, as ``noise``, the masking
ratio of their first sample (0 for a reading); they are tagged "masked". Without settings of its own it
repairs with the model's (``masked_repair.settings_for``: the defaults and the model's config.json
"repair" section, chosen per language by ``benchmarks.masked_cv``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .candidate_sources import OneShotRun, WindowTask
from .deadline import Deadline
from .masked_reading import read_window
from .masked_repair import MaskedRepairSettings, repair_window, settings_for

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .masked_runtime import MaskedRuntime

__all__ = ["MADE_BY", "MaskedSource"]

MADE_BY = "masked"
_MADE_BY = frozenset({MADE_BY})


@dataclass(frozen=True)
class MaskedSource:
    """Samples of the masked model on each window."""

    runtime: MaskedRuntime
    settings: MaskedRepairSettings | None = None  # None: the model's own (settings_for)
    quick_samples: int | None = None  # samples when an earlier source already has candidates
    seed: int = 0
    order: int = 1  # after the symbolic search, like the continuous sampler

    def repair_settings(self) -> MaskedRepairSettings:
        """The settings a window is repaired with."""
        return settings_for(self.runtime) if self.settings is None else self.settings

    @property
    def canvas(self) -> int | None:
        return self.runtime.canvas

    def open(self, task: WindowTask) -> _MaskedRun:
        return _MaskedRun(self, task)


class _MaskedRun(OneShotRun):
    """The masked model on one window: one batched call in the first pass, nothing to resume."""

    def __init__(self, source: MaskedSource, task: WindowTask) -> None:
        super().__init__(task, _MADE_BY)
        self._source = source

    def propose(self, until: Deadline, others_found: bool) -> None:
        source, task = self._source, self._task
        if until.fires():
            return
        settings = source.repair_settings()
        if others_found and source.quick_samples is not None:
            settings = replace(settings, samples=source.quick_samples)
        repair = read_window if settings.decoder == "read" else repair_window
        samples = repair(
            task.grammar,
            source.runtime,
            task.text,
            task.tokens,
            task.window,
            settings,
            seed=source.seed,
            accept=task.accept,  # a quick fix resumes only until its own error is gone
        )
        # votes are samples that made a text (the paper's pooling, which fix on save trusts); a reading
        # is no sample, so its candidates carry none
        sampled = settings.decoder != "read"
        for s in samples:  # best first: the first accepted text of each kind keeps its place
            self._keep(s.text, s.edits, s.votes if sampled else 0, s.ratio)

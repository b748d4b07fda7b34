"""What a candidate source is: something that, given one error window, proposes repairs of it.

An engine is a composition of sources and a ranking policy (``engines.py``). For each window the window
step (``window_step.py``) opens one :class:`SourceRun` per source and drives them all through the same
three passes, so no source needs to know which others run beside it:

1. ``propose``: each source in turn, the cheap ones first, for the work its settings bound (oracle checks,
   samples); ``others_found`` says whether an earlier one already has candidates;
2. ``resume``: only when no source found anything, each may go on where it stopped;
3. ``fallback``: each may look for partial progress (a step that moves the error on) when nothing cheap
   repairs the window.

Every pass is bounded by work, so a window gets the same candidates on any machine; the ``until`` deadline
each pass receives is the repair's safety cap, and a source that stops on it asks ``until.fires()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lastfix.grammars.base import Grammar, SyntaxIssue, TextEdit, Token

from .deadline import Deadline
from .hints import EditHints
from .repair_result import PartialRepair
from .windows import Window

__all__ = ["CheckBudget", "WindowTask", "CandidateSource", "SourceRun", "OneShotRun"]


class CheckBudget:
    """Oracle checks one repair may still spend over all of its windows (None: no bound). Made for one
    repair and spent in the window beam's order, so the same repair stops at the same place anywhere."""

    def __init__(self, checks: int | None) -> None:
        self.left = checks

    def take(self, want: int | None = None) -> int | None:
        """How many of ``want`` checks (None: all that is left) the next pass may make (None: no bound)."""
        if self.left is None:
            return want
        return max(0, self.left if want is None else min(want, self.left))

    def spend(self, n: int) -> None:
        if self.left is not None:
            self.left -= n

    @property
    def spent(self) -> bool:
        return self.left is not None and self.left <= 0


@dataclass(frozen=True)
class WindowTask:
    """One error window of one partial repair: what every source reads."""

    grammar: Grammar
    text: str  # the partially repaired document
    tokens: Sequence[Token]
    window: Window  # the statements around the error that fit the model's canvas, with all their errors
    target: SyntaxIssue  # the error this window is repaired for
    accept: Callable[[str], bool]  # the oracle for this window (valid, or this window's errors gone)
    hints: EditHints  # what the window's error messages ask for
    k: int  # candidates the caller wants
    checks: CheckBudget = field(default_factory=lambda: CheckBudget(None))  # the repair's, shared by windows


class SourceRun(Protocol):
    """One source working on one window; :meth:`found` lists its accepted repairs of the window."""

    def propose(self, until: Deadline, others_found: bool) -> None: ...
    def resume(self, until: Deadline) -> None: ...
    def fallback(self, until: Deadline, others_found: bool) -> None: ...
    def found(self) -> list[PartialRepair]: ...


class CandidateSource(Protocol):
    """A kind of candidate: the symbolic edit search, the diffusion sampler, ..."""

    @property
    def order(self) -> int:
        """Sources run in this order (cheap ones first, so a slow one cannot starve them)."""
        ...

    @property
    def canvas(self) -> int | None:
        """Tokens of the model canvas the window must fit (None: the source has no model)."""
        ...

    def open(self, task: WindowTask) -> SourceRun: ...


class OneShotRun:
    """A model source's run on one window: samples once in the first pass, keeps the texts the window's
    oracle accepts (first one of each text wins), and has nothing to resume or fall back on."""

    def __init__(self, task: WindowTask, made_by: frozenset[str]) -> None:
        self._task, self._made_by = task, made_by
        self._found: dict[str, PartialRepair] = {}

    def _keep(self, text: str, edits: tuple[TextEdit, ...], votes: int, noise: float | None) -> None:
        if text not in self._found and self._task.accept(text):
            self._found[text] = PartialRepair(text, edits, votes, noise, self._made_by, rules=self._made_by)

    def resume(self, until: Deadline) -> None:
        return None

    def fallback(self, until: Deadline, others_found: bool) -> None:
        return None

    def found(self) -> list[PartialRepair]:
        return list(self._found.values())

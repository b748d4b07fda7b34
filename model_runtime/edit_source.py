"""The symbolic candidate source: grammar-guided token edits in the window (``edit_candidates.EditSearch``).

Cheap and usually enough, so it runs first. When nothing cheap repairs the window and no other source
found anything, it keeps single edits that move the error further on (``=IF(A2>7;7;A2)`` needs both ';'
replaced) so that the next round of the window beam can continue from them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from lastfix.grammars.base import Grammar, SyntaxIssue

from .candidate_sources import WindowTask
from .deadline import Deadline
from .edit_candidates import EditCandidate, EditSearch, EditSearchSettings
from .repair_result import PartialRepair
from .windows import find_window

__all__ = ["EditSource"]


@dataclass(frozen=True)
class EditSource:
    """Grammar-guided edits: single and paired token edits, moves and the grammar's named rules."""

    alphabet: Sequence[str]  # symbols the search may insert (the grammar's, plus a model's vocabulary)
    settings: EditSearchSettings
    edit_window: int  # tokens around the error the search may touch
    beam: int  # the search keeps at least this many candidates (the window beam's width)
    progress_below: float  # look for two-step repairs unless a one-step one costs at most this
    slack: float = 0.0  # edit cost above the k-th best still searched (a model's ranking may promote it)
    order: int = 0
    canvas: int | None = None

    def open(self, task: WindowTask) -> _EditRun:
        return _EditRun(self, task)


class _EditRun:
    """The search on one window: run, resumed when nothing was found, then partial progress."""

    def __init__(self, source: EditSource, task: WindowTask) -> None:
        self._source, self._task = source, task
        # narrower than the model's window, with all of its errors (a slip repeated at each is one proposal)
        near = find_window(task.grammar, task.text, task.tokens, task.target, source.edit_window)
        self._window = replace(near, issues=task.window.issues)
        self._search: EditSearch | None = None
        self._cands: list[EditCandidate] = []

    def propose(self, until: Deadline, others_found: bool) -> None:
        source, task = self._source, self._task
        self._search = EditSearch(
            task.grammar,
            task.text,
            task.tokens,
            self._window,
            task.accept,
            alphabet=source.alphabet,
            settings=source.settings,
            hints=task.hints,
            k=max(task.k, source.beam),
            slack=source.slack,
        )
        self._cands = self._run(self._search, until, source.settings.checks)

    def resume(self, until: Deadline) -> None:
        if self._search is not None and not self._search.done and not self._cands:
            self._cands = self._run(self._search, until, self._source.settings.resume_checks)

    def fallback(self, until: Deadline, others_found: bool) -> None:
        source, task = self._source, self._task
        cheapest = min((c.cost for c in self._cands), default=float("inf"))
        if cheapest <= source.progress_below or others_found or until.fires():
            return
        progress = replace(source.settings, pairs=source.settings.progress_pairs, max_accepted=source.beam)
        search = EditSearch(
            task.grammar,
            task.text,
            task.tokens,
            self._window,
            _progress(task.grammar, task.target, len(task.text)),
            alphabet=source.alphabet,
            settings=progress,
            hints=task.hints,
            # a partial step that leaves a bracket unnested only moves the error onto that bracket: not
            # worth a check (a pruning of the two-step search, where the filter is exact for a whole repair)
            prefilter=True,
        )
        self._cands += self._run(search, until)  # the repair's checks left bound it

    def _run(self, search: EditSearch, until: Deadline, checks: int | None = None) -> list[EditCandidate]:
        """``search`` for at most ``checks`` (None: all) of the oracle checks the repair has left."""
        before = search.checked
        found = search.run(until, self._task.checks.take(checks))
        self._task.checks.spend(search.checked - before)
        return found

    def found(self) -> list[PartialRepair]:
        out: dict[str, PartialRepair] = {}
        for c in self._cands:
            prev = out.get(c.text)
            # a progress step the first pass also took: its edits stay, the later pricing counts
            edits = c.edits if prev is None else prev.edits
            rules = c.rules if prev is None else prev.rules | c.rules
            out[c.text] = PartialRepair(
                c.text, edits, 0, None, frozenset({"edits"}), c.cost, c.proximity, rules
            )
        return list(out.values())


def _progress(grammar: Grammar, target: SyntaxIssue, length: int) -> Callable[[str], bool]:
    """Acceptance of a partial step: the first error now starts later than ``target`` did."""

    def accept(new_text: str) -> bool:
        errors = grammar.errors(new_text)
        if not errors:
            return False  # valid: the first pass already took it
        shift = max(0, len(new_text) - length)
        # later start, or the same start with a longer reach (the parser got further before failing)
        return (errors[0].start, errors[0].end) > (target.start + shift, target.end + shift)

    return accept

"""One window of a repair by candidate sources: cut the window, run every source on it, merge, compose.

These are the :class:`~window_beam.BeamRules` of every engine made of candidate sources (edits, hybrid,
diffusion): the window fits the model's canvas, the oracle is the whole document (or, while other windows
still have errors, this window's errors gone; for a quick fix on one error, ``scoped``: that error gone
and none added, whatever the other windows hold), the sources run in their order, each for the work its
settings bound, and a text several sources found is one candidate of all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lastfix.grammars.base import Grammar, SyntaxIssue
from lastfix.grammars.incremental_issues import IncrementalIssues

from .candidate_sources import CandidateSource, CheckBudget, WindowTask
from .deadline import Deadline
from .diffusion_candidates import DiffusionSettings, slot_room
from .hints import hints_from_issues
from .repair_result import PartialRepair
from .windows import Window, find_window, find_windows

__all__ = ["SourceWindows", "window_width"]


def window_width(grammar: Grammar, sources: Sequence[CandidateSource], diffusion: DiffusionSettings) -> int:
    """Window tokens that fit the canvas (a source model's, else the grammar's) beside blank slots and EOS."""
    canvas = next((s.canvas for s in sources if s.canvas is not None), grammar.canvas)
    return max(1, canvas - 1 - slot_room(diffusion))


@dataclass(frozen=True)
class SourceWindows:
    """Beam rules of one repair: ``sources`` in merge precedence (a text found by several keeps the first's
    edits and noise); ``until`` is the safety cap of every source's passes."""

    grammar: Grammar
    sources: Sequence[CandidateSource]
    width: int  # window tokens (window_width)
    k: int  # candidates the caller wants
    beam: int  # partial repairs kept between windows
    until: Deadline  # the sources' cap (the repair's, less what its ranking keeps)
    rounds: int  # windows repaired one after another at most (the beam's work bound)
    checks: CheckBudget  # the oracle checks this repair may spend over all its windows (made per repair)
    scoped: bool = False  # a quick fix on one error: one window, judged on that error (_issue_fixed)

    def grow(
        self,
        original: str,
        state: PartialRepair,
        issues: Sequence[SyntaxIssue],
        target: SyntaxIssue,
        deadline: Deadline,
    ) -> list[PartialRepair]:
        """Candidates for the window of ``target`` in ``state.text``, each as a new partial repair (none
        once the repair has spent its checks: its work bound)."""
        if self.checks.spent:
            return []
        grammar, text = self.grammar, state.text
        tokens = grammar.tokenize(text)
        windows = find_windows(grammar, text, tokens, issues, self.width)
        window = next((w for w in windows if target in w.issues), None)
        if window is None:  # a stale issue (the server's) that the grammar no longer reports as such
            window = find_window(grammar, text, tokens, target, self.width)
        single = all(window.start <= i.start <= window.end for i in issues)
        if self.scoped:
            accept = _issue_fixed(grammar, target, text, issues)
        else:
            accept = grammar.is_valid if single else _window_fixed(grammar, window, len(text))
        hints = hints_from_issues(window.issues)
        task = WindowTask(grammar, text, tokens, window, target, accept, hints, self.k, self.checks)
        runs = [source.open(task) for source in self.sources]
        schedule = sorted(range(len(runs)), key=lambda i: self.sources[i].order)
        for n, i in enumerate(schedule):
            runs[i].propose(self.until, any(runs[j].found() for j in schedule[:n]))
        if not any(run.found() for run in runs):  # nothing yet: a source may go on where it stopped
            for i in schedule:
                runs[i].resume(self.until)
        for i in schedule:
            runs[i].fallback(self.until, any(run.found() for j, run in enumerate(runs) if j != i))
        found: dict[str, PartialRepair] = {}
        for run in runs:
            for cand in run.found():
                prev = found.get(cand.text)
                found[cand.text] = cand if prev is None else prev.joined(cand)
        grown = [state.then(original, cand) for cand in found.values()]
        # scoped: a source's fallback may offer what the window's oracle did not judge
        return [s for s in grown if accept(s.text)] if self.scoped else grown

    def settle(self, grown: list[PartialRepair]) -> tuple[list[PartialRepair], list[PartialRepair]]:
        """Valid documents are finished; the others stay in the beam (scoped: every one is finished, its
        window's acceptance judged it already)."""
        if self.scoped:
            return list(grown), []
        finished: list[PartialRepair] = []
        pending: list[PartialRepair] = []
        for state in grown:
            (finished if self.grammar.is_valid(state.text) else pending).append(state)
        return finished, pending

    def prune(self, pending: list[PartialRepair]) -> list[PartialRepair]:
        """Keep the beam: cheapest planned edits first, then most votes."""
        unique = {s.text: s for s in pending}
        ranked = sorted(
            unique.values(), key=lambda s: (s.cost if s.cost else len(s.edits), -s.votes, s.proximity)
        )
        return ranked[: self.beam]


def _window_fixed(grammar: Grammar, window: Window, length: int) -> Callable[[str], bool]:
    """Acceptance while other windows still have errors: valid, or no error left in this window."""

    def accept(new_text: str) -> bool:
        if grammar.is_valid(new_text):
            return True
        end = window.end + len(new_text) - length
        return not any(
            i.start <= end and max(i.end, i.start) >= window.start for i in grammar.errors(new_text)
        )

    return accept


def _issue_fixed(
    grammar: Grammar, target: SyntaxIssue, text: str, before: Sequence[SyntaxIssue]
) -> Callable[[str], bool]:
    """Acceptance of a quick fix on one error: ``target`` is gone (no error left on its span), fewer errors
    than before, and every error one that was there before (shifted by the edit) or an echo after one."""
    others = {(i.start, i.message) for i in before if i != target}
    # each statement parsed on its own: Python's own parser reports only the first error of a document
    checker = IncrementalIssues(grammar)
    checker.issues(text)

    def accept(new_text: str) -> bool:
        delta = len(new_text) - len(text)
        end = max(target.end, target.start) + max(delta, 0)
        after = checker.issues(new_text)
        if len(after) >= len(before):
            return False
        kept = False  # an error that stays may change its echoes after it (PowerShell's parser does)
        for i in after:
            if i.start <= end and max(i.end, i.start) >= target.start:
                return False
            old = (i.start if i.start < target.start else i.start - delta, i.message) in others
            if not old and not kept:
                return False
            kept = kept or old
        return True

    return accept

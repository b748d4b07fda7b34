"""The window beam: a document with several errors is repaired window by window, keeping a small beam.

Each round takes every partial repair in the beam, repairs the window of its first error (the caller's
error first, in round one) and lets the engine's :class:`BeamRules` say which grown repairs are finished
and which stay in the beam. Every engine runs this one loop; they differ in their rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from lastfix.grammars.base import Grammar, SyntaxIssue

from .deadline import Deadline

__all__ = ["BeamRules", "Repaired", "beam_search"]


class Repaired(Protocol):
    """A (partial) repair: the beam only needs its text."""

    @property
    def text(self) -> str: ...


S = TypeVar("S", bound=Repaired)


class BeamRules(Protocol[S]):
    """How one engine grows, settles and prunes its partial repairs."""

    @property
    def rounds(self) -> int:
        """Windows repaired one after another at most."""
        ...

    def grow(
        self, original: str, state: S, issues: Sequence[SyntaxIssue], target: SyntaxIssue, deadline: Deadline
    ) -> list[S]:
        """Repairs of the window of ``target`` in ``state.text`` (``issues``: all of its errors)."""
        ...

    def settle(self, grown: list[S]) -> tuple[list[S], list[S]]:
        """(finished repairs, repairs that stay in the beam)."""
        ...

    def prune(self, pending: list[S]) -> list[S]:
        """The beam for the next round."""
        ...


def beam_search(
    grammar: Grammar,
    text: str,
    issues: Sequence[SyntaxIssue],
    issue: SyntaxIssue | None,
    start: S,
    rules: BeamRules[S],
    deadline: Deadline,
) -> list[S]:
    """Finished repairs of ``text`` (errors ``issues``; ``issue``'s window first), in the order found."""
    beam = [start]
    done: dict[str, S] = {}
    for round_ in range(rules.rounds):  # the work bound: at most rounds x beam windows
        grown: list[S] = []
        capped = False
        for state in beam:
            state_issues = issues if round_ == 0 else grammar.errors(state.text)
            if not state_issues:
                done.setdefault(state.text, state)
                continue
            capped = deadline.fires()  # the safety cap: no time for another window
            if capped:
                break
            target = issue if (round_ == 0 and issue is not None) else state_issues[0]
            grown.extend(rules.grow(text, state, state_issues, target, deadline))
        finished, pending = rules.settle(grown)
        for state in finished:  # finished documents leave the beam at once, so pruning cannot lose them
            done.setdefault(state.text, state)
        beam = rules.prune(pending)
        if not beam or capped:
            break
    for state in beam:  # what the last round left in the beam counts when the oracle accepts it
        if state.text not in done and grammar.is_valid(state.text):
            done[state.text] = state
    return list(done.values())

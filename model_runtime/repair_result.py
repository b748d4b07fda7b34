"""What a repair returns (:class:`Candidate`) and what the window beam carries (:class:`PartialRepair`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lastfix.grammars.base import TextEdit

from .edit_compose import compose_edits

__all__ = ["Candidate", "PartialRepair"]


@dataclass(frozen=True)
class Candidate:
    """A repaired document, its edits on the original, and why it ranks where it does."""

    text: str  # the whole repaired document
    edits: tuple[TextEdit, ...]  # minimal edits on the original document
    distance: int  # token edit distance to the original
    votes: int  # diffusion samples that produced it
    noise: float | None  # noise level of its first diffusion sample (None for pure edits)
    source: str  # "diffusion" | "edits" | "both" (or the name of another engine's one source)
    score: float  # ranking score, higher is better
    cost: float = 0.0  # weighted edit cost to the original (ranking.weighted_distance), before any prior
    # what made it: the named rules of the symbolic search ("search" for its plain token edits) and
    # "diffusion" for the sampler, over every window the repair went through
    rules: frozenset[str] = frozenset()
    # what the learned ranking read of it (repair_features.candidate_features); the bench fits on these
    features: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}), compare=False)


@dataclass(frozen=True)
class PartialRepair:
    """A document after some windows were repaired, with what the ranking needs to know about it."""

    text: str
    edits: tuple[TextEdit, ...]
    votes: int = 0
    noise: float | None = None
    sources: frozenset[str] = frozenset()
    cost: float = 0.0  # planned weighted edit distance of the symbolic edits (search order only)
    proximity: int = 0
    rules: frozenset[str] = frozenset()

    def joined(self, other: PartialRepair) -> PartialRepair:
        """The same text found by another source too: this one's edits and noise stand for it, votes add up,
        the planned cost and nearness are the symbolic search's (a sampler plans none), both made it."""
        return PartialRepair(
            self.text,
            self.edits,
            self.votes + other.votes,
            self.noise if self.noise is not None else other.noise,
            self.sources | other.sources,
            max(self.cost, other.cost),
            max(self.proximity, other.proximity),
            self.rules | other.rules,
        )

    def then(self, original: str, step: PartialRepair) -> PartialRepair:
        """This partial repair followed by ``step`` (a repair of one window of ``self.text``)."""
        edits = step.edits if not self.edits else tuple(compose_edits(original, self.edits, step.edits))
        return PartialRepair(
            step.text,
            edits,
            self.votes + step.votes,
            self.noise if self.noise is not None else step.noise,
            self.sources | step.sources,
            self.cost + step.cost,
            self.proximity + step.proximity,
            self.rules | step.rules,
        )

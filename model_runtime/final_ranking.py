"""The ranking of finished repairs: the oracle's last word, the cost of each fix, one score per engine.

Every engine made of candidate sources ranks the same way: drop what the oracle rejects, price each
repair by its weighted token edit distance (or the slip the search says it undoes), drop rewrites
dearer than ``max_cost``, score with the engine's :class:`ScorePolicy`, best first, and (unless the
policy ranks by votes alone) let other edit shapes through before a fourth repair of one shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from lastfix.grammars.base import Grammar, SyntaxIssue, Token

from .deadline import Deadline
from .hints import EditHints
from .learned_ranking import Ranker
from .masked_likelihood import masked_gains, reading_gains
from .masked_repair import settings_for
from .naturalness import naturalness_scores
from .ranking import (
    DEFAULT_COSTS,
    RankingWeights,
    diversify,
    edit_shape,
    edits_score,
    hybrid_score,
    ngram_gain,
    redundant_parens,
    token_distance,
    weighted_distance,
)
from .repair_features import MASKED_FEATURE, READ_FEATURE, candidate_features
from .repair_result import Candidate, PartialRepair
from .repair_settings import SearchSettings

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .sampler import DiffusionRuntime

__all__ = [
    "Judged",
    "ScorePolicy",
    "EditCostScore",
    "VoteScore",
    "SourceOrderScore",
    "HybridScore",
    "LearnedScore",
    "rank_repairs",
]


@dataclass(frozen=True)
class Judged:
    """A valid repair with its price: token distance and weighted cost to the original."""

    state: PartialRepair
    tokens: Sequence[Token]
    distance: int
    cost: float
    lm_gain: float | None  # log P(it) - log P(original) under the n-gram prior (None: no model)
    features: Mapping[str, float]  # repair_features.candidate_features: what the learned ranking reads


class ScorePolicy(Protocol):
    """How an engine scores its valid repairs (higher is better)."""

    @property
    def time_share(self) -> float:
        """Of the repair's budget, what the scoring needs after the candidate sources."""
        ...

    @property
    def diversify(self) -> bool:
        """Do other edit shapes get a turn before a fourth repair of one shape?"""
        ...

    @property
    def language_model(self) -> DiffusionRuntime | None:
        """The model whose n-gram prior gives each candidate's ``lm`` feature (None: no model)."""
        ...

    @property
    def reads_masked(self) -> bool:
        """Does the score (or a fit of one) read the masked model's gain? It costs a batch of the model."""
        ...

    @property
    def reads_reading(self) -> bool:
        """Does the score (or a fit of one) read a slip-trained masked model's reading gain? One batch."""
        ...

    def scores(
        self, grammar: Grammar, base: Sequence[Token], judged: Sequence[Judged], deadline: Deadline
    ) -> list[float]: ...


@dataclass(frozen=True)
class EditCostScore:
    """No model: weighted distance first, then nearness to the error."""

    time_share: float = 0.0
    diversify: bool = True
    language_model: None = None
    reads_masked: bool = False
    reads_reading: bool = False

    def scores(
        self, grammar: Grammar, base: Sequence[Token], judged: Sequence[Judged], deadline: Deadline
    ) -> list[float]:
        return [edits_score(j.cost, j.state.proximity) for j in judged]


@dataclass(frozen=True)
class VoteScore:
    """The paper's vote pooling over diffusion samples; ties go to the closest repair."""

    time_share: float = 0.0
    diversify: bool = False  # the paper's protocol ranks by votes alone
    language_model: None = None
    reads_masked: bool = False
    reads_reading: bool = False

    def scores(
        self, grammar: Grammar, base: Sequence[Token], judged: Sequence[Judged], deadline: Deadline
    ) -> list[float]:
        return [float(j.state.votes) - 0.01 * j.cost for j in judged]


@dataclass(frozen=True)
class SourceOrderScore:
    """The source's own order: the masked model ranks its samples by its likelihood of the repaired window
    (``masked_repair``'s "pll"), so every candidate scores alike and the stable sort keeps that order."""

    time_share: float = 0.0
    diversify: bool = False
    language_model: None = None
    reads_masked: bool = False
    reads_reading: bool = False

    def scores(
        self, grammar: Grammar, base: Sequence[Token], judged: Sequence[Judged], deadline: Deadline
    ) -> list[float]:
        return [0.0] * len(judged)


@dataclass(frozen=True)
class HybridScore:
    """Cost, votes, agreement of both sources, the corpus n-gram prior and (when weighted) naturalness."""

    runtime: DiffusionRuntime
    weights: RankingWeights
    naturalness_share: float = 0.2  # of the budget kept for the naturalness batch when it is weighted
    seed: int = 0
    # compute the masked model's gain although this score does not read it: the bench fits on it
    describe: bool = False
    diversify: bool = True

    @property
    def time_share(self) -> float:
        return self.naturalness_share if self.weights.naturalness > 0 else 0.0

    @property
    def language_model(self) -> DiffusionRuntime:
        return self.runtime

    @property
    def reads_masked(self) -> bool:
        return self.describe

    @property
    def reads_reading(self) -> bool:
        return self.describe

    def scores(
        self, grammar: Grammar, base: Sequence[Token], judged: Sequence[Judged], deadline: Deadline
    ) -> list[float]:
        gain = {j.state.text: j.lm_gain or 0.0 for j in judged}
        natural: dict[str, float] = {}
        if self.weights.naturalness and not deadline.cancelled():
            natural = naturalness_scores(grammar, self.runtime, [j.state for j in judged], self.seed)
        best_nat = min(natural.values()) if natural else None
        return [
            hybrid_score(
                j.cost,
                j.state.votes,
                natural.get(j.state.text),
                best_nat,
                {"edits", "diffusion"} <= j.state.sources,
                self.weights,
                j.state.proximity,
                gain.get(j.state.text, 0.0),
            )
            for j in judged
        ]


@dataclass(frozen=True)
class LearnedScore:
    """The fitted noisy-channel score (``learned_ranking.Ranker``) over every candidate's features."""

    runtime: DiffusionRuntime | None  # the n-gram prior of the ``lm`` feature (None: the feature is absent)
    ranker: Ranker
    time_share: float = 0.0
    diversify: bool = True

    @property
    def language_model(self) -> DiffusionRuntime | None:
        return self.runtime

    @property
    def reads_masked(self) -> bool:
        return MASKED_FEATURE in self.ranker.weights

    @property
    def reads_reading(self) -> bool:
        return READ_FEATURE in self.ranker.weights

    def scores(
        self, grammar: Grammar, base: Sequence[Token], judged: Sequence[Judged], deadline: Deadline
    ) -> list[float]:
        return [self.ranker.score(j.features) for j in judged]


def rank_repairs(
    grammar: Grammar,
    original: str,
    states: Sequence[PartialRepair],
    k: int | None,
    hints: EditHints,
    policy: ScorePolicy,
    search: SearchSettings,
    deadline: Deadline,
    accept: Callable[[str], bool] | None = None,
    issue: SyntaxIssue | None = None,
) -> list[Candidate]:
    """The top ``k`` of ``states`` (None: all of them) as candidates, best first; ``accept`` (default: the
    document is valid) is the oracle's last word (a quick fix on one error judges the text on that error
    alone); ``issue`` is the error the repair was for, where the error model measures positions from
    (None: from the end of the text)."""
    ok = grammar.is_valid if accept is None else accept
    states = [s for s in states if ok(s.text)]
    if not states:
        return []
    base = grammar.tokenize(original)
    base_texts = [t.text for t in base]
    cost_base = grammar.cost_tokens(base)
    tidy = search.tidy_parens
    base_redundant = redundant_parens(base) if tidy else 0
    lm = policy.language_model
    priced: list[tuple[PartialRepair, Sequence[Token], float]] = []
    for s in states:
        toks = grammar.tokenize(s.text)
        cost = weighted_distance(cost_base, grammar.cost_tokens(toks), hints=hints)
        if 0 < s.cost < cost:
            # the search priced it as the slip it undoes (a grammar rewrite: A1:10 -> A1:A10), which
            # the token distance sees as a deletion plus an insertion of content
            cost = s.cost
        added = max(0, redundant_parens(toks) - base_redundant) if tidy else 0
        cost += DEFAULT_COSTS.redundant_parens * added
        if cost <= search.max_cost:  # a fix, not a rewrite
            priced.append((s, toks, cost))
    masked: list[float | None] = [None] * len(priced)
    read: list[float | None] = [None] * len(priced)
    if lm is not None and lm.masked is not None and not deadline.cancelled():
        if policy.reads_masked:
            masked = masked_gains(lm.masked, base, [p[1] for p in priced])
        if policy.reads_reading and (reading := settings_for(lm.masked)).decoder == "read":  # slip-trained
            read = reading_gains(lm.masked, base, [p[1] for p in priced], reading)
    judged: list[Judged] = []
    for (s, cand, cost), masked_gain, read_gain in zip(priced, masked, read, strict=True):
        gain = ngram_gain(lm.ngram, lm.vocab, base, cand) if lm is not None and lm.ngram is not None else None
        features = candidate_features(
            original,
            base,
            cand,
            issue,
            hints,
            cost=cost,
            votes=s.votes,
            sources=s.sources,
            rules=s.rules,
            lm_gain=gain,
            masked_gain=masked_gain,
            read_gain=read_gain,
        )
        distance = token_distance(base_texts, [t.text for t in cand])
        judged.append(Judged(s, cand, distance, cost, gain, features))
    if not judged:
        return []
    out = [
        Candidate(
            j.state.text,
            j.state.edits,
            j.distance,
            j.state.votes,
            j.state.noise,
            _source(j.state),
            score,
            j.cost,
            j.state.rules,
            j.features,
        )
        for j, score in zip(judged, policy.scores(grammar, base, judged, deadline), strict=True)
    ]
    out.sort(key=lambda c: -c.score)  # stable: equal scores keep the sources' order
    if policy.diversify:
        out = diversify(out, lambda c: edit_shape(c.edits), search.per_shape)
    return out if k is None else out[:k]


def _source(state: PartialRepair) -> str:
    """ "both" when several sources found it, else the one that did."""
    return "both" if len(state.sources) > 1 else next(iter(state.sources), "edits")

"""What a caller chooses (:class:`RepairSettings`) and how the search is tuned (:class:`SearchSettings`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lastfix.grammars.errors import UnknownLanguageError
from lastfix.grammars.registry import get_language

from .diffusion_candidates import DiffusionSettings
from .edit_candidates import EditSearchSettings
from .ranking import RankingWeights

__all__ = ["RepairSettings", "SearchSettings", "budget_ms"]


@dataclass(frozen=True)
class RepairSettings:
    """What a caller chooses: how many candidates, which engine, how long, how many samples."""

    k: int = 5
    engine: str = "hybrid"  # a name of engines.ENGINES (or of the extra engines a caller adds)
    # the budget a Repairer gives one repair when its caller passes no Deadline; None = the language's
    # (SearchSettings.budget_ms). Entry points make their own Deadline from budget_ms() instead.
    time_budget_ms: int | None = None
    seeds: int = 8  # diffusion samples per noise level (the paper's protocol; the hybrid takes fewer)
    noise: float | None = None  # None = from the model's noise table
    # named rules switched off in the symbolic search (``lastfix bench --without-rule``): ablations
    without_rules: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SearchSettings:
    """Tuning of the search itself (defaults measured on the dev benchmarks)."""

    diffusion: DiffusionSettings = field(default_factory=DiffusionSettings)
    edits: EditSearchSettings = field(default_factory=EditSearchSettings)
    weights: RankingWeights = field(default_factory=RankingWeights)
    edit_window: int = 32  # tokens around the error the symbolic search may touch
    beam: int = 4  # partial repairs kept between windows of a multi-error document
    max_rounds: int = 8  # windows repaired one after another at most
    # of the time budget kept for scoring candidates with the model's naturalness (when its weight is on)
    naturalness_share: float = 0.2
    progress_below: float = 2.0  # look for two-step repairs unless a one-step one costs at most this
    max_cost: float = 8.0  # weighted edit cost above which a "repair" rewrites the code rather than fixes it
    diffusion_share: float = 0.4  # of the budget the hybrid keeps for the sampler after the symbolic search
    # the sampler's time in a hybrid repair once the symbolic search has candidates: sized to the model's
    # speed, so a 128-token Python canvas runs fewer samples than a 64-token Excel one (p50 latency)
    diffusion_ms: int = 150
    # samples per noise level in the hybrid, where the model ranks and adds to the symbolic search: Excel
    # dev top-1 and top-5 the same with 4 as with 8, p50 244 -> 216 ms
    hybrid_seeds: int = 4
    hybrid_slack: float = 1.0  # edit cost above the k-th best that the model's ranking may still promote
    # added grouping parentheses cost extra (EditCosts.redundant_parens)
    tidy_parens: bool = False
    # candidates of one edit shape (ranking.edit_shape) before other shapes get a turn: Excel dev sketch@5
    # 0.767 -> 0.781 with 2 or 3; Python (first 300) exact@5 0.467 with 3 and off, 0.463 with 2
    per_shape: int = 3
    # the budget of a repair when the caller names none: where dev accuracy stops growing (EXPERIMENTS.md)
    budget_ms: int = 1000
    seed: int = 0

    @classmethod
    def for_language(cls, language: str) -> SearchSettings:
        """The defaults with what measured better for ``language`` on its dev benchmark (its folder's
        ``Language.search``); a name lastfix does not know gets the defaults."""
        try:
            tuning = get_language(language).search
        except UnknownLanguageError:
            return cls()
        return replace(cls(), **tuning)


def budget_ms(language: str, chosen: int | None) -> int:
    """The time one repair of ``language`` may take: ``chosen``, or the language's default."""
    return chosen if chosen is not None else SearchSettings.for_language(language).budget_ms

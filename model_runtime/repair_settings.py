"""What a caller chooses (:class:`RepairSettings`) and how the search is tuned (:class:`SearchSettings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from lastfix.grammars.errors import UnknownLanguageError
from lastfix.grammars.registry import get_language

from .diffusion_candidates import DiffusionSettings
from .edit_candidates import EditSearchSettings
from .ranking import RankingWeights

__all__ = ["RepairSettings", "SearchSettings", "budget_ms"]

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_S = TypeVar("_S", bound="DataclassInstance")


@dataclass(frozen=True)
class RepairSettings:
    """What a caller chooses: how many candidates, which engine, how long, how many samples."""

    k: int = 5
    engine: str = "hybrid"  # a name of engines.ENGINES (or of the extra engines a caller adds)
    # the safety cap a Repairer gives one repair when its caller passes no Deadline; None = the language's
    # (SearchSettings.budget_ms). Entry points make their own Deadline from budget_ms() instead.
    time_budget_ms: int | None = None
    seeds: int = 8  # diffusion samples per noise level (the paper's protocol; the hybrid takes fewer)
    noise: float | None = None  # None = from the model's noise table
    # named rules switched off in the symbolic search (``lastfix bench --without-rule``): ablations
    without_rules: frozenset[str] = frozenset()
    # "learned": the hybrid ranks with the ranker.json shipped beside its model, when there is one, and
    # leaves its rules off; "hand-set": the hand-set score and every rule (what a refit is measured on)
    ranking: str = "learned"
    # every feature on every candidate, the masked model's gain included (a batch of that model per
    # repair): what ``lastfix bench --folds`` fits the learned ranking to; off in the product
    describe: bool = False


@dataclass(frozen=True)
class SearchSettings:
    """Tuning of the search itself (defaults measured on the dev benchmarks)."""

    diffusion: DiffusionSettings = field(default_factory=DiffusionSettings)
    edits: EditSearchSettings = field(default_factory=EditSearchSettings)
    weights: RankingWeights = field(default_factory=RankingWeights)
    edit_window: int = 32  # tokens around the error the symbolic search may touch
    beam: int = 4  # partial repairs kept between windows of a multi-error document
    max_rounds: int = 8  # windows repaired one after another at most
    # Work bounds (DESIGN "Repair" 5: the same candidates in the same order on any machine, under any load),
    # in place of the old time shares. Chosen on the dev splits against the time-bounded search run on this
    # 2-core machine beside a training job, --threads 1 (issue 17): Excel hybrid sketch@1 0.630 (0.671 in a
    # lighter-loaded run) -> 0.671, p95 907 ms, the 1 s cap fired on 0 of 73 records (on 18 before).
    # The edit search's oracle checks over all windows of one repair (first passes: EditSearchSettings):
    repair_checks: int = 3000
    # of the safety cap kept for scoring candidates with the model's naturalness (when its weight is on)
    naturalness_share: float = 0.2
    progress_below: float = 2.0  # look for two-step repairs unless a one-step one costs at most this
    max_cost: float = 8.0  # weighted edit cost above which a "repair" rewrites the code rather than fixes it
    # the sampler's rows (samples) in a hybrid repair once the symbolic search has candidates: all of them
    # (levels x hybrid_seeds); the old 150 ms drew 6 to 12 by the load (6: Excel sketch@1 0.644)
    quick_rows: int = 12
    # samples per noise level in the hybrid, where the model ranks and adds to the symbolic search: Excel
    # dev top-1 and top-5 the same with 4 as with 8, p50 244 -> 216 ms
    hybrid_seeds: int = 4
    hybrid_slack: float = 1.0  # edit cost above the k-th best that the model's ranking may still promote
    # added grouping parentheses cost extra (EditCosts.redundant_parens)
    tidy_parens: bool = False
    # candidates of one edit shape (ranking.edit_shape) before other shapes get a turn: Excel dev sketch@5
    # 0.767 -> 0.781 with 2 or 3; Python (first 300) exact@5 0.467 with 3 and off, 0.463 with 2
    per_shape: int = 3
    # the safety cap of a repair when the caller names none: the search itself is bounded by work (the edit
    # search's checks, the sampler's rows, the beam's rounds), so the cap only stops a runaway or a
    # starved machine; where dev accuracy stopped growing when it was the budget (EXPERIMENTS.md)
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
        return _tuned(cls(), tuning)


def _tuned(settings: _S, tuning: Mapping[str, Any]) -> _S:
    """``settings`` with ``tuning``'s values; a mapping tunes the nested settings of its name
    (``{"edits": {"checks": 400}}``), so a language need not import the settings classes."""
    values = {
        name: _tuned(getattr(settings, name), value) if isinstance(value, Mapping) else value
        for name, value in tuning.items()
    }
    return replace(settings, **values)


def budget_ms(language: str, chosen: int | None) -> int:
    """The safety cap of one repair of ``language`` (ms): ``chosen``, or the language's default."""
    return chosen if chosen is not None else SearchSettings.for_language(language).budget_ms

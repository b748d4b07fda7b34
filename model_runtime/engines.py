"""Repair engines behind one interface (:class:`RepairEngine`) and the factory that builds one by name.

An engine here is a composition: candidate sources (the symbolic edit search, the diffusion sampler) and a
score policy, run window by window by the one window beam (DESIGN.md "Repair"). Which sources and which
policy make each engine is named data (:data:`RUNTIME_ENGINES`), not a branch inside the repair loop. A
caller with engines of its own (the bench's seq2seq baseline) passes them as ``extra`` recipes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from lastfix.grammars.base import Grammar, SyntaxIssue
from lastfix.grammars.errors import ModelLoadError
from lastfix.grammars.incremental_issues import IncrementalIssues

from .candidate_sources import CandidateSource, CheckBudget
from .deadline import Deadline
from .diffusion_source import DiffusionSource
from .edit_candidates import edit_alphabet
from .edit_source import EditSource
from .final_ranking import (
    EditCostScore,
    HybridScore,
    LearnedScore,
    ScorePolicy,
    SourceOrderScore,
    VoteScore,
    rank_repairs,
)
from .hints import hints_from_issues
from .masked_repair import settings_for
from .masked_source import MaskedSource
from .model_resolver import ModelChoice, require_model
from .repair_result import Candidate, PartialRepair
from .repair_settings import RepairSettings, SearchSettings
from .window_beam import beam_search
from .window_step import SourceWindows, window_width

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .masked_repair import MaskedRepairSettings
    from .masked_runtime import MaskedRuntime
    from .sampler import DiffusionRuntime

__all__ = [
    "ENGINES",
    "RUNTIME_ENGINES",
    "EngineRecipe",
    "IssueRepairEngine",
    "LoadedModel",
    "RepairEngine",
    "SourceEngine",
    "create_engine",
    "masked_engine",
]


class RepairEngine(Protocol):
    """What every engine answers: the top-k valid repairs of a document, best first, within ``deadline``."""

    @property
    def name(self) -> str: ...

    @property
    def grammar(self) -> Grammar: ...

    def repair(
        self, text: str, issue: SyntaxIssue | None = None, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        """All errors of ``text`` (``issue``'s window first); ``k`` None: the engine's own."""
        ...


@runtime_checkable
class IssueRepairEngine(Protocol):
    """An engine that can repair one error on its own (a quick fix), leaving the other errors as they were."""

    def repair_issue(
        self, text: str, issue: SyntaxIssue, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        """Top-k repairs of ``issue``'s window: its errors gone, no error added anywhere."""
        ...


class LoadedModel(Protocol):
    """What the factory reads of a loaded model, whatever its kind: the language it was trained for."""

    @property
    def language(self) -> str: ...


class SourceEngine:
    """An engine made of candidate sources and a score policy, repairing window by window."""

    def __init__(
        self,
        name: str,
        grammar: Grammar,
        sources: Sequence[CandidateSource],  # in merge precedence (window_step.SourceWindows)
        policy: ScorePolicy,
        search: SearchSettings,
        k: int,
    ) -> None:
        self._name, self._grammar = name, grammar
        self.sources, self.policy, self.search, self.k = tuple(sources), policy, search, k
        self._width = window_width(grammar, self.sources, search.diffusion)

    @property
    def name(self) -> str:
        return self._name

    @property
    def grammar(self) -> Grammar:
        return self._grammar

    def repair(
        self, text: str, issue: SyntaxIssue | None = None, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        k = self.k if k is None else k
        return self.repair_pool(text, issue, deadline=deadline, k=k)[:k]

    def repair_pool(
        self, text: str, issue: SyntaxIssue | None = None, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        """Every valid repair found while searching for the top ``k``, best first: what the bench measures
        recall on and fits the learned ranking to."""
        k = self.k if k is None else k
        issues = self._grammar.errors(text)
        if not issues or k <= 0:
            return []
        done = beam_search(
            self._grammar, text, issues, issue, PartialRepair(text, ()), self._rules(k, deadline), deadline
        )
        hints = hints_from_issues(issues)
        target = issue if issue is not None else issues[0]
        return rank_repairs(
            self._grammar, text, done, None, hints, self.policy, self.search, deadline, issue=target
        )

    def repair_issue(
        self, text: str, issue: SyntaxIssue, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        k = self.k if k is None else k
        # every statement's errors, not only the first one the parser stops at: the others must stay
        issues = list(IncrementalIssues(self._grammar).issues(text))
        if not issues or k <= 0:
            return []
        if all(i == issue for i in issues):  # the only error: a fix is one that makes the document valid
            return self.repair(text, issue, deadline=deadline, k=k)
        rules = replace(self._rules(k, deadline), rounds=1, scoped=True)
        done = beam_search(self._grammar, text, issues, issue, PartialRepair(text, ()), rules, deadline)
        hints = hints_from_issues(issues)
        return rank_repairs(
            self._grammar,
            text,
            done,
            k,
            hints,
            self.policy,
            self.search,
            deadline,
            accept=lambda t: True,
            issue=issue,
        )

    def _rules(self, k: int, deadline: Deadline) -> SourceWindows:
        """This repair's window rules; the sources' cap leaves the ranking its share, should the cap fire."""
        return SourceWindows(
            self._grammar,
            self.sources,
            self._width,
            k,
            max(self.search.beam, self.k),
            deadline.leave(self.policy.time_share),
            self.search.max_rounds,
            CheckBudget(self.search.repair_checks),
        )


EngineBuilder = Callable[[Grammar, "LoadedModel | None", RepairSettings, SearchSettings], RepairEngine]


@dataclass(frozen=True)
class EngineRecipe:
    """How to build one engine, and the kind of model it needs (None: none) and how to get one."""

    build: EngineBuilder
    model: str | None = None  # "diffusion", "seq2seq", ...
    export: str = "`lastfix export`"  # the command that writes such a model
    shipped: bool = True  # lastfix ships a model of this kind for each language
    load: Callable[[ModelChoice], LoadedModel] = require_model  # the chosen folder, loaded


def _diffusion_runtime(runtime: LoadedModel | None) -> DiffusionRuntime:
    """The model of an engine whose recipe names a diffusion model (create_engine checked it is there)."""
    return cast("DiffusionRuntime", runtime)


def _edit_source(
    grammar: Grammar, search: SearchSettings, extra: Sequence[str] = (), slack: float = 0.0
) -> EditSource:
    return EditSource(
        edit_alphabet(grammar, extra),
        search.edits,
        search.edit_window,
        search.beam,
        search.progress_below,
        slack,
    )


def _edits(
    grammar: Grammar, runtime: LoadedModel | None, settings: RepairSettings, search: SearchSettings
) -> SourceEngine:
    """Grammar-guided edits ranked by weighted distance: no model."""
    return SourceEngine(
        "edits", grammar, [_edit_source(grammar, search)], EditCostScore(), search, settings.k
    )


def _diffusion(
    grammar: Grammar, runtime: LoadedModel | None, settings: RepairSettings, search: SearchSettings
) -> SourceEngine:
    """The diffusion model alone, ranked by votes: the paper's protocol."""
    model = _diffusion_runtime(runtime)
    sampler = DiffusionSource(
        grammar, model, search.diffusion, seeds=settings.seeds, noise=settings.noise, seed=search.seed
    )
    return SourceEngine("diffusion", grammar, [sampler], VoteScore(), search, settings.k)


def _hybrid(
    grammar: Grammar, runtime: LoadedModel | None, settings: RepairSettings, search: SearchSettings
) -> SourceEngine:
    """The product: the symbolic search first, the sampler ranks and adds, and a slip-trained masked model's
    reading where its settings say so (``hybrid_source``); the learned ranking shipped with the model (its
    ranker.json, fitted on cross-validation folds) ranks, else the hand-set score."""
    model = _diffusion_runtime(runtime)
    ranker = model.ranker if settings.ranking == "learned" else None
    if ranker is not None and ranker.without_rules:  # rules without a cross-validated gain stay off
        off = search.edits.without_rules | ranker.without_rules
        search = replace(search, edits=replace(search.edits, without_rules=off))
    edits = _edit_source(grammar, search, model.vocab.symbols, search.hybrid_slack)
    sampler = DiffusionSource(
        grammar,
        model,
        search.diffusion,
        seeds=min(settings.seeds, search.hybrid_seeds),
        noise=settings.noise,
        quick_rows=search.quick_rows,
        seed=search.seed,
    )
    policy: ScorePolicy = (
        LearnedScore(model, ranker)
        if ranker is not None and ranker.learned
        else HybridScore(model, search.weights, search.naturalness_share, search.seed, settings.describe)
    )
    # the sampler first in merge precedence: a text both find keeps its edits, votes and noise level
    sources: list[CandidateSource] = [sampler, edits]
    if model.masked is not None and settings_for(model.masked).hybrid_source:  # a "read" model's
        # a slip-trained masked model reads fixes straight off the broken window, some the search's edit
        # alphabet cannot write (its reading gain is a ranking feature whether or not it is a source)
        sources.append(MaskedSource(model.masked, seed=search.seed))
    return SourceEngine("hybrid", grammar, sources, policy, search, settings.k)


def _masked(
    grammar: Grammar, runtime: LoadedModel | None, settings: RepairSettings, search: SearchSettings
) -> SourceEngine:
    """The product's discrete (masked) diffusion model alone, no edit search (issue 16's "diffusion
    alone"): each error's window masked and unmasked, ranked by the model's likelihood of the window."""
    model = _diffusion_runtime(runtime)
    if model.masked is None:
        raise ModelLoadError(
            f"the masked engine needs a masked model beside the {grammar.name} model (a folder "
            f"'masked' written by `python -m lastfix.model_training.masked_export`); this model has none"
        )
    return masked_engine(grammar, model.masked, None, search, settings.k)


def masked_engine(
    grammar: Grammar,
    masked: MaskedRuntime,
    repair: MaskedRepairSettings | None,
    search: SearchSettings,
    k: int,
) -> SourceEngine:
    """The masked engine's composition: the masked source alone, in its own (likelihood) order;
    ``repair`` None: the model's own settings (config.json "repair"), else these (masked_cv's grid)."""
    source = MaskedSource(masked, repair, seed=search.seed)
    return SourceEngine("masked", grammar, [source], SourceOrderScore(), search, k)


DEFAULT_SETTINGS = RepairSettings()
RUNTIME_ENGINES: Mapping[str, EngineRecipe] = {
    "diffusion": EngineRecipe(_diffusion, model="diffusion"),
    "edits": EngineRecipe(_edits),
    "hybrid": EngineRecipe(_hybrid, model="diffusion"),
    "masked": EngineRecipe(_masked, model="diffusion"),
}
ENGINES: tuple[str, ...] = tuple(sorted(RUNTIME_ENGINES))


def create_engine(
    grammar: Grammar,
    runtime: LoadedModel | None,
    settings: RepairSettings = DEFAULT_SETTINGS,
    *,
    search: SearchSettings | None = None,  # None = SearchSettings.for_language
    extra: Mapping[str, EngineRecipe] | None = None,
) -> RepairEngine:
    """The engine ``settings.engine`` for ``grammar``; ValueError naming the valid engines, ModelLoadError
    when it needs a model that is missing or of another language."""
    recipes = {**RUNTIME_ENGINES, **(extra or {})}
    recipe = recipes.get(settings.engine)
    if recipe is None:
        raise ValueError(
            f"unknown repair engine {settings.engine!r}; valid engines are {', '.join(sorted(recipes))}"
        )
    if recipe.model is not None and runtime is None:
        raise ModelLoadError(
            f"the {settings.engine} engine needs a {recipe.model} model for {grammar.name} and none is "
            f"loaded; pass --model DIR (a directory written by {recipe.export}) or use --engine edits"
        )
    if runtime is not None and runtime.language != grammar.name:
        raise ModelLoadError(
            f"the model is for {runtime.language!r}, not {grammar.name!r}; pass the right --model"
        )
    search = SearchSettings.for_language(grammar.name) if search is None else search
    if settings.without_rules:
        without = search.edits.without_rules | settings.without_rules
        search = replace(search, edits=replace(search.edits, without_rules=without))
    return recipe.build(grammar, runtime, settings, search)

"""The repair engine: error windows, diffusion and grammar-guided candidates, the oracle, ranking.

DESIGN.md "Repair": for each syntax error, take its window; pick the noise level from the error's size
(the model's calibrated noise table, paper fig. 5-6); gather candidates from the resumed diffusion
process (paper 3.2) and from single-token/paired edits; keep only what the validity oracle accepts on
the whole document; rank by token edit distance, votes among diffusion samples, the corpus n-gram
prior and (when weighted) the model's naturalness; return the top k. Several errors are repaired
window by window, as a small beam.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from lastfix.grammars.base import Grammar, SyntaxIssue, TextEdit, Token
from lastfix.grammars.errors import ModelLoadError, UnknownLanguageError
from lastfix.grammars.registry import get_language

from .diffusion_candidates import (
    DiffusionSample,
    DiffusionSettings,
    encode_window,
    sample_repairs,
    slot_room,
)
from .edit_candidates import EditCandidate, EditSearch, EditSearchSettings, edit_alphabet
from .edit_compose import compose_edits
from .hints import EditHints, hints_from_issues
from .noise_table import levels_around, noise_for
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
from .windows import Window, error_size, find_window, find_windows

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .sampler import DiffusionRuntime

__all__ = ["ENGINES", "RepairSettings", "SearchSettings", "Candidate", "Repairer", "budget_ms"]

ENGINES: tuple[str, ...] = ("diffusion", "edits", "hybrid")


@dataclass(frozen=True)
class RepairSettings:
    """What a caller chooses: how many candidates, which engine, how long, how many samples."""

    k: int = 5
    engine: str = "hybrid"  # diffusion | edits | hybrid
    time_budget_ms: int | None = None  # None = the language's (SearchSettings.budget_ms)
    seeds: int = 8  # diffusion samples per noise level (the paper's protocol; the hybrid takes fewer)
    noise: float | None = None  # None = from the model's noise table


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


@dataclass(frozen=True)
class Candidate:
    """A repaired document, its edits on the original, and why it ranks where it does."""

    text: str  # the whole repaired document
    edits: tuple[TextEdit, ...]  # minimal edits on the original document
    distance: int  # token edit distance to the original
    votes: int  # diffusion samples that produced it
    noise: float | None  # noise level of its first diffusion sample (None for pure edits)
    source: str  # "diffusion" | "edits" | "both"
    score: float  # ranking score, higher is better
    cost: float = 0.0  # weighted edit cost to the original (ranking.weighted_distance), before any prior


@dataclass(frozen=True)
class _Partial:
    """A document after some windows were repaired, with what the ranking needs to know about it."""

    text: str
    edits: tuple[TextEdit, ...]
    votes: int = 0
    noise: float | None = None
    sources: frozenset[str] = frozenset()
    cost: float = 0.0  # planned weighted edit distance of the symbolic edits (search order only)
    proximity: int = 0


class Repairer:
    """Repairs syntax errors of one language; ``runtime`` may be None for the `edits` engine."""

    def __init__(
        self,
        grammar: Grammar,
        runtime: DiffusionRuntime | None,
        settings: RepairSettings = RepairSettings(),
        *,
        search: SearchSettings | None = None,  # None = SearchSettings.for_language
    ) -> None:
        if settings.engine not in ENGINES:
            raise ValueError(
                f"unknown repair engine {settings.engine!r}; valid engines are {', '.join(ENGINES)}"
            )
        if settings.engine != "edits" and runtime is None:
            raise ModelLoadError(
                f"the {settings.engine} engine needs a diffusion model for {grammar.name} and none is "
                "loaded; "
                "pass --model DIR (a directory written by `lastfix export`) or use --engine edits"
            )
        if runtime is not None and runtime.language != grammar.name:
            raise ModelLoadError(
                f"the model is for {runtime.language!r}, not {grammar.name!r}; pass the right --model"
            )
        self.grammar = grammar
        self.runtime = runtime if settings.engine != "edits" else None
        self.settings = settings
        self.search = SearchSettings.for_language(grammar.name) if search is None else search
        # what one repair may take: the caller's budget, or the language's
        self.budget_ms = (
            settings.time_budget_ms if settings.time_budget_ms is not None else self.search.budget_ms
        )  # not budget_ms(): an explicit ``search`` carries its own default
        self._row_step_s: float | None = None  # measured cost of one sampler row x step
        extra = self.runtime.vocab.symbols if self.runtime is not None else ()
        self._alphabet = edit_alphabet(grammar, extra)

    # ----- public ---------------------------------------------------------------------------------

    def repair(
        self,
        text: str,
        issue: SyntaxIssue | None = None,
        *,
        k: int | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        """Top-k valid repairs of ``text`` (all its errors, or the window of ``issue`` first), best first."""
        k = self.settings.k if k is None else k
        deadline = time.monotonic() + self.budget_ms / 1000.0
        issues = self.grammar.errors(text)
        if not issues or k <= 0:
            return []
        beam = [_Partial(text, ())]
        done: dict[str, _Partial] = {}
        for round_ in range(self.search.max_rounds):
            grown: list[_Partial] = []
            for state in beam:
                state_issues = issues if round_ == 0 else self.grammar.errors(state.text)
                if not state_issues:
                    done.setdefault(state.text, state)
                    continue
                target = issue if (round_ == 0 and issue is not None) else state_issues[0]
                grown.extend(self._repair_window(text, state, state_issues, target, k, deadline, cancel))
                if self._stop(deadline, cancel):
                    break
            pending = []
            for state in grown:  # finished documents leave the beam at once, so pruning cannot lose them
                if self.grammar.is_valid(state.text):
                    done.setdefault(state.text, state)
                else:
                    pending.append(state)
            beam = self._prune(text, pending)
            if not beam or self._stop(deadline, cancel):
                break
        return self._rank(
            text, list(done.values()), k, hints_from_issues(issues), cancel
        )

    # ----- one window -----------------------------------------------------------------------------

    def _repair_window(
        self,
        original: str,
        state: _Partial,
        issues: Sequence[SyntaxIssue],
        target: SyntaxIssue,
        k: int,
        deadline: float,
        cancel: threading.Event | None,
    ) -> list[_Partial]:
        """Candidates for the window of ``target`` in ``state.text``, each as a new partial repair."""
        text = state.text
        tokens = self.grammar.tokenize(text)
        width = self._diffusion_width()
        windows = find_windows(self.grammar, text, tokens, issues, width)
        window = next((w for w in windows if target in w.issues), None)
        if window is None:  # a stale issue (the server's) that the grammar no longer reports as such
            window = find_window(self.grammar, text, tokens, target, width)
        single = all(window.start <= i.start <= window.end for i in issues)
        accept = self.grammar.is_valid if single else self._window_fixed(window, len(text))
        hints = hints_from_issues(window.issues)
        found: dict[str, _Partial] = {}
        budget_s = self.budget_ms / 1000.0
        use_edits = self.settings.engine in ("edits", "hybrid")
        use_model = self.settings.engine in ("diffusion", "hybrid") and self.runtime is not None
        scores_naturalness = self.settings.engine == "hybrid" and self.search.weights.naturalness > 0
        reserve = budget_s * self.search.naturalness_share if scores_naturalness else 0.0
        # narrower than the model's window, with all of its errors (a slip repeated at each is one proposal)
        edit_window = replace(
            find_window(self.grammar, text, tokens, target, self.search.edit_window), issues=window.issues
        )
        cands: list[EditCandidate] = []
        search = None
        if use_edits:
            search = EditSearch(
                self.grammar,
                text,
                tokens,
                edit_window,
                accept,
                alphabet=self._alphabet,
                settings=self.search.edits,
                hints=hints,
                k=max(k, self.search.beam),
                slack=self.search.hybrid_slack if use_model else 0.0,
            )
            # The symbolic search goes first: it is cheap and usually enough, and a slow sampler on a
            # busy CPU must not starve it; the diffusion call then gets what is left (sized to fit).
            edit_deadline = (
                deadline - reserve - (budget_s * self.search.diffusion_share if use_model else 0.0)
            )
            cands = search.run(edit_deadline, cancel)
        if use_model and not self._stop(deadline - reserve, cancel):
            allowed = deadline - reserve - time.monotonic()
            if cands and self.settings.engine == "hybrid":  # the model ranks and adds; keep it quick
                allowed = min(allowed, self.search.diffusion_ms / 1000.0)
            for s in self._diffusion(text, tokens, window, allowed):
                if s.text in found or not accept(s.text):
                    continue
                found[s.text] = _Partial(s.text, s.edits, s.votes, s.noise, frozenset({"diffusion"}))
        if search is not None and not search.done and not cands and not found:
            cands = search.run(
                deadline - reserve, cancel
            )  # the sampler found nothing: go on where it stopped
        if use_edits:
            cheapest = min((c.cost for c in cands), default=float("inf"))
            if (
                cheapest > self.search.progress_below
                and not found
                and not self._stop(deadline - reserve, cancel)
            ):
                # Nothing cheap fixes the window in one edit: keep single edits that move the error further
                # on (``=IF(A2>7;7;A2)`` needs both ';' replaced) and let the next round continue from them.
                progress = replace(self.search.edits, pairs=False, max_accepted=self.search.beam)
                cands += EditSearch(
                    self.grammar,
                    text,
                    tokens,
                    edit_window,
                    self._progress(target, len(text)),
                    alphabet=self._alphabet,
                    settings=progress,
                    hints=hints,
                ).run(deadline - reserve, cancel)
        for c in cands:
            prev = found.get(c.text)
            found[c.text] = (
                _Partial(c.text, c.edits, 0, None, frozenset({"edits"}), c.cost, c.proximity)
                if prev is None
                else _Partial(
                    prev.text,
                    prev.edits,
                    prev.votes,
                    prev.noise,
                    prev.sources | {"edits"},
                    c.cost,
                    c.proximity,
                )
            )
        out: list[_Partial] = []
        for cand in found.values():
            edits = cand.edits if not state.edits else tuple(compose_edits(original, state.edits, cand.edits))
            out.append(
                _Partial(
                    cand.text,
                    edits,
                    state.votes + cand.votes,
                    state.noise if state.noise is not None else cand.noise,
                    state.sources | cand.sources,
                    state.cost + cand.cost,
                    state.proximity + cand.proximity,
                )
            )
        return out

    def _diffusion_width(self) -> int:
        """Window tokens that fit the canvas beside the blank slots and EOS."""
        canvas = self.runtime.canvas if self.runtime is not None else self.grammar.canvas
        return max(1, canvas - 1 - slot_room(self.search.diffusion))

    def _diffusion(
        self, text: str, tokens: Sequence[Token], window: Window, allowed_s: float
    ) -> list[DiffusionSample]:
        """One batched resume: seeds x noise levels around the calibrated level, sized to ``allowed_s``."""
        assert self.runtime is not None
        level = self.settings.noise
        if level is None:
            level = noise_for(self.runtime.noise_table, error_size(tokens, window))
        levels = levels_around(level, self.search.diffusion.levels, self.search.diffusion.step)
        steps = self.search.diffusion.steps
        if self._row_step_s is None:  # one row, one step: what a row-step costs on this machine
            t0 = time.perf_counter()
            sample_repairs(
                self.grammar,
                self.runtime,
                text,
                tokens,
                window,
                [level],
                1,
                settings=replace(self.search.diffusion, steps=1),
                seed=self.search.seed,
            )
            self._row_step_s = time.perf_counter() - t0
            allowed_s -= self._row_step_s
        per_level = self.settings.seeds
        if self.settings.engine == "hybrid":
            per_level = min(per_level, self.search.hybrid_seeds)
        rows = min(len(levels) * per_level, int(allowed_s / (self._row_step_s * steps)))
        if rows < 1:
            return []
        levels = levels[:rows]  # the calibrated level first, then its neighbours
        seeds = max(1, min(per_level, rows // len(levels)))
        t0 = time.perf_counter()
        out = sample_repairs(
            self.grammar,
            self.runtime,
            text,
            tokens,
            window,
            levels,
            seeds,
            settings=self.search.diffusion,
            seed=self.search.seed,
        )
        measured = (time.perf_counter() - t0) / (len(levels) * seeds * steps)
        self._row_step_s = 0.5 * self._row_step_s + 0.5 * measured  # follows the machine's load
        return out

    def _window_fixed(self, window: Window, length: int) -> Callable[[str], bool]:
        """Acceptance while other windows still have errors: valid, or no error left in this window."""

        def accept(new_text: str) -> bool:
            if self.grammar.is_valid(new_text):
                return True
            end = window.end + len(new_text) - length
            return not any(
                i.start <= end and max(i.end, i.start) >= window.start for i in self.grammar.errors(new_text)
            )

        return accept

    def _progress(self, target: SyntaxIssue, length: int) -> Callable[[str], bool]:
        """Acceptance of a partial step: the first error now starts later than ``target`` did."""

        def accept(new_text: str) -> bool:
            errors = self.grammar.errors(new_text)
            if not errors:
                return False  # valid: the first pass already took it
            shift = max(0, len(new_text) - length)
            # later start, or the same start with a longer reach (the parser got further before failing)
            return (errors[0].start, errors[0].end) > (target.start + shift, target.end + shift)

        return accept

    # ----- ranking --------------------------------------------------------------------------------

    def _prune(self, original: str, states: list[_Partial]) -> list[_Partial]:
        """Keep the beam: cheapest planned edits first, then most votes."""
        unique = {s.text: s for s in states}
        ranked = sorted(
            unique.values(), key=lambda s: (s.cost if s.cost else len(s.edits), -s.votes, s.proximity)
        )
        return ranked[: max(self.search.beam, self.settings.k)]

    def _rank(
        self, original: str, states: list[_Partial], k: int, hints: EditHints, cancel: threading.Event | None
    ) -> list[Candidate]:
        """Score valid repairs, best first; the model's naturalness only in the hybrid engine."""
        states = [s for s in states if self.grammar.is_valid(s.text)]  # the oracle has the last word
        if not states:
            return []
        base = self.grammar.tokenize(original)
        base_texts = [t.text for t in base]
        cost_base = self.grammar.cost_tokens(base)
        dist: dict[str, tuple[int, float]] = {}
        gain: dict[str, float] = {}
        prior = (
            (self.runtime.ngram, self.runtime.vocab)
            if self.runtime is not None
            and self.runtime.ngram is not None
            and self.settings.engine == "hybrid"
            else None
        )
        tidy = self.search.tidy_parens
        base_redundant = redundant_parens(base) if tidy else 0
        for s in states:
            toks = self.grammar.tokenize(s.text)
            cost = weighted_distance(cost_base, self.grammar.cost_tokens(toks), hints=hints)
            if 0 < s.cost < cost:
                # the search priced it as the slip it undoes (a grammar rewrite: A1:10 -> A1:A10), which
                # the token distance sees as a deletion plus an insertion of content
                cost = s.cost
            added = max(0, redundant_parens(toks) - base_redundant) if tidy else 0
            dist[s.text] = (
                token_distance(base_texts, [t.text for t in toks]),
                cost + DEFAULT_COSTS.redundant_parens * added,
            )
            if prior is not None:
                gain[s.text] = ngram_gain(prior[0], prior[1], base, toks)
        states = [s for s in states if dist[s.text][1] <= self.search.max_cost]  # a fix, not a rewrite
        if not states:
            return []
        natural: dict[str, float] = {}
        if (
            self.settings.engine == "hybrid"
            and self.search.weights.naturalness
            and not (cancel is not None and cancel.is_set())
        ):
            natural = self._naturalness(original, states)
        best_nat = min(natural.values()) if natural else None
        out = []
        for s in states:
            d, cost = dist[s.text]
            if self.settings.engine == "edits":
                score = edits_score(cost, s.proximity)
            elif self.settings.engine == "diffusion":
                score = float(s.votes) - 0.01 * cost  # the paper's vote pooling, ties to the closest
            else:
                score = hybrid_score(
                    cost,
                    s.votes,
                    natural.get(s.text),
                    best_nat,
                    {"edits", "diffusion"} <= s.sources,
                    self.search.weights,
                    s.proximity,
                    gain.get(s.text, 0.0),
                )
            source = "both" if len(s.sources) > 1 else next(iter(s.sources), "edits")
            out.append(Candidate(s.text, s.edits, d, s.votes, s.noise, source, score, cost))
        out.sort(key=lambda c: -c.score)
        if self.settings.engine != "diffusion":  # the paper's protocol ranks by votes alone
            out = diversify(out, lambda c: edit_shape(c.edits), self.search.per_shape)
        return out[:k]

    def _naturalness(self, original: str, states: Sequence[_Partial]) -> dict[str, float]:
        """Mean denoising cross-entropy of each candidate's changed statements, in one batched call."""
        assert self.runtime is not None
        rows: list[np.ndarray] = []
        keys: list[str] = []
        width = self.runtime.canvas - 1
        for s in states:
            symbols = self._changed_symbols(original, s, width)
            ids = encode_window(self.runtime, symbols) if symbols is not None else None
            if ids is not None:
                rows.append(ids)
                keys.append(s.text)
        if not rows:
            return {}
        scores = self.runtime.naturalness(np.stack(rows), seed=self.search.seed)
        return {key: float(v) for key, v in zip(keys, scores, strict=True)}

    def _changed_symbols(self, original: str, state: _Partial, width: int) -> list[str] | None:
        """Model symbols of the statements around the candidate's first edit (same window shape as repair)."""
        assert self.runtime is not None
        if not state.edits:
            return None
        first = state.edits[0]
        tokens = self.grammar.tokenize(state.text)
        point = SyntaxIssue(first.start, first.start + len(first.new_text), "edit")
        window = find_window(self.grammar, state.text, tokens, point, width)
        return self.runtime.vocab.symbols_of(tokens[window.first : window.last])

    @staticmethod
    def _stop(deadline: float, cancel: threading.Event | None) -> bool:
        return time.monotonic() > deadline or (cancel is not None and cancel.is_set())

"""The seq2seq baseline as a repair engine: the broken window in, fixed symbols out, mapped back as edits.

The downstream model of paper 4.3, run the way the repair engines run: the window around the error (the
whole snippet when it fits), beam search for a few outputs, each output turned into minimal edits on the
user's text with ``grammar.edits_for`` (kept tokens keep their exact text), and only what the oracle
accepts on the whole document is offered. A document with errors in several windows is repaired window
after window by the runtime's window beam (``model_runtime.window_beam``), keeping the most probable
partial repairs.

Only the bench measures this baseline, so it lives here; :data:`BENCH_ENGINES` adds it to the runtime's
factory (``model_runtime.engines.create_engine(..., extra=BENCH_ENGINES)``).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from lastfix.grammars.base import Grammar, SyntaxIssue, TextEdit, Token, apply_edits
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.edit_compose import compose_edits
from lastfix.model_runtime.engines import EngineRecipe, LoadedModel
from lastfix.model_runtime.ranking import token_distance, weighted_distance
from lastfix.model_runtime.repair_result import Candidate
from lastfix.model_runtime.repair_settings import RepairSettings, SearchSettings
from lastfix.model_runtime.window_beam import beam_search
from lastfix.model_runtime.windows import find_window

from .seq2seq_runtime import Seq2SeqRuntime, load_seq2seq

__all__ = ["BENCH_ENGINES", "Seq2SeqSettings", "Seq2SeqEngine"]

_MADE_BY = frozenset({"seq2seq"})


def _statement(
    grammar: Grammar, text: str, tokens: Sequence[Token], issue: SyntaxIssue, width: int
) -> tuple[int, int] | None:
    """Token span [i, j) of the one statement the issue starts in, when it fits ``width``; else None.

    Exactly the unit the model was trained on (one formula, one command): no neighbouring token.
    """
    for start, end in grammar.statements(text):
        if start <= issue.start <= end:
            i = bisect.bisect_left([t.start for t in tokens], start)
            j = bisect.bisect_right([t.end for t in tokens], end)
            return (i, j) if 0 < j - i <= width else None
    return None


@dataclass(frozen=True)
class Seq2SeqSettings:
    """k candidates from a beam of ``beam`` outputs per window, at most ``rounds`` windows in a row."""

    k: int = 5
    beam: int = 4
    rounds: int = 8
    # Languages whose window grows by neighbouring statements. The model learns from whole snippets: a
    # Python snippet is several statements of one block, but Excel formulas and PowerShell commands are
    # independent lines, and a neighbour only confuses a model that never saw two at once.
    grow: tuple[str, ...] = ("python",)


@dataclass(frozen=True)
class _State:
    text: str
    edits: tuple[TextEdit, ...]
    score: float  # summed log-probability of the outputs that made it


@dataclass(frozen=True)
class _Rules:
    """The window beam's rules for the model: valid outputs stay in the beam, the most probable kept."""

    engine: Seq2SeqEngine
    width: int  # beam width: max(settings.beam, k)
    rounds: int

    def grow(
        self,
        original: str,
        state: _State,
        issues: Sequence[SyntaxIssue],
        target: SyntaxIssue,
        deadline: Deadline,
    ) -> list[_State]:
        return self.engine.window(original, state, target)

    def settle(self, grown: list[_State]) -> tuple[list[_State], list[_State]]:
        best: dict[str, _State] = {}
        for new in grown:
            if new.text not in best or best[new.text].score < new.score:
                best[new.text] = new
        return [], list(best.values())

    def prune(self, pending: list[_State]) -> list[_State]:
        return sorted(pending, key=lambda s: -s.score)[: self.width]


class Seq2SeqEngine:
    """A ``RepairEngine`` (model_runtime.engines) over a :class:`Seq2SeqRuntime` (source "seq2seq")."""

    name = "seq2seq"

    def __init__(
        self, grammar: Grammar, runtime: Seq2SeqRuntime, settings: Seq2SeqSettings = Seq2SeqSettings()
    ) -> None:
        self._grammar = grammar
        self.runtime = runtime
        self.settings = settings

    @property
    def grammar(self) -> Grammar:
        return self._grammar

    def repair(
        self, text: str, issue: SyntaxIssue | None = None, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        """Top-k valid repairs of ``text``, most probable first."""
        k = self.settings.k if k is None else k
        grammar = self._grammar
        issues = grammar.errors(text)
        if not issues or k <= 0:
            return []
        rules = _Rules(self, max(self.settings.beam, k), self.settings.rounds)
        done = beam_search(grammar, text, issues, issue, _State(text, (), 0.0), rules, deadline)
        base, base_tokens = grammar.exact(text), grammar.tokenize(text)
        out = [
            Candidate(
                s.text,
                s.edits,
                token_distance(base, grammar.exact(s.text)),
                0,
                None,
                "seq2seq",
                s.score,
                weighted_distance(base_tokens, grammar.tokenize(s.text)),
                _MADE_BY,
            )
            for s in done
            if grammar.is_valid(s.text)
        ]
        out.sort(key=lambda c: -c.score)
        return out[:k]

    def window(self, original: str, state: _State, target: SyntaxIssue) -> list[_State]:
        """The model's outputs for the window of ``target`` in ``state.text``, as new partial repairs."""
        grammar, text = self._grammar, state.text
        tokens = grammar.tokenize(text)
        width = self.runtime.max_len - 1
        grows = grammar.name in self.settings.grow
        span = None if grows else _statement(grammar, text, tokens, target, width)
        if span is None:
            w = find_window(grammar, text, tokens, target, width, grow=grows)
            span = (w.first, w.last)
        window = tokens[span[0] : span[1]]
        symbols = self.runtime.vocab.symbols_of(window)
        out = []
        for hyp in self.runtime.translate(symbols, beam=self.settings.beam):
            if list(hyp.symbols) == symbols:
                continue
            edits = grammar.edits_for(text, window, symbols, list(hyp.symbols))
            new_text = apply_edits(text, edits)
            if new_text == text or not new_text.strip():
                continue  # deleting the whole document is valid, and never a repair
            total = tuple(edits) if not state.edits else tuple(compose_edits(original, state.edits, edits))
            score = hyp.score if hyp.score == hyp.score else 0.0  # greedy outputs carry no score (NaN)
            out.append(_State(new_text, total, state.score + score))
        return out


def _seq2seq(
    grammar: Grammar, runtime: LoadedModel | None, settings: RepairSettings, search: SearchSettings
) -> Seq2SeqEngine:
    return Seq2SeqEngine(grammar, cast(Seq2SeqRuntime, runtime), Seq2SeqSettings(k=settings.k))


# the bench's engines beside the runtime's (RUNTIME_ENGINES)
BENCH_ENGINES: Mapping[str, EngineRecipe] = {
    "seq2seq": EngineRecipe(
        _seq2seq,
        model="seq2seq",
        export="`lastfix train-seq2seq --export`",
        shipped=False,
        load=lambda choice: load_seq2seq(choice.directory, choice.device, threads=choice.threads),
    ),
}

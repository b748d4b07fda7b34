"""Repair with the one-shot seq2seq model: the broken window in, fixed symbols out, mapped back as text edits.

The downstream model of paper 4.3, run the way the repair engine runs: the window around the error (the
whole snippet when it fits), beam search for a few outputs, each output turned into minimal edits on the
user's text with ``grammar.edits_for`` (kept tokens keep their exact text), and only what the oracle
accepts on the whole document is offered. A document with errors in several windows is repaired window
after window, keeping a small beam of partial repairs.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from lastfix.grammars.base import Grammar, SyntaxIssue, TextEdit, Token, apply_edits
from lastfix.grammars.errors import ModelLoadError

from .edit_compose import compose_edits
from .ranking import token_distance, weighted_distance
from .repair import Candidate
from .seq2seq_runtime import Seq2SeqRuntime
from .windows import find_window

__all__ = ["Seq2SeqSettings", "Seq2SeqRepairer"]


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
    time_budget_ms: int = 1000
    # Languages whose window grows by neighbouring statements. The model learns from whole snippets: a
    # Python snippet is several statements of one block, but Excel formulas and PowerShell commands are
    # independent lines, and a neighbour only confuses a model that never saw two at once.
    grow: tuple[str, ...] = ("python",)


@dataclass(frozen=True)
class _State:
    text: str
    edits: tuple[TextEdit, ...]
    score: float  # summed log-probability of the outputs that made it


class Seq2SeqRepairer:
    """The ``Repairer.repair`` interface over a :class:`Seq2SeqRuntime` (source "seq2seq")."""

    def __init__(
        self, grammar: Grammar, runtime: Seq2SeqRuntime, settings: Seq2SeqSettings = Seq2SeqSettings()
    ) -> None:
        if runtime.language != grammar.name:
            raise ModelLoadError(
                f"the seq2seq model is for {runtime.language!r}, not {grammar.name!r}; pass the right --model"
            )
        self.grammar = grammar
        self.runtime = runtime
        self.settings = settings

    def repair(
        self,
        text: str,
        issue: SyntaxIssue | None = None,
        *,
        k: int | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        """Top-k valid repairs of ``text``, most probable first."""
        k = self.settings.k if k is None else k
        issues = self.grammar.errors(text)
        if not issues or k <= 0:
            return []
        deadline = time.monotonic() + self.settings.time_budget_ms / 1000.0
        beam = [_State(text, (), 0.0)]
        done: dict[str, _State] = {}
        for round_ in range(self.settings.rounds):
            grown: dict[str, _State] = {}
            for state in beam:
                errors = issues if round_ == 0 else self.grammar.errors(state.text)
                if not errors:
                    done.setdefault(state.text, state)
                    continue
                target = issue if (round_ == 0 and issue is not None) else errors[0]
                for new in self._window(text, state, target):
                    if new.text not in grown or grown[new.text].score < new.score:
                        grown[new.text] = new
                if (cancel is not None and cancel.is_set()) or time.monotonic() > deadline:
                    break
            beam = sorted(grown.values(), key=lambda s: -s.score)[: max(self.settings.beam, k)]
            if not beam or (cancel is not None and cancel.is_set()) or time.monotonic() > deadline:
                break
        for state in beam:
            if state.text not in done and self.grammar.is_valid(state.text):
                done[state.text] = state
        base, base_tokens = self.grammar.exact(text), self.grammar.tokenize(text)
        out = [
            Candidate(
                s.text,
                s.edits,
                token_distance(base, self.grammar.exact(s.text)),
                0,
                None,
                "seq2seq",
                s.score,
                weighted_distance(base_tokens, self.grammar.tokenize(s.text)),
            )
            for s in done.values()
            if self.grammar.is_valid(s.text)
        ]
        out.sort(key=lambda c: -c.score)
        return out[:k]

    def _window(self, original: str, state: _State, target: SyntaxIssue) -> list[_State]:
        """The model's outputs for the window of ``target`` in ``state.text``, as new partial repairs."""
        text = state.text
        tokens = self.grammar.tokenize(text)
        width = self.runtime.max_len - 1
        span = (
            None
            if self.grammar.name in self.settings.grow
            else _statement(self.grammar, text, tokens, target, width)
        )
        if span is None:
            w = find_window(
                self.grammar, text, tokens, target, width, grow=self.grammar.name in self.settings.grow
            )
            span = (w.first, w.last)
        window = tokens[span[0] : span[1]]
        symbols = self.runtime.vocab.symbols_of(window)
        out = []
        for hyp in self.runtime.translate(symbols, beam=self.settings.beam):
            if list(hyp.symbols) == symbols:
                continue
            edits = self.grammar.edits_for(text, window, symbols, list(hyp.symbols))
            new_text = apply_edits(text, edits)
            if new_text == text or not new_text.strip():
                continue  # deleting the whole document is valid, and never a repair
            total = tuple(edits) if not state.edits else tuple(compose_edits(original, state.edits, edits))
            score = hyp.score if hyp.score == hyp.score else 0.0  # greedy outputs carry no score (NaN)
            out.append(_State(new_text, total, state.score + score))
        return out

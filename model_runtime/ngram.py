"""A token n-gram language model over the model's symbols: the corpus prior the repair ranking uses.

Why not only the diffusion model's naturalness? At the CPU training budget the denoiser reconstructs well
but does not separate a natural one-token fix from an unnatural one (``SUM(A1:A10)`` vs ``SUM(A1,10)``:
about half right, benchmarks/results/EXPERIMENTS.md). Counts of symbol n-grams in the same corpus do:
re-ranking the grammar-guided edits by them lifted dev sketch@1 by 4-7 points in all three languages.

Symbols are the vocabulary's (keywords and punctuation by text, promoted lexemes, placeholder classes),
so the prior sees what the diffusion model sees. Smoothing is interpolated Witten-Bell-style with a fixed
weight per history count (``c / (c + k)``) down to an add-one unigram: simple, and never zero.
Stored as ``ngram.json.gz`` in the model directory (optional: a model without it ranks without it).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lastfix.grammars.base import Grammar
from lastfix.grammars.errors import ModelLoadError
from lastfix.grammars.vocab import Vocabulary

__all__ = ["NGRAM_FILE", "NgramModel"]

NGRAM_FILE = "ngram.json.gz"
_START, _END = "<s>", "</s>"
_SEP = "\x1f"  # joins symbols into one JSON key; no symbol contains it


@dataclass(frozen=True)
class NgramModel:
    """Counts of symbol n-grams of order 1..``order`` and of their histories."""

    order: int
    counts: dict[str, int]  # "a\x1fb\x1fc" -> count, every order
    histories: dict[str, int]  # "a\x1fb" -> count of n-grams that continue it
    vocabulary: int  # symbols the unigram spreads its add-one mass over
    total: int  # unigram tokens
    history_weight: float = 2.0  # k in c / (c + k): how much a history must be seen before it is trusted
    # mean surprise of a corpus token (nats). A language model prefers shorter text, since every token
    # costs probability; :func:`ranking.ngram_gain` credits this much per token so that deleting what the
    # user typed is not a "more natural" fix by length alone (=SUM(A1:A3)B1 -> =SUM(A1:A3)).
    token_nll: float = 0.0

    @classmethod
    def build(cls, sequences: Iterable[Sequence[str]], order: int = 4, vocabulary: int = 0) -> NgramModel:
        """Count the n-grams of symbol sequences (each padded with start and end markers)."""
        if order < 1:
            raise ValueError("order must be at least 1")
        grams: Counter[tuple[str, ...]] = Counter()
        for seq in sequences:
            x = [_START] * (order - 1) + list(seq) + [_END]
            for n in range(1, order + 1):
                for i in range(max(0, order - n), len(x) - n + 1):
                    grams[tuple(x[i : i + n])] += 1
        histories: Counter[str] = Counter()
        for gram, c in grams.items():
            if len(gram) > 1:
                histories[_SEP.join(gram[:-1])] += c
        total = sum(c for g, c in grams.items() if len(g) == 1)
        seen = sum(1 for g in grams if len(g) == 1)
        return cls(
            order,
            {_SEP.join(g): c for g, c in grams.items()},
            dict(histories),
            max(vocabulary, seen) + 1,
            total,
        )

    @classmethod
    def from_texts(
        cls, grammar: Grammar, vocab: Vocabulary, texts: Iterable[str], order: int = 4
    ) -> NgramModel:
        """The prior of a corpus: each snippet tokenized by the grammar, mapped to the model's symbols."""
        sequences = [vocab.symbols_of(grammar.tokenize(t)) for t in texts]
        model = cls.build(sequences, order, len(vocab))
        sample = sequences[:: max(1, len(sequences) // 2000)]
        tokens = sum(len(s) + 1 for s in sample)  # with each end marker
        nll = -sum(model.logprob(s) for s in sample) / max(tokens, 1)
        return dataclasses.replace(model, token_nll=nll)

    def logprob(self, symbols: Sequence[str], score_from: int = 0, score_to: int | None = None) -> float:
        """Natural-log probability of ``symbols[score_from:score_to]`` given what precedes each one.

        The sequence is the whole statement or document (start marker before, end marker after when
        ``score_to`` is None), so a caller can score only the tokens around an edit with full context.
        """
        x = [_START] * (self.order - 1) + list(symbols) + [_END]
        lo = self.order - 1 + score_from
        hi = len(x) if score_to is None else self.order - 1 + score_to
        return sum(self._logp(x, i) for i in range(lo, hi))

    def _logp(self, x: Sequence[str], i: int) -> float:
        p = (self.counts.get(x[i], 0) + 1) / (self.total + self.vocabulary)
        for n in range(2, self.order + 1):
            if i - n + 1 < 0:
                break
            history = _SEP.join(x[i - n + 1 : i])
            c = self.histories.get(history, 0)
            if not c:
                break  # a longer history containing an unseen one is unseen too
            trust = c / (c + self.history_weight)
            p = trust * self.counts.get(history + _SEP + x[i], 0) / c + (1.0 - trust) * p
        return math.log(p)

    # ----- file -------------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        data = {
            "format": 1,
            "order": self.order,
            "vocabulary": self.vocabulary,
            "total": self.total,
            "history_weight": self.history_weight,
            "token_nll": self.token_nll,
            "counts": self.counts,
        }
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: str | Path) -> NgramModel:
        """Read ``ngram.json.gz``; ModelLoadError naming the file when it is truncated or foreign."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                data = json.load(f)
            if data.get("format") != 1:
                raise ValueError(f"format {data.get('format')!r}, expected 1")
            counts = {str(k): int(v) for k, v in data["counts"].items()}
            order = int(data["order"])
        except (OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise ModelLoadError(
                f"{path}: unreadable n-gram prior ({e}); re-export the model with `lastfix export "
                "--corpus ...`, or delete the file to rank without it"
            ) from None
        histories: Counter[str] = Counter()
        for key, c in counts.items():
            parts = key.split(_SEP)
            if len(parts) > 1:
                histories[_SEP.join(parts[:-1])] += c
        return cls(
            order,
            counts,
            dict(histories),
            int(data["vocabulary"]),
            int(data["total"]),
            float(data.get("history_weight", 2.0)),
            float(data.get("token_nll", 0.0)),
        )

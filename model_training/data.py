"""Snippets -> token ids -> padded canvases (with blank slots) as training batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.grammars.base import Grammar
from lastfix.grammars.vocab import Vocabulary
from lastfix.model_runtime.canvas import layout

from .config import TrainConfig
from .noising import insert_blanks

__all__ = ["EncodedSnippets", "encode_snippets", "split_held_apart", "pretrain_batch", "layout_symbols"]


@dataclass(frozen=True)
class EncodedSnippets:
    """Snippets that fit the canvas, as id lists (no EOS yet), with their texts."""

    ids: list[list[int]]
    texts: list[str]
    skipped: int  # snippets too long for the canvas


def encode_snippets(
    grammar: Grammar, vocab: Vocabulary, texts: Sequence[str], canvas: int
) -> EncodedSnippets:
    """Tokenize with the grammar, map to ids with the vocabulary; keep those that fit with their EOS."""
    ids: list[list[int]] = []
    kept: list[str] = []
    skipped = 0
    for text in texts:
        row = vocab.encode(grammar.tokenize(text))
        if not row or len(row) + 1 > canvas:
            skipped += 1
            continue
        ids.append(row)
        kept.append(text)
    return EncodedSnippets(ids, kept, skipped)


def split_held_apart(n: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-apart indices): ``count`` snippets (at most a fifth) kept out of training."""
    order = np.random.default_rng(seed).permutation(n)
    count = min(count, n // 5)
    return np.sort(order[count:]), np.sort(order[:count])


def pretrain_batch(
    rows: Sequence[list[int]],
    index: np.ndarray,
    canvas: int,
    vocab: Vocabulary,
    config: TrainConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """[B, canvas] int64: the chosen snippets with random blank slots, EOS, PAD (DESIGN "Blank slots")."""
    picks = rng.choice(index, size=config.batch, replace=True)
    out = np.empty((config.batch, canvas), dtype=np.int64)
    for b, k in enumerate(picks):
        ids = rows[int(k)]
        ids = insert_blanks(ids, canvas - 1 - len(ids), config, vocab.blank_id, rng)
        out[b] = layout(ids, canvas, eos_id=vocab.eos_id, pad_id=vocab.pad_id)
    return out


def layout_symbols(symbols: Sequence[str], vocab: Vocabulary, canvas: int) -> np.ndarray | None:
    """Symbols (blanks allowed) -> canvas ids, or None when they do not fit."""
    if len(symbols) + 1 > canvas:
        return None
    return layout([vocab.id_of(s) for s in symbols], canvas, eos_id=vocab.eos_id, pad_id=vocab.pad_id)

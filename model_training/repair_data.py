"""Repair fine-tuning data: (broken, fixed) pairs laid out on the canvas through blank slots.

DESIGN "Repair fine-tuning": x_t is made from the embedding of the broken canvas (with blank slots
around its error, as the repair engine lays it out) and the target is the fixed canvas aligned to it.
Pairs come from the rule-based corrupter over the training snippets (only corruptions the oracle
rejects) and from ``--pairs`` JSONL files of {"broken", "fixed"} (e.g. the model's own reverse chains,
paper 3.3). Held-apart snippets give the evaluation pairs, so the repair rate is measured on formulas
the model never saw.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from lastfix.grammars.base import Grammar
from lastfix.grammars.errors import InputError
from lastfix.grammars.vocab import Vocabulary
from lastfix.model_runtime.canvas import align

from .config import RunConfig
from .corrupt import Corrupter
from .data import EncodedSnippets, layout_symbols
from .habit_slips import HABIT_SLIPS
from .masked_data import MARGINS
from .train import TrainData

__all__ = ["MARGINS", "PairCanvases", "pair_canvases", "read_pairs", "corrupted_pairs", "build_repair_data"]


@dataclasses.dataclass(frozen=True)
class PairCanvases:
    inputs: np.ndarray  # [P, n] broken canvases with blank slots
    targets: np.ndarray  # [P, n] aligned fixed canvases
    fixed: list[list[str]]  # fixed symbols (what an exact repair decodes to)


def pair_canvases(
    pairs: Sequence[tuple[list[str], list[str]]], vocab: Vocabulary, canvas: int, rng: np.random.Generator
) -> PairCanvases:
    """Align each (broken, fixed) symbol pair with a random window margin; drop those that overflow."""
    inputs, targets, fixed = [], [], []
    for broken, good in pairs:
        inp, tgt = align(broken, good, margin=int(rng.choice(MARGINS)))
        a, b = layout_symbols(inp, vocab, canvas), layout_symbols(tgt, vocab, canvas)
        if a is not None and b is not None:
            inputs.append(a)
            targets.append(b)
            fixed.append(list(good))
    n = len(inputs)
    return PairCanvases(
        np.stack(inputs) if n else np.zeros((0, canvas), np.int64),
        np.stack(targets) if n else np.zeros((0, canvas), np.int64),
        fixed,
    )


def read_pairs(
    paths: Sequence[str | Path], grammar: Grammar, vocab: Vocabulary
) -> list[tuple[list[str], list[str]]]:
    """Symbol pairs from JSONL files of {"broken": ..., "fixed": ...}; InputError naming a bad line."""
    out = []
    for path in paths:
        p = Path(path)
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise InputError(f"{p}: cannot read the pairs file ({e.strerror})") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                broken, fixed = str(record["broken"]), str(record["fixed"])
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InputError(
                    f'{p}:{n}: not a JSON object with "broken" and "fixed" strings ({e})'
                ) from None
            out.append(
                (vocab.symbols_of(grammar.tokenize(broken)), vocab.symbols_of(grammar.tokenize(fixed)))
            )
    return out


def corrupted_pairs(
    grammar: Grammar,
    vocab: Vocabulary,
    texts: Sequence[str],
    count: int,
    rng: np.random.Generator,
    habit_share: float = 0.0,
) -> list[tuple[list[str], list[str]]]:
    """Up to ``count`` (broken, fixed) symbol pairs: corruptions of ``texts`` that the oracle rejects;
    ``habit_share`` of the tries write one of the language's habit slips first (``habit_slips.py``)."""
    corrupter = Corrupter(grammar, vocab, habits=HABIT_SLIPS.get(grammar.name, ()), habit_share=habit_share)
    pairs: list[tuple[list[str], list[str]]] = []
    if not texts:
        return pairs
    # Every character typed is a chance to slip, so long snippets break more often than short ones (and
    # a corpus full of one-cell references would otherwise teach little about nested calls).
    weights = np.array([len(t) + 1 for t in texts], dtype=np.float64)
    picks = rng.choice(len(texts), size=count * 2, p=weights / weights.sum())
    for pick in picks:  # some snippets admit no rejected corruption
        c = corrupter(texts[int(pick)], rng)
        if c is not None:
            pairs.append((c.broken, c.fixed))
            if len(pairs) >= count:
                break
    return pairs


def build_repair_data(
    grammar: Grammar,
    vocab: Vocabulary,
    config: RunConfig,
    encoded: EncodedSnippets,
    train_index: np.ndarray,
    eval_index: np.ndarray,
    pairs_paths: Sequence[str | Path] = (),
) -> TrainData:
    """TrainData for the repair stage: a pool of aligned pair canvases and held-apart evaluation pairs."""
    tc = config.train
    rng = np.random.default_rng([tc.seed, 7])
    canvas = config.model.canvas
    train_texts = [encoded.texts[int(i)] for i in train_index]
    pairs = corrupted_pairs(grammar, vocab, train_texts, tc.repair_pool, rng) + read_pairs(
        pairs_paths, grammar, vocab
    )
    pool = pair_canvases(pairs, vocab, canvas, rng)
    if len(pool.inputs) == 0:
        raise InputError("no repair pair fits the canvas; check the corpus and --pairs files")
    held = pair_canvases(
        corrupted_pairs(grammar, vocab, [encoded.texts[int(i)] for i in eval_index], len(eval_index), rng),
        vocab,
        canvas,
        rng,
    )

    def repair_batch(r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        pick = r.integers(len(pool.inputs), size=tc.batch)
        return pool.inputs[pick], pool.targets[pick]

    return TrainData(encoded.ids, train_index, eval_index, repair_batch, (held.inputs, held.fixed))

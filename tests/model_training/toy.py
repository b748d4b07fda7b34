"""A hand-made toy vocabulary and snippet ids, so model tests do not depend on any language grammar."""

from __future__ import annotations

import numpy as np
from lastfix.grammars.vocab import SPECIALS, Vocabulary

SYMBOLS = SPECIALS + tuple("= ( ) , + - SUM IF A1 B2 <NUMBER> <STRING>".split())


def toy_vocab() -> Vocabulary:
    return Vocabulary("toy", SYMBOLS)


def toy_rows(vocab: Vocabulary, count: int = 300, seed: int = 0) -> list[list[int]]:
    """Formulas like ``= SUM ( A1 , <NUMBER> )``: a function, one to three arguments, balanced brackets."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(count):
        body: list[str] = []
        for j, arg in enumerate(rng.choice(["A1", "B2", "<NUMBER>"], size=int(rng.integers(1, 4)))):
            body += [","] * bool(j) + [str(arg)]
        rows.append([vocab.id_of(s) for s in ["=", str(rng.choice(["SUM", "IF"])), "(", *body, ")"]])
    return rows

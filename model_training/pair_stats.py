"""Properties of a repair data set, as in the paper's figure 7: localisation, diversity, complexity.

Paper 4.3: "the average distance between token edits (localization), average n-gram similarity between
randomly sampled data points (diversity), and average token edit distance between the noisy and correct
code (complexity)". Diffusion data should show more global edits, more diversity (lower similarity) and
more complex errors than rule-based data. Tokens are the grammar's lexer tokens; diversity compares
sketches by default (strings, numbers, references anonymised), so randomly drawn placeholder texts do not
pass for structural diversity.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.grammars.base import Grammar
from lastfix.model_runtime.ranking import token_distance

__all__ = [
    "PairStats",
    "edit_positions",
    "localisation",
    "ngram_similarity",
    "diversity",
    "pair_stats",
    "DIVERSITY_TOKENS",
]

DIVERSITY_TOKENS = ("sketch", "exact")


@dataclass(frozen=True)
class PairStats:
    """Figure 7's three numbers for one data set (means, with their standard errors)."""

    label: str
    n: int
    localisation: float  # mean distance between edited tokens (0: one spot); higher = more global errors
    localisation_se: float
    diversity: float  # mean n-gram similarity of random pairs of fixed snippets; lower = more diverse
    diversity_se: float
    complexity: float  # mean token edit distance broken -> fixed
    complexity_se: float
    fixed_tokens: float  # mean length of the fixed side in tokens
    fixed_valid: float | None  # share the oracle accepts (None when not checked)
    broken_invalid: float | None  # share the oracle rejects

    def to_json(self) -> dict[str, object]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def edit_positions(broken: Sequence[str], fixed: Sequence[str]) -> list[float]:
    """Edited places in broken-token coordinates: replaced/deleted tokens, insertion gaps at i - 0.5."""
    out: list[float] = []
    for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(
        a=list(broken), b=list(fixed), autojunk=False
    ).get_opcodes():
        if op in ("replace", "delete"):
            out.extend(float(i) for i in range(i1, i2))
        elif op == "insert":
            out.append(i1 - 0.5)
    return out


def localisation(broken: Sequence[str], fixed: Sequence[str]) -> float:
    """Mean distance between two edited positions (all pairs); 0 for a single edited position."""
    pos = np.asarray(edit_positions(broken, fixed), dtype=np.float64)
    if len(pos) < 2:
        return 0.0
    diffs = np.abs(pos[:, None] - pos[None, :])
    return float(diffs.sum() / (len(pos) * (len(pos) - 1)))


def _ngrams(tokens: Sequence[str], max_n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for n in range(1, max_n + 1) for i in range(len(tokens) - n + 1)}


def ngram_similarity(a: Sequence[str], b: Sequence[str], max_n: int = 4) -> float:
    """Jaccard similarity of the 1..max_n-gram sets of two token sequences (1: the same, 0: none shared)."""
    x, y = _ngrams(a, max_n), _ngrams(b, max_n)
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def diversity(
    snippets: Sequence[Sequence[str]], *, samples: int = 2000, seed: int = 0, max_n: int = 4
) -> tuple[float, float]:
    """(mean, standard error) of the n-gram similarity of random pairs of distinct snippets.

    Every pair when there are at most ``samples`` of them (exact), else ``samples`` seeded random pairs.
    """
    m = len(snippets)
    if m < 2:
        return math.nan, math.nan
    if m * (m - 1) // 2 <= samples:
        pairs = [(i, j) for i in range(m) for j in range(i + 1, m)]
    else:
        rng = np.random.default_rng(seed)
        i = rng.integers(m, size=samples)
        j = (i + rng.integers(1, m, size=samples)) % m  # uniform over the others, never i itself
        pairs = list(zip(i.tolist(), j.tolist(), strict=False))
    sims = np.asarray([ngram_similarity(snippets[i], snippets[j], max_n) for i, j in pairs])
    return float(sims.mean()), _se(sims)


def _se(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else 0.0


def pair_stats(
    grammar: Grammar,
    records: Sequence[dict[str, object]],
    label: str,
    *,
    samples: int = 2000,
    seed: int = 0,
    tokens: str = "sketch",
    max_n: int = 4,
    oracle: bool = True,
) -> PairStats:
    """Figure 7's properties of ``records`` ({"broken", "fixed"}) of one language."""
    if tokens not in DIVERSITY_TOKENS:
        raise ValueError(f"unknown token view {tokens!r}; valid names: {', '.join(DIVERSITY_TOKENS)}")
    broken = [grammar.exact(str(r["broken"])) for r in records]
    fixed = [grammar.exact(str(r["fixed"])) for r in records]
    loc = np.asarray([localisation(b, f) for b, f in zip(broken, fixed, strict=False)], dtype=np.float64)
    comp = np.asarray([token_distance(b, f) for b, f in zip(broken, fixed, strict=False)], dtype=np.float64)
    views = fixed if tokens == "exact" else [grammar.sketch(str(r["fixed"])) for r in records]
    div, div_se = diversity(views, samples=samples, seed=seed, max_n=max_n)
    fixed_valid = broken_invalid = None
    if oracle and records:
        fixed_valid = sum(grammar.is_valid(str(r["fixed"])) for r in records) / len(records)
        broken_invalid = sum(not grammar.is_valid(str(r["broken"])) for r in records) / len(records)
    nan = math.nan
    return PairStats(
        label,
        len(records),
        float(loc.mean()) if len(loc) else nan,
        _se(loc),
        div,
        div_se,
        float(comp.mean()) if len(comp) else nan,
        _se(comp),
        float(np.mean([len(f) for f in fixed])) if fixed else nan,
        fixed_valid,
        broken_invalid,
    )

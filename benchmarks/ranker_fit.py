"""Fitting the learned ranking (``model_runtime/learned_ranking.py``) on candidate pools of real errors.

Each benchmark record gives a pool: every valid candidate the engine found, with its features
(``repair_features.candidate_features``) and whether it matches the human fix. The ranking is a
conditional log-linear model over each pool (McFadden's conditional logit, the usual form of a learned
noisy-channel reranker): maximise sum over records of log P(a right candidate | the pool), with an L2
penalty, by full-batch Adam in numpy (no new dependency). Records whose pool holds no right candidate, or
only right ones, carry no ranking signal and are left out of the fit.

The L2 strength is chosen by an inner cross-validation on the training records only, so a fold's
held-apart records never influence their own ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.model_runtime.repair_features import MASKED_FEATURE, READ_FEATURE

__all__ = [
    "Choice",
    "DEFAULT_FIT",
    "feature_group",
    "Pool",
    "FitSettings",
    "fit_weights",
    "fit_with_inner_cv",
    "rank_pool",
    "top1_hits",
]


@dataclass(frozen=True)
class Pool:
    """One record's candidates in the engine's order: features, and which match the human fix."""

    features: tuple[Mapping[str, float], ...]
    right: tuple[bool, ...]
    shapes: tuple[object, ...] = ()  # ranking.edit_shape of each candidate, for diversify (may be empty)


@dataclass(frozen=True)
class FitSettings:
    """How the weights are fitted."""

    # penalties the inner cross-validation tries, strongest first: a tie keeps the simpler model
    l2_grid: tuple[float, ...] = (10.0, 3.0, 1.0)
    # feature groups (feature_group) it chooses among, simplest first: 73 Excel formulas cannot carry a
    # weight per edit kind, position and rule, 1,000 Python records may
    # (a set naming a group no candidate has a feature of is skipped: the read sets need a slip-trained
    # masked model)
    feature_sets: tuple[frozenset[str], ...] = (
        frozenset({"prior"}),
        frozenset({"prior", "masked"}),
        frozenset({"prior", "read"}),
        frozenset({"prior", "where"}),
        frozenset({"prior", "where", "read"}),
        frozenset({"prior", "edits", "where"}),
        frozenset({"prior", "edits", "where", "read"}),
        frozenset({"prior", "edits", "where", "rules", "masked"}),
    )
    inner_folds: int = 3
    steps: int = 300
    learning_rate: float = 0.05


DEFAULT_FIT = FitSettings()


@dataclass(frozen=True)
class _Design:
    """Pools stacked into one matrix: candidate rows, the row where each pool starts, right-candidate mask."""

    names: tuple[str, ...]
    X: np.ndarray  # [candidates, features]
    starts: np.ndarray  # [pools]
    right: np.ndarray  # [candidates] bool


def _design(pools: Sequence[Pool], names: Sequence[str] | None = None) -> _Design:
    if names is None:
        names = sorted({n for p in pools for f in p.features for n in f})
    col = {n: i for i, n in enumerate(names)}
    rows = sum(len(p.features) for p in pools)
    X = np.zeros((rows, len(names)), dtype=np.float64)
    right = np.zeros(rows, dtype=bool)
    starts = np.zeros(len(pools), dtype=np.int64)
    r = 0
    for i, p in enumerate(pools):
        starts[i] = r
        for f, ok in zip(p.features, p.right, strict=True):
            for n, v in f.items():
                if n in col:
                    X[r, col[n]] = v
            right[r] = ok
            r += 1
    return _Design(tuple(names), X, starts, right)


def _informative(pools: Sequence[Pool]) -> list[Pool]:
    """Pools that can teach the ranking something: some right candidate and some wrong one."""
    return [p for p in pools if any(p.right) and not all(p.right)]


def _segment_logsumexp(s: np.ndarray, starts: np.ndarray, seg: np.ndarray) -> np.ndarray:
    top = np.maximum.reduceat(s, starts)
    return top + np.log(np.add.reduceat(np.exp(s - top[seg]), starts))


def fit_weights(pools: Sequence[Pool], l2: float, settings: FitSettings = DEFAULT_FIT) -> dict[str, float]:
    """Weights by feature name maximising the penalised log-likelihood of the right candidates."""
    pools = _informative(pools)
    if not pools:
        return {}
    d = _design(pools)
    X, starts = d.X, d.starts
    seg = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(X))))
    w = np.zeros(X.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    b1, b2, lr = 0.9, 0.999, settings.learning_rate
    for step in range(1, settings.steps + 1):
        s = X @ w
        p_all = np.exp(s - _segment_logsumexp(s, starts, seg)[seg])
        s_right = np.where(d.right, s, -np.inf)
        p_right = np.where(d.right, np.exp(s_right - _segment_logsumexp(s_right, starts, seg)[seg]), 0.0)
        grad = X.T @ (p_right - p_all) - l2 * w  # ascent direction of the penalised log-likelihood
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        w += lr * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + 1e-8)
    return {n: round(float(x), 6) for n, x in zip(d.names, w, strict=True) if abs(x) > 1e-9}


def rank_pool(
    pool: Pool, weights: Mapping[str, float], diversify: Callable[[list[int]], list[int]] | None = None
) -> list[int]:
    """The pool's candidate indices best first under ``weights`` (ties keep the engine's order)."""
    scores = [sum(weights.get(n, 0.0) * x for n, x in sorted(f.items())) for f in pool.features]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return diversify(order) if diversify is not None else order


def top1_hits(pools: Sequence[Pool], weights: Mapping[str, float]) -> int:
    """Records whose best candidate under ``weights`` is right."""
    return sum(1 for p in pools if p.features and p.right[rank_pool(p, weights)[0]])


# Feature groups by name prefix (repair_features.candidate_features), checked in order; the rest is "prior"
# (cost, n-gram gain, votes, hints). The inner cross-validation chooses among sets of groups.
_GROUPS = (
    ("rule:", "rules"),
    (("ins:", "del:", "sub:", "edits", "span"), "edits"),
    (MASKED_FEATURE, "masked"),
    (READ_FEATURE, "read"),
)


def feature_group(name: str) -> str:
    """The group of a feature: "rules" (what made it), "where" (edit positions, named ``<op>@<where>``),
    "edits" (edit kinds), "masked" (the masked model's gain), "read" (a slip-trained one's reading gain)
    or "prior"."""
    if "@" in name:
        return "where"
    return next((group for prefix, group in _GROUPS if name.startswith(prefix)), "prior")


def _only(pools: Sequence[Pool], groups: frozenset[str]) -> list[Pool]:
    return [
        Pool(tuple({n: v for n, v in f.items() if feature_group(n) in groups} for f in p.features), p.right)
        for p in pools
    ]


@dataclass(frozen=True)
class Choice:
    """What the inner cross-validation chose: the feature groups and the L2 strength."""

    groups: frozenset[str]
    l2: float


def fit_with_inner_cv(
    pools: Sequence[Pool], settings: FitSettings = DEFAULT_FIT
) -> tuple[dict[str, float], Choice]:
    """(weights fitted on ``pools`` with the feature groups and L2 strength the inner cross-validation
    picked, that choice).

    The inner folds split ``pools`` by position (every ``inner_folds``-th record), which is enough: the
    caller's outer folds already split by a hash of the record id. A tie keeps the earlier choice: fewer
    feature groups, then the stronger penalty. Each language is fitted on its own records: adding the
    other two languages' pools to every training side was measured (Excel 0.630 -> 0.630, PowerShell
    0.040 -> 0.040, Python 0.407 -> 0.400 cross-validated top-1) and did not help.
    """
    k = settings.inner_folds
    best, best_hits = Choice(settings.feature_sets[0], settings.l2_grid[0]), -1
    present = {feature_group(n) for p in pools for f in p.features for n in f}
    for groups in settings.feature_sets:
        if "read" in groups and "read" not in present:
            continue  # the same fit as the set without it, and three more fits
        mine = _only(pools, groups)
        for l2 in settings.l2_grid:
            hits = 0
            for f in range(k):
                train = [p for i, p in enumerate(mine) if i % k != f]
                held = [p for i, p in enumerate(mine) if i % k == f]
                hits += top1_hits(held, fit_weights(train, l2, settings))
            if hits > best_hits:
                best, best_hits = Choice(groups, l2), hits
    return fit_weights(_only(pools, best.groups), best.l2, settings), best

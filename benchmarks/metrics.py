"""The scoreboard's metrics (DESIGN.md "Measuring"): exact, sketch, valid, close, pooling over noise levels.

- exact: same token texts as the human fix, whitespace and comments ignored (``grammar.exact``);
- sketch: equal after anonymising strings, numbers, cell references (the paper's sketch match: for
  ``=SUM(A1:A10)/COUNT(A1:A10)`` vs ``=AVERAGE(A1:A10)`` execution may match but sketches differ);
- valid: the oracle accepts the output;
- close: valid and token edit distance to the broken input < 5 (BIFI, used by the paper for Python).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.grammars.base import Grammar
from lastfix.model_runtime.ranking import token_distance

__all__ = ["CLOSE_DISTANCE", "Judgement", "judge", "judge_all", "at_k", "latency_summary", "pooling"]

CLOSE_DISTANCE = 5  # BIFI (Yasunaga & Liang 2021): a valid repair within 4 token edits counts


@dataclass(frozen=True)
class Judgement:
    """How one repaired text compares with the human fix and the broken input."""

    exact: bool
    sketch: bool
    valid: bool
    close: bool
    distance: int  # token edit distance to the broken input


def judge(grammar: Grammar, broken: str, fixed: str, output: str) -> Judgement:
    """Judge ``output`` (a repaired document) against the record's ``fixed`` and ``broken``."""
    valid = grammar.is_valid(output)
    exact = grammar.exact(output) == grammar.exact(fixed)
    sketch = grammar.sketch(output) == grammar.sketch(fixed)
    distance = token_distance(grammar.exact(broken), grammar.exact(output))
    return Judgement(exact, sketch, valid, valid and distance < CLOSE_DISTANCE, distance)


def judge_all(grammar: Grammar, broken: str, fixed: str, outputs: Sequence[str]) -> list[Judgement]:
    """Judge every candidate, best first."""
    return [judge(grammar, broken, fixed, o) for o in outputs]


def at_k(judgements: Sequence[Sequence[Judgement]], field: str, k: int) -> float:
    """Share of records whose top ``k`` candidates include one with ``field`` true (0 with no records)."""
    if not judgements:
        return 0.0
    hits = sum(1 for js in judgements if any(getattr(j, field) for j in js[:k]))
    return hits / len(judgements)


def latency_summary(ms: Sequence[float]) -> dict[str, float | None]:
    """p50 / p95 / max of per-repair wall-clock milliseconds."""
    if not ms:
        return {"p50": None, "p95": None, "max": None}
    arr = np.asarray(ms, dtype=np.float64)
    return {
        "p50": round(float(np.percentile(arr, 50)), 1),
        "p95": round(float(np.percentile(arr, 95)), 1),
        "max": round(float(arr.max()), 1),
    }


def pooling(top1: Sequence[Mapping[float, tuple[str | None, bool]]]) -> dict[str, float | None]:
    """The paper's table 1 pooling over noise levels, from each record's {level: (top-1 text, correct?)}.

    any: some level repaired the record; best: the single level best over all records; vote: the output
    produced at most levels (ties to the lower level, exact string match as in the paper) is correct.
    """
    if not top1:
        return {"any": None, "best": None, "vote": None}
    n = len(top1)
    levels = sorted({lv for rec in top1 for lv in rec})
    any_ = sum(1 for rec in top1 if any(ok for _, ok in rec.values())) / n
    best = (
        max(sum(1 for rec in top1 if rec.get(lv, (None, False))[1]) for lv in levels) / n if levels else 0.0
    )
    votes = 0
    for rec in top1:
        counts = Counter(t for t, _ in rec.values() if t is not None)
        if not counts:
            continue
        top = max(counts.values())
        winner = next(t for lv in sorted(rec) for t in [rec[lv][0]] if t is not None and counts[t] == top)
        votes += any(ok for t, ok in rec.values() if t == winner)
    return {"any": round(any_, 4), "best": round(best, 4), "vote": round(votes / n, 4)}

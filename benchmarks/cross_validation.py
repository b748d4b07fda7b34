"""Figures that small dev splits cannot fool (issue 16, point 1): cross-validated ranking, recall, rules.

Everything fitted on dev records is fitted on K-1 folds and scored on the fold held apart; the report
gives that figure beside the in-sample one. A record's fold is a hash of its id, so it does not depend on
which other records are in the file or in what order.

- **Recall**: the human fix is anywhere in the record's pool (every valid candidate the engine found while
  searching for its top k), and **ranking given recall**: of those records, the share whose top-1 is right.
  Together they say whether generation or ranking lost a record.
- **The learned ranking**: weights fitted on the other folds' pools (``ranker_fit``) rank each held-apart
  pool; the pools themselves do not depend on the ranking (the search does not read it), so re-ranking a
  stored pool is exactly what the engine would have returned.
- **Rules**: a rule's cross-validated gain is the cross-validated top-1 with its candidates minus that
  without the candidates only it made, each with a ranking fitted on the training folds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .metrics import Judgement, at_k
from .ranker_fit import DEFAULT_FIT, FitSettings, Pool, fit_with_inner_cv, rank_pool

__all__ = [
    "PoolRecord",
    "fold_of",
    "label_field",
    "recall_figures",
    "cross_validated_ranking",
    "rule_gains",
]

# What a right candidate is, per language: the metric its benchmark reports (DESIGN.md "Measuring").
_LABELS = {"excel": "sketch", "powershell": "sketch", "python": "exact"}
_FIELDS = ("exact", "sketch", "close", "valid")


def label_field(language: str) -> str:
    """The judgement field a language's ranking is fitted to and judged on."""
    return _LABELS.get(language, "exact")


def fold_of(record_id: str, folds: int) -> int:
    """The fold of a record: a hash of its id (the same on any machine, whatever else is in the file)."""
    return int.from_bytes(hashlib.sha256(record_id.encode("utf-8")).digest()[:8], "big") % folds


@dataclass(frozen=True)
class PoolRecord:
    """One record's pool: candidates in the engine's order with their features, judgements, rules, shapes."""

    id: str
    features: tuple[Mapping[str, float], ...]
    judgements: tuple[Judgement, ...]
    rules: tuple[frozenset[str], ...]
    shapes: tuple[object, ...]

    def pool(self, field: str) -> Pool:
        return Pool(self.features, tuple(bool(getattr(j, field)) for j in self.judgements), self.shapes)

    def without(self, rule: str) -> PoolRecord:
        """The pool without the candidates only ``rule`` made."""
        keep = [i for i, r in enumerate(self.rules) if r != frozenset({rule})]
        return PoolRecord(
            self.id,
            tuple(self.features[i] for i in keep),
            tuple(self.judgements[i] for i in keep),
            tuple(self.rules[i] for i in keep),
            tuple(self.shapes[i] for i in keep),
        )


def recall_figures(records: Sequence[PoolRecord], k: int) -> dict[str, dict[str, float]]:
    """Per field: recall (right anywhere in the pool), top-1, top-k and top-1 given recall."""
    out: dict[str, dict[str, float]] = {}
    js = [r.judgements for r in records]
    for field in _FIELDS:
        found = sum(1 for r in records if any(getattr(j, field) for j in r.judgements))
        top1 = at_k(js, field, 1)
        recall = found / len(records) if records else 0.0
        out[field] = {
            "recall": round(recall, 4),
            "at1": round(top1, 4),
            "atk": round(at_k(js, field, k), 4),
            "at1_given_recall": round(top1 / recall, 4) if recall else 0.0,
        }
    return out


Diversify = Callable[[PoolRecord, list[int]], list[int]]


def _ordered(
    record: PoolRecord, weights: Mapping[str, float], diversify: Diversify | None
) -> list[Judgement]:
    order = rank_pool(record.pool("exact"), weights)
    if diversify is not None:
        order = diversify(record, order)
    return [record.judgements[i] for i in order]


def cross_validated_ranking(
    records: Sequence[PoolRecord],
    language: str,
    folds: int,
    k: int,
    diversify: Diversify | None = None,
    settings: FitSettings = DEFAULT_FIT,
) -> dict[str, Any]:
    """The learned ranking's figures: each fold ranked by weights fitted on the others (``cv``), and all
    records ranked by weights fitted on all of them (``in_sample``), with the L2 each fit chose."""
    field = label_field(language)
    ranked: dict[str, list[Judgement]] = {}
    chosen: list[float] = []
    for f in range(folds):
        train = [r.pool(field) for r in records if fold_of(r.id, folds) != f]
        weights, l2 = fit_with_inner_cv(train, settings)
        chosen.append(l2)
        for r in records:
            if fold_of(r.id, folds) == f:
                ranked[r.id] = _ordered(r, weights, diversify)
    all_weights, all_l2 = fit_with_inner_cv([r.pool(field) for r in records], settings)
    in_sample = [_ordered(r, all_weights, diversify) for r in records]
    cv = [ranked[r.id] for r in records]
    return {
        "label": field,
        "folds": folds,
        "cv": _at(cv, k),
        "in_sample": _at(in_sample, k),
        "l2_per_fold": chosen,
        "l2": all_l2,
        "weights": all_weights,
    }


def _at(ranked: Sequence[Sequence[Judgement]], k: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for field in _FIELDS:
        out[f"{field}@1"] = round(at_k(ranked, field, 1), 4)
        out[f"{field}@k"] = round(at_k(ranked, field, k), 4)
    return out


def rule_gains(
    records: Sequence[PoolRecord],
    language: str,
    folds: int,
    k: int,
    diversify: Diversify | None = None,
    settings: FitSettings = DEFAULT_FIT,
) -> dict[str, dict[str, float]]:
    """Per named rule that made some candidate alone: cross-validated top-1 (the language's field) with
    the rule and without the candidates only it made, and their difference."""
    field = label_field(language)
    base = cross_validated_ranking(records, language, folds, k, diversify, settings)["cv"][f"{field}@1"]
    alone = sorted({next(iter(r)) for rec in records for r in rec.rules if len(r) == 1})
    out: dict[str, dict[str, float]] = {}
    for rule in alone:
        if rule in ("search", "diffusion"):
            continue
        without = [rec.without(rule) for rec in records]
        cv = cross_validated_ranking(without, language, folds, k, diversify, settings)["cv"][f"{field}@1"]
        fired = sum(1 for rec in records if frozenset({rule}) in rec.rules)
        out[rule] = {"records": fired, "with": base, "without": cv, "gain": round(base - cv, 4)}
    return out

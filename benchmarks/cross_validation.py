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

from lastfix.model_runtime.repair_features import PROVENANCES

from .metrics import Judgement, at_k
from .ranker_fit import DEFAULT_FIT, Choice, FitSettings, Pool, fit_with_inner_cv, rank_pool

__all__ = [
    "PoolRecord",
    "fold_of",
    "label_field",
    "recall_figures",
    "cross_validated_ranking",
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
    learn: bool = True,
) -> dict[str, Any]:
    """The learned ranking and the rule selection, fitted on K-1 folds and scored on the held-apart one
    (``cv``), and fitted on all records and scored on them (``in_sample``), with what each fit chose.

    Per fold: weights by :func:`ranker_fit.fit_with_inner_cv` on the training records, then the named
    rules that earn their place there (:func:`_earning_rules`); on the held-apart records the candidates
    only a dropped rule made are taken out before ranking. A rule written for one dev record cannot help
    that record here, since no training fold holds it. A rule's cross-validated gain is what it adds to
    the held-apart right top-1s where the training side kept it; the shipped configuration keeps the
    rules whose gain is positive (the others are ``dropped_rules``). ``learn`` False: the engine's own
    ranking (no weights fitted), only the rules selected on folds."""
    field = label_field(language)
    ranked: dict[str, list[Judgement]] = {}
    chosen: list[dict[str, Any]] = []
    kept_in = {rule: 0 for rule in _rules_alone(records)}
    gain = dict.fromkeys(kept_in, 0)  # right top-1s held apart with the rule minus without it
    for f in range(folds):
        train = [r for r in records if fold_of(r.id, folds) != f]
        held = [r for r in records if fold_of(r.id, folds) == f]
        weights, choice = _fit([r.pool(field) for r in train], settings, learn)
        kept = _earning_rules(train, field, weights, diversify)
        chosen.append(_described(choice))
        with_kept = _hits([_only_rules(r, kept) for r in held], field, weights, diversify)
        for rule in kept:
            kept_in[rule] += 1
            without = _hits([_only_rules(r, kept - {rule}) for r in held], field, weights, diversify)
            gain[rule] += with_kept - without
        for r in held:
            ranked[r.id] = _ordered(_only_rules(r, kept), weights, diversify)
    # the shipped configuration: the rules whose cross-validated gain is positive, weights fitted on all
    kept_all = frozenset(rule for rule, g in gain.items() if g > 0)
    all_weights, all_choice = _fit([r.pool(field) for r in records], settings, learn)
    in_sample = [_ordered(_only_rules(r, kept_all), all_weights, diversify) for r in records]
    cv = [ranked[r.id] for r in records]
    rules = {
        rule: {
            "alone_in": sum(1 for r in records if frozenset({rule}) in r.rules),
            "kept_in_folds": n,
            "cv_gain": gain[rule],
            "kept": rule in kept_all,
        }
        for rule, n in sorted(kept_in.items())
    }
    return {
        "label": field,
        "folds": folds,
        "cv": _at(cv, k),
        "in_sample": _at(in_sample, k),
        "chosen_per_fold": chosen,
        "chosen": _described(all_choice),
        "weights": all_weights,
        "rules": rules,
        "dropped_rules": sorted(rule for rule, row in rules.items() if not row["kept"]),
    }


def _rules_alone(records: Sequence[PoolRecord]) -> list[str]:
    """Named rules that made some candidate on their own."""
    return sorted({n for rec in records for r in rec.rules if len(r) == 1 for n in r} - PROVENANCES)


def _only_rules(record: PoolRecord, kept: frozenset[str]) -> PoolRecord:
    """The record's pool without the candidates only a rule outside ``kept`` made."""
    for rule in _rules_alone([record]):
        if rule not in kept:
            record = record.without(rule)
    return record


def _hits(
    records: Sequence[PoolRecord], field: str, weights: Mapping[str, float], diversify: Diversify | None
) -> int:
    return sum(1 for r in records if r.judgements and getattr(_ordered(r, weights, diversify)[0], field))


def _earning_rules(
    records: Sequence[PoolRecord], field: str, weights: Mapping[str, float], diversify: Diversify | None
) -> frozenset[str]:
    """The named rules whose own candidates make more right top-1s on ``records`` than without them."""
    base = _hits(records, field, weights, diversify)
    return frozenset(
        rule
        for rule in _rules_alone(records)
        if base > _hits([r.without(rule) for r in records], field, weights, diversify)
    )


def _fit(pools: Sequence[Pool], settings: FitSettings, learn: bool) -> tuple[dict[str, float], Choice]:
    """Weights fitted on ``pools`` (none when not ``learn``: every score ties and the engine's order
    stands)."""
    if not learn:
        return {}, Choice(frozenset(), 0.0)
    return fit_with_inner_cv(pools, settings)


def _described(choice: Choice) -> dict[str, Any]:
    return {"groups": sorted(choice.groups), "l2": choice.l2}


def _at(ranked: Sequence[Sequence[Judgement]], k: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for field in _FIELDS:
        out[f"{field}@1"] = round(at_k(ranked, field, 1), 4)
        out[f"{field}@k"] = round(at_k(ranked, field, k), 4)
    return out

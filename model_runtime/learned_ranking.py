"""The learned ranking: one log-linear score over every candidate, whatever made it (issue 16, point 2).

score(candidate) = w . features(candidate), the features of ``repair_features.candidate_features``: the
error model's (which token edits, to which tokens, where), the language model's gain, the votes and rules
that made it. It is the noisy-channel score log P(fixed) + log P(broken | fixed) up to a constant per
broken input, with the weights fitted as a conditional log-linear model on real (broken, fixed) pairs
(``lastfix bench --folds K --write-ranker``; ``benchmarks/ranker_fit.py``). A language ships its
weights as ``ranker.json`` beside its model, with the named rules whose cross-validated gain was not
positive, which the hybrid then switches off. Where the hand-set score cross-validated better the file
has no weights, only the rules; without a file the hybrid keeps the hand-set score and every rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lastfix.grammars.errors import ModelLoadError

__all__ = ["Ranker", "RANKER_FILE", "load_ranker"]

RANKER_FILE = "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """Fitted weights by feature name (a feature without a weight counts 0) and how they were fitted."""

    weights: Mapping[str, float]
    fitted: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # named rules whose cross-validated gain was not positive (``lastfix bench --folds``): switched off
    without_rules: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "fitted", MappingProxyType(dict(self.fitted)))

    @property
    def learned(self) -> bool:
        """Fitted weights (False: the hand-set score cross-validated better; only the rules apply)."""
        return bool(self.weights)

    def score(self, features: Mapping[str, float]) -> float:
        w = self.weights
        return sum(w.get(name, 0.0) * value for name, value in sorted(features.items()))

    def to_json(self) -> str:
        return json.dumps(
            {
                "weights": dict(sorted(self.weights.items())),
                "without_rules": sorted(self.without_rules),
                "fitted": dict(self.fitted),
            },
            indent=1,
        )


def load_ranker(path: Path) -> Ranker | None:
    """The ranker in ``path`` (None when there is no such file); ModelLoadError when it is not one."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        without = frozenset(str(r) for r in data.get("without_rules", ()))
        return Ranker(weights, data.get("fitted", {}), without)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ModelLoadError(f"{path}: not a lastfix ranker ({e})") from None

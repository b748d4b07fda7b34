"""The noise level to inject, by error size: the per-language table shipped in a model's config.json.

Paper fig. 5-6: small last-mile errors are repaired from little noise, larger ones need an earlier
injection (more reverse steps) — but too much noise rewrites correct code. ``lastfix calibrate`` learns,
per error-size bucket, the noise fraction that repaired most dev examples and stores it as
``{"buckets": [[max_error_tokens, noise_fraction], ...], "default": 0.3}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lastfix.grammars.errors import ModelLoadError

__all__ = ["DEFAULT_NOISE", "SWEEP_LEVELS", "noise_for", "levels_around", "build_table", "write_table"]

DEFAULT_NOISE = 0.3  # paper fig. 5: the lower noise levels work for last-mile repairs
SWEEP_LEVELS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # paper: increments of 10%


def noise_for(table: Mapping[str, Any] | None, size: int) -> float:
    """Noise fraction for an error covering ``size`` tokens; the table's default past its last bucket."""
    if not table:
        return DEFAULT_NOISE
    try:
        for max_size, noise in table.get("buckets", []):
            if size <= int(max_size):
                return float(noise)
        return float(table.get("default", DEFAULT_NOISE))
    except (TypeError, ValueError):
        return DEFAULT_NOISE  # a malformed table must not break repair; calibrate rewrites it


def levels_around(noise: float, count: int, step: float = 0.1) -> list[float]:
    """``count`` levels centred on ``noise`` (noise, noise-step, noise+step, ...), kept inside (0, 1)."""
    out: list[float] = []
    k = 0
    while len(out) < count and k < 20:
        for sign in (0,) if k == 0 else (-1, 1):
            level = round(noise + sign * k * step, 4)
            if 0.0 < level < 1.0 and level not in out and len(out) < count:
                out.append(level)
        k += 1
    return out


def build_table(
    successes: Sequence[tuple[int, Mapping[float, bool]]],
    bounds: Sequence[int] = (1, 2, 4, 8),
    levels: Sequence[float] = SWEEP_LEVELS,
) -> dict[str, Any]:
    """Table from per-example (error size, {noise: repaired?}): per bucket, the level that repaired most.

    Ties go to the lower noise (fewer changes to correct code, paper fig. 5); an empty bucket takes the
    overall best level, which is also the default past the last bound.
    """

    def best(rows: Sequence[Mapping[float, bool]], fallback: float) -> float:
        if not rows:
            return fallback
        counts = {lv: sum(1 for r in rows if r.get(lv)) for lv in levels}
        top = max(counts.values())
        return fallback if top == 0 else min(lv for lv, c in counts.items() if c == top)

    overall = best([r for _, r in successes], DEFAULT_NOISE)
    buckets: list[list[float]] = []
    lower = 0
    for bound in bounds:
        rows = [r for size, r in successes if lower < size <= bound]
        buckets.append([bound, best(rows, overall)])
        lower = bound
    tail = [r for size, r in successes if size > lower]
    return {"buckets": buckets, "default": best(tail, overall), "examples": len(successes)}


def write_table(model_dir: str | Path, language: str, table: Mapping[str, Any]) -> Path:
    """Store ``table`` as ``noise_table`` in MODEL_DIR/config.json, keeping everything else."""
    path = Path(model_dir) / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"{path}: no config.json; pass the directory `lastfix export` wrote") from None
    except (OSError, json.JSONDecodeError) as e:
        raise ModelLoadError(f"{path}: unreadable config.json ({e}); re-export the model") from None
    if config.get("language") not in (None, language):
        raise ModelLoadError(f"{path}: model is for {config.get('language')!r}, not {language!r}")
    config["noise_table"] = dict(table)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # atomic: a crash mid-write must not corrupt the model
    return path

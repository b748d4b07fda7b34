"""The masked diffusion model's repair settings chosen by cross-validation (issue 16, point 3).

Every named setting of a grid (overrides of ``MaskedRepairSettings``) repairs every record with the
masked engine alone (no edit search, the product's own composition: ``engines._masked``). Then, as
``noise_cv`` does for the noise table: the setting with the most right top-1s on K-1 folds is scored on
the held-apart fold (``cv``); the one best on all records, scored on them, is ``in_sample`` (what would
ship, and how it flatters); each setting alone is reported too. The metric is sketch@1 for Excel and
PowerShell, close@1 for Python; ties go to the earlier setting of the grid. Folds are
:func:`cross_validation.fold_of`. ``--write`` puts the chosen setting in the masked model's config.json
"repair" section, only when its cross-validated figure beats the model's current setting alone.

    python -m lastfix.benchmarks.masked_cv --lang excel --data DEV.jsonl --folds 5 \
        --grid base={} --grid end='{"anchors": ["error", "end"]}' --out report.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lastfix.grammars import get_grammar
from lastfix.grammars.base import Grammar
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import masked_engine
from lastfix.model_runtime.masked_repair import MaskedRepairSettings, settings_for
from lastfix.model_runtime.masked_runtime import MaskedRuntime
from lastfix.model_runtime.repair_settings import SearchSettings, budget_ms

from .bench import load_records
from .cross_validation import fold_of
from .metrics import judge_all, latency_summary

__all__ = [
    "SHIPPED",
    "RecordScores",
    "choose_by_cv",
    "masked_cv_label",
    "run_setting",
    "write_choice",
    "main",
]

SHIPPED = "shipped"  # the grid entry every run adds: the model's own settings (config.json "repair")
_LABELS = {"excel": "sketch", "powershell": "sketch", "python": "close"}
_FIELDS = ("sketch@1", "sketch@5", "close@1", "exact@1", "valid@1")

RecordScores = Mapping[str, bool]  # one record under one setting: {"sketch@1": right?, ...}


def masked_cv_label(language: str) -> str:
    """The metric a language's masked setting is chosen on (DESIGN "Measuring")."""
    return f"{_LABELS.get(language, 'exact')}@1"


def _best(table: Mapping[str, Sequence[RecordScores]], rows: Sequence[int], label: str) -> str:
    """The setting with the most right ``label`` among ``rows``; the earliest of the grid on a tie."""
    return max(table, key=lambda name: sum(bool(table[name][i][label]) for i in rows))


def _share(table: Mapping[str, Sequence[RecordScores]], picks: Sequence[str], field: str) -> float:
    """Share of records right under ``field`` with record i scored by setting ``picks[i]``."""
    n = len(picks)
    return round(sum(bool(table[name][i][field]) for i, name in enumerate(picks)) / n, 4) if n else 0.0


def choose_by_cv(
    table: Mapping[str, Sequence[RecordScores]], ids: Sequence[str], folds: int, label: str
) -> dict[str, Any]:
    """The setting chosen on K-1 folds and scored on the held-apart one (``cv``), the one chosen on all
    records and scored on them (``in_sample``), and each setting alone, for every field."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    if not table:
        raise ValueError("an empty grid")
    n = len(ids)
    for name, rows in table.items():
        if len(rows) != n:
            raise ValueError(f"setting {name!r}: {len(rows)} records for {n} ids")
    fold = [fold_of(i, folds) for i in ids]
    picks = [""] * n
    per_fold: list[dict[str, Any]] = []
    for f in range(folds):
        train = [i for i in range(n) if fold[i] != f]
        held = [i for i in range(n) if fold[i] == f]
        name = _best(table, train, label)
        for i in held:
            picks[i] = name
        per_fold.append({"held": len(held), "chosen": name})
    everywhere = list(range(n))
    chosen = _best(table, everywhere, label)
    fields = [f for f in _FIELDS if all(f in r for rows in table.values() for r in rows)]
    return {
        "label": label,
        "folds": folds,
        "n": n,
        "cv": {f: _share(table, picks, f) for f in fields},
        "in_sample": {f: _share(table, [chosen] * n, f) for f in fields},
        "chosen": chosen,
        "per_fold": per_fold,
        "alone": {name: {f: _share(table, [name] * n, f) for f in fields} for name in table},
    }


def run_setting(
    grammar: Grammar,
    runtime: MaskedRuntime,
    records: Sequence[Mapping[str, str]],
    settings: MaskedRepairSettings,
    k: int = 5,
    budget: int | None = None,
) -> tuple[list[dict[str, bool]], list[float]]:
    """Per record, what the masked engine's top-k under ``settings`` got right; per record, its ms."""
    engine = masked_engine(grammar, runtime, settings, SearchSettings.for_language(grammar.name), k)
    cap = budget_ms(grammar.name, budget)
    rows: list[dict[str, bool]] = []
    times: list[float] = []
    for rec in records:
        started = time.perf_counter()
        found = engine.repair(rec["broken"], deadline=Deadline.after_ms(cap), k=k)
        times.append(1000.0 * (time.perf_counter() - started))
        js = judge_all(grammar, rec["broken"], rec["fixed"], [c.text for c in found])
        rows.append(
            {
                "sketch@1": bool(js[:1] and js[0].sketch),
                "sketch@5": any(j.sketch for j in js[:5]),
                "close@1": bool(js[:1] and js[0].close),
                "exact@1": bool(js[:1] and js[0].exact),
                "valid@1": bool(js[:1] and js[0].valid),
            }
        )
    return rows, times


def write_choice(model_dir: Path, overrides: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    """The chosen setting as the masked model's config.json "repair" section (its length credit kept),
    and where it came from beside it ("repair_cv")."""
    path = model_dir / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    repair = {k: v for k, v in config.get("repair", {}).items() if k == "length_credit"}
    config["repair"] = {**repair, **overrides}
    config["repair_cv"] = dict(provenance)
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def _grid(entries: Sequence[str]) -> dict[str, dict[str, Any]]:
    """--grid NAME=JSON entries, in order; SystemExit naming a malformed one."""
    out: dict[str, dict[str, Any]] = {}
    for entry in entries:
        name, sep, raw = entry.partition("=")
        if not sep or not name or name == SHIPPED:
            raise SystemExit(f"--grid {entry!r}: expected NAME=JSON (NAME not {SHIPPED!r})")
        try:
            overrides = json.loads(raw)
            MaskedRepairSettings().with_overrides(overrides)
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as e:
            raise SystemExit(f"--grid {name}: {e}") from None
        out[name] = overrides
    return out


def _shipped_overrides(runtime: MaskedRuntime) -> dict[str, Any]:
    """The model's own settings as overrides of the defaults (config.json "repair", length credit aside)."""
    own = dataclasses.asdict(settings_for(runtime))
    base = dataclasses.asdict(MaskedRepairSettings())
    return {k: v for k, v in own.items() if v != base[k] and k != "length_credit"}


def _masked_runtime(language: str, model: str | None, threads: int) -> MaskedRuntime:
    """The masked model of ``model``: a model folder with masked/ inside (the shipped one by default), or
    a masked model folder itself."""
    from lastfix.model_runtime.masked_runtime import load_masked_model
    from lastfix.model_runtime.model_resolver import choose_model, require_model

    if model is not None:
        config = Path(model) / "config.json"
        if config.is_file() and json.loads(config.read_text(encoding="utf-8")).get("kind") == "masked":
            runtime = load_masked_model(model, device="cpu", threads=threads)
            if runtime.language != language:
                raise SystemExit(f"{model}: a masked model for {runtime.language}, not {language}")
            return runtime
    found = require_model(choose_model(language, model, device="cpu", threads=threads)).masked
    if found is None:
        raise SystemExit(f"{model or 'the shipped model'}: no masked model beside it (masked/)")
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m lastfix.benchmarks.masked_cv", description=__doc__.split("\n")[0]
    )
    p.add_argument("--lang", required=True)
    p.add_argument("--data", required=True, help="benchmark JSONL of {id, broken, fixed}")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument(
        "--grid", action="append", default=[], metavar="NAME=JSON", help="overrides of MaskedRepairSettings"
    )
    p.add_argument("--model", help="model folder with masked/ inside (default: the shipped one)")
    p.add_argument("--limit", type=int, help="the first N records")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--budget-ms", type=int, help="the wall-clock safety cap of one repair")
    p.add_argument("--out", type=Path)
    p.add_argument(
        "--write",
        action="store_true",
        help="write the chosen setting into the masked model's config.json when it beats the shipped one "
        "cross-validated",
    )
    args = p.parse_args(argv)
    grid = _grid(args.grid)
    grammar = get_grammar(args.lang)
    runtime = _masked_runtime(args.lang, args.model, args.threads)
    records = load_records(args.data, args.limit)
    label = masked_cv_label(args.lang)
    settings = {SHIPPED: settings_for(runtime)}
    settings.update({name: MaskedRepairSettings().with_overrides(o) for name, o in grid.items()})
    overrides = {SHIPPED: _shipped_overrides(runtime), **grid}
    table: dict[str, list[dict[str, bool]]] = {}
    latency: dict[str, dict[str, float | None]] = {}
    for name, chosen in settings.items():
        rows, times = run_setting(grammar, runtime, records, chosen, args.k, args.budget_ms)
        table[name] = rows
        latency[name] = latency_summary(times)
        share = sum(r[label] for r in rows) / len(rows)
        print(
            f"{name:<16} {label} {share:.3f}  p50 {latency[name]['p50']} ms",
            file=sys.stderr,
            flush=True,
        )
    report = choose_by_cv(table, [r["id"] for r in records], args.folds, label)
    report.update(
        {
            "lang": args.lang,
            "data": args.data,
            "model": str(runtime.directory),
            "k": args.k,
            "grid": overrides,
            "latency_ms": latency,
            # per setting, the records it got right: grids of separate runs can be joined afterwards
            "right": {
                name: [r["id"] for r, row in zip(records, rows, strict=True) if row[label]]
                for name, rows in table.items()
            },
        }
    )
    improves = report["cv"][label] > report["alone"][SHIPPED][label]
    report["written"] = bool(args.write and improves and report["chosen"] != SHIPPED)
    if report["written"]:
        provenance = {
            "setting": report["chosen"],
            "label": label,
            "cv": report["cv"][label],
            "shipped_before": report["alone"][SHIPPED][label],
            "folds": args.folds,
            # the file's name and its two folders (benchmarks/<lang>/dev.jsonl): a shipped file keeps no
            # path of the machine that measured it
            "data": "/".join(Path(args.data).resolve().parts[-3:]),
            "records": len(records),
        }
        write_choice(runtime.directory, overrides[report["chosen"]], provenance)
    print(
        f"{args.lang} masked ({label}, {args.folds} folds, {len(records)} records): cv "
        f"{report['cv'][label]:.3f}, in-sample {report['in_sample'][label]:.3f} ({report['chosen']}); "
        f"shipped alone {report['alone'][SHIPPED][label]:.3f}"
        + ("; written to config.json" if report["written"] else ""),
        flush=True,
    )
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

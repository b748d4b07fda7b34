"""``lastfix calibrate``: learn a model's noise level by error size on a dev benchmark (paper fig. 5-6).

Sweeps the injected noise over 0.1..0.9 with the diffusion engine, finds per error-size bucket the level
whose top-1 repair matched the human fix's sketch most often, and stores the table as ``noise_table`` in
a model's config.json, where the repair engine reads it.

The table goes into a *new* model folder (``--out DIR``, default ``calibrated-models/<lang>``): a copy of
the calibrated model with the new table, usable as ``--model DIR`` or through the server's
``lastfix.modelDir``. Only ``--in-place`` rewrites the calibrated model's own config.json, so the models
shipped inside the package never change by accident (issue 17: calibrate rewrote them unless --dry-run).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from lastfix.grammars import LANGUAGES

    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="language of the model and data")
    parser.add_argument("--data", required=True, metavar="dev.jsonl", help='records {"id","broken","fixed"}')
    parser.add_argument(
        "--model", metavar="DIR", help="model directory to calibrate (default: the shipped model)"
    )
    parser.add_argument(
        "--engine",
        choices=("diffusion", "hybrid"),
        default="diffusion",
        help="engine whose accuracy picks the level (default diffusion: only it depends on noise)",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N records")
    parser.add_argument("-k", type=int, default=5, help="candidates per repair (default 5)")
    parser.add_argument("--budget-ms", type=int, default=5000, help="time budget per repair (default 5000)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--out",
        metavar="DIR",
        help="new model folder: a copy of the model with the calibrated table "
        "(default: calibrated-models/<lang>; it must not exist yet)",
    )
    where.add_argument(
        "--in-place",
        action="store_true",
        help="rewrite the calibrated model's own config.json instead (the shipped one without --model)",
    )
    where.add_argument("--dry-run", action="store_true", help="print the table and write nothing")


def run(args: argparse.Namespace) -> int:
    from lastfix.benchmarks.bench import BenchSettings, load_records, sweep
    from lastfix.benchmarks.model_choice import load_runtime
    from lastfix.grammars import get_grammar
    from lastfix.grammars.errors import InputError
    from lastfix.model_runtime.noise_table import build_table, write_table

    if args.k < 1 or args.budget_ms < 1 or (args.limit is not None and args.limit < 1):
        raise InputError("-k, --limit and --budget-ms must be positive")
    grammar = get_grammar(args.lang)
    records = load_records(args.data, args.limit)
    if not records:
        raise InputError(f"{args.data}: no records")
    target = None if args.dry_run or args.in_place else _new_folder(args.out, args.lang)
    model_dir, runtime = load_runtime(args.lang, args.model)
    settings = BenchSettings(k=args.k, time_budget_ms=args.budget_ms)
    swept, per_record = sweep(
        grammar, runtime, records, args.engine, settings, progress=lambda msg: print(msg, file=sys.stderr)
    )
    table = build_table(per_record)
    print(
        json.dumps(
            {
                "noise_table": table,
                "by_noise": {lv: m["sketch@1"] for lv, m in swept["by_noise"].items()},
                "pooling": swept["pooling"],
            },
            indent=2,
        )
    )
    if args.dry_run:
        print("lastfix calibrate: --dry-run: nothing written", file=sys.stderr)
    elif args.in_place:
        path = write_table(model_dir, args.lang, table)
        print(f"lastfix calibrate: noise table written in place to {path}", file=sys.stderr)
    else:
        assert target is not None
        _copy_model(model_dir, target)
        path = write_table(target, args.lang, table)
        print(
            f"lastfix calibrate: calibrated model written to {target} (noise table in {path.name}); "
            f"{model_dir} is unchanged. Use it with --model {target}, or "
            + _model_dir_advice(target, args.lang),
            file=sys.stderr,
        )
    return 0


def _model_dir_advice(target: Path, language: str) -> str:
    """How the editor's ``lastfix.modelDir`` reaches ``target``: a folder of ``<language>/`` folders only
    when ``target`` is named after the language (the default ``calibrated-models/<lang>``), else by the
    {language: folder} form."""
    if target.name == language:
        return f"point lastfix.modelDir at {target.parent}"
    return f'set lastfix.modelDir to {{"{language}": "{target}"}}'


def _new_folder(out: str | None, language: str) -> Path:
    """Where the calibrated copy goes: ``out`` or ``calibrated-models/<language>``, which must not exist
    (checked before the sweep, which takes minutes)."""
    from lastfix.grammars.errors import InputError

    target = Path(out) if out else Path("calibrated-models") / language
    if target.exists():
        raise InputError(
            f"{target} already exists; pass another --out DIR, remove it, or rewrite a model's own "
            "config.json with --in-place"
        )
    return target


def _copy_model(source: Path, target: Path) -> None:
    """The whole model folder (weights, vocabulary, card, n-gram) beside which the new table is written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)

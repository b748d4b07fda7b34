"""``lastfix calibrate``: learn a model's noise level by error size on a dev benchmark (paper fig. 5-6).

Sweeps the injected noise over 0.1..0.9 with the diffusion engine, finds per error-size bucket the level
whose top-1 repair matched the human fix's sketch most often, and stores the table as ``noise_table`` in
the model's config.json, where the repair engine reads it.
"""

from __future__ import annotations

import argparse
import json
import sys

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
    parser.add_argument("--dry-run", action="store_true", help="print the table without writing config.json")


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
    if not args.dry_run:
        path = write_table(model_dir, args.lang, table)
        print(f"noise table written to {path}", file=sys.stderr)
    return 0

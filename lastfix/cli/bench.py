"""``lastfix bench``: run the repair engines on a JSONL benchmark and write the JSON scoreboard."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run", "format_table"]

_ENGINES = ("diffusion", "edits", "hybrid")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from lastfix.grammars import LANGUAGES

    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="language of the benchmark")
    parser.add_argument("--data", required=True, metavar="FILE.jsonl", help='records {"id","broken","fixed"}')
    parser.add_argument("-k", type=int, default=5, help="candidates per repair (default 5)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N records")
    parser.add_argument(
        "--noise",
        choices=("auto", "sweep"),
        default="auto",
        help="auto: the model's noise table; sweep: also every level 0.1..0.9 (paper fig. 5)",
    )
    parser.add_argument(
        "--engine",
        choices=(*_ENGINES, "masked", "seq2seq", "all"),
        default="all",
        help="diffusion (paper protocol), edits (no model), hybrid (the product), all (default: the three, "
        "and masked where the model has one); masked: the discrete diffusion model shipped beside the model, "
        "alone; "
        "seq2seq: the one-shot model of --model DIR (lastfix train-seq2seq --export)",
    )
    parser.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    parser.add_argument(
        "--budget-ms",
        type=int,
        help="wall-clock safety cap per repair; the search stops on a fixed amount of work, so a larger "
        "cap only keeps a loaded machine from cutting it short (default: the language's, 1000 ms; "
        "PowerShell 400 ms)",
    )
    parser.add_argument("--seeds", type=int, default=8, help="diffusion samples per noise level (default 8)")
    parser.add_argument(
        "--without-rule",
        action="append",
        default=[],
        dest="without_rules",
        metavar="NAME",
        help="switch off a named rule of the symbolic search (repeatable; an ablation)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="ONNX Runtime threads (default: up to 4); 1 to measure one core beside other jobs",
    )
    parser.add_argument(
        "--folds",
        type=int,
        metavar="K",
        help="also cross-validate: fit the learned ranking on K-1 folds, score the held-apart one (and "
        "judge each named rule the same way); reported beside the in-sample figures",
    )
    parser.add_argument(
        "--write-ranker",
        metavar="FILE.json",
        help="write the hybrid's ranking fitted on all records here (needs --folds for its report); "
        "ship it as ranker.json beside the model",
    )
    parser.add_argument("--out", required=True, metavar="report.json", help="where to write the JSON report")
    parser.add_argument("--plots", metavar="DIR", help="write fig. 5/6 PNGs here (needs --noise sweep)")


def run(args: argparse.Namespace) -> int:
    from lastfix.benchmarks.bench import (
        BENCH_RECIPES,
        BenchSettings,
        engine_block,
        load_records,
        model_info,
        run_engine,
        stderr_progress,
        sweep,
    )
    from lastfix.benchmarks.cross_validation import recall_figures
    from lastfix.benchmarks.noise_cv import noise_table_cv
    from lastfix.grammars import get_grammar
    from lastfix.grammars.errors import InputError
    from lastfix.grammars.rules import check_rule_names
    from lastfix.model_runtime.model_resolver import choose_model
    from lastfix.model_runtime.repair_settings import budget_ms

    if (
        args.k < 1
        or (args.limit is not None and args.limit < 1)
        or (args.budget_ms is not None and args.budget_ms < 1)
        or args.seeds < 1
        or (args.threads is not None and args.threads < 1)
    ):
        raise InputError("-k, --limit, --budget-ms, --seeds and --threads must be positive")
    if args.plots and args.noise != "sweep":
        raise InputError("--plots draws the noise sweep: add --noise sweep")
    if args.folds is not None and args.folds < 2:
        raise InputError("--folds needs at least 2 folds")
    if args.write_ranker and (args.folds is None or args.engine not in ("hybrid", "all")):
        raise InputError("--write-ranker fits the hybrid's ranking: add --folds K and run the hybrid")
    engines = _ENGINES if args.engine == "all" else (args.engine,)
    try:
        without_rules = check_rule_names(args.lang, args.without_rules)
    except ValueError as e:  # names the unknown rules and lists the valid ones
        raise InputError(f"--without-rule: {e}") from None
    # the grammar's own rules (tolerances, checks, rewrites) off too, not only the search's
    grammar = get_grammar(args.lang).without(without_rules)
    records = load_records(args.data, args.limit)
    if not records:
        raise InputError(f"{args.data}: no records")
    # the model the engines need (one kind at a time: `all` runs the diffusion model's three engines)
    needing = [BENCH_RECIPES[e] for e in engines if BENCH_RECIPES[e].model is not None]
    runtime: Any = None
    model_dir: Path | None = None
    if needing:
        recipe = needing[0]
        if not args.model and not recipe.shipped:
            raise InputError(
                f"--engine {args.engine} needs --model DIR, a directory written by {recipe.export}"
            )
        choice = choose_model(args.lang, args.model, threads=args.threads)
        model_dir, runtime = choice.directory, recipe.load(choice)
    if args.engine == "all" and getattr(runtime, "masked", None) is not None:
        engines = (*engines, "masked")  # the product's diffusion model alone, beside the paper's engine
    settings = BenchSettings(
        k=args.k,
        time_budget_ms=args.budget_ms,
        seeds=args.seeds,
        without_rules=without_rules,
        # a refit judges every rule again under the hand-set score, not the ranking it replaces
        ranking="hand-set" if args.write_ranker else "learned",
        describe=args.folds is not None,
    )
    blocks: dict[str, dict[str, Any]] = {}
    for engine in engines:
        results = run_engine(grammar, runtime, records, engine, settings, progress=stderr_progress(engine))
        swept = None
        if args.noise == "sweep" and BENCH_RECIPES[engine].model == "diffusion":  # its noise level
            swept, per_record = sweep(
                grammar,
                runtime,
                records,
                engine,
                settings,
                progress=lambda msg: print(msg, file=sys.stderr) if sys.stderr.isatty() else None,
            )
        blocks[engine] = engine_block(records, results, args.k, swept)
        if swept is not None and args.folds is not None:  # the learned noise table vs one fixed level
            ids = [r["id"] for r in records]
            table = getattr(runtime, "noise_table", None)
            blocks[engine]["noise_table_cv"] = noise_table_cv(per_record, ids, args.folds, shipped=table)
        pools = [r.pool for r in results if r.pool is not None]
        if len(pools) == len(results):
            blocks[engine]["recall"] = recall_figures(pools, args.k)
            if args.folds is not None:
                blocks[engine]["cross_validated"] = _cross_validate(args, engine, pools)
    report: dict[str, Any] = {
        "lang": args.lang,
        "n": len(records),
        "k": args.k,
        "data": str(args.data),
        "budget_ms": budget_ms(args.lang, args.budget_ms),
        "noise": args.noise,
        "without_rules": sorted(without_rules),
        "model": model_info(model_dir, runtime),
    }
    if args.engine == "all":
        report["engine"] = "all"
        report["engines"] = blocks
    else:
        report["engine"] = args.engine
        report.update(blocks[args.engine])
    if args.write_ranker:
        _write_ranker(Path(args.write_ranker), args.lang, blocks["hybrid"]["cross_validated"], len(records))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.plots:
        from lastfix.benchmarks.plots import plot_noise_band, plot_noise_curve

        plot_noise_curve(report, Path(args.plots) / f"{args.lang}-fig5-noise.png")
        plot_noise_band(report, Path(args.plots) / f"{args.lang}-fig6-band.png")
    print(format_table(report))
    print(f"report: {out}")
    return 0


def _cross_validate(args: argparse.Namespace, engine: str, pools: list[Any]) -> dict[str, Any]:
    """The learned ranking and the rule selection cross-validated on ``args.folds`` folds."""
    from lastfix.benchmarks.cross_validation import cross_validated_ranking
    from lastfix.model_runtime.ranking import diversify
    from lastfix.model_runtime.repair_settings import SearchSettings

    per_shape = SearchSettings.for_language(args.lang).per_shape

    def spread(record: Any, order: list[int]) -> list[int]:  # the engine's own diversify, on indices
        return diversify(order, lambda i: record.shapes[i], per_shape)

    spreads = None if engine == "diffusion" else spread  # the paper's protocol ranks by votes alone
    block = cross_validated_ranking(pools, args.lang, args.folds, args.k, spreads)
    own = cross_validated_ranking(pools, args.lang, args.folds, args.k, spreads, learn=False)
    block["own_ranking"] = {key: own[key] for key in ("cv", "in_sample", "dropped_rules")}
    return block


def _write_ranker(path: Path, language: str, block: dict[str, Any], records: int) -> None:
    """The ranking that cross-validated better, learned or the engine's own (empty weights: the hybrid
    keeps its hand-set score), with the rules that selection dropped."""
    from lastfix.model_runtime.learned_ranking import Ranker

    field = block["label"] + "@1"
    own = block["own_ranking"]
    learned = block["cv"][field] > own["cv"][field]  # a tie keeps the simpler, unfitted ranking
    chosen = block if learned else own
    fitted = {
        "language": language,
        "records": records,
        "label": block["label"],
        "ranking": "learned" if learned else "hand-set",
        "chosen": block["chosen"] if learned else None,
        "folds": block["folds"],
        "cv": chosen["cv"],
        "in_sample": chosen["in_sample"],
        "cv_other": (own if learned else block)["cv"],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    ranker = Ranker(block["weights"] if learned else {}, fitted, frozenset(chosen["dropped_rules"]))
    path.write_text(ranker.to_json() + "\n", encoding="utf-8")


def engine_blocks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-engine blocks of a report, whether it holds one engine or all."""
    if "engines" in report:
        return dict(report["engines"])
    return {str(report.get("engine", "?")): report}


def _ranking_lines(block: dict[str, Any]) -> list[str]:
    """Recall and ranking given recall, and the learned ranking cross-validated beside in-sample."""
    lines: list[str] = []
    recall = block.get("recall")
    if recall:
        parts = [
            f"{f} {r['recall']:.3f} / {r['at1_given_recall']:.3f}" for f, r in recall.items() if f != "valid"
        ]
        lines.append(f"{'':<10}recall / top-1 given recall: " + ", ".join(parts))
    cv = block.get("cross_validated")
    if cv:
        f = cv["label"]
        lines.append(
            f"{'':<10}learned ranking ({f}, {cv['folds']} folds): {f}@1 cross-validated "
            f"{cv['cv'][f + '@1']:.3f}, in-sample {cv['in_sample'][f + '@1']:.3f}; "
            f"{f}@k {cv['cv'][f + '@k']:.3f} / {cv['in_sample'][f + '@k']:.3f}"
        )
        own = cv.get("own_ranking")
        if own:
            lines.append(
                f"{'':<10}the engine's own ranking, rules chosen on folds: {f}@1 cross-validated "
                f"{own['cv'][f + '@1']:.3f}, in-sample {own['in_sample'][f + '@1']:.3f}; "
                f"{f}@k {own['cv'][f + '@k']:.3f} / {own['in_sample'][f + '@k']:.3f}"
            )
        rules = cv.get("rules", {})
        if rules:
            lines.append(
                f"{'':<12}named rules: kept by how many of the {cv['folds']} training sides, "
                "right top-1s they added held apart (a rule stays when that is positive):"
            )
        for rule, row in rules.items():
            verdict = "kept" if row["kept"] else "DROPPED"
            lines.append(
                f"{'':<12}{rule:<36} alone in {row['alone_in']:>3}  folds {row['kept_in_folds']}  "
                f"gain {row['cv_gain']:+d}  {verdict}"
            )
    return lines


def format_table(report: dict[str, Any]) -> str:
    """One screen: a row per engine with the metrics and latency."""
    cols = ("exact@1", "exact@k", "sketch@1", "sketch@k", "valid@1", "close@1", "no_candidate")
    model = report.get("model") or {}
    params = f" ({int(model.get('params', 0)):,} params)" if model else ""
    head = f"{report['lang']}: n={report['n']} k={report['k']}  model={model.get('path', 'none')}{params}"
    lines = [head, f"{'engine':<10}" + "".join(f"{c:>13}" for c in cols) + f"{'p50 ms':>9}{'p95 ms':>9}"]
    for name, block in engine_blocks(report).items():
        m, lat = block["metrics"], block["latency_ms"]
        row = f"{name:<10}" + "".join(f"{m[c]:>13.3f}" for c in cols)
        row += f"{lat['p50'] or 0:>9.0f}{lat['p95'] or 0:>9.0f}"
        lines.append(row)
        lines.extend(_ranking_lines(block))
        if block.get("noise_table_cv"):
            from lastfix.benchmarks.noise_cv import noise_cv_lines

            lines.extend(noise_cv_lines(block["noise_table_cv"]))
        pool = block.get("pooling") or {}
        if pool.get("any") is not None:
            lines.append(
                f"{'':<10}pooling over noise levels (sketch): any {pool['any']:.3f}  best {pool['best']:.3f}"
                f"  vote {pool['vote']:.3f}"
            )
    blocks = engine_blocks(report)
    product = blocks.get("hybrid") or next(reversed(blocks.values()), {})
    rules = product.get("rules") or {}
    if rules:  # the product engine's rules: which fired, made the top-1, and were right
        name = "hybrid" if "hybrid" in blocks else next(reversed(blocks))
        lines.append(f"rules ({name}): records where the rule made a candidate / the top-1 / a right top-1")
        lines.append(f"  {'rule':<40}{'fired':>7}{'top1':>7}{'exact':>7}{'sketch':>8}")
        for rule, row in rules.items():
            lines.append(
                f"  {rule:<40}{row['fired']:>7}{row['top1']:>7}{row['top1_exact']:>7}{row['top1_sketch']:>8}"
            )
    return "\n".join(lines)

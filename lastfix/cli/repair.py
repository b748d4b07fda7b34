"""``lastfix repair``: repair the syntax errors of a file; print the fix, a diff, JSON, or write it in place.

Exit status: 0 repaired (or nothing to repair), 1 no valid fix found (the file is left untouched),
2 usage errors, unreadable input, or a missing/corrupt model (one message on stderr, no traceback).
``--in-place`` keeps the original as ``FILE.orig`` (``FILE.orig.1``, ... if that exists already).

A large file is repaired error by error on small blocks around each (:mod:`.repair_blocks`), each error
with the whole budget, with a progress line on stderr when it is a terminal or with ``--progress``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .check import add_python_version, grammar_for

__all__ = ["add_arguments", "run", "backup_path"]

_ENGINES = ("hybrid", "edits", "diffusion", "masked")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from lastfix.grammars import LANGUAGES

    parser.add_argument("--lang", choices=LANGUAGES, help="language (default: from the file's extension)")
    parser.add_argument(
        "-k", type=int, default=5, help="candidates to compute (default 5; --json lists them)"
    )
    parser.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    parser.add_argument(
        "--engine",
        choices=_ENGINES,
        default="hybrid",
        help="hybrid (default: diffusion + grammar edits ranked by the model), edits (no model), "
        "diffusion (the paper's protocol), masked (the discrete diffusion model alone)",
    )
    parser.add_argument(
        "--budget-ms",
        type=int,
        help="wall-clock safety cap of the repair, in a large file of each error's; the search itself "
        "stops on a fixed amount of work (default: the language's, 1000 ms; PowerShell 400 ms)",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="report progress through a large file on stderr (default: only when stderr is a terminal)",
    )
    add_python_version(parser)
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print every candidate with its edits as JSON")
    out.add_argument("--diff", action="store_true", help="print a unified diff of the best repair")
    out.add_argument(
        "--in-place",
        action="store_true",
        help="rewrite FILE with the best repair (only if one is valid); keep FILE.orig",
    )
    parser.add_argument("file", metavar="FILE", help="file to repair (- for standard input)")


def run(args: argparse.Namespace) -> int:
    from lastfix.grammars import language_for_path
    from lastfix.grammars.errors import InputError
    from lastfix.grammars.source_files import read_source
    from lastfix.model_runtime.deadline import Deadline
    from lastfix.model_runtime.engines import RUNTIME_ENGINES, create_engine
    from lastfix.model_runtime.local_repair import LocalSettings, repair_document
    from lastfix.model_runtime.model_resolver import choose_model, require_model
    from lastfix.model_runtime.repair_settings import RepairSettings, budget_ms

    if args.k < 1 or (args.budget_ms is not None and args.budget_ms < 1):
        raise InputError("-k and --budget-ms must be positive")
    if args.in_place and args.file == "-":
        raise InputError("--in-place needs a FILE, not standard input")
    if args.lang is None and args.file == "-":
        raise InputError("reading standard input: pass --lang (python, powershell, excel)")
    language = args.lang or language_for_path(args.file)
    grammar = grammar_for(language, args.python_version)
    text = read_source(args.file)
    runtime = None
    if RUNTIME_ENGINES[args.engine].model is not None:
        runtime = require_model(choose_model(language, args.model))
    engine = create_engine(grammar, runtime, RepairSettings(k=args.k, engine=args.engine))
    budget = budget_ms(language, args.budget_ms)
    unfixed: Sequence[Any] = ()
    if len(text) < LocalSettings().min_chars:
        # a small file is repaired whole, all its errors within the one budget
        issues: Sequence[Any] = grammar.errors(text)
        candidates = repair_document(engine, text, deadline=Deadline.after_ms(budget)) if issues else []
    else:
        outcome = _repair_large(engine, text, args, budget)
        issues, candidates, unfixed = outcome.issues, outcome.candidates, outcome.unfixed
    if not issues:
        if args.json:
            _print_json(args.file, language, text, [], [])
        elif not (args.diff or args.in_place):
            sys.stdout.write(text)
        print(f"{args.file}: no syntax errors", file=sys.stderr)
        return 0
    if args.json:
        _print_json(args.file, language, text, list(issues), candidates)
    if not candidates:
        print(f"{args.file}: {_no_fix(text, issues, unfixed)}; the file is unchanged", file=sys.stderr)
        return 1
    best = candidates[0].text
    if args.diff:
        name = "stdin" if args.file == "-" else args.file
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True), best.splitlines(keepends=True), f"a/{name}", f"b/{name}"
            )
        )
    elif args.in_place:
        backup = _write_in_place(Path(args.file), best)
        print(
            f"{args.file}: repaired ({len(candidates[0].edits)} edit(s)); original kept as {backup}",
            file=sys.stderr,
        )
    elif not args.json:
        sys.stdout.write(best)
    return 0


def _repair_large(engine: Any, text: str, args: argparse.Namespace, budget: float) -> Any:
    """A large file, block by block, with a progress line when stderr is a terminal or ``--progress``."""
    from .repair_blocks import Progress, repair_in_blocks

    bar: Progress | None = None

    def progress(done: int, fixed: int, line: int | None) -> None:
        if bar is not None:
            bar.update(done, fixed, line, final=done >= bar.total)

    show = args.progress or sys.stderr.isatty()
    name = "stdin" if args.file == "-" else args.file

    def started(total: int) -> None:
        nonlocal bar
        bar = Progress(name, total) if show else None

    return repair_in_blocks(engine, text, budget_ms=budget, k=args.k, progress=progress, started=started)


def _no_fix(text: str, issues: Sequence[Any], unfixed: Sequence[Any]) -> str:
    """What was not repaired: every error, or the ones (by line) no repair was found for."""
    from lastfix.grammars import line_col

    if not unfixed or len(unfixed) == len(issues):
        return f"no valid fix found for {len(issues)} syntax error(s)"
    lines = sorted({line_col(text, i.start)[0] + 1 for i in unfixed})
    shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
    return f"no valid fix found for {len(unfixed)} of {len(issues)} syntax error(s) (line {shown})"


def backup_path(path: Path) -> Path:
    """``FILE.orig``, or the first free ``FILE.orig.N``: an earlier backup is never overwritten."""
    candidate = path.with_name(path.name + ".orig")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.orig.{n}")
        n += 1
    return candidate


def _write_in_place(path: Path, repaired: str) -> Path:
    """Copy the original bytes to the backup, then replace the file atomically (keeping a UTF-8 BOM)."""
    original = path.read_bytes()
    backup = backup_path(path)
    backup.write_bytes(original)
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    tmp = path.with_name(path.name + ".lastfix-tmp")
    tmp.write_bytes(bom + repaired.encode("utf-8"))  # bytes: CRLF and tabs stay exactly as repaired
    tmp.replace(path)
    return backup


def _print_json(file: str, language: str, text: str, issues: list[Any], candidates: list[Any]) -> None:
    from lastfix.grammars import line_col

    def pos(offset: int) -> dict[str, int]:
        line, col = line_col(text, offset)
        return {"line": line, "col": col}

    doc = {
        "file": file,
        "language": language,
        "errors": [{"start": pos(i.start), "end": pos(i.end), "message": i.message} for i in issues],
        "candidates": [
            {
                "text": c.text,
                "score": round(c.score, 4),
                "cost": round(c.cost, 4),
                "distance": c.distance,
                "votes": c.votes,
                "noise": c.noise,
                "source": c.source,
                "edits": [
                    {
                        "start": pos(e.start),
                        "end": pos(e.end),
                        "offsets": [e.start, e.end],
                        "new_text": e.new_text,
                    }
                    for e in c.edits
                ],
            }
            for c in candidates
        ],
    }
    print(json.dumps(doc, ensure_ascii=False, indent=2))

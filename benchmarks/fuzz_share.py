"""How often a quick fix is offered while a user types (``python -m lastfix.benchmarks.fuzz_share``).

Drives the real server over stdio as issue 18's independent client did: seeded random edits to a small
document per language (characters, brackets, quotes, line breaks typed, deleted or replaced), and now and
then a code action request for one of the document's diagnostics, as an editor sends when the cursor
rests on a squiggle. It counts the requests that got at least one quick fix.

Not every error has a fix (a random edit can leave text no small edit repairs), so the requests are also
judged offline afterwards, with the server's own engine and budget: an error "has a fix alone" when the
repair of the statement holding it, cut out of the document as the server cuts it
(``local_repair.statement_around``: the statement must report the error on its own) and repaired as
``lastfix repair`` repairs a file holding just that statement, finds a valid candidate. The share that
matters is the one among those requests (issue 18's target: at least 90%). Prints a table and writes
JSON (``--out``). A script, not a test: it measures, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lastfix.grammars import LANGUAGES, SyntaxIssue, get_grammar, get_language
from lastfix.grammars.incremental_issues import IncrementalIssues
from lsprotocol import types

from .lsp_bench import BenchClient, start_server, stop_server

__all__ = ["main", "FuzzSettings"]

# The documents the fuzz starts from (and returns to now and then): small, valid, typical.
START: dict[str, str] = {
    "excel": '=SUM(A1:A3)\n=IF(A1>0,"yes","no")\n=A1*2\n=VLOOKUP(B2,C1:D9,2,FALSE)\n',
    "python": "def f(x):\n    return [x, (x + 1)]\n\n\nprint(f(2))\ntotal = sum(f(3))\n",
    "powershell": "$items = @(1, 2)\nforeach ($i in $items) {\n  Write-Output $i\n}\n$n = ($items).Count\n",
}
PIECES = list("()[]{},;:=+-*/<>\"'$@|&. abcxyz019") + ["\n", "    ", "if ", "SUM("]


@dataclass(frozen=True)
class FuzzSettings:
    """One fuzz run: how many requests per language, edits between them, and the seed."""

    requests: int = 150
    edits_between: tuple[int, int] = (1, 4)  # random edits typed before each request (inclusive)
    reset_every: int = 6  # about every this many requests the document goes back to its start
    seed: int = 1234
    time_budget_ms: int | None = None  # lastfix.timeBudgetMs (None: the language's)


def _random_edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    start = rng.randint(0, len(text))
    end = min(len(text), start + rng.choice([0, 0, 1, 1, 2]))
    new = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2])))
    return start, end, new


async def _fuzz_language(driver: BenchClient, language: str, settings: FuzzSettings) -> list[dict[str, Any]]:
    """The requests of one language: the text, the error asked about, and the quick fixes offered."""
    rng = random.Random(f"{settings.seed}-{language}")
    record = get_language(language)
    uri = f"file:///fuzz/doc{record.extensions[0]}"
    text, version = START[language], 1
    driver.open(uri, language, text)
    out: list[dict[str, Any]] = []
    while len(out) < settings.requests:
        if rng.randrange(settings.reset_every) == 0:
            text = START[language]
        for _ in range(rng.randint(*settings.edits_between)):
            start, end, new = _random_edit(rng, text)
            text = text[:start] + new + text[end:]
        version += 1
        driver.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        diags, _ = await driver.wait_version(uri, version)
        if not diags:
            continue
        diag = rng.choice(diags)
        started = time.perf_counter()
        result = await driver.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diag.range,
                context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix]),
            )
        )
        elapsed = (time.perf_counter() - started) * 1000
        data = diag.data if isinstance(diag.data, dict) else {}
        out.append(
            {
                "text": text,
                "start": data.get("start"),
                "end": data.get("end"),
                "message": diag.message,
                "fixes": len(result or []),
                "ms": round(elapsed, 1),
            }
        )
    driver.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return out


def _alone(language: str, requests: list[dict[str, Any]], budget_ms: int | None) -> None:
    """Mark each request whose error has a fix alone: the repair of the statement holding it, by itself."""
    from lastfix.model_runtime.deadline import Deadline
    from lastfix.model_runtime.engines import create_engine
    from lastfix.model_runtime.local_repair import statement_around
    from lastfix.model_runtime.model_resolver import choose_model, resolve_model
    from lastfix.model_runtime.repair_settings import RepairSettings
    from lastfix.model_runtime.repair_settings import budget_ms as language_budget

    grammar = get_grammar(language)
    runtime = resolve_model(choose_model(language)).runtime
    engine = create_engine(grammar, runtime, RepairSettings(k=3, engine="hybrid" if runtime else "edits"))
    cache: dict[str, bool] = {}
    for req in requests:
        start = req["start"]
        if start is None:
            req["alone"] = None
            continue
        text = req["text"]
        starts = IncrementalIssues(grammar).starts(text)
        issue = SyntaxIssue(start, req["end"], req["message"])
        # the statement that reports the error on its own, as the server cuts it out; a document of one
        # statement is that statement; an error no statement reproduces alone has no fix alone
        span = statement_around(grammar, text, issue, starts)
        if span is None and len(starts) <= 1 and grammar.errors(text):
            span = (0, len(text))
        if span is None:
            req["alone"] = False
            continue
        statement = text[span[0] : span[1]]
        if statement not in cache:
            deadline = Deadline.after_ms(language_budget(language, budget_ms))
            cache[statement] = bool(engine.repair(statement, deadline=deadline, k=1))
        req["alone"] = cache[statement]


def _summary(requests: list[dict[str, Any]]) -> dict[str, Any]:
    fixed = [r for r in requests if r["fixes"]]
    alone = [r for r in requests if r.get("alone")]
    ms = sorted(r["ms"] for r in requests)
    return {
        "requests": len(requests),
        "with_fix": len(fixed),
        "share": round(len(fixed) / len(requests), 3) if requests else None,
        "fixable_alone": len(alone),
        "with_fix_where_fixable_alone": sum(1 for r in alone if r["fixes"]),
        "share_where_fixable_alone": (
            round(sum(1 for r in alone if r["fixes"]) / len(alone), 3) if alone else None
        ),
        "p50_ms": ms[len(ms) // 2] if ms else None,
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))] if ms else None,
    }


async def _run(languages: list[str], settings: FuzzSettings) -> dict[str, list[dict[str, Any]]]:
    options: dict[str, Any] = {"diagnosticsDelayMs": 0}
    if settings.time_budget_ms is not None:
        options["timeBudgetMs"] = settings.time_budget_ms
    client, driver = await start_server("lastfix-fuzz-share", options)
    out: dict[str, list[dict[str, Any]]] = {}
    for language in languages:
        print(f"{language}: fuzzing {settings.requests} code action requests ...", file=sys.stderr)
        out[language] = await _fuzz_language(driver, language, settings)
    await stop_server(client)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lastfix.benchmarks.fuzz_share", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--requests", type=int, default=150, help="code action requests per language")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--time-budget-ms", type=int, help="lastfix.timeBudgetMs (default: the language's)")
    parser.add_argument("--out", help="write the JSON report (with every request) here")
    args = parser.parse_args(argv)
    settings = FuzzSettings(requests=args.requests, seed=args.seed, time_budget_ms=args.time_budget_ms)
    requests = asyncio.run(_run(args.languages, settings))
    report: dict[str, Any] = {"settings": vars(args)}
    for language, reqs in requests.items():
        print(f"{language}: is each error fixable alone? ...", file=sys.stderr)
        _alone(language, reqs, args.time_budget_ms)
        report[language] = _summary(reqs)
    print(
        f"{'language':<12}{'requests':>9}{'with fix':>10}{'share':>7}{'fixable':>9}{'share':>7}{'p95 ms':>8}"
    )
    for language in requests:
        s = report[language]
        print(
            f"{language:<12}{s['requests']:>9}{s['with_fix']:>10}{s['share'] or 0:>7.2f}"
            f"{s['fixable_alone']:>9}{s['share_where_fixable_alone'] or 0:>7.2f}{s['p95_ms'] or 0:>8.0f}"
        )
    if args.out:
        full = dict(report, requests=requests)
        Path(args.out).write_text(json.dumps(full, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

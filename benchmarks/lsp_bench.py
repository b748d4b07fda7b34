"""Benchmarks of the real language server over stdio (``python -m lastfix.benchmarks.lsp_bench``).

Measures what DESIGN.md "Budgets" names: diagnostics latency after a one-character edit in a 1,000-line
file, code action latency (p50/p95) per language on the broken snippets of the dev benchmarks, and the
server's resident memory once every language's model is loaded. A script, not a timed test: speed is
measured, never asserted. Prints a table and writes JSON (``--out``).

More sections on request (``--sections``, issue 18): ``saves`` times fix on save (willSaveWaitUntil) on a
file of a hundred lines or more with one slip (``--save-file``, else corpus statements with the
language's broken example in the middle), warm, and counts the saves that returned an edit that parses;
``first-use`` starts a fresh server per language and times its first quick fix right after the first
diagnostics (what the background warm-up saves); ``big-document`` times the first diagnostics of a
``--big-mb`` document and its keystrokes' diagnostics after; ``busy-diagnostics`` times keystroke
diagnostics in the 1,000-line file while quick fixes for another document run.

Everything per language comes from its record (``grammars/<language>/__init__.py``: language id,
extension, the broken example) and from its data beside the checkout (``shared/corpora/<language>``
for the 1,000-line document, ``shared/benchmarks/<language>/dev.jsonl`` for the snippets), so a new
language needs no edit here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lastfix.grammars import LANGUAGES, get_grammar, get_language, language_for_path
from lastfix.grammars.source_files import shared_dir
from lsprotocol import types
from pygls.lsp.client import LanguageClient

__all__ = [
    "main",
    "large_document",
    "with_broken_line",
    "SECTIONS",
    "BenchClient",
    "start_server",
    "stop_server",
]

LARGE_LINES = 1000
SAVE_LINES = 120  # the default fix-on-save document: this many corpus lines around one broken line
SECTIONS = (
    "diagnostics",
    "code-actions",
    "large-file",
    "saves",
    "first-use",
    "big-document",
    "busy-diagnostics",
)
DEFAULT_SECTIONS = ("diagnostics", "code-actions", "large-file")


def _shared() -> Path:
    root = shared_dir()
    if root is None:
        raise SystemExit("lastfix lsp_bench: ../shared (corpora, benchmarks) not found; set LASTFIX_SHARED")
    return root


def _extension(language: str) -> str:
    return get_language(language).extensions[0]


def _corpus_statements(language: str) -> Iterator[str]:
    """Top-level statements of the language's corpus (``shared/corpora/<language>/*.jsonl``), in order,
    each one valid alone, without blank lines (so every line of the document is one to type into)."""
    grammar = get_grammar(language)
    seen: set[str] = set()
    for path in sorted((_shared() / "corpora" / language).glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)["text"] if line.strip() else ""
                for start, end in grammar.statements(doc):
                    statement = doc[start:end].strip("\r\n") + "\n"
                    blank_line = any(not row.strip() for row in statement.splitlines())
                    if statement not in seen and not blank_line and grammar.is_valid(statement):
                        seen.add(statement)
                        yield statement


def large_document(language: str, lines: int = LARGE_LINES) -> list[str]:
    """Corpus statements, in corpus order, that make a valid document of exactly ``lines`` lines.

    A statement valid alone can still spoil the whole (Python's ``from __future__`` after other code), so
    the one holding the document's first error is dropped and the next ones fill its place.
    """
    grammar = get_grammar(language)
    statements = _corpus_statements(language)
    chunks: list[str] = []
    count = 0
    for _ in range(_MAX_DROPPED):
        for statement in statements:
            if count + statement.count("\n") <= lines:
                chunks.append(statement)
                count += statement.count("\n")
            if count == lines:
                break
        if count < lines:
            raise SystemExit(f"lastfix lsp_bench: too few {language} corpus statements for {lines} lines")
        errors = grammar.errors("".join(chunks))
        if not errors:
            return chunks
        count -= chunks.pop(_chunk_at(chunks, errors[0].start)).count("\n")
    raise SystemExit(f"lastfix lsp_bench: no valid {lines}-line {language} document from its corpus")


_MAX_DROPPED = 200  # statements a document may lose to its own errors before the corpus is suspect


def _chunk_at(chunks: list[str], offset: int) -> int:
    """Index of the chunk holding ``offset`` of the joined text (an error at the very end: the last)."""
    end = 0
    for k, chunk in enumerate(chunks):
        end += len(chunk)
        if offset < end:
            return k
    return len(chunks) - 1


def with_broken_line(chunks: list[str], language: str) -> str:
    """The document with the language's broken example dropped between its statements near the middle:
    the code action a user of a real file waits for."""
    half = sum(c.count("\n") for c in chunks) // 2
    lines, k = 0, 0
    while lines < half:
        lines += chunks[k].count("\n")
        k += 1
    return "".join(chunks[:k]) + get_language(language).broken_example + "\n" + "".join(chunks[k:])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(_percentile(values, 0.5), 2),
        "p95_ms": round(_percentile(values, 0.95), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


class BenchClient:
    """A client's side of the server: the diagnostics it publishes (with when they came), the documents
    it is sent; progress and messages answered (also driven by ``fuzz_share``)."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.diagnostics: dict[str, tuple[int | None, list[types.Diagnostic], float]] = {}
        self.event = asyncio.Event()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = (params.version, list(params.diagnostics), time.perf_counter())
            self.event.set()

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_progress(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @client.feature(types.PROGRESS)
        def on_progress_report(params: types.ProgressParams) -> None:
            return None

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            print(f"  server says: {params.message}", file=sys.stderr)

    async def wait_version(
        self, uri: str, version: int, timeout: float = 30.0
    ) -> tuple[list[types.Diagnostic], float]:
        deadline = time.perf_counter() + timeout
        while True:
            got = self.diagnostics.get(uri)
            if got is not None and got[0] == version:
                return got[1], got[2]
            self.event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} v{version}")
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def open(self, uri: str, language: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=get_language(language).language_ids[0], version=1, text=text
                )
            )
        )

    def change(self, uri: str, version: int, line: int, col: int, new: str, length: int = 0) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=line, character=col),
                            end=types.Position(line=line, character=col + length),
                        ),
                        text=new,
                    )
                ],
            )
        )


def _apply_lsp_edits(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied (UTF-16 positions, ``\n`` line breaks)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(pos: types.Position) -> int:
        if pos.line >= len(starts):
            return len(text)
        line = starts[pos.line]
        units = text[line:].split("\n", 1)[0].encode("utf-16-le")[: 2 * pos.character]
        return line + len(units.decode("utf-16-le", "ignore"))

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def _save_latency(bench: BenchClient, language: str, text: str, saves: int) -> dict[str, Any]:
    """Fix on save of ``text``: one untimed save (warm), then ``saves`` timed ones; how many returned an
    edit, and an edit after which the document parses."""
    uri = f"file:///bench/save{_extension(language)}"
    bench.open(uri, language, text)
    await bench.wait_version(uri, 1)
    grammar = get_grammar(language)
    params = types.WillSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri), reason=types.TextDocumentSaveReason.Manual
    )
    await bench.client.text_document_will_save_wait_until_async(params)
    times, returned, valid = [], 0, 0
    for _ in range(saves):
        start = time.perf_counter()
        edits = await bench.client.text_document_will_save_wait_until_async(params)
        times.append((time.perf_counter() - start) * 1000)
        if edits:
            returned += 1
            valid += grammar.is_valid(_apply_lsp_edits(text, list(edits)))
    bench.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    out: dict[str, Any] = _summary(times)
    out.update(lines=text.count("\n"), edit_returned=returned, parses_after=valid)
    return out


async def _diagnostics_latency(
    bench: BenchClient, language: str, rounds: int, typed: str = "("
) -> dict[str, float]:
    """Time from sending a one-character edit in a 1,000-line file to its diagnostics arriving.

    ``(`` leaves a bracket open, so everything after it is re-read; ``x`` is a keystroke that keeps the
    brackets balanced, the common case (editors close brackets as they are typed).
    """
    uri = f"file:///bench/big-{'bracket' if typed == '(' else 'key'}{_extension(language)}"
    text = "".join(large_document(language))
    bench.open(uri, language, text)
    await bench.wait_version(uri, 1)
    line = text.count("\n") // 2
    times = []
    version = 1
    for _ in range(rounds):
        # Type into the middle line then remove it again: two measured edits per round.
        for new, length in ((typed, 0), ("", 1)):
            version += 1
            start = time.perf_counter()
            bench.change(uri, version, line, 1, new, length)
            _, arrived = await bench.wait_version(uri, version)
            times.append((arrived - start) * 1000)
    return _summary(times)


async def _large_file_code_action(bench: BenchClient, language: str, rounds: int) -> dict[str, Any]:
    """Time to the quick fixes of one error in the middle of a 1,000-line document (each round a fresh
    version, so no answer comes from the server's cache)."""
    uri = f"file:///bench/large{_extension(language)}"
    text = with_broken_line(large_document(language), language)
    bench.open(uri, language, text)
    version, times, offered = 1, [], 0
    for _ in range(rounds):
        diags, _ = await bench.wait_version(uri, version)
        elapsed, fixes = await _quick_fixes(bench, uri, diags[0])
        times.append(elapsed)
        offered += bool(fixes)
        version += 1
        bench.change(uri, version, text.count("\n") + version - 2, 0, "\n")  # a blank line at the end
    bench.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    out: dict[str, Any] = _summary(times)
    out["with_fix"] = offered
    return out


async def _quick_fixes(bench: BenchClient, uri: str, diagnostic: types.Diagnostic) -> tuple[float, list[Any]]:
    """Milliseconds to the quick fixes of ``diagnostic``, and the fixes."""
    start = time.perf_counter()
    result = await bench.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix]),
        )
    )
    return (time.perf_counter() - start) * 1000, list(result or [])


def _dev_snippets(language: str, limit: int) -> list[str]:
    path = _shared() / "benchmarks" / language / "dev.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["broken"] for line in f if line.strip()][:limit]


async def _code_action_latency(bench: BenchClient, language: str, limit: int) -> dict[str, Any]:
    times, offered = [], 0
    for n, text in enumerate(_dev_snippets(language, limit)):
        uri = f"file:///bench/dev{n}{_extension(language)}"
        bench.open(uri, language, text)
        diags, _ = await bench.wait_version(uri, 1)
        if not diags:
            continue
        elapsed, fixes = await _quick_fixes(bench, uri, diags[0])
        times.append(elapsed)
        offered += bool(fixes)
        bench.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
    out: dict[str, Any] = _summary(times) if times else {"n": 0}
    out["with_fix"] = offered
    return out


async def _big_document(bench: BenchClient, language: str, megabytes: float, rounds: int) -> dict[str, Any]:
    """A document of ``megabytes`` (the 1,000-line one repeated): its first diagnostics after opening,
    then keystrokes (a character typed and removed in its middle line) to their diagnostics."""
    block = "".join(large_document(language))
    text = block * max(1, int(megabytes * 1_000_000 / len(block.encode("utf-8"))))
    uri = f"file:///bench/huge{_extension(language)}"
    start = time.perf_counter()
    bench.open(uri, language, text)
    _, arrived = await bench.wait_version(uri, 1, timeout=120)
    first = (arrived - start) * 1000
    line = text.count("\n") // 2
    times, version = [], 1
    for _ in range(rounds):
        for new, length in (("x", 0), ("", 1)):
            version += 1
            start = time.perf_counter()
            bench.change(uri, version, line, 1, new, length)
            _, arrived = await bench.wait_version(uri, version, timeout=120)
            times.append((arrived - start) * 1000)
    bench.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    out: dict[str, Any] = {
        "megabytes": round(len(text.encode("utf-8")) / 1e6, 2),
        "first_ms": round(first, 1),
    }
    out["keystroke"] = _summary(times)
    return out


async def _busy_diagnostics(bench: BenchClient, language: str, rounds: int) -> dict[str, Any]:
    """Keystroke diagnostics in the 1,000-line file while quick fixes for another document keep the
    repair workers busy: diagnostics run in their own thread and must not wait for repairs."""
    busy_uri = f"file:///bench/busy{_extension(language)}"
    snippet = get_language(language).broken_example + "\n"
    bench.open(busy_uri, language, snippet)
    await bench.wait_version(busy_uri, 1)
    stop = asyncio.Event()
    repairs = 0

    async def keep_repairing() -> None:
        nonlocal repairs
        version = 1
        while not stop.is_set():
            diags, _ = await bench.wait_version(busy_uri, version)
            if diags:
                await _quick_fixes(bench, busy_uri, diags[0])
                repairs += 1
            version += 1  # a new version each time: no answer from the cache
            bench.change(busy_uri, version, 0, 0, " " if version % 2 else "", 0 if version % 2 else 1)

    task = asyncio.ensure_future(keep_repairing())
    try:
        await asyncio.sleep(0.5)
        summary = await _diagnostics_latency(bench, language, rounds, "x")
    finally:
        stop.set()
        await task
    summary["quick_fixes_meanwhile"] = repairs
    return summary


async def _first_use(language: str, args: argparse.Namespace) -> dict[str, Any]:
    """A fresh server: open the language's broken example, and ask for its quick fix as soon as its
    diagnostics arrive (then once more, warm)."""
    client, bench, _ = await _start(args)
    uri = f"file:///bench/first-use{_extension(language)}"
    bench.open(uri, language, get_language(language).broken_example + "\n")
    diags, _ = await bench.wait_version(uri, 1)
    first, fixes = await _quick_fixes(bench, uri, diags[0])
    bench.change(uri, 2, 0, 0, " ")
    diags, _ = await bench.wait_version(uri, 2)
    warm, _ = await _quick_fixes(bench, uri, diags[0])
    await stop_server(client)
    return {"first_ms": round(first, 1), "first_fixes": len(fixes), "warm_ms": round(warm, 1)}


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def _start(args: argparse.Namespace) -> tuple[LanguageClient, BenchClient, dict[str, Any]]:
    """A started and initialized server, and its settings."""
    options: dict[str, Any] = {"diagnosticsDelayMs": args.delay_ms, "timeBudgetMs": args.time_budget_ms}
    if args.model_dir:
        options["modelDir"] = args.model_dir
    if "saves" in args.sections:
        options["fixOnSave"] = True
    client, bench = await start_server("lastfix-bench", options)
    return client, bench, options


async def start_server(name: str, options: dict[str, Any]) -> tuple[LanguageClient, BenchClient]:
    """``lastfix serve`` over stdio, initialized with the ``lastfix`` settings ``options``."""
    client = LanguageClient(name, "1")
    bench = BenchClient(client)
    await client.start_io(sys.executable, "-m", "lastfix", "serve", "--log-level", "WARNING")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                window=types.WindowClientCapabilities(work_done_progress=True)
            ),
            initialization_options={"lastfix": options},
        )
    )
    client.initialized(types.InitializedParams())
    return client, bench


async def stop_server(client: LanguageClient) -> None:
    """shutdown, exit, and wait for the server to go."""
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def _save_documents(args: argparse.Namespace) -> dict[str, str]:
    """language -> the document fix on save is timed on: ``--save-file``, else from the corpus."""
    files = {language_for_path(path): Path(path).read_text(encoding="utf-8") for path in args.save_file}
    return {
        language: files.get(language) or with_broken_line(large_document(language, SAVE_LINES), language)
        for language in args.languages
    }


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    client, bench, options = await _start(args)
    first_language = args.languages[0]
    first_uri = f"file:///bench/first{_extension(first_language)}"
    bench.open(first_uri, first_language, get_language(first_language).broken_example + "\n")
    _, first = await bench.wait_version(first_uri, 1)
    pid = client._server.pid if client._server else None  # noqa: SLF001 - the subprocess pygls started
    report: dict[str, Any] = {
        "settings": options,
        "start_to_first_diagnostics_ms": round((first - started) * 1000, 1),
        "rss_mb_start": _rss_mb(pid) if pid else None,
    }
    sections = set(args.sections)
    saves = _save_documents(args) if "saves" in sections else {}
    for language in args.languages:
        out = report.setdefault(language, {})
        if "diagnostics" in sections:
            print(f"{language}: diagnostics latency ...", file=sys.stderr)
            out["diagnostics_after_edit_1000_lines"] = await _diagnostics_latency(
                bench, language, args.rounds
            )
            out["diagnostics_after_keystroke_1000_lines"] = await _diagnostics_latency(
                bench, language, args.rounds, "x"
            )
        if "code-actions" in sections:
            print(f"{language}: code action latency ...", file=sys.stderr)
            out["code_action"] = await _code_action_latency(bench, language, args.snippets)
        if "large-file" in sections:
            print(f"{language}: code action in a 1,000-line file ...", file=sys.stderr)
            out["code_action_1000_lines"] = await _large_file_code_action(bench, language, 5)
        if "saves" in sections:
            print(f"{language}: fix on save ...", file=sys.stderr)
            out["fix_on_save"] = await _save_latency(bench, language, saves[language], args.saves)
        if "busy-diagnostics" in sections:
            print(f"{language}: diagnostics while repairing ...", file=sys.stderr)
            out["diagnostics_while_repairing"] = await _busy_diagnostics(bench, language, args.rounds)
        if "big-document" in sections:
            print(f"{language}: a {args.big_mb} MB document ...", file=sys.stderr)
            out["big_document"] = await _big_document(bench, language, args.big_mb, 5)
    report["rss_mb_models_loaded"] = _rss_mb(pid) if pid else None
    await stop_server(client)
    if "first-use" in sections:
        for language in args.languages:
            print(f"{language}: first quick fix of a fresh server ...", file=sys.stderr)
            report[language]["first_use"] = await _first_use(language, args)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lastfix.benchmarks.lsp_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--rounds", type=int, default=20, help="edit rounds per language (two edits each)")
    parser.add_argument("--snippets", type=int, default=30, help="dev-benchmark snippets per language")
    parser.add_argument("--delay-ms", type=int, default=0, help="the server's diagnostics debounce")
    parser.add_argument("--time-budget-ms", type=int, help="lastfix.timeBudgetMs (default: the language's)")
    parser.add_argument("--model-dir", help="lastfix.modelDir (default: the shipped models)")
    parser.add_argument(
        "--sections", nargs="+", choices=SECTIONS, default=list(DEFAULT_SECTIONS), help="what to measure"
    )
    parser.add_argument("--saves", type=int, default=20, help="timed saves per language (section saves)")
    parser.add_argument(
        "--save-file",
        action="append",
        default=[],
        metavar="PATH",
        help="the document fix on save is timed on, for its language (repeatable; default: corpus lines)",
    )
    parser.add_argument("--big-mb", type=float, default=2.0, help="size of the big document (megabytes)")
    parser.add_argument("--out", help="write the JSON report here")
    args = parser.parse_args(argv)
    report = asyncio.run(_run(args))
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

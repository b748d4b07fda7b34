"""textDocument/publishDiagnostics: the grammar's syntax errors, on open and (debounced) on change.

Cheap by design (no model): one parse per document version, in a single diagnostics thread so a huge
file never blocks the event loop, nor waits for a repair (those have their own threads). Per document at
most one parse runs and one waits; a newer change cancels the waiting one (debounce), so typing never
queues parses (no quadratic work per keystroke).

The debounce grows with what a document's last check cost, counted in the diagnostics thread's own CPU
time (a repair running beside it slows the check down but does not make it costlier), and stops at
MAX_DEBOUNCE_MS: a keystroke re-checks only the chunks it touched, so even a 2 MB document's diagnostics
come within a second of the keystroke, however long its first, whole check took (issue 18: 11 s).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from lastfix.grammars import SyntaxIssue
from lastfix.grammars.source_files import MAX_FILE_BYTES
from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..document import Document
from ..session import Session

__all__ = ["SOURCE", "CODE", "MAX_DIAGNOSTICS", "Diagnostics", "to_diagnostic", "issue_of"]

logger = logging.getLogger(__name__)

SOURCE = "lastfix"
CODE = "syntax-error"
MAX_DIAGNOSTICS = 100  # a file that is mostly errors (a binary opened as text) needs no thousand squiggles
# Documents past the CLI's file limit are not parsed on every change: a pure-Python parse of megabytes
# takes seconds of CPU, which would starve the event loop and the repair worker (they share the GIL).
MAX_CHARS = MAX_FILE_BYTES
MAX_DEBOUNCE_MS = 500


def to_diagnostic(doc: Document, issue: SyntaxIssue, encoding: str) -> types.Diagnostic:
    """The LSP diagnostic of one issue; ``data`` carries its offsets so code actions find it exactly."""
    return types.Diagnostic(
        range=doc.index.lsp_range(issue.start, issue.end, encoding),
        message=issue.message,
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
        code=CODE,
        data={"version": doc.version, "start": issue.start, "end": issue.end},
    )


def issue_of(
    doc: Document, issues: Sequence[SyntaxIssue], diagnostic: types.Diagnostic, encoding: str
) -> SyntaxIssue | None:
    """The issue among ``issues`` a client's diagnostic stands for (by its data, else its range), or None."""
    if diagnostic.source != SOURCE:
        return None
    data = diagnostic.data
    if isinstance(data, dict) and data.get("version") == doc.version:
        for issue in issues:
            if issue.start == data.get("start") and issue.end == data.get("end"):
                return issue
    start, end = doc.index.offsets_of(diagnostic.range, encoding)
    for issue in issues:
        if (issue.start, issue.end) == (start, end) and issue.message == diagnostic.message:
            return issue
    return None


class Diagnostics:
    """Schedules and publishes diagnostics for the session's documents."""

    def __init__(self, server: LanguageServer, session: Session) -> None:
        self._server = server
        self._session = session
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lastfix-diagnostics")
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._cost: dict[str, float] = {}  # seconds the last parse of each document took
        self._too_big: set[str] = set()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def schedule(self, doc: Document, delay_ms: int | None = None) -> asyncio.Task[None]:
        """Publish diagnostics of ``doc`` after ``delay_ms`` unless a newer version comes first."""
        previous = self._pending.pop(doc.uri, None)
        if previous is not None and not previous.done():
            previous.cancel()
        if delay_ms is None:
            # Debounce by twice the document's last check, up to MAX_DEBOUNCE_MS: a slow document is
            # checked when the typing pauses, not once per keystroke, and still soon after the last one.
            adaptive = min(MAX_DEBOUNCE_MS, int(2000 * self._cost.get(doc.uri, 0.0)))
            delay_ms = max(self._session.settings.diagnostics_delay_ms, adaptive)
        delay = delay_ms
        task = asyncio.ensure_future(self._publish_after(doc, delay / 1000))
        self._pending[doc.uri] = task
        task.add_done_callback(functools.partial(self._done, doc.uri))
        return task

    def _done(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._pending.get(uri) is task:
            del self._pending[uri]
        if not task.cancelled() and task.exception() is not None:
            logger.error("diagnostics failed for %s", uri, exc_info=task.exception())

    async def _publish_after(self, doc: Document, delay_s: float) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        if not self._session.is_current(doc):
            return
        if not self._session.handles(doc):
            self._send(doc.uri, [])
            return
        issues = await self.issues(doc)
        if not self._session.is_current(doc):  # a newer version is scheduled; it publishes
            return
        encoding = self._session.encoding
        diagnostics = [to_diagnostic(doc, issue, encoding) for issue in issues[:MAX_DIAGNOSTICS]]
        if len(issues) > MAX_DIAGNOSTICS:
            logger.info("%s: %d syntax errors, showing the first %d", doc.uri, len(issues), MAX_DIAGNOSTICS)
        self._send(doc.uri, diagnostics, doc.version)

    async def issues(self, doc: Document) -> tuple[SyntaxIssue, ...]:
        """The syntax errors of ``doc``, parsed in the diagnostics thread (never on the event loop)."""
        if len(doc.text) > MAX_CHARS:
            if doc.uri not in self._too_big:
                self._too_big.add(doc.uri)
                logger.warning(
                    "%s: %d characters is over the %d-character limit; no diagnostics or fixes",
                    doc.uri,
                    len(doc.text),
                    MAX_CHARS,
                )
            return ()
        self._too_big.discard(doc.uri)

        def parse() -> tuple[SyntaxIssue, ...]:
            start = time.thread_time()  # CPU time: a repair thread holding the GIL does not count
            issues = doc.issues()
            self._cost[doc.uri] = time.thread_time() - start
            return issues

        return await asyncio.get_running_loop().run_in_executor(self._executor, parse)

    def _send(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None = None) -> None:
        self._server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def clear(self, uri: str) -> None:
        """Remove a document's diagnostics (closed, or its language disabled)."""
        self._cost.pop(uri, None)
        self._too_big.discard(uri)
        task = self._pending.pop(uri, None)
        if task is not None and not task.done():
            task.cancel()
        self._send(uri, [])

    def refresh_all(self) -> None:
        """Republish every open document (after a settings change enables or disables a language)."""
        for doc in self._session.documents():
            self.schedule(doc, 0)

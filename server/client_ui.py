"""What the server tells the user: one showMessage per problem, log lines, work-done progress.

Every method may be called from a worker thread: messages are handed to the event loop, which is the
only writer of the protocol stream (pygls writes stdout without a lock, so two threads could interleave
two messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

__all__ = ["ClientUI", "ClientLogHandler"]

logger = logging.getLogger(__name__)

PROGRESS_CREATE_TIMEOUT_S = 2.0  # the work does not wait longer for the client to accept a progress token


class ClientUI:
    """Thread-safe user-facing messages of one server."""

    def __init__(self, server: LanguageServer, progress_supported: Callable[[], bool]) -> None:
        self._server = server
        self._progress_supported = progress_supported
        self._shown: set[str] = set()
        self._lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None

    def _on_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    def show_once(self, key: str, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """A window/showMessage for ``key`` unless one was already shown this session (no popup storms)."""
        with self._lock:
            if key in self._shown:
                return
            self._shown.add(key)
        logger.warning("%s", message)
        self._on_loop(self._server.window_show_message, types.ShowMessageParams(type=kind, message=message))

    def log(self, kind: types.MessageType, message: str) -> None:
        self._on_loop(self._server.window_log_message, types.LogMessageParams(type=kind, message=message))

    @contextlib.asynccontextmanager
    async def progress(self, title: str, message: str | None = None) -> AsyncIterator[None]:
        """Work-done progress around a slow step, when the client declared support (else nothing)."""
        token: str | None = None
        progress = self._server.work_done_progress
        if self._progress_supported():
            token = f"lastfix-{uuid.uuid4()}"
            try:
                # A late answer to the create request is dropped quietly by the protocol (protocol.py).
                await asyncio.wait_for(progress.create_async(token), PROGRESS_CREATE_TIMEOUT_S)
                progress.begin(
                    token, types.WorkDoneProgressBegin(title=title, message=message, cancellable=False)
                )
            except asyncio.TimeoutError:
                logger.info(
                    "no progress report: no answer to window/workDoneProgress/create within %.0f s",
                    PROGRESS_CREATE_TIMEOUT_S,
                )
                token = None
            except Exception as e:  # a client that refuses progress must not stop the work
                logger.info("no progress report (%s)", e)
                token = None
        try:
            yield
        finally:
            if token is not None:
                progress.end(token, types.WorkDoneProgressEnd())
                progress.tokens.pop(token, None)  # pygls keeps a Future per token until told otherwise


_LEVELS = [
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
    (logging.DEBUG, types.MessageType.Log),
]


class ClientLogHandler(logging.Handler):
    """Forwards log records to the client's output panel as window/logMessage."""

    def __init__(self, ui: ClientUI, level: int = logging.INFO) -> None:
        super().__init__(level)
        self._ui = ui
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            kind = next(k for lvl, k in _LEVELS if record.levelno >= lvl)
            self._ui.log(kind, self.format(record))
        except Exception:  # logging must never take the server down
            self.handleError(record)

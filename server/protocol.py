"""lastfix's pygls protocol: the lifecycle, handler bookkeeping that leaves nothing behind, late answers.

pygls 2.1.1 keeps a Future in ``_request_futures`` for every coroutine, thread or generator handler it
runs, under the request's id or, for a notification or a generator's step, a fresh uuid; only the
response to a request removes it. Every didOpen/didChange/didClose (generators) so left one Future for
good (~2 kB an edit). Here a handler's Future leaves the table when the handler finishes.

A client's answer to a request the server stopped waiting for (cancelled, timed out, cancelled by
shutdown) made pygls call ``set_result`` on a cancelled Future: an InvalidStateError traceback and a
"server error: CANCELLED" message to the user. Such an answer is dropped with a log line.

pygls's built-in didOpen/didChange/didClose keep their own copy of every document and apply each change
by walking lines and characters in Python (``PositionCodec``), which costs O(line length) per keystroke
on a long line. lastfix's Session keeps the documents (``server.positions`` converts at C speed), so
these built-ins here only hand the notification to lastfix's handler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import lsp_method
from pygls.protocol.json_rpc import MsgId
from pygls.server import JsonRPCServer

from .lifecycle import Lifecycle
from .request_guard import GuardedProtocol

__all__ = ["LastfixProtocol"]

logger = logging.getLogger(__name__)


class LastfixProtocol(GuardedProtocol):
    """GuardedProtocol that follows the LSP lifecycle and keeps no Future past its handler."""

    def __init__(self, server: JsonRPCServer, converter: Converter) -> None:
        # Before pygls's __init__, which reads every attribute looking for built-in features.
        self.lifecycle = Lifecycle()
        self.exit_code: int | None = None  # set by the exit notification
        super().__init__(server, converter)  # type: ignore[arg-type]

    @property
    def finished(self) -> bool:
        """True once ``exit`` was handled: the read loop stops."""
        return self.exit_code is not None

    # ----- lifecycle ----------------------------------------------------------------------------

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        if isinstance(method, str):
            if hasattr(message, "id"):
                if (refusal := self.lifecycle.request(method)) is not None:
                    logger.warning("refused %s (id %r): %s", method, message.id, refusal.message)
                    self.send_error(message.id, refusal.code, refusal.message)
                    return
            elif not self.lifecycle.takes_notification(method):
                logger.info("dropped %s: the server is %s", method, self.lifecycle.phase.value)
                return
        super().handle_message(message)

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> None:  # type: ignore[override]  # a plain handler: runs at once
        """Record the exit code (the read loop stops and the command returns it) instead of sys.exit.

        pygls raises SystemExit inside the read loop, which its start_io swallows: the process then
        always ended with 0, also after an exit without shutdown (the specification says 1).
        """
        if (user_handler := self.fm.features.get(types.EXIT)) is not None:
            user_handler(*args)
        self.exit_code = self.lifecycle.exit_code
        logger.info("exit (code %d)", self.exit_code)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """pygls's shutdown, cancelling the other handlers from a copy of the table (they leave it now)."""
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current_id = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current_id and not future.done():
                future.cancel()
        self._shutdown = True

    # ----- bookkeeping --------------------------------------------------------------------------

    def _execute_handler(
        self,
        msg_id: MsgId,
        handler: Callable[..., Any],
        callback: Callable[[Future[Any]], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        def done(future: Future[Any]) -> None:
            # Only this handler's own entry: a client may reuse the id of a request that has finished.
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            callback(future)

        super()._execute_handler(msg_id, handler, done, args, kwargs)  # type: ignore[arg-type]

    def _handle_response(
        self, msg_id: MsgId, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            del self._request_futures[msg_id]
            logger.info("dropped a late answer to request %r: the server had stopped waiting", msg_id)
            return
        super()._handle_response(msg_id, result, error)

    # ----- document sync: the Session keeps the documents ---------------------------------------

    def _user(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)

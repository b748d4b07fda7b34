"""lastfix's pygls protocol: the request guard, and document sync left to the Session.

pygls's built-in didOpen/didChange/didClose keep their own copy of every document and apply each change
by walking lines and characters in Python (``PositionCodec``), which costs O(line length) per keystroke
on a long line. lastfix's Session keeps the documents (``server.positions`` converts at C speed), so
these built-ins here only hand the notification to lastfix's handler.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import lsp_method

from .request_guard import GuardedProtocol

__all__ = ["LastfixProtocol"]


class LastfixProtocol(GuardedProtocol):
    """GuardedProtocol whose document notifications go straight to the registered handlers."""

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

"""textDocument/didOpen, didChange, didClose: keep the Session's documents and trigger diagnostics."""

from __future__ import annotations

from lsprotocol import types

from ..repair_service import RepairService
from ..session import Session
from .diagnostics import Diagnostics

__all__ = ["DocumentSync"]


class DocumentSync:
    """Incremental sync (LSP TextDocumentSyncKind.Incremental); diagnostics follow every version."""

    def __init__(self, session: Session, diagnostics: Diagnostics, repairs: RepairService) -> None:
        self._session = session
        self._diagnostics = diagnostics
        self._repairs = repairs

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = self._session.open(params.text_document)
        language = doc.language
        if language is not None:
            # first diagnostics at once ("start to first diagnostics < 1 s"); the language's model warms
            # up once they are out, so they never wait for it and the first quick fix does not either
            first = self._diagnostics.schedule(doc, 0)
            if self._session.handles(doc):
                first.add_done_callback(lambda _: self._repairs.warm_up(language))

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        doc = self._session.change(
            params.text_document.uri, params.text_document.version, params.content_changes
        )
        if doc is not None and doc.language is not None:
            self._diagnostics.schedule(doc)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        doc = self._session.close(params.text_document.uri)
        if doc is not None and doc.language is not None:
            self._diagnostics.clear(doc.uri)
        self._repairs.forget(params.text_document.uri)

"""The Session owns what the server knows: open documents, settings, and what the client can do.

Modelled on ruff_server's Session: features read from it and never keep their own copies, so a
settings change or a new document version is seen by every feature at once. It is touched only from
the event loop; worker threads get immutable :class:`~server.document.Document` snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from .document import Document, apply_content_changes, language_of
from .positions import UTF16
from .settings import Settings

__all__ = ["Session", "ClientSupport"]


def _get(obj: Any, path: str) -> Any:
    """Nested optional attribute lookup, e.g. ``_get(caps, "workspace.configuration")``."""
    for name in path.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class ClientSupport:
    """The client capabilities the features branch on, read once at initialize."""

    def __init__(self, capabilities: types.ClientCapabilities | None = None) -> None:
        caps = capabilities or types.ClientCapabilities()
        self.configuration = bool(_get(caps, "workspace.configuration"))
        # LSP 3.17 WorkspaceEdit: a client that supports documentChanges or resourceOperations takes
        # versioned TextDocumentEdits (Neovim 0.7 declares only the latter and applies them fine).
        self.document_changes = bool(
            _get(caps, "workspace.workspace_edit.document_changes")
            or _get(caps, "workspace.workspace_edit.resource_operations")
        )
        self.work_done_progress = bool(_get(caps, "window.work_done_progress"))
        self.will_save_wait_until = bool(_get(caps, "text_document.synchronization.will_save_wait_until"))
        resolve = _get(caps, "text_document.code_action.resolve_support.properties") or ()
        self.resolve_edit = "edit" in resolve
        self.data_support = bool(_get(caps, "text_document.code_action.data_support"))
        self.code_action_literals = (
            _get(caps, "text_document.code_action.code_action_literal_support") is not None
        )


class Session:
    """Open documents, settings and client capabilities of one connection."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.base_settings = self.settings  # from initializationOptions; pulled settings layer on top
        self.client = ClientSupport()
        self.encoding: str = UTF16
        self._documents: dict[str, Document] = {}

    def initialize(self, capabilities: types.ClientCapabilities, encoding: str, settings: Settings) -> None:
        self.client = ClientSupport(capabilities)
        self.encoding = str(encoding)
        self.settings = self.base_settings = settings

    # ----- documents --------------------------------------------------------------------------

    def open(self, item: types.TextDocumentItem) -> Document:
        language = language_of(item.uri, item.language_id)
        grammar = self.settings.grammar(language) if language is not None else None
        doc = Document(item.uri, language, item.version, item.text, grammar=grammar)
        self._documents[item.uri] = doc
        return doc

    def follow_grammars(self) -> list[Document]:
        """After a settings change: each open document whose grammar the settings no longer ask for (a
        new Python target version) is judged afresh by the new one; those documents, as they are now."""
        changed = []
        for uri, doc in self._documents.items():
            if doc.language is None or doc.grammar is None:
                continue
            grammar = self.settings.grammar(doc.language)
            if grammar is not doc.grammar:
                changed.append(doc.with_grammar(grammar))
                self._documents[uri] = changed[-1]
        return changed

    def change(
        self, uri: str, version: int, changes: Sequence[types.TextDocumentContentChangeEvent]
    ) -> Document | None:
        """Apply a didChange; None when the document was never opened (the change is ignored)."""
        doc = self._documents.get(uri)
        if doc is None:
            return None
        doc = doc.with_text(version, apply_content_changes(doc.index, changes, self.encoding))
        self._documents[uri] = doc
        return doc

    def close(self, uri: str) -> Document | None:
        return self._documents.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._documents.get(uri)

    def is_current(self, doc: Document) -> bool:
        """Is ``doc`` still the open version (results computed on an older one are dropped)."""
        return self._documents.get(doc.uri) is doc

    def documents(self) -> list[Document]:
        return list(self._documents.values())

    def handles(self, doc: Document | None) -> bool:
        """Does lastfix work on this document (known language, enabled in the settings)?"""
        return doc is not None and self.settings.enabled(doc.language)

"""Text edits (code-point offsets) to LSP edits on one document version, in the negotiated encoding."""

from __future__ import annotations

from collections.abc import Sequence

from lastfix.grammars import TextEdit
from lsprotocol import types

from .document import Document

__all__ = ["lsp_text_edits", "workspace_edit"]


def lsp_text_edits(doc: Document, edits: Sequence[TextEdit], encoding: str) -> list[types.TextEdit]:
    index = doc.index
    return [
        types.TextEdit(range=index.lsp_range(e.start, e.end, encoding), new_text=e.new_text)
        for e in sorted(edits, key=lambda e: (e.start, e.end))
    ]


def workspace_edit(
    doc: Document, edits: Sequence[TextEdit], encoding: str, document_changes: bool
) -> types.WorkspaceEdit:
    """A WorkspaceEdit for ``doc``: versioned (TextDocumentEdit) when the client supports documentChanges.

    The version lets the client refuse an edit computed for text it no longer has (LSP 3.17
    OptionalVersionedTextDocumentIdentifier); clients without documentChanges get plain ``changes``.
    """
    text_edits = lsp_text_edits(doc, edits, encoding)
    if document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=doc.uri, version=doc.version
                    ),
                    edits=list(text_edits),
                )
            ]
        )
    return types.WorkspaceEdit(changes={doc.uri: list(text_edits)})

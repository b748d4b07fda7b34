"""An open document: one immutable version of its text, which is also the snapshot model work runs on.

A change makes a new :class:`Document`, so a repair running in a worker thread keeps reading the version
it started from (ruff_server's DocumentQuery snapshot) and the server can tell a stale result by its
version. The line index and the syntax errors are computed at most once per version, on first use.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from lastfix.grammars import (
    Grammar,
    SyntaxIssue,
    UnknownLanguageError,
    get_grammar,
    language_for_id,
    language_for_path,
)
from lastfix.grammars.incremental_issues import IncrementalIssues
from lsprotocol import types

from .positions import UTF16, LineIndex

__all__ = ["Document", "language_of", "apply_content_changes"]


def language_of(uri: str, language_id: str | None) -> str | None:
    """lastfix's language for an LSP document: by language id, else by the file extension of the URI."""
    if language_id:
        language = language_for_id(language_id)  # editors' own ids are the languages' aliases
        if language is not None:
            return language
    path = unquote(urlparse(uri).path) or uri
    try:
        return language_for_path(PurePosixPath(path).name)
    except UnknownLanguageError:
        return None


@dataclass(frozen=True, eq=False)
class Document:
    """One version of an open document; ``language`` is None for documents lastfix does not handle."""

    uri: str
    language: str | None
    version: int
    text: str
    # shared by every version of the document: each version's errors start from the last ones computed
    tracker: IncrementalIssues | None = field(default=None, repr=False)
    # the grammar its errors and repairs use (the settings' one: a Python target version); by default the
    # tracker's, else the language's
    grammar: Grammar | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        grammar = self.grammar or (self.tracker.grammar if self.tracker is not None else None)
        if grammar is None and self.language is not None:
            try:
                grammar = get_grammar(self.language)
            except UnknownLanguageError:
                pass  # not lastfix's: no errors
        object.__setattr__(self, "grammar", grammar)
        if self.tracker is None and grammar is not None:
            object.__setattr__(self, "tracker", IncrementalIssues(grammar))

    @functools.cached_property
    def index(self) -> LineIndex:
        return LineIndex(self.text)

    def issues(self) -> tuple[SyntaxIssue, ...]:
        """The grammar's syntax errors of this version (computed once; safe to call from any thread).

        Computed chunk by chunk from the previous version's (``IncrementalIssues``), so an edit in a
        large file re-checks only the statements around it.
        """
        cached = self.__dict__.get("_issues")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        with self._lock:
            if "_issues" not in self.__dict__:
                tracker = self.tracker
                self.__dict__["_issues"] = tracker.issues(self.text) if tracker is not None else ()
            return self.__dict__["_issues"]  # type: ignore[no-any-return]

    def with_text(self, version: int, text: str) -> Document:
        return Document(self.uri, self.language, version, text, self.tracker, self.grammar)

    def with_grammar(self, grammar: Grammar) -> Document:
        """The same version judged by ``grammar`` (its errors computed afresh, by a tracker of its own)."""
        return Document(self.uri, self.language, self.version, self.text, grammar=grammar)


def apply_content_changes(
    index: LineIndex, changes: Sequence[types.TextDocumentContentChangeEvent], encoding: str = UTF16
) -> str:
    """Apply didChange content changes in order (each range refers to the text after the previous one)."""
    text = index.text
    for i, change in enumerate(changes):
        if isinstance(change, types.TextDocumentContentChangePartial):
            # The current version's index serves the first change (the usual keystroke) at no cost.
            current = index if i == 0 else LineIndex(text)
            start, end = current.offsets_of(change.range, encoding)
            text = text[:start] + change.text + text[end:]
        else:
            text = change.text
    return text

"""Syntax errors of an open document kept per chunk of top-level statements, so an edit re-checks only
the chunks it touched.

Parsing a whole 1,000-line PowerShell script takes about 120 ms (our lexer, the tolerances, tree-sitter,
the strict checks) and compiling a 1,000-line Python file 35 ms: too slow to run on every keystroke
(DESIGN.md budgets < 10 ms). A document is a sequence of top-level statements that parse on their own,
so its errors are the errors of its *chunks*: runs of text cut where a statement starts a line
(``Grammar.statements``, which already knows what continues a statement: ``else`` after ``}``, a line
ending in ``|``). An edit changes the text between a common prefix and suffix; only the chunks around it
are split and checked again, the rest keep their errors and move by the length difference.

A region is re-split only where it ends on a statement start (checked by splitting it together with the
next chunk); a bracket left open swallows the rest of the document until it closes, as in a whole parse.
What a chunk's parser says about its own end ("unexpected end of text") is an echo of its other errors,
or names the end of a statement; line numbers in messages (CPython's "detected at line 4") count from
the chunk's first line and are moved to the document's.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, replace

from .base import Grammar, SyntaxIssue

__all__ = ["Chunk", "IncrementalIssues", "chunk_starts"]

_END_OF_TEXT = "unexpected end of text"
_LINE_NUMBER = re.compile(r"\bline (\d+)\b")


@dataclass(frozen=True)
class Chunk:
    """One chunk of a document: its text and its errors, offsets relative to the chunk."""

    text: str
    issues: tuple[SyntaxIssue, ...]


def chunk_starts(grammar: Grammar, text: str) -> list[int]:
    """Offsets where a chunk starts: 0, and every line start where a top-level statement starts."""
    starts = [0]
    for s, _ in grammar.statements(text):
        line = text.rfind("\n", 0, s) + 1
        if s > 0 and not text[line:s].strip() and line > starts[-1]:
            starts.append(line)
    return starts


class IncrementalIssues:
    """The errors of one document's latest text, updated from the previous text it was asked about.

    Thread-safe; every version of a document shares one (``Document.with_text`` passes it on).
    """

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self._lock = threading.Lock()
        self._text: str | None = None
        self._chunks: list[Chunk] = []
        self._starts: list[int] = []
        self._issues: tuple[SyntaxIssue, ...] = ()

    def copy(self) -> IncrementalIssues:
        """A tracker at the same text that goes its own way (to try candidate fixes on)."""
        twin = IncrementalIssues(self.grammar)
        with self._lock:
            twin._text, twin._chunks, twin._starts = self._text, list(self._chunks), list(self._starts)
            twin._issues = self._issues
        return twin

    def starts(self, text: str) -> list[int]:
        """Where the chunks of ``text`` start: a statement starts at each, read at the top level."""
        with self._lock:
            if text != self._text:
                self._unlocked_issues(text)
            return list(self._starts)

    def issues(self, text: str) -> tuple[SyntaxIssue, ...]:
        """All errors of ``text``, in document order."""
        with self._lock:
            return self._unlocked_issues(text)

    def _unlocked_issues(self, text: str) -> tuple[SyntaxIssue, ...]:
        if text == self._text:
            return self._issues
        self._chunks = self._split(text) if self._text is None else self._update(text)
        self._text = text
        self._starts = _offsets(self._chunks)
        out: list[SyntaxIssue] = []
        line = 0
        for k, (at, chunk) in enumerate(zip(self._starts, self._chunks, strict=True)):
            last = k == len(self._chunks) - 1
            for i in chunk.issues:
                message = i.message
                if message == _END_OF_TEXT and not last:
                    if len(chunk.issues) > 1:
                        continue
                    message = "unexpected end of statement"
                if line:
                    message = _shift_lines(message, line)
                out.append(replace(i, start=i.start + at, end=i.end + at, message=message))  # fields kept
            line += chunk.text.count("\n")
        self._issues = tuple(out)
        return self._issues

    # ----- internals ----------------------------------------------------------------------------

    def _split(self, text: str) -> list[Chunk]:
        return self._chunks_at(text, chunk_starts(self.grammar, text))

    def _chunk(self, text: str) -> Chunk:
        return Chunk(text, tuple(self.grammar.errors(text)))

    def _update(self, text: str) -> list[Chunk]:
        assert self._text is not None
        old, chunks, starts = self._text, self._chunks, self._starts
        prefix = _common_prefix(old, text)
        suffix = _common_suffix(old, text, min(len(old), len(text)) - prefix)
        delta = len(text) - len(old)
        # the chunk before the change too: a line it ends with can decide how the next one reads
        first = max(0, bisect.bisect_right(starts, prefix) - 2)
        last = min(len(chunks), bisect.bisect_left(starts, len(old) - suffix) + 1)
        start = starts[first] if first < len(chunks) else len(old)
        end_old = starts[last] if last < len(chunks) else len(old)
        region = text[start : end_old + delta]
        cuts = chunk_starts(self.grammar, region + chunks[last].text) if last < len(chunks) else None
        if cuts is not None and len(region) not in cuts:
            # the region no longer ends where a statement starts (a bracket left open): what follows
            # is read with it, once, to the end of the document
            region, last, cuts = text[start:], len(chunks), None
        if cuts is None:
            cuts = chunk_starts(self.grammar, region)
        fresh = self._chunks_at(region, [c for c in cuts if c < len(region)])
        return chunks[:first] + fresh + chunks[last:]

    def _chunks_at(self, text: str, starts: list[int]) -> list[Chunk]:
        bounds = starts + [len(text)]
        return [self._chunk(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _shift_lines(message: str, lines: int) -> str:
    return _LINE_NUMBER.sub(lambda m: f"line {int(m[1]) + lines}", message)


def _offsets(chunks: list[Chunk]) -> list[int]:
    out, at = [], 0
    for c in chunks:
        out.append(at)
        at += len(c.text)
    return out


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by halving (string slices compare at C speed)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common suffix, at most ``limit`` (so it never overlaps the prefix)."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo

"""The error window: the statements around a syntax error that a repair may change (DESIGN "Repair" 1).

The window is the enclosing statement (formula, command, Python statement) grown by whole neighbouring
statements while it fits the model's canvas: the paper repairs whole snippets of at most n tokens, and the
statements around an error are the context the model needs. Tokens outside the window are never edited.

A window is placed on an issue's repair span (``SyntaxIssue.repair_span``): its focus when the grammar
sets one apart from where the message points (Python: CPython's point for the user, the statement-based
detection for the repair), else the issue's own span.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from lastfix.grammars.base import Grammar, SyntaxIssue, Token

__all__ = ["Window", "find_window", "find_windows", "error_size"]


@dataclass(frozen=True)
class Window:
    """Tokens ``first..last-1`` of the document; ``focus`` is the gap (token boundary) at the error start."""

    first: int  # index of the first token in the window
    last: int  # one past the last token
    start: int  # code-point offset where the window's text starts
    end: int  # code-point offset where it ends
    focus: int  # gap index in 0..len(tokens): tokens[:focus] end at or before the error's start
    focus_end: int  # gap index of the error's end (>= focus); parsers report a span, the fix is near it
    issues: tuple[SyntaxIssue, ...]

    @property
    def size(self) -> int:
        return self.last - self.first

    def gap_proximity(self, gap: int) -> int:
        """Tokens between an insertion point and the nearer edge of the error span.

        Edges, not the inside: a parser reports the region it could not parse, and the slip is where that
        region starts (an unexpected token) or ends (``'(' was never closed`` is closed at the end).
        """
        return min(abs(gap - self.focus), abs(gap - self.focus_end))

    def token_proximity(self, index: int) -> int:
        """Tokens between token ``index`` and the nearer edge of the error span (0 when it touches one)."""
        return min(self.gap_proximity(index), self.gap_proximity(index + 1))


def _gap_of(tokens: Sequence[Token], offset: int) -> int:
    """Number of tokens that end at or before ``offset``."""
    ends = [t.end for t in tokens]
    return bisect.bisect_right(ends, offset)


def _statement_range(statements: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Indices [i, j) of the statements the span touches; the nearest one when it falls between them."""
    touching = [i for i, (s, e) in enumerate(statements) if s <= max(end, start) and e >= start]
    if touching:
        return touching[0], touching[-1] + 1
    before = [i for i, (s, _) in enumerate(statements) if s <= start]
    i = before[-1] if before else 0
    return i, i + 1


def _token_range(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int]:
    """Token indices [i, j) of the tokens overlapping the character span [start, end]."""
    i = bisect.bisect_right([t.end for t in tokens], start)
    j = bisect.bisect_left([t.start for t in tokens], end)
    # An empty statement span still gets the token under it (a point error inside a token).
    return i, max(i, j)


def find_window(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    issue: SyntaxIssue,
    max_tokens: int,
    *,
    grow: bool = True,
    statements: Sequence[tuple[int, int]] | None = None,
) -> Window:
    """The window of one issue: the statement(s) of its repair span, grown by whole statements up to
    ``max_tokens`` tokens; its text span covers where the issue points too."""
    max_tokens = max(1, max_tokens)
    stmts = sorted(statements if statements is not None else grammar.statements(text))
    at, until = issue.repair_span
    focus = _gap_of(tokens, at)
    focus_end = max(focus, _gap_of(tokens, max(until, at)))
    if not stmts:
        first, last = 0, len(tokens)
        lo = hi = -1
    else:
        lo, hi = _statement_range(stmts, at, until)
        first, last = _token_range(tokens, stmts[lo][0], stmts[hi - 1][1])
    # The error may sit on tokens the statement spans leave out (trailing junk after the last statement).
    first = min(first, max(0, focus - 1))
    last = max(last, min(len(tokens), focus + 1))
    if last - first > max_tokens:
        # One statement longer than the canvas: keep the tokens nearest the error, as many as fit.
        first = max(0, min(focus - max_tokens // 2, len(tokens) - max_tokens))
        last = min(len(tokens), first + max_tokens)
    elif grow and stmts:
        first, last = _grow(tokens, stmts, lo, hi, first, last, max_tokens)
    start = tokens[first].start if first < last else min(at, len(text))
    end = tokens[last - 1].end if first < last else min(max(until, at), len(text))
    return Window(
        first,
        last,
        min(start, at, issue.start),
        max(end, min(until, len(text)), min(issue.end, len(text))),
        focus,
        focus_end,
        (issue,),
    )


def find_windows(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    issues: Sequence[SyntaxIssue],
    max_tokens: int,
    *,
    grow: bool = True,
) -> list[Window]:
    """One window per group of issues; issues whose windows overlap share one (document order)."""
    stmts = grammar.statements(text)
    windows: list[Window] = []
    for issue in sorted(issues, key=lambda i: i.repair_span):
        w = find_window(grammar, text, tokens, issue, max_tokens, grow=False, statements=stmts)
        if windows and w.first < windows[-1].last:
            prev = windows[-1]
            merged_first, merged_last = min(prev.first, w.first), max(prev.last, w.last)
            if merged_last - merged_first <= max_tokens:
                windows[-1] = Window(
                    merged_first,
                    merged_last,
                    min(prev.start, w.start),
                    max(prev.end, w.end),
                    prev.focus,
                    max(prev.focus_end, w.focus_end),
                    prev.issues + (issue,),
                )
            continue  # an issue inside an earlier window is repaired with it
        windows.append(w)
    if grow:
        windows = [_regrow(grammar, text, tokens, w, max_tokens, stmts) for w in windows]
    return windows


def _regrow(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    w: Window,
    max_tokens: int,
    stmts: Sequence[tuple[int, int]],
) -> Window:
    """Grow a merged window by whole statements, keeping all its issues."""
    grown = find_window(grammar, text, tokens, w.issues[0], max_tokens, statements=stmts)
    first, last = min(grown.first, w.first), max(grown.last, w.last)
    if last - first > max_tokens:
        return w
    return Window(
        first, last, min(grown.start, w.start), max(grown.end, w.end), w.focus, w.focus_end, w.issues
    )


def _grow(
    tokens: Sequence[Token],
    stmts: Sequence[tuple[int, int]],
    lo: int,
    hi: int,
    first: int,
    last: int,
    max_tokens: int,
) -> tuple[int, int]:
    """Add whole statements alternately before and after while the window fits ``max_tokens``."""
    before, after = lo - 1, hi
    while True:
        grew = False
        if before >= 0:
            a, b = _token_range(tokens, *stmts[before])
            if max(last, b) - min(first, a) <= max_tokens:
                first, last, before, grew = min(first, a), max(last, b), before - 1, True
            else:
                before = -1
        if after < len(stmts):
            a, b = _token_range(tokens, *stmts[after])
            if max(last, b) - min(first, a) <= max_tokens:
                first, last, after, grew = min(first, a), max(last, b), after + 1, True
            else:
                after = len(stmts)
        if not grew:
            return first, last


def error_size(tokens: Sequence[Token], window: Window) -> int:
    """Tokens the grammar's issues cover in the window (a point issue counts one): the noise-table key."""
    covered: set[int] = set()
    for issue in window.issues:
        i, j = _token_range(tokens, issue.start, max(issue.end, issue.start))
        span = set(range(i, j)) if issue.end > issue.start else set()
        covered |= span or {min(_gap_of(tokens, issue.start), max(0, len(tokens) - 1))}
    return max(1, len(covered))

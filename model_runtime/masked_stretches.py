"""Where the masked repair masks: stretches of an error window, each laid with blank slots and masked.

A stretch is token indices [a, b) of the document: its tokens and its b - a + 1 gaps (the one before
``a`` and the one after ``b - 1`` included) may change. Which stretches a repair samples is named data
(``ANCHORS``), chosen per language by cross-validation (``benchmarks.masked_cv``), not per record:

- ``error``: around the parser's error point (tokens before it and after it);
- ``end``: the last tokens of the error's statement, where people forget the last closer while the
  grammar reports the error earlier (Excel names the function whose bracket is never closed);
- ``closers``: the end of scope of each bracket left open (the next closer of an outer bracket, else the
  statement's end): where a missing closer would go.

Pure Python: no model, no numpy.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from lastfix.grammars.base import Grammar, Token

from .windows import Window

__all__ = ["ANCHORS", "BRACKETS", "fit_stretch", "open_scope_ends", "statement_end", "stretches"]

ANCHORS = ("error", "end", "closers")
BRACKETS: Mapping[str, str] = {"(": ")", "[": "]", "{": "}"}  # the brackets of all three languages


def fit_stretch(window: Window, a: int, b: int, anchor: int, canvas: int | None) -> tuple[int, int]:
    """[a, b) clipped to the window, narrowed (the end farther from the ``anchor`` gap first) until the
    window, the stretch's slots and EOS fit ``canvas``."""
    a, b = max(window.first, a), min(window.last, b)
    b = max(a, b)
    if canvas is not None:
        while a < b and window.size + (b - a + 1) + 1 > canvas:
            if anchor - a >= b - anchor:
                a += 1
            else:
                b -= 1
    return a, b


def statement_end(grammar: Grammar, text: str, tokens: Sequence[Token], window: Window) -> int:
    """The gap after the last token of the statement that holds the error (the window's end when the
    grammar names no such statement), within the window."""
    at = tokens[window.focus - 1].start if window.focus > window.first else window.start
    for start, end in grammar.statements(text):
        if start <= at < end or (start <= at and at == end):
            gap = bisect.bisect_right([t.end for t in tokens], end)
            return max(window.first, min(window.last, gap))
    return window.last


def open_scope_ends(symbols: Sequence[str], first: int, end: int) -> list[int]:
    """Gaps (document indices) where a bracket opened in ``symbols`` (token ``first`` onwards) and never
    closed stops being in scope: before the closer of an outer bracket, else at ``end``. Ascending."""
    closers = set(BRACKETS.values())
    stack: list[str] = []
    out: set[int] = set()
    for i, sym in enumerate(symbols[: max(0, end - first)]):
        if sym in BRACKETS:
            stack.append(BRACKETS[sym])
        elif sym in closers and sym in stack:
            while stack[-1] != sym:  # the brackets above the matching one are never closed
                stack.pop()
                out.add(first + i)
            stack.pop()
    if stack:
        out.add(end)
    return sorted(out)


def stretches(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    symbols: Sequence[str],
    anchors: Sequence[str],
    around_error: tuple[int, int],
    at_end: tuple[int, int],
    canvas: int | None,
    most: int,
) -> list[tuple[int, int]]:
    """Distinct stretches of ``anchors`` in their order (at most ``most``): ``around_error`` is (tokens
    before, after) the error point, ``at_end`` (before, after) a scope's end."""
    unknown = [a for a in anchors if a not in ANCHORS]
    if unknown:
        raise ValueError(f"unknown stretch anchor {unknown[0]!r}; valid names: {', '.join(ANCHORS)}")
    out: list[tuple[int, int]] = []
    before, after = at_end
    for anchor in anchors:
        if anchor == "error":
            a, b = window.focus - around_error[0], window.focus + around_error[1]
            found = [fit_stretch(window, a, b, window.focus, canvas)]
        else:
            end = statement_end(grammar, text, tokens, window)
            gaps = [end] if anchor == "end" else open_scope_ends(symbols, window.first, end)
            found = [fit_stretch(window, g - before, g + after, g, canvas) for g in gaps]
        for s in found:
            if s not in out:
                out.append(s)
    return out[: max(1, most)]

"""Where the masked repair masks: stretches of an error window, each laid with blank slots and masked.

A stretch is token indices [a, b) of the document: its tokens and its b - a + 1 gaps (the one before
``a`` and the one after ``b - 1`` included) may change. Which stretches a repair samples is named data
(``ANCHORS``), chosen per language by cross-validation (``benchmarks.masked_cv``), not per record:

- ``error``: around the parser's error point (tokens before it and after it);
- ``end``: the last tokens of the error's statement, where people forget the last closer while the
  grammar reports the error earlier (Excel names the function whose bracket is never closed);
- ``closers``: the end of scope of each bracket left open (the next closer of an outer bracket, else the
  statement's end): where a missing closer would go;
- ``openers``: around each bracket left open, which may be the stray one (``=INDEX((A1:B2,1)``).

Pure Python: no model, no numpy.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from lastfix.grammars.base import Grammar, Token
from lastfix.grammars.brackets import PAIRS

from .windows import Window

__all__ = [
    "ANCHORS",
    "BRACKETS",
    "fit_stretch",
    "open_scope_ends",
    "statement_end",
    "stretches",
    "unclosed_openers",
]

ANCHORS = ("error", "end", "closers", "openers")
BRACKETS: Mapping[str, str] = PAIRS  # the three plain bracket pairs, as grammars.brackets pairs them


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


def _unclosed(symbols: Sequence[str], first: int, end: int) -> list[tuple[int, int]]:
    """(opener's token index, end of its scope as a gap) of each bracket opened in ``symbols`` (token
    ``first`` onwards, up to gap ``end``) and never closed: its scope ends before the closer of an outer
    bracket, else at ``end``."""
    closers = set(BRACKETS.values())
    stack: list[tuple[str, int]] = []
    out: list[tuple[int, int]] = []
    for i, sym in enumerate(symbols[: max(0, end - first)]):
        if sym in BRACKETS:
            stack.append((BRACKETS[sym], first + i))
        elif sym in closers and any(c == sym for c, _ in stack):
            while stack[-1][0] != sym:  # the brackets above the matching one are never closed
                out.append((stack.pop()[1], first + i))
            stack.pop()
    out.extend((at, end) for _, at in stack)
    return out


def open_scope_ends(symbols: Sequence[str], first: int, end: int) -> list[int]:
    """Gaps (document indices) where a bracket opened in ``symbols`` (token ``first`` onwards) and never
    closed stops being in scope: before the closer of an outer bracket, else at ``end``. Ascending."""
    return sorted({gap for _, gap in _unclosed(symbols, first, end)})


def unclosed_openers(symbols: Sequence[str], first: int, end: int) -> list[int]:
    """Token indices (document) of the brackets opened in ``symbols`` and never closed. Ascending."""
    return sorted({at for at, _ in _unclosed(symbols, first, end)})


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
        elif anchor == "openers":  # the opener and a token each side: deleted, doubled or misplaced
            end = statement_end(grammar, text, tokens, window)
            at = unclosed_openers(symbols, window.first, end)
            found = [fit_stretch(window, i - 1, i + 2, i, canvas) for i in at]
        else:
            end = statement_end(grammar, text, tokens, window)
            gaps = [end] if anchor == "end" else open_scope_ends(symbols, window.first, end)
            found = [fit_stretch(window, g - before, g + after, g, canvas) for g in gaps]
        for s in found:
            if s not in out:
                out.append(s)
    return out[: max(1, most)]

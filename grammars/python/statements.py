"""Top-level statements of a Python text from its tokens: the units the corpus and repair windows use.

A statement is a logical line at block depth 0 together with everything indented under it, the clauses
that continue it at depth 0 (``elif``/``else``/``except``/``finally``) and, for a function or class, the
decorator lines above it. Working on the lenient lexer's tokens (not on a parse tree) keeps this
meaningful for broken text: a ``def`` whose ':' is missing still owns its indented body.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..base import Token
from .lexer import DEDENT, INDENT, NEWLINE

__all__ = ["statement_spans"]

_CONTINUATIONS = frozenset({"elif", "else", "except", "finally"})


def statement_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(start, end) str offsets of each top-level statement, from its first to its last token."""
    spans: list[list[int]] = []
    depth = 0
    decorated = False  # the previous top-level line was a decorator: the next line joins it
    line: list[Token] = []
    line_depth = 0
    for t in tokens:
        if t.kind == INDENT:
            depth += 1
            continue
        if t.kind == DEDENT:
            depth = max(0, depth - 1)
            continue
        if t.kind != NEWLINE:
            if not line:
                line_depth = depth
            line.append(t)
            continue
        if not line:
            continue
        start, end = line[0].start, line[-1].end
        joins = spans and (line_depth > 0 or decorated or line[0].kind in _CONTINUATIONS)
        if joins:
            spans[-1][1] = end
        else:
            spans.append([start, end])
        decorated = line_depth == 0 and line[0].kind == "@" or (decorated and line_depth > 0)
        line = []
    if line:  # the lexer always ends a line with NEWLINE; kept for robustness with partial token lists
        if spans and (line_depth > 0 or decorated):
            spans[-1][1] = line[-1].end
        else:
            spans.append([line[0].start, line[-1].end])
    return [(s, e) for s, e in spans]

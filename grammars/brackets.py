"""Bracket matching over token lists: what the grammars' rewrites and the slip proposals share.

Brackets match by kind (``(`` with ``)``); a language with more openers (PowerShell's ``@(``, ``$(``,
``@{``) passes its own pairs. Every function only reads ``.text``, so any token list will do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Token

__all__ = ["PAIRS", "closing_bracket", "opening_bracket", "innermost_open", "bracket_arguments"]

PAIRS: Mapping[str, str] = {"(": ")", "[": "]", "{": "}"}


def closing_bracket(tokens: Sequence[Token], open_: int, pairs: Mapping[str, str] = PAIRS) -> int | None:
    """Index of the bracket closing ``tokens[open_]``, or None when the brackets do not balance on the way."""
    closers = set(pairs.values())
    stack: list[str] = []
    for k in range(open_, len(tokens)):
        t = tokens[k].text
        if t in pairs:
            stack.append(pairs[t])
        elif t in closers:
            if not stack or stack.pop() != t:
                return None
            if not stack:
                return k
    return None


def opening_bracket(tokens: Sequence[Token], close: int, pairs: Mapping[str, str] = PAIRS) -> int | None:
    """Index of the bracket ``tokens[close]`` closes, or None when the brackets do not balance on the way."""
    closers = set(pairs.values())
    stack: list[str] = []
    for k in range(close, -1, -1):
        t = tokens[k].text
        if t in closers:
            stack.append(t)
        elif t in pairs:
            if not stack or stack.pop() != pairs[t]:
                return None
            if not stack:
                return k
    return None


def innermost_open(tokens: Sequence[Token], i: int, pairs: Mapping[str, str] = PAIRS) -> int | None:
    """Index of the innermost bracket still open just before ``tokens[i]``, or None at the top level."""
    closers = set(pairs.values())
    depth = 0
    for k in range(i - 1, -1, -1):
        t = tokens[k].text
        if t in closers:
            depth += 1
        elif t in pairs:
            if depth == 0:
                return k
            depth -= 1
    return None


def bracket_arguments(
    tokens: Sequence[Token], open_: int, last: int | None = None, pairs: Mapping[str, str] = PAIRS
) -> list[tuple[int, int]]:
    """Token ranges [a, b) of the comma-separated arguments inside the bracket opened at ``open_``.

    Nested brackets are skipped whole; scanning stops at ``last`` (default: the end). For a bracket
    that is never closed, the arguments a comma completed.
    """
    closers = set(pairs.values())
    args: list[tuple[int, int]] = []
    depth, start = 0, open_ + 1
    for k in range(open_ + 1, len(tokens) if last is None else min(last, len(tokens))):
        t = tokens[k].text
        if t in pairs:
            depth += 1
        elif t in closers:
            if depth == 0:
                args.append((start, k))
                return args
            depth -= 1
        elif t == "," and depth == 0:
            args.append((start, k))
            start = k + 1
    return args

"""What every PowerShell tolerance works with: the buffer it rewrites, its signature, and shared helpers.

The tolerances themselves live in the ``tolerances_*`` modules by topic; ``tolerances.py`` orders them
into the one table the parser runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .lexer import SIGNIFICANT, Lexeme

__all__ = ["Masked", "MaskBuffer", "Tolerance", "blank", "blank_lines", "next_significant"]


@dataclass(frozen=True)
class Masked:
    """The text tree-sitter parses and the names of the tolerances that changed it."""

    text: str
    rules: tuple[str, ...]


class MaskBuffer:
    """The characters being rewritten, plus which rules fired."""

    def __init__(self, text: str) -> None:
        self.chars = list(text)
        self.fired: list[str] = []
        self.suffix = ""

    def put(self, start: int, replacement: str, rule: str) -> None:
        if "".join(self.chars[start : start + len(replacement)]) != replacement:
            self.chars[start : start + len(replacement)] = list(replacement)
            if rule not in self.fired:
                self.fired.append(rule)


# A tolerance reads the lexemes, rewrites the buffer, and may ask whether tree-sitter accepts a snippet.
Tolerance = Callable[[Sequence[Lexeme], MaskBuffer, Callable[[str], bool]], None]


def next_significant(lexemes: Sequence[Lexeme], k: int) -> int:
    """Index of the first significant lexeme after ``k`` (``len(lexemes)`` if none)."""
    k += 1
    while k < len(lexemes) and lexemes[k].cat not in SIGNIFICANT:
        k += 1
    return k


def blank(buf: MaskBuffer, start: int, end: int, rule: str) -> None:
    """Spaces over ``start:end``, line breaks kept (so line numbers in tree-sitter's view do not move)."""
    buf.put(start, "".join(c if c in "\r\n" else " " for c in buf.chars[start:end]), rule)


def blank_lines(buf: MaskBuffer, start: int, end: int, rule: str) -> None:
    """Line breaks over ``start:end`` shown as blanks (what is there already, masked comments too, stays)."""
    buf.put(start, "".join(" " if c in "\r\n" else c for c in buf.chars[start:end]), rule)

"""PowerShell slips that are one mistake to the user but no single token edit to the search.

A space between a method and its parenthesis (``[Math]::Sqrt (9)``: PowerShell then passes ``(9)`` as a
command argument) is whitespace, which the token search never edits; a program path in quotes at the start
of a statement (``"C:\\ffmpeg.exe" -i a.mp3``) is a string expression, not a command, until the call
operator ``&`` says so, and ``&`` next to a string is not a token the search inserts on its own. Each
proposal costs the one slip it undoes; the validity oracle still has the last word.
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import Rewrite, TextEdit, Token, TokenClass

__all__ = ["powershell_rewrites"]

_STATEMENT_BREAKS = frozenset({";", "|", "{", "(", "&&", "||"})


def powershell_rewrites(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """The rewrites of ``tokens[first:last]``, in token order."""
    out: list[Rewrite] = []
    for i in range(first, last):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            nxt is not None
            and nxt.text == "("
            and tok.cls is TokenClass.NAME
            and i > 0
            and tokens[i - 1].text in (".", "::")
            and tok.end < nxt.start
            and text[tok.end : nxt.start].isspace()
            and "\n" not in text[tok.end : nxt.start]
        ):  # [Math]::Sqrt (9) -> [Math]::Sqrt(9)
            out.append(Rewrite((TextEdit(tok.end, nxt.start, ""),), i + 1))
        if (
            tok.cls is TokenClass.STRING
            and _starts_statement(text, tokens, i)
            and nxt is not None
            and nxt.cls is not TokenClass.LAYOUT
            and "\n" not in text[tok.end : nxt.start]
        ):  # "C:\ffmpeg.exe" -i a.mp3 -> & "C:\ffmpeg.exe" -i a.mp3
            out.append(Rewrite((TextEdit(tok.start, tok.start, "& "),), i))
    return out


def _starts_statement(text: str, tokens: Sequence[Token], i: int) -> bool:
    if i == 0:
        return True
    prev = tokens[i - 1]
    return (
        prev.cls is TokenClass.LAYOUT
        or prev.text in _STATEMENT_BREAKS
        or "\n" in text[prev.end : tokens[i].start]
    )

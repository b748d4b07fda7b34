"""Character-level scanners for PowerShell lexemes that have inner structure: strings, here-strings,
comments, variables, numbers, type literals and generic (bare-word) tokens.

Each scanner takes the text and a start offset and returns the end offset (exclusive) plus a problem
description (``None`` when the lexeme is well formed). None of them raises: an unterminated construct
runs to the end of the text and says so. The rules follow the PowerShell language specification
(chapter 2, "Lexical structure") and the tokenizer of PowerShell 7 (System.Management.Automation/
engine/parser/tokenizer.cs), which accepts typographic quotes and dashes.
"""

from __future__ import annotations

import re

from .lexicon import DOUBLE_QUOTES, SINGLE_QUOTES

__all__ = [
    "WHITESPACE",
    "GENERIC_TERMINATORS",
    "scan_single",
    "scan_double",
    "scan_string",
    "scan_here_string",
    "scan_block_comment",
    "scan_line_comment",
    "scan_subexpression",
    "match_variable",
    "match_number",
    "scan_type_literal",
    "scan_generic",
]

WHITESPACE = " \t\f\v\u00a0\u2028\u2029\ufeff"
# A generic token (command name or bare-word argument) ends at these (spec 2.3.6 "generic-token-char").
GENERIC_TERMINATORS = frozenset(WHITESPACE + "\r\n;,|&(){}<>")
_QUOTES = SINGLE_QUOTES + DOUBLE_QUOTES

_VARIABLE = re.compile(
    r"""\$(?:
        \{(?:[^}`]|`.)*\}                 # ${any name}, ${env:ProgramFiles(x86)}
      | \?                                # $? ends at its '?': '$???=1' is $? ??= 1
      | (?:[A-Za-z_]\w*:(?!:))?[\w?]+      # $name, $scope:name, $env:PATH, $_, $? (? is a name char)
      | [$^]                              # $$ and $^
    )""",
    re.VERBOSE | re.DOTALL,
)
_NUMBER = re.compile(
    r"""(?:0[xX][0-9a-fA-F]+|0[bB][01]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
        (?:[uU]?[lLyYsSnN]|[dD])?            # type suffixes (about_Numeric_Literals)
        (?:[kKmMgGtTpP][bB])?                # multipliers 1KB .. 1PB
        (?!\w|\.(?!\.))                   # 1..10 is a range, 1.x a word""",
    re.VERBOSE,
)


def scan_single(text: str, i: int) -> tuple[int, str | None]:
    """A single-quoted string at ``i``; two quotes in a row are an escaped quote."""
    n = len(text)
    j = i + 1
    while j < n:
        if text[j] in SINGLE_QUOTES:
            if j + 1 < n and text[j + 1] in SINGLE_QUOTES:
                j += 2
                continue
            return j + 1, None
        j += 1
    return n, "unclosed string"


def scan_double(text: str, i: int) -> tuple[int, str | None]:
    """A double-quoted (expandable) string at ``i``: backtick escapes, ``""`` and nested ``$(...)``."""
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        if c == "`":
            j += 2
        elif c == "$" and j + 1 < n and text[j + 1] == "(":
            j, problem = scan_subexpression(text, j + 2)
            if problem:
                return n, "unclosed string"
        elif c in DOUBLE_QUOTES:
            if j + 1 < n and text[j + 1] in DOUBLE_QUOTES:
                j += 2
                continue
            return j + 1, None
        else:
            j += 1
    return n, "unclosed string"


def scan_string(text: str, i: int) -> tuple[int, str | None]:
    """A quoted string of either kind at ``i``."""
    return scan_single(text, i) if text[i] in SINGLE_QUOTES else scan_double(text, i)


def scan_subexpression(text: str, i: int) -> tuple[int, str | None]:
    """From just after ``$(`` to just after its ``)``, skipping nested strings and parentheses."""
    n = len(text)
    depth = 1
    j = i
    while j < n:
        c = text[j]
        if c == "`":
            j += 2
            continue
        if c in _QUOTES:
            j, problem = scan_string(text, j)
            if problem:
                return n, problem
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1, None
        j += 1
    return n, "missing ')'"


def scan_here_string(text: str, i: int) -> tuple[int, str | None]:
    """A here-string ``@"`` / ``@'`` at ``i``: the header ends its line, the footer starts a line."""
    quote = text[i + 1]
    closing = SINGLE_QUOTES if quote in SINGLE_QUOTES else DOUBLE_QUOTES
    header = re.compile(r"[ \t]*(?:\r\n|\r|\n)").match(text, i + 2)
    if header is None:
        return i + 2, "a here-string header must end its line"
    j = header.end()
    n = len(text)
    while j <= n:
        # The footer must be the first thing on its line (spec 2.3.5.2).
        if j < n - 1 and text[j] in closing and text[j + 1] == "@" and (j == 0 or text[j - 1] in "\r\n"):
            return j + 2, None
        nl = _next_line_start(text, j)
        if nl < 0:
            break
        j = nl
    return n, "unclosed here-string"


def _next_line_start(text: str, j: int) -> int:
    k = text.find("\n", j)
    r = text.find("\r", j)
    if k < 0 or (0 <= r < k):
        k = r
    return -1 if k < 0 else k + 1


def scan_block_comment(text: str, i: int) -> tuple[int, str | None]:
    """A ``<# ... #>`` comment at ``i``."""
    end = text.find("#>", i + 2)
    return (len(text), "unclosed comment '<#'") if end < 0 else (end + 2, None)


def scan_line_comment(text: str, i: int) -> int:
    """A ``#`` comment at ``i`` runs to the end of its line (the line break is not part of it)."""
    j = i
    n = len(text)
    while j < n and text[j] not in "\r\n":
        j += 1
    return j


def match_variable(text: str, i: int) -> int:
    """End of the variable at ``i`` (``$...``), or ``i`` when ``$`` starts no variable."""
    m = _VARIABLE.match(text, i)
    return m.end() if m else i


def match_number(text: str, i: int) -> int:
    """End of the numeric literal at ``i`` when it is a whole token, else ``i``."""
    m = _NUMBER.match(text, i)
    return m.end() if m else i


def scan_type_literal(text: str, i: int) -> int:
    """End of a type literal ``[Name]``, ``[string[]]``, ``[List[int]]`` at ``i``, or ``i`` if none."""
    n = len(text)
    j = i + 1
    while j < n and text[j] in " \t":
        j += 1
    if j >= n or not (text[j].isalpha() or text[j] == "_"):
        return i
    depth = 1
    while j < n:
        c = text[j]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        elif not (c.isalnum() or c in "_.`+, \t"):
            return i
        j += 1
    return i


def scan_generic(text: str, i: int) -> tuple[int, str | None]:
    """A generic token (bare word, path, native argument) at ``i`` with embedded quotes and escapes.

    PowerShell joins adjacent pieces into one argument (``/ca:'O:BA'`` is one string, ``$env:TEMP\\x``
    expands), so quotes inside the token are scanned as strings and a backtick escapes the next
    character. It stops before ``$(`` so a subexpression is lexed (and checked) on its own.
    """
    n = len(text)
    j = i
    problem = None
    while j < n:
        c = text[j]
        if c in GENERIC_TERMINATORS:
            break
        if c == "`":
            if j + 1 < n and text[j + 1] in "\r\n":
                break
            j += 2
            continue
        if c in _QUOTES:
            j, problem = scan_string(text, j)
            continue
        if c == "$" and j + 1 < n and text[j + 1] == "(":
            break
        if c == "$" and j + 1 < n and text[j + 1] == "{":
            end = match_variable(text, j)
            j = end if end > j else j + 1
            continue
        j += 1
    return min(j, n), problem

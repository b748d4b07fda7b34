"""PowerShell tolerances for lexical forms: comments, escapes, quotes and dashes, here-strings, number
literals and suffixes, ``#`` inside strings, variable-name characters."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .lexer import Lexeme
from .lexicon import DASHES, DOUBLE_QUOTES, SINGLE_QUOTES
from .scan import scan_subexpression
from .tolerance_base import MaskBuffer

__all__ = [
    "comments_are_blank",
    "escaped_blank_is_blank",
    "typographic_quotes_and_dashes",
    "empty_here_string",
    "number_suffixes",
    "number_suffixes_in_strings",
    "literal_hash_in_strings",
    "binary_literals",
    "variable_name_characters",
]

_NUMBER_SUFFIX = re.compile(r"(?:[uU]?[lLyYsSnN]|[dD])?(?:[kKmMgGtTpP][bB])?$")
_HEX_SUFFIX = re.compile(r"(?:[uU]?[lLyYsSnN])?(?:[kKmMgGtTpP][bB])?$")  # d and b are hex digits
_SUFFIXED_NUMBER = re.compile(r"(?<![\w.$])\d+(?:\.\d+)?([kKmMgGtTpP][bB])\b")
_BINARY = re.compile(r"-?0[bB][01]+" + _NUMBER_SUFFIX.pattern)  # ends with '$': use fullmatch
_QUOTE_MAP = str.maketrans({**{q: "'" for q in SINGLE_QUOTES[1:]}, **{q: '"' for q in DOUBLE_QUOTES[1:]}})


def comments_are_blank(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """A comment is whitespace to PowerShell (spec 2.2.3); tree-sitter-powershell 0.26.4 rejects a
    document that is only a comment and a ``#`` comment right before the end of the text."""
    for x in lx:
        if x.cat == "comment" and x.problem is None:
            buf.put(x.start, "".join(c if c in "\r\n" else " " for c in x.text), "comments_are_blank")


def escaped_blank_is_blank(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """A backtick before a space or tab between tokens is skipped as whitespace by PowerShell's
    tokenizer (``a | ` Get-ChildItem``, what is left of a line continuation whose line break was
    lost); tree-sitter only knows the backtick-newline continuation."""
    for x in lx:
        if x.cat == "cont" and x.text[1:2] in (" ", "\t"):
            buf.put(x.start, " ", "escaped_blank_is_blank")


def typographic_quotes_and_dashes(
    lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]
) -> None:
    """PowerShell's tokenizer reads curly quotes as quotes and en/em dashes as ``-`` (CharExtensions
    IsSingleQuote/IsDoubleQuote/IsDash), which text pasted from documents and web pages is full of."""
    for x in lx:
        if x.cat == "string" and x.problem is None:
            buf.put(x.start, x.text.translate(_QUOTE_MAP), "typographic_quotes_and_dashes")
        elif x.cat in ("parameter", "operator", "number") and x.text[:1] in DASHES[1:]:
            buf.put(x.start, "-", "typographic_quotes_and_dashes")


def empty_here_string(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """A here-string may be empty (``@"`` line, ``"@`` line; spec 2.3.5.2); tree-sitter-powershell wants
    a content line. Shown as a quoted string of the same length spanning the same lines."""
    for x in lx:
        if x.cat == "string" and x.problem is None and x.text[:1] == "@" and not x.text[2:-2].strip():
            inner = "".join(c if c in "\r\n" else " " for c in x.text[1:-1])
            buf.put(x.start, "'" + inner + "'", "empty_here_string")


def number_suffixes(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """Numeric literals take type suffixes and multipliers (``10L``, ``1MB``, ``1.5gb``;
    about_Numeric_Literals); tree-sitter accepts them only in some positions (not after ``/``)."""
    for x in lx:
        if x.cat == "number":
            hexadecimal = x.text.lower().lstrip("-").startswith("0x")
            m = (_HEX_SUFFIX if hexadecimal else _NUMBER_SUFFIX).search(x.text)
            if m and m.start() < m.end():
                buf.put(x.start + m.start(), "0" * (m.end() - m.start()), "number_suffixes")


def number_suffixes_in_strings(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``"$($_.Length/1KB) KB"``: numbers in a string's subexpressions take multipliers too
    (about_Numeric_Literals); the string is one lexeme, so :func:`number_suffixes` does not see them."""
    for x in lx:
        if x.cat != "string" or x.problem is not None or "$(" not in x.text:
            continue
        for m in _SUFFIXED_NUMBER.finditer(x.text):
            if "$(" in x.text[: m.start()]:
                buf.put(x.start + m.start(1), "00", "number_suffixes_in_strings")


def literal_hash_in_strings(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``"$Repo#$PR"``, ``"a $# b"``: inside an expandable string ``#`` is a plain character (spec 2.3.5.2);
    tree-sitter-powershell starts a comment at a ``#`` after a variable there. Shown as a blank; a ``#``
    inside ``$( )`` is left alone (it starts a comment there)."""
    for x in lx:
        if x.cat != "string" or x.problem is not None or "#" not in x.text:
            continue
        opening = 2 if x.text[:1] == "@" else 1
        if x.text[opening - 1] not in DOUBLE_QUOTES:
            continue
        text, j = x.text, opening
        while j < len(text) - opening:
            c = text[j]
            if c == "`":
                j += 2
                continue
            if c == "$" and text[j + 1 : j + 2] == "(":
                j, _ = scan_subexpression(text, j + 2)
                continue
            if c == "#":
                buf.put(x.start + j, " ", "literal_hash_in_strings")
            j += 1


def binary_literals(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``0b1010`` is a binary integer literal since PowerShell 7.0, with the same suffixes and multipliers
    as the others (about_Numeric_Literals); tree-sitter-powershell knows only decimal and hexadecimal.
    Shown as a decimal number of the same length; ``0b102`` is not matched and stays an error."""
    for x in lx:
        if x.cat == "number" and _BINARY.fullmatch(x.text):
            at = x.text.lower().index("0b")
            buf.put(x.start + at, "0" * (len(x.text) - at), "binary_literals")


def variable_name_characters(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``$végösszeg``, ``$итог``: a variable name is made of Unicode letters and digits of any script
    (spec 2.3.6, classes Lu Ll Lt Lm Lo Nd); tree-sitter-powershell takes ASCII only. ``${...}`` names may
    hold any character escaped with a backtick (``${this`{value`}is}``, spec 2.3.6 braced-variable),
    which tree-sitter rejects too. The name is shown as ASCII letters of the same length."""
    for x in lx:
        if x.cat != "variable" or x.problem is not None:
            continue
        if x.text.startswith("${") and "`" in x.text:
            buf.put(x.start + 2, "a" * (len(x.text) - 3), "variable_name_characters")
        elif not x.text.isascii() and not x.text.startswith("${"):
            buf.put(x.start, "".join(c if c.isascii() else "a" for c in x.text), "variable_name_characters")

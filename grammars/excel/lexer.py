"""A regex lexer for Excel formulas that never raises: every character of any text lands in some lexeme.

The lexeme types follow XLParser's terminals (Aivaloglou, Hoepelman, Hermans 2015, "A Grammar for
Spreadsheet Formulas Evaluated on Two Large Datasets", table 1): cells, whole rows/columns, sheet
prefixes (quoted, external ``[1]``, 3-D ``Sheet1:Sheet3!``), structured references, function names
(the name *and* its opening parenthesis decide it is a call, as XLParser's ``ExcelFunction`` token
``NAME\\(``), names, strings with doubled quotes, numbers, booleans and error literals.

Whitespace is significant only as Excel's intersection operator: XLParser's ``intersectop`` is a space
between two references. The lexer keeps whitespace as ``WS`` lexemes; :func:`parser_types` turns a
space into ``INTERSECT`` when the lexeme before can end a reference and the one after can start one,
and drops it otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Lexeme", "lex", "ERROR_LITERALS", "REF_START", "REF_END", "is_cell_text", "cell_column"]

ERROR_LITERALS: tuple[str, ...] = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
)

# Order matters: the first alternative that matches at a position wins (like XLParser's priorities).
_MASTER = re.compile(
    r"""
    (?P<WS>[ \t\r\n]+)
  | (?P<STRING>"(?:[^"\n]|"")*")
  | (?P<SHEET_Q>'(?:[^'\n]|'')+'!)
  | (?P<QUOTED>'(?:[^'\n]|'')+')
  | (?P<ERROR>\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA))
  | (?P<SHEET>(?:\[[^\[\]\n]+\])?[\w.]+(?::[\w.]+)?!|\[[^\[\]\n]+\]!)
  | (?P<FUNC>(?:_xlfn\.|_xlws\.|_xll\.)?(?:[^\W\d]|\\)[\w.\\]*(?=\())
  | (?P<BOOL>(?:TRUE|FALSE)(?![\w.?\\]))
  | (?P<VRANGE>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![\w.?\\]))
  | (?P<HRANGE>\$?[1-9][0-9]*:\$?[1-9][0-9]*(?![\w.?\\]))
  | (?P<CELL>\$?[A-Za-z]{1,3}\$?[1-9][0-9]*(?![\w.?\\]))
  | (?P<NUMBER>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<NAME>(?:[^\W\d]|\\)[\w.?\\]*)
  | (?P<OP><>|<=|>=|[-+*/^&%:,;(){}=<>!@\#])
    """,
    re.VERBOSE | re.IGNORECASE,
)

_OPS = {
    "<>": "NE",
    "<=": "LE",
    ">=": "GE",
    "=": "EQ",
    "<": "LT",
    ">": "GT",
    "+": "PLUS",
    "-": "MINUS",
    "*": "STAR",
    "/": "SLASH",
    "^": "CARET",
    "&": "AMP",
    "%": "PERCENT",
    ":": "COLON",
    ",": "COMMA",
    ";": "SEMI",
    "(": "LPAR",
    ")": "RPAR",
    "{": "LBRACE",
    "}": "RBRACE",
    "!": "BANG",
    "@": "AT",
    "#": "HASH",
}

# XLParser's intersectop: whitespace between something that can end a reference and something that can
# start one. Function calls start references only when they may return one, but any call is listed so
# that "ISBLANK(A1) AND(B1)" fails at the space (where the operator is missing) rather than later.
REF_END = frozenset({"CELL", "NAME", "VRANGE", "HRANGE", "RPAR", "STRUCT", "REF_ERROR", "HASH"})
REF_START = frozenset(
    {"CELL", "NAME", "VRANGE", "HRANGE", "LPAR", "SHEET", "STRUCT", "REF_ERROR", "FUNC", "REFFUNC", "UDF"}
)

_CELL_PARTS = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_MAX_COL = 16384  # XFD
_MAX_ROW = 1048576


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One lexeme: ``type`` is the parser terminal name (``CELL``, ``LPAR``, ``OTHER``...)."""

    type: str
    text: str
    start: int
    end: int


def is_cell_text(text: str) -> bool:
    """Is ``text`` an A1 cell inside Excel's grid (column <= XFD, row <= 1048576)?"""
    m = _CELL_PARTS.fullmatch(text)
    if not m:
        return False
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return col <= _MAX_COL and 1 <= int(m.group(2)) <= _MAX_ROW


def cell_column(text: str) -> str | None:
    """The column of an A1 cell inside the grid as typed, with its ``$`` (``$A`` of ``$A$1``), or None."""
    m = _CELL_PARTS.fullmatch(text)
    return text[: m.end(1)] if m and is_cell_text(text) else None


def _structured_end(text: str, i: int) -> int:
    """End of a structured reference ``[...]`` starting at ``i`` (nested one level, ' escapes), or -1."""
    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'" and i + 1 < n:  # Excel escapes [ ] # ' inside column names with a single quote
            i += 2
            continue
        if ch == "\n":
            return -1
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _classify_func(name: str, builtins: frozenset[str], ref_functions: frozenset[str]) -> str:
    """FUNC (built-in), REFFUNC (built-in that may return a reference) or UDF (anything else)."""
    upper = name.upper()
    for prefix in ("_XLFN.", "_XLWS."):
        if upper.startswith(prefix):
            upper = upper[len(prefix) :]
    if upper in ref_functions:
        return "REFFUNC"
    if upper in builtins:
        return "FUNC"
    return "UDF"


def lex(text: str, builtins: frozenset[str], ref_functions: frozenset[str]) -> list[Lexeme]:
    """All lexemes of ``text`` including ``WS``; unknown characters become one-character ``OTHER``."""
    out: list[Lexeme] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "[":  # a structured reference (a file prefix "[1]Sheet!" was tried by SHEET below)
            m = _MASTER.match(text, i)
            if m is None or m.lastgroup != "SHEET":
                end = _structured_end(text, i)
                if end > 0:
                    out.append(Lexeme("STRUCT", text[i:end], i, end))
                    i = end
                    continue
                out.append(Lexeme("OTHER", ch, i, i + 1))
                i += 1
                continue
        m = _MASTER.match(text, i)
        if m is None:
            # An unclosed string or sheet quote, a stray bracket, $, emoji...: one character, then go on,
            # so the rest of the line still lexes as formula text the repair can work with.
            out.append(Lexeme("OTHER", ch, i, i + 1))
            i += 1
            continue
        kind = m.lastgroup or "OTHER"
        value = m.group()
        if kind == "SHEET" and ":" in value and not value.startswith("["):
            cell = _CELL_PARTS.match(text, i)
            if cell is not None and text.startswith(":", cell.end()) and is_cell_text(cell.group()):
                # "A1:Sheet2!B2" is a range, not a 3-D prefix: Excel quotes sheet names that look like cells
                out.append(Lexeme("CELL", cell.group(), i, cell.end()))
                i = cell.end()
                continue
        if kind == "SHEET_Q":
            kind = "SHEET"
        elif kind == "OP":
            kind = _OPS[value]
        elif kind == "ERROR":
            value = text[i : m.end()]
            kind = "REF_ERROR" if value.upper() == "#REF!" else "ERROR"
        elif kind == "FUNC":
            kind = _classify_func(value, builtins, ref_functions)
            if kind == "UDF" and is_cell_text(value):
                kind = "CELL"  # "A1(" is a cell followed by a parenthesis, not a user function
        elif kind == "CELL" and not is_cell_text(value):
            kind = "NAME"  # "ABCD1" / "A0" are outside the grid: Excel reads them as names
        out.append(Lexeme(kind, value, i, m.end()))
        i = m.end()
    return out

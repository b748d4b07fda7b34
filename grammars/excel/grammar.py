"""Excel formulas: a document is a text file whose every non-blank line is one formula (DESIGN.md).

Parsing is the LALR grammar of ``excel.lark`` (after XLParser, Aivaloglou et al. 2015) plus Excel's
entry-time checks (argument counts, reference-only parameters); tokens for the model are lexer-level:
built-in functions, operators, booleans and error literals as themselves, everything else a typed
placeholder (``<STRING>``, ``<NUMBER>``, ``<CELL>``, ``<NAME>``...).

The space intersection operator ("A1:B5 B2:C3") is not a model token: it is rare, and two adjacent
reference tokens already say where it is; the original spacing is kept by the span-based edits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..base import Grammar, IssueKind, Rewrite, SyntaxIssue, Token, TokenClass, placeholder
from ..rules import Rule, enabled, run_rewrites
from . import LANGUAGE
from .checks import CHECKS
from .functions import load_functions
from .lexer import ERROR_LITERALS, Lexeme, lex
from .parser import formula_error
from .retypes import retype_pairs, retype_text
from .rewrites import TOKEN_REWRITES, WINDOW_REWRITES

__all__ = ["ExcelGrammar"]

# lexeme type -> (model symbol, token class) for the open classes
_PLACEHOLDERS: dict[str, tuple[str, TokenClass]] = {
    "STRING": (placeholder("STRING"), TokenClass.STRING),
    "NUMBER": (placeholder("NUMBER"), TokenClass.NUMBER),
    "CELL": (placeholder("CELL"), TokenClass.REFERENCE),
    "VRANGE": (placeholder("COLUMNS"), TokenClass.REFERENCE),
    "HRANGE": (placeholder("ROWS"), TokenClass.REFERENCE),
    "SHEET": (placeholder("SHEET"), TokenClass.REFERENCE),
    "STRUCT": (placeholder("TABLE"), TokenClass.REFERENCE),
    "QUOTED": (placeholder("ITEM"), TokenClass.REFERENCE),
    "NAME": (placeholder("NAME"), TokenClass.NAME),
    "UDF": (placeholder("NAME"), TokenClass.NAME),
}
_FILLERS = {
    "<STRING>": '""',
    "<NUMBER>": "0",
    "<CELL>": "A1",
    "<COLUMNS>": "A:A",
    "<ROWS>": "1:1",
    "<SHEET>": "Sheet1!",
    "<TABLE>": "[#All]",
    "<ITEM>": "'item'",
    "<NAME>": "name",
}
_OPERATOR_TEXTS = frozenset(
    {"=", "<>", "<", ">", "<=", ">=", "+", "-", "*", "/", "^", "&", "%", ":", "@", "#"}
)
_PUNCT_TEXTS = ("(", ")", ",", ";", "{", "}", "!")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LINE = re.compile(r"[^\n]+")
_LAYOUT = " \t\r"


def _model_token(lx: Lexeme) -> Token:
    """The model's view of one lexeme (closed symbol or typed placeholder) with its exact span."""
    kind = lx.type
    if kind in _PLACEHOLDERS:
        symbol, cls = _PLACEHOLDERS[kind]
        return Token(symbol, lx.text, lx.start, lx.end, cls)
    if kind in ("FUNC", "REFFUNC"):
        upper = lx.text.upper()
        if upper.startswith(("_XLFN.", "_XLWS.")):  # stored prefix of post-2007 functions: not typed by users
            return Token(placeholder("NAME"), lx.text, lx.start, lx.end, TokenClass.NAME)
        return Token(upper, lx.text, lx.start, lx.end, TokenClass.NAME)
    if kind in ("BOOL", "ERROR", "REF_ERROR"):
        return Token(lx.text.upper(), lx.text, lx.start, lx.end, TokenClass.KEYWORD)
    if kind == "OTHER":
        symbol = lx.text if lx.text in _ASCII_PUNCT else placeholder("OTHER")
        return Token(symbol, lx.text, lx.start, lx.end, TokenClass.OTHER)
    cls = TokenClass.OPERATOR if lx.text in _OPERATOR_TEXTS else TokenClass.PUNCT
    return Token(lx.text, lx.text, lx.start, lx.end, cls)


class ExcelGrammar(Grammar):
    """Excel formulas, one per non-blank line."""

    language = LANGUAGE

    def __init__(self, cache_size: int = 16384, without: Iterable[str] = ()) -> None:
        self._functions = load_functions()
        self._cache_size = cache_size
        off = frozenset(without)
        self._checks = enabled(CHECKS, off)
        self._token_rewrites = enabled(TOKEN_REWRITES, off)
        self._window_rewrites = enabled(WINDOW_REWRITES, off)
        # Editors re-check the whole document on every keystroke while only one line changed: results are
        # memoised per formula text (offset 0), so a 1,000-line document costs one parse plus lookups.
        self._formula_error = functools.lru_cache(maxsize=cache_size)(
            functools.partial(formula_error, checks=self._checks)
        )

    def rules(self) -> tuple[Rule[Any], ...]:
        return self._token_rewrites + self._window_rewrites + self._checks

    def _without(self, off: frozenset[str]) -> ExcelGrammar:
        own = {r.name for r in CHECKS + TOKEN_REWRITES + WINDOW_REWRITES}
        return ExcelGrammar(self._cache_size, (own - {r.name for r in self.rules()}) | off)

    def statements(self, text: str) -> list[tuple[int, int]]:
        """Each non-blank line, without its surrounding whitespace (a trailing \\r included)."""
        spans = []
        for m in _LINE.finditer(text):
            line = m.group()
            stripped = line.strip(_LAYOUT)  # the lexer's whitespace only, so spans and tokens agree
            if stripped:
                start = m.start() + (len(line) - len(line.lstrip(_LAYOUT)))
                spans.append((start, start + len(stripped)))
        return spans

    def errors(self, text: str) -> list[SyntaxIssue]:
        """At most one issue per formula (Excel, too, reports the first problem it meets)."""
        issues = []
        for start, end in self.statements(text):
            try:
                err = self._formula_error(text[start:end])
            except Exception as e:  # noqa: BLE001 - a diagnostics pass must never take the editor down
                message = f"could not check this formula ({type(e).__name__})"
                issues.append(SyntaxIssue(start, end, message, IssueKind.OTHER))
                continue
            if err is not None:
                issues.append(err if start == 0 else err.moved(start))
        return issues

    def is_valid(self, text: str) -> bool:
        """Every formula of the document passes the grammar and Excel's entry checks."""
        return not self.errors(text)

    def tokenize(self, text: str) -> list[Token]:
        return [_model_token(lx) for lx in self._lexemes(text) if lx.type != "WS"]

    def _lexemes(self, text: str) -> list[Lexeme]:
        return lex(text, self._functions.names, self._functions.reference_functions)

    def filler(self, symbol: str) -> str:
        return _FILLERS.get(symbol, "")

    def retype(self, text: str, tokens: Sequence[Token], i1: int, i2: int, symbol: str) -> str | None:
        return retype_text(text, tokens, i1, i2, symbol)

    def retype_pairs(self) -> frozenset[tuple[str, str]]:
        return retype_pairs()

    def rewrites(self, text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
        return run_rewrites(self._token_rewrites, self._window_rewrites, text, tokens, first, last)

    def closed_symbols(self) -> tuple[str, ...]:
        """Every built-in function, TRUE/FALSE, the error literals and all operators and punctuation."""
        symbols = (
            *sorted(self._functions.names),
            "TRUE",
            "FALSE",
            *ERROR_LITERALS,
            *sorted(_OPERATOR_TEXTS),
            *_PUNCT_TEXTS,
        )
        return tuple(dict.fromkeys(symbols))

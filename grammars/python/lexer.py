"""A Python lexer that never raises: regex tokens plus NEWLINE/INDENT/DEDENT computed like CPython's.

CPython's ``tokenize`` module raises on exactly the code lastfix exists for (unterminated strings,
inconsistent dedents, unclosed brackets at EOF), so this lexer re-implements the same rules
(Python Language Reference 2.1 "Line structure") leniently:

* ``<NEWLINE>`` ends a logical line outside brackets; its span covers the line break it stands for
  (zero-width at the end of the text when the last line has no break). Blank and comment-only lines
  and line breaks inside brackets or after a backslash are whitespace, as in CPython.
* ``<INDENT>`` / ``<DEDENT>`` are zero-width at the first token of the line whose indentation changes
  (CPython puts them at the same place). A dedent to a column that is on no outer level (CPython's
  "unindent does not match") yields DEDENTs to the next lower level and then an INDENT, so the broken
  layout is visible in the tokens and a repair can delete it.
* Layout tokens carry an empty ``text``: they are structure, not lexemes (the vocabulary never promotes
  them), and ``text[t.start:t.end] == t.text`` holds for every other token.
* Unterminated strings run to the end of their line (triple-quoted ones to the end of the text); a stray
  closing bracket never drives the nesting depth below zero.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from ..base import Token, TokenClass

__all__ = [
    "NEWLINE",
    "INDENT",
    "DEDENT",
    "NAME",
    "STRING",
    "NUMBER",
    "OTHER",
    "KEYWORDS",
    "SOFT_KEYWORDS",
    "OPERATORS",
    "LexerConfig",
    "lex",
]

NEWLINE, INDENT, DEDENT = "<NEWLINE>", "<INDENT>", "<DEDENT>"
NAME, STRING, NUMBER, OTHER = "<NAME>", "<STRING>", "<NUMBER>", "<OTHER>"

KEYWORDS: frozenset[str] = frozenset(keyword.kwlist)
# Soft keywords are keywords only in statement position (PEP 634); elsewhere ``match`` is a name.
SOFT_KEYWORDS: frozenset[str] = frozenset({"match", "case"})

# Longest first, so that the alternation takes ``**=`` before ``**`` before ``*``. ``<>`` is Python 2's
# inequality: kept as one token so the repair of ``a <> b`` is a single substitution.
OPERATORS: tuple[str, ...] = tuple(
    sorted(
        """**= //= >>= <<= ... -> := != == <= >= ** // << >> += -= *= /= %= &= |= ^= @= <>
    + - * / % @ & | ^ ~ < > ( ) [ ] { } , : ; . =""".split(),
        key=len,
        reverse=True,
    )
)
_OPEN, _CLOSE = "([{", ")]}"
_PUNCT = frozenset("()[]{},:;.") | {"->", "..."}

_STRING_PREFIX = r"(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?"
_STRING = (
    _STRING_PREFIX
    + r"""(?:'''(?:[^\\]|\\.|\\\n)*?(?:'''|\Z)"""
    + r'''|"""(?:[^\\]|\\.|\\\n)*?(?:"""|\Z)'''
    + r"""|'(?:[^\\'\r\n]|\\\r\n|\\.|\\\n)*'?"""
    + r"""|"(?:[^\\"\r\n]|\\\r\n|\\.|\\\n)*"?)"""
)
_NUMBER = (
    r"0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+"
    r"|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?"
)
_MASTER = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\f]+)",
            r"(?P<cont>\\(?:\r\n|\r|\n))",
            r"(?P<nl>\r\n|\r|\n)",
            r"(?P<comment>#[^\r\n]*)",
            rf"(?P<string>{_STRING})",
            rf"(?P<number>{_NUMBER})",
            r"(?P<name>[^\W\d]\w*)",
            "(?P<op>" + "|".join(re.escape(o) for o in OPERATORS) + ")",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class LexerConfig:
    """How the lexer measures indentation; CPython counts a tab as up to the next multiple of 8."""

    tab_size: int = 8


def _column(whitespace: str, tab_size: int) -> int:
    col = 0
    for ch in whitespace:
        if ch == "\t":
            col = (col // tab_size + 1) * tab_size
        elif ch == "\f":
            col = 0  # CPython resets the column at a form feed
        else:
            col += 1
    return col


def _classify(kind: str, value: str) -> tuple[str, TokenClass]:
    if kind == "name":
        if value in KEYWORDS:
            return value, TokenClass.KEYWORD
        return NAME, TokenClass.NAME
    if kind == "string":
        return STRING, TokenClass.STRING
    if kind == "number":
        return NUMBER, TokenClass.NUMBER
    if kind == "op":
        return value, TokenClass.PUNCT if value in _PUNCT else TokenClass.OPERATOR
    # Stray ASCII characters ($ ? ! `) are kept as themselves; anything else is one open class.
    if value.isascii() and value.isprintable() and not value.isspace():
        return value, TokenClass.OTHER
    return OTHER, TokenClass.OTHER


def lex(text: str, config: LexerConfig = LexerConfig()) -> list[Token]:
    """Tokens of ``text`` with layout tokens; comments and insignificant whitespace are dropped."""
    tokens: list[Token] = []
    stack = [0]  # indentation columns of the open blocks
    depth = 0  # bracket nesting: line breaks inside brackets are whitespace
    line_start = 0  # offset of the current physical line
    at_line_start = True  # no token yet on the current logical line
    pos = 0
    n = len(text)
    while pos < n:
        m = _MASTER.match(text, pos)
        assert m is not None  # (?P<other>.) with DOTALL matches any character
        kind = m.lastgroup or "other"
        value = m.group()
        end = m.end()
        if kind == "nl":
            if not at_line_start and depth == 0:
                tokens.append(Token(NEWLINE, "", pos, end, TokenClass.LAYOUT))
                at_line_start = True
            line_start = end
        elif kind == "cont":
            line_start = end
        elif kind in ("ws", "comment"):
            pass
        else:
            if at_line_start:
                col = (
                    _column(text[line_start:pos], config.tab_size)
                    if text[line_start:pos].strip(" \t\f") == ""
                    else 0
                )
                if col > stack[-1]:
                    stack.append(col)
                    tokens.append(Token(INDENT, "", pos, pos, TokenClass.LAYOUT))
                else:
                    while col < stack[-1]:
                        stack.pop()
                        tokens.append(Token(DEDENT, "", pos, pos, TokenClass.LAYOUT))
                    if col > stack[-1]:  # "unindent does not match any outer indentation level"
                        stack.append(col)
                        tokens.append(Token(INDENT, "", pos, pos, TokenClass.LAYOUT))
                at_line_start = False
            sym, cls = _classify(kind, value)
            if kind == "op":
                if value in _OPEN:
                    depth += 1
                elif value in _CLOSE:
                    depth = max(0, depth - 1)
            tokens.append(Token(sym, value, pos, end, cls))
            if kind == "string" and ("\n" in value or "\r" in value):
                line_start = max(value.rfind("\n"), value.rfind("\r")) + 1 + pos
        pos = end
    if not at_line_start:
        tokens.append(Token(NEWLINE, "", n, n, TokenClass.LAYOUT))
    for _ in stack[1:]:
        tokens.append(Token(DEDENT, "", n, n, TokenClass.LAYOUT))
    _mark_soft_keywords(tokens)
    return tokens


def _mark_soft_keywords(tokens: list[Token]) -> None:
    """``match``/``case`` opening a logical line with a ':' outside brackets are keywords (PEP 634)."""
    first = 0
    for i, t in enumerate(tokens):
        if t.kind != NEWLINE:
            continue
        while first < i and tokens[first].cls is TokenClass.LAYOUT:
            first += 1
        head = tokens[first] if first < i - 2 else None
        if head is not None and head.text in SOFT_KEYWORDS and tokens[first + 1].kind not in _NOT_AFTER_SOFT:
            depth = 0
            for t2 in tokens[first + 1 : i]:
                if t2.kind in _OPEN:
                    depth += 1
                elif t2.kind in _CLOSE:
                    depth -= 1
                elif t2.kind == ":" and depth == 0:
                    tokens[first] = Token(head.text, head.text, head.start, head.end, TokenClass.KEYWORD)
                    break
        first = i + 1


# A soft keyword followed by one of these is a name being assigned, accessed or called with a slice.
_NOT_AFTER_SOFT = frozenset({"=", ".", ",", ")", "]", "}", ":", NEWLINE}) | {
    o for o in OPERATORS if o.endswith("=") and o not in ("==", "!=", "<=", ">=")
}

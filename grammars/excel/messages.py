"""Human messages for an LALR parse failure: what is missing or unexpected, phrased from Lark's expected set.

Lark's UnexpectedToken says which terminal arrived and which terminals the state could take; users think
in "missing ')'" and "unexpected ','", so the failing token, its neighbours and the brackets still open
decide the words, like Excel's own "There's a problem with this formula" hints and the message style of
rustc/TypeScript (what, where; short).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lark import Token

__all__ = ["Failure", "describe_failure", "describe_token"]

_OPERATORS = frozenset(
    {"EQ", "NE", "LT", "GT", "LE", "GE", "PLUS", "MINUS", "STAR", "SLASH", "CARET", "AMP", "COLON", "AT"}
)
_OPERAND_END = frozenset(
    {
        "NUMBER",
        "STRING",
        "BOOL",
        "ERROR",
        "REF_ERROR",
        "CELL",
        "VRANGE",
        "HRANGE",
        "NAME",
        "STRUCT",
        "RPAR",
        "RBRACE",
        "PERCENT",
        "HASH",
    }
)
_OPERAND_START = frozenset(
    {
        "NUMBER",
        "STRING",
        "BOOL",
        "ERROR",
        "REF_ERROR",
        "CELL",
        "VRANGE",
        "HRANGE",
        "NAME",
        "STRUCT",
        "SHEET",
        "FUNC",
        "REFFUNC",
        "UDF",
        "LPAR",
        "LBRACE",
    }
)
_FUNCTIONS = frozenset({"FUNC", "REFFUNC", "UDF"})
_BINARY = frozenset({"EQ", "NE", "LT", "GT", "LE", "GE", "STAR", "SLASH", "CARET", "AMP", "PERCENT"})


@dataclass(frozen=True)
class Failure:
    """Where the LALR parser stopped: ``tokens[index]`` was refused (index == len(tokens): end of formula)."""

    tokens: Sequence[Token]
    index: int
    expected: frozenset[str]


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_token(tok: Token) -> str:
    """A token in words: "number 5", "reference A1", "function SUM", "','"."""
    kind, text = tok.type, str(tok)
    if kind == "NUMBER":
        return f"number {_short(text)}"
    if kind == "STRING":
        return f"string {_short(text)}"
    if kind in ("CELL", "VRANGE", "HRANGE", "STRUCT"):
        return f"reference {_short(text)}"
    if kind == "SHEET":
        return f"sheet prefix {_short(text)}"
    if kind == "NAME":
        return f"name {_short(text)}"
    if kind in _FUNCTIONS:
        return f"function {text.upper()}"
    if kind in ("BOOL", "ERROR", "REF_ERROR"):
        return text.upper()
    if kind == "INTERSECT":
        return "space"
    return f"'{text}'"


def _open_brackets(tokens: Sequence[Token], upto: int) -> list[str]:
    """Brackets open before ``tokens[upto]``: "f(" for a call's, "(" for plain, "{" for arrays."""
    stack: list[str] = []
    for i in range(upto):
        kind = tokens[i].type
        if kind == "LPAR":
            stack.append("f(" if i > 0 and tokens[i - 1].type in _FUNCTIONS else "(")
        elif kind == "LBRACE":
            stack.append("{")
        elif kind in ("RPAR", "RBRACE") and stack:
            stack.pop()
    return stack


def _span(tok: Token) -> tuple[int, int]:
    return tok.start_pos or 0, tok.end_pos or 0


def describe_failure(f: Failure) -> tuple[int, int, str]:
    """(start, end, message) for the refused token; at the end of the formula the last token's span."""
    tokens = f.tokens
    stack = _open_brackets(tokens, f.index)
    prev = tokens[f.index - 1] if f.index > 0 else None
    prev_kind = prev.type if prev is not None else ""
    if f.index >= len(tokens):
        start, end = _span(tokens[-1])
        if prev_kind in _OPERATORS or prev_kind == "COMMA" and stack[-1:] == ["{"]:
            return start, end, f"missing operand after '{prev}'"
        if prev_kind == "SHEET":
            return start, end, f"missing reference after '{prev}'"
        if stack:
            return start, end, "missing '}'" if stack[-1] == "{" else "missing ')'"
        return start, end, "incomplete formula"
    tok = tokens[f.index]
    start, end = _span(tok)
    kind = tok.type
    line_end = tokens[-1].end_pos or end
    if kind == "OTHER":
        text = str(tok)
        if text == '"':
            return start, line_end, "unclosed string"
        if text == "'":
            return start, line_end, "unclosed quote in sheet name"
        if text == "[":
            return start, line_end, "unclosed '['"
        return start, end, f"unexpected character '{text}'"
    if kind == "SEMI":
        if stack[-1:] == ["f("]:
            return start, end, "unexpected ';' (Excel uses ',' between arguments)"
        return start, end, "unexpected ';'"
    if kind == "EQ" and f.index == 1 and prev_kind == "EQ":
        return start, end, "unexpected '=' (the formula already starts with '=')"
    if prev_kind == "SHEET":
        return start, end, f"expected a reference after '{prev}', got {describe_token(tok)}"
    if prev_kind == "COLON":
        return start, end, f"expected a reference after ':', got {describe_token(tok)}"
    if kind == "COLON":
        what = describe_token(prev) if prev is not None else "nothing"
        return start, end, f"':' joins references, not {what}"
    if kind == "INTERSECT":
        nxt = tokens[f.index + 1]
        where = "',' or operator" if stack[-1:] == ["f("] else "operator"
        return (*_span(nxt), f"missing {where} before {describe_token(nxt)}")
    if kind in _BINARY and (prev_kind in ("LPAR", "COMMA") or (f.index == 1 and prev_kind == "EQ")):
        return start, end, f"missing operand before '{tok}'"
    if kind == "RBRACE" and prev_kind == "LBRACE":
        return start, end, "empty array"
    if prev_kind in _OPERATORS and kind not in _OPERAND_START:
        return start, end, f"missing operand after '{prev}'"
    if kind == "RPAR":
        if not stack:
            return start, end, "unmatched ')'"
        if prev_kind == "LPAR":
            return start, end, "empty parentheses"
        if stack[-1] == "{":
            return start, end, "missing '}'"
    if kind == "RBRACE" and "{" not in stack:
        return start, end, "unmatched '}'"
    if kind == "COMMA":
        if not stack:
            return start, end, "unexpected ',' outside parentheses"
        if stack[-1] == "(":
            return start, end, "unexpected ',' inside parentheses that are not a function call"
    if prev_kind == "COMMA" and stack[-1:] == ["("]:
        return start, end, f"unexpected {describe_token(tok)}: ',' in plain parentheses joins references only"
    if stack[-1:] == ["{"] and kind in _OPERAND_START:
        return start, end, f"unexpected {describe_token(tok)}: arrays hold only constants"
    if prev_kind in _OPERAND_END and kind in _OPERAND_START:
        where = "',' or operator" if stack[-1:] == ["f("] else "operator"
        return start, end, f"missing {where} before {describe_token(tok)}"
    return start, end, f"unexpected {describe_token(tok)}{_expected_words(f.expected)}"


_PUNCT_WORDS = {"RPAR": "')'", "COMMA": "','", "RBRACE": "'}'", "SEMI": "';'", "LPAR": "'('", "COLON": "':'"}


def _expected_words(expected: frozenset[str]) -> str:
    """ "; expected ')' or ','" when Lark's expected set is a few punctuation marks, else nothing."""
    if not expected or len(expected) > 3 or not expected <= _PUNCT_WORDS.keys():
        return ""
    words = sorted(_PUNCT_WORDS[e] for e in expected)
    return "; expected " + " or ".join(words)

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

from ..base import IssueKind, SyntaxIssue

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
MISSING, UNEXPECTED = IssueKind.MISSING, IssueKind.UNEXPECTED
_COMMA = (",",)
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


def _symbol(tok: Token, words: str) -> str | None:
    """The token as a symbol when its words (describe_token) quote it (punctuation, operators), else None:
    content is described, not named."""
    return str(tok) if words[:1] == "'" else None


def describe_failure(f: Failure) -> SyntaxIssue:
    """The issue of the refused token (offsets into the formula); at the end of the formula the last
    token's span. The fields carry the symbols the message names."""
    tokens = f.tokens
    stack = _open_brackets(tokens, f.index)
    prev = tokens[f.index - 1] if f.index > 0 else None
    prev_kind = prev.type if prev is not None else ""
    if f.index >= len(tokens):
        start, end = _span(tokens[-1])
        if prev_kind in _OPERATORS or prev_kind == "COMMA" and stack[-1:] == ["{"]:
            return _missing_after(start, end, "operand", prev)
        if prev_kind == "SHEET":
            return _missing_after(start, end, "reference", prev)
        if stack:
            closer = "}" if stack[-1] == "{" else ")"
            return SyntaxIssue(start, end, f"missing '{closer}'", MISSING, expected=(closer,))
        return SyntaxIssue(start, end, "incomplete formula", MISSING)
    tok = tokens[f.index]
    start, end = _span(tok)
    kind = tok.type
    line_end = tokens[-1].end_pos or end
    if kind == "OTHER":
        text = str(tok)
        if text == '"':
            return SyntaxIssue(start, line_end, "unclosed string", IssueKind.UNCLOSED_STRING, found=text)
        if text == "'":  # a sheet name's quote: the message names no symbol to close it with
            return SyntaxIssue(start, line_end, "unclosed quote in sheet name", IssueKind.UNCLOSED)
        if text == "[":
            return SyntaxIssue(
                start, line_end, "unclosed '['", IssueKind.UNCLOSED, expected=("]",), found=text
            )
        return SyntaxIssue(start, end, f"unexpected character '{text}'", UNEXPECTED, found=text)
    if kind == "SEMI":
        if stack[-1:] == ["f("]:
            message = "unexpected ';' (Excel uses ',' between arguments)"
            return SyntaxIssue(start, end, message, UNEXPECTED, expected=(",",), found=";")
        return SyntaxIssue(start, end, "unexpected ';'", UNEXPECTED, found=";")
    if kind == "EQ" and f.index == 1 and prev_kind == "EQ":
        message = "unexpected '=' (the formula already starts with '=')"
        return SyntaxIssue(start, end, message, UNEXPECTED, found="=")
    if prev_kind in ("SHEET", "COLON"):
        words = describe_token(tok)
        message = f"expected a reference after '{prev}', got {words}"
        return SyntaxIssue(
            start, end, message, MISSING, found=_symbol(tok, words), expected_argument="reference"
        )
    if kind == "COLON":
        what = describe_token(prev) if prev is not None else "nothing"
        message = f"':' joins references, not {what}"
        return SyntaxIssue(
            start, end, message, IssueKind.OPERAND_KIND, found=":", expected_argument="reference"
        )
    if kind == "INTERSECT":
        nxt = tokens[f.index + 1]
        return _missing_before(*_span(nxt), stack, nxt)
    if kind in _BINARY and (prev_kind in ("LPAR", "COMMA") or (f.index == 1 and prev_kind == "EQ")):
        message = f"missing operand before '{tok}'"
        return SyntaxIssue(start, end, message, MISSING, found=str(tok), expected_argument="operand")
    if kind == "RBRACE" and prev_kind == "LBRACE":
        return SyntaxIssue(start, end, "empty array", MISSING, expected_argument="constant")
    if prev_kind in _OPERATORS and kind not in _OPERAND_START:
        return _missing_after(start, end, "operand", prev)
    if kind == "RPAR":
        if not stack:
            return SyntaxIssue(start, end, "unmatched ')'", IssueKind.UNMATCHED, found=")")
        if prev_kind == "LPAR":
            return SyntaxIssue(start, end, "empty parentheses", MISSING, expected_argument="operand")
        if stack[-1] == "{":
            return SyntaxIssue(start, end, "missing '}'", MISSING, expected=("}",))
    if kind == "RBRACE" and "{" not in stack:
        return SyntaxIssue(start, end, "unmatched '}'", IssueKind.UNMATCHED, found="}")
    if kind == "COMMA":
        if not stack:
            return SyntaxIssue(start, end, "unexpected ',' outside parentheses", UNEXPECTED, found=",")
        if stack[-1] == "(":
            message = "unexpected ',' inside parentheses that are not a function call"
            return SyntaxIssue(start, end, message, UNEXPECTED, found=",")
    if prev_kind == "COMMA" and stack[-1:] == ["("]:
        # the ',' is what the message blames: in plain parentheses it joins references only
        message = f"unexpected {describe_token(tok)}: ',' in plain parentheses joins references only"
        return SyntaxIssue(start, end, message, UNEXPECTED, found=",")
    if stack[-1:] == ["{"] and kind in _OPERAND_START:
        words = describe_token(tok)
        message = f"unexpected {words}: arrays hold only constants"
        return SyntaxIssue(start, end, message, UNEXPECTED, found=_symbol(tok, words))
    if prev_kind in _OPERAND_END and kind in _OPERAND_START:
        return _missing_before(start, end, stack, tok)
    expected = _expected_symbols(f.expected)
    words = describe_token(tok)
    wanted = "; expected " + " or ".join(f"'{e}'" for e in expected) if expected else ""
    message = f"unexpected {words}{wanted}"
    return SyntaxIssue(start, end, message, UNEXPECTED, expected=expected, found=_symbol(tok, words))


def _missing_after(start: int, end: int, what: str, prev: Token | None) -> SyntaxIssue:
    """ "missing operand after '+'": the operator is where, not what."""
    return SyntaxIssue(start, end, f"missing {what} after '{prev}'", MISSING, expected_argument=what)


def _missing_before(start: int, end: int, stack: Sequence[str], tok: Token) -> SyntaxIssue:
    """Two operands side by side: an argument separator (inside a call) or an operator is missing."""
    in_call = stack[-1:] == ["f("]
    where = "',' or operator" if in_call else "operator"
    words = describe_token(tok)
    return SyntaxIssue(
        start,
        end,
        f"missing {where} before {words}",
        MISSING,
        expected=_COMMA if in_call else (),
        found=_symbol(tok, words),
        expected_argument="operator",
    )


_PUNCT_SYMBOLS = {"RPAR": ")", "COMMA": ",", "RBRACE": "}", "SEMI": ";", "LPAR": "(", "COLON": ":"}


def _expected_symbols(expected: frozenset[str]) -> tuple[str, ...]:
    """The symbols of Lark's expected set when it is a few punctuation marks (in the order the message
    names them), else none."""
    if not expected or len(expected) > 3 or not expected <= _PUNCT_SYMBOLS.keys():
        return ()
    return tuple(sorted((_PUNCT_SYMBOLS[e] for e in expected), key=lambda s: f"'{s}'"))

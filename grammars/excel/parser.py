"""Parse one Excel formula with the LALR grammar (excel.lark) and report its first syntax error.

The lexemes come from :mod:`grammars.excel_lexer`; this module turns them into parser tokens (deciding
where a space is the intersection operator), feeds Lark's LALR parser token by token, and on success runs
the entry-time checks Excel itself makes (argument counts, reference-only parameters;
:mod:`grammars.excel_checks`). Excel reports one problem per formula, and so do we.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import GrammarError as LarkGrammarError
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from ..base import IssueKind, SyntaxIssue
from ..errors import GrammarError
from .checks import CHECKS, CallCheck, check_calls
from .functions import load_functions
from .lexer import REF_END, REF_START, Lexeme, lex
from .messages import Failure, describe_failure

__all__ = ["FormulaError", "parse_formula", "formula_error", "parser_tokens", "build_parser"]


# The first problem in one formula: a syntax issue with offsets into the text the formula was lexed from.
FormulaError = SyntaxIssue


class _NoLexer(Lexer):
    """Lark needs a lexer class; ours runs before the parser, so this one is never asked for tokens."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, lexer_state: object, parser_state: object) -> Iterator[Token]:  # pragma: no cover - unused
        return iter(())


@functools.cache
def build_parser() -> Lark:
    """The LALR parser, built once per process (Lark's cache=True needs a writable package dir)."""
    try:
        grammar = resources.files("lastfix.grammars.excel").joinpath("excel.lark").read_text(encoding="utf-8")
        return Lark(grammar, parser="lalr", lexer=_NoLexer, maybe_placeholders=True)
    except (OSError, LarkGrammarError) as e:
        raise GrammarError(
            f"cannot build the Excel grammar from grammars/excel/excel.lark ({e}); reinstall lastfix"
        ) from None


def parser_tokens(lexemes: Sequence[Lexeme]) -> list[Token]:
    """Lark tokens for non-space lexemes, with ``INTERSECT`` for a space between two references."""
    out: list[Token] = []
    prev: Lexeme | None = None
    pending_space: Lexeme | None = None
    for lx in lexemes:
        if lx.type == "WS":
            pending_space = lx
            continue
        if pending_space is not None and prev is not None and prev.type in REF_END and lx.type in REF_START:
            out.append(
                Token(
                    "INTERSECT", pending_space.text, start_pos=pending_space.start, end_pos=pending_space.end
                )
            )
        pending_space = None
        out.append(Token(lx.type, lx.text, start_pos=lx.start, end_pos=lx.end))
        prev = lx
    return out


def _strip_entry_syntax(tokens: list[Token]) -> tuple[list[Token], FormulaError | None]:
    """Tokens the grammar's ``start: EQ expr`` sees: ``{=...}`` unwrapped, a leading + or - given its '='.

    Excel accepts typing "+A1" or "-A1" (Lotus habit) and stores "=+A1"; "{=...}" is how Excel shows an
    array (CSE) formula, which users paste.
    """
    first = tokens[0]
    if len(tokens) >= 3 and first.type == "LBRACE" and tokens[1].type == "EQ" and tokens[-1].type == "RBRACE":
        return tokens[1:-1], None
    if first.type in ("PLUS", "MINUS"):
        eq = Token("EQ", "", start_pos=first.start_pos, end_pos=first.start_pos)
        return [eq, *tokens], None
    if first.type != "EQ":
        message = "formula must start with '='"
        return tokens, FormulaError(first.start_pos or 0, first.end_pos or 0, message, IssueKind.MISSING)
    return tokens, None


def parse_formula(
    lexemes: Sequence[Lexeme], checks: Sequence[CallCheck] = CHECKS
) -> tuple[Tree[Token] | None, FormulaError | None]:
    """Parse tree, or the first error; lexemes of one formula (no newline inside); ``checks``: the entry
    checks that run on a formula the grammar accepts."""
    tokens = parser_tokens(lexemes)
    if not tokens:
        return None, None
    tokens, entry_error = _strip_entry_syntax(tokens)
    if entry_error is not None:
        return None, entry_error
    state = build_parser().parse_interactive().parser_state
    index = 0
    try:
        for index, tok in enumerate(tokens):  # noqa: B007 - index is read in the handler
            state.feed_token(tok)
        last = tokens[-1]
        index = len(tokens)
        tree = state.feed_token(Token.new_borrow_pos("$END", "", last), True)
    except UnexpectedToken as e:
        return None, describe_failure(Failure(tokens, index, frozenset(e.expected)))
    except UnexpectedInput as e:  # pragma: no cover - the custom lexer leaves only UnexpectedToken
        pos = tokens[min(index, len(tokens) - 1)]
        return None, FormulaError(pos.start_pos or 0, pos.end_pos or 0, f"syntax error ({type(e).__name__})")
    return tree, check_calls(tree, load_functions(), checks)


def formula_error(text: str, offset: int = 0, checks: Sequence[CallCheck] = CHECKS) -> FormulaError | None:
    """First error of the formula ``text`` (one line); offsets shifted by ``offset``."""
    table = load_functions()
    lexemes = lex(text, table.names, table.reference_functions)
    _, error = parse_formula(lexemes, checks)
    if error is None or offset == 0:
        return error
    return error.moved(offset)

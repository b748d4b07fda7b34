"""The toy language: numbers, double-quoted strings, ``true``/``false``/``null``, lists ``[a, b]`` and
objects ``{"k": v}``; every non-blank line is one value (one statement, like Excel's one formula a line).

The parser is a small recursive descent over one line's tokens that stops at the first problem and words
it the way every lastfix grammar does ("missing ']'", "unexpected ','"), so the repair search's hints
(model_runtime.hints) read it like any other language's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NoReturn

from lastfix.grammars.base import Grammar, SyntaxIssue, Token

from . import LANGUAGE
from .lexer import KEYWORDS, PUNCTUATION, lex

__all__ = ["ToyJsonGrammar"]

_LINE = re.compile(r"[^\n]+")
_LAYOUT = " \t\r"
_SCALARS = frozenset({"<STRING>", "<NUMBER>", *KEYWORDS})
_FILLERS = {"<STRING>": '""', "<NUMBER>": "0"}


class _Stop(Exception):
    """The first problem of a value: parsing stops there."""

    def __init__(self, issue: SyntaxIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class _ValueParser:
    """Recursive descent over the tokens of one line; :meth:`check` returns its first issue or None."""

    def __init__(self, tokens: Sequence[Token], end: int) -> None:
        self.tokens = tokens
        self.end = end  # offset of the line's end: where a missing token is reported
        self.i = 0

    def check(self) -> SyntaxIssue | None:
        try:
            self.value()
            if self.i < len(self.tokens):
                self.unexpected()
        except _Stop as stop:
            return stop.issue
        return None

    # ----- reporting ----------------------------------------------------------------------------

    def missing(self, what: str) -> NoReturn:
        """Report ``what`` missing: at the next token, or as a point at the end of the line."""
        if self.i < len(self.tokens):
            t = self.tokens[self.i]
            raise _Stop(SyntaxIssue(start=t.start, end=t.end, message=f"missing {what}"))
        end = self.tokens[-1].end if self.tokens else self.end
        raise _Stop(SyntaxIssue(start=end, end=end, message=f"missing {what}"))

    def unexpected(self) -> NoReturn:
        t = self.tokens[self.i]
        raise _Stop(SyntaxIssue(start=t.start, end=t.end, message=f"unexpected '{t.text}'"))

    def peek(self) -> str | None:
        return self.tokens[self.i].kind if self.i < len(self.tokens) else None

    # ----- the grammar ------------------------------------------------------------------------

    def value(self) -> None:
        kind = self.peek()
        if kind is None:
            self.missing("value")
        elif kind == "[":
            self.sequence("]", self.value)
        elif kind == "{":
            self.sequence("}", self.member)
        elif kind in _SCALARS:
            t = self.tokens[self.i]
            if kind == "<STRING>" and (len(t.text) < 2 or not t.text.endswith('"')):
                raise _Stop(SyntaxIssue(start=t.start, end=t.end, message="unterminated string"))
            self.i += 1
        else:
            self.unexpected()

    def member(self) -> None:
        if self.peek() is None:
            self.missing("string key")
        if self.peek() != "<STRING>":
            self.unexpected()
        self.value()  # the key: a string, terminated or reported
        if self.peek() != ":":
            self.missing("':'")
        self.i += 1
        self.value()

    def sequence(self, close: str, item: Callable[[], None]) -> None:
        """``[`` or ``{`` (at the cursor), items separated by commas, then ``close``."""
        self.i += 1
        if self.peek() is None:
            self.missing(f"'{close}'")
        if self.peek() == close:
            self.i += 1
            return
        while True:
            item()
            kind = self.peek()
            if kind == ",":
                self.i += 1
            elif kind == close:
                self.i += 1
                return
            elif kind is None:
                self.missing(f"'{close}'")
            elif kind in PUNCTUATION:
                self.unexpected()
            else:  # another value where a separator belongs
                self.missing(f"',' or '{close}'")


class ToyJsonGrammar(Grammar):
    """JSON-like values, one per non-blank line."""

    language = LANGUAGE

    def statements(self, text: str) -> list[tuple[int, int]]:
        """Each non-blank line without its surrounding whitespace."""
        spans = []
        for m in _LINE.finditer(text):
            line = m.group()
            stripped = line.strip(_LAYOUT)
            if stripped:
                start = m.start() + len(line) - len(line.lstrip(_LAYOUT))
                spans.append((start, start + len(stripped)))
        return spans

    def errors(self, text: str) -> list[SyntaxIssue]:
        """At most one issue per line: the first problem of its value."""
        issues = []
        for start, end in self.statements(text):
            issue = _ValueParser(lex(text[start:end]), end - start).check()
            if issue is not None:
                issues.append(
                    SyntaxIssue(start=issue.start + start, end=issue.end + start, message=issue.message)
                )
        return issues

    def is_valid(self, text: str) -> bool:
        return not self.errors(text)

    def tokenize(self, text: str) -> list[Token]:
        return lex(text)

    def filler(self, symbol: str) -> str:
        return _FILLERS.get(symbol, "")

    def closed_symbols(self) -> tuple[str, ...]:
        return (*PUNCTUATION, *KEYWORDS)

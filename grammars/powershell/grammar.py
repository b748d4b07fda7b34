"""The PowerShell grammar: tree-sitter-powershell plus named tolerances and checks, and a lexer-level
tokenizer for the model.

* ``errors``/``is_valid``: the text is lexed (mode-aware, :mod:`grammars.powershell_lexer`), valid
  constructs tree-sitter-powershell does not know are rewritten length-preserving
  (:mod:`.tolerances`), tree-sitter parses the result, and the errors PowerShell's
  own parser reports but tree-sitter misses are added (:mod:`grammars.powershell_checks`).
* ``tokenize``: keywords, operators (case-folded), punctuation and common automatic variables are
  closed symbols; commands, parameters, other variables, bare-word arguments, member/key names, type
  literals, strings and numbers are typed placeholders the vocabulary may promote (``Get-ChildItem``,
  ``-Path``). Line breaks between statements are the layout token ``"\\n"`` (PowerShell ends a
  statement at a line break, so a multi-line snippet needs them); runs of blank and comment lines
  collapse into one, line continuations (backtick-newline) and comments are dropped.
* ``statements``: top-level statements/pipelines, joining lines a statement continues on
  (``|``/operator/``,`` at the end of a line, ``else``/``catch``/``finally``/``{`` on the next).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..base import Grammar, IssueKind, Rewrite, SyntaxIssue, Token, TokenClass
from ..rules import Rule, enabled, run_rewrites
from . import LANGUAGE
from .checks import CHECKS, lexical_issues, strict_issues
from .lexer import SIGNIFICANT, Lexeme, lex
from .lexicon import (
    DASH_OPERATORS,
    DASHES,
    KEYWORDS,
    PUNCTUATION,
    SYMBOL_OPERATORS,
    automatic_variables,
    canonical_variable,
)
from .parse import Parsed, PowerShellParser
from .rewrites import REWRITES
from .tolerances import TOLERANCES

__all__ = ["PowerShellGrammar", "NEWLINE", "PLACEHOLDERS"]

NEWLINE = "\n"  # the layout token: a closed symbol that renders as itself
PLACEHOLDERS = {
    "<COMMAND>": "Write-Output",
    "<PARAMETER>": "-Name",
    "<ARG>": "value",
    "<NAME>": "Name",
    "<VARIABLE>": "$x",
    "<TYPE>": "[object]",
    "<STRING>": "''",
    "<NUMBER>": "0",
    "<OTHER>": "",
}
_REDIRECTIONS = ("*>>", "*>", "2>&1", "1>&2", "2>>", "1>>", "2>", "1>", ">>", ">", "<")
_PLACEHOLDER_OF = {
    "command": ("<COMMAND>", TokenClass.NAME),
    "parameter": ("<PARAMETER>", TokenClass.NAME),
    "arg": ("<ARG>", TokenClass.NAME),
    "name": ("<NAME>", TokenClass.NAME),
    "type": ("<TYPE>", TokenClass.NAME),
    "string": ("<STRING>", TokenClass.STRING),
    "number": ("<NUMBER>", TokenClass.NUMBER),
    "other": ("<OTHER>", TokenClass.OTHER),
}
_CONTINUE_NEXT = frozenset({"else", "elseif", "catch", "finally"})
_TIGHT_RIGHT = (",", ";", ")", "]", ".", "::", ":", "?.", "?[")
_TIGHT_LEFT = ("(", "[", "{", ".", "::", "@", "$", "?.", "?[")
# lexical issues about strings, here-strings and comments (not brackets): tree-sitter's errors after
# them are echoes
_STRING_KINDS = frozenset({IssueKind.UNCLOSED_STRING, IssueKind.UNCLOSED, IssueKind.OTHER})


class PowerShellGrammar(Grammar):
    """PowerShell scripts and snippets (``.ps1``, ``.psm1``, ``.psd1``)."""

    language = LANGUAGE

    def __init__(self, without: Iterable[str] = ()) -> None:
        off = frozenset(without)
        self._checks = enabled(CHECKS, off)
        self._rewrites = enabled(REWRITES, off)
        self.parser = PowerShellParser(enabled(TOLERANCES, off))

    def rules(self) -> tuple[Rule[Any], ...]:
        return self._rewrites + self.parser.tolerances + self._checks

    def _without(self, off: frozenset[str]) -> PowerShellGrammar:
        own = {r.name for r in REWRITES + TOLERANCES + CHECKS}
        return PowerShellGrammar((own - {r.name for r in self.rules()}) | off)

    # ----- parsing and errors -----------------------------------------------------------------

    def parse(self, text: str, previous: Parsed | None = None) -> Parsed:
        """Parse ``text``; pass the previous parse of the same document to re-parse incrementally."""
        return self.parser.parse(text, previous)

    def issues(self, parsed: Parsed) -> list[SyntaxIssue]:
        """The syntax errors of a parse, in document order (see :meth:`errors`)."""
        lexical = lexical_issues(parsed.lexemes)
        strings = [i for i in lexical if i.kind in _STRING_KINDS]
        brackets = [i for i in lexical if i not in strings]
        tree = self.parser.issues(parsed)
        if strings:  # from the line of an unclosed string on, tree-sitter's errors are echoes of it
            cut = parsed.text.rfind("\n", 0, min(i.start for i in strings)) + 1
            tree = [i for i in tree if i.start < cut]
        said = {_what(i) for i in tree}
        found = tree + strings + strict_issues(parsed.text, parsed.lexemes, self._checks)
        found += [i for i in brackets if _what(i) not in said]
        unique: dict[tuple[int, int, str], SyntaxIssue] = {}
        for issue in sorted(found, key=lambda i: (i.start, i.end)):
            unique.setdefault((issue.start, issue.end, issue.message), issue)
        return list(unique.values())

    def errors(self, text: str) -> list[SyntaxIssue]:
        return self.issues(self.parse(text))

    def is_valid(self, text: str) -> bool:
        return not self.errors(text)

    # ----- tokens -----------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        for x in lex(text):
            if x.cat not in SIGNIFICANT:
                continue
            if x.cat == "newline":
                if tokens and tokens[-1].kind != NEWLINE:
                    tokens.append(Token(NEWLINE, x.text, x.start, x.end, TokenClass.LAYOUT))
                continue
            tokens.append(_token(x))
        while tokens and tokens[-1].kind == NEWLINE:
            tokens.pop()
        return tokens

    def filler(self, symbol: str) -> str:
        return PLACEHOLDERS.get(symbol, "")

    def cost_tokens(self, tokens: Sequence[Token]) -> Sequence[Token]:
        """A type literal in its pieces: ``[System.TimeZoneInfo}`` -> ``]`` is one substitution, not five
        tokens replaced by ``[System.TimeZoneInfo]``."""
        if not any(t.kind == "<TYPE>" for t in tokens):
            return tokens
        return [piece for t in tokens for piece in (_type_pieces(t) if t.kind == "<TYPE>" else (t,))]

    def rewrites(self, text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
        return run_rewrites(self._rewrites, (), text, tokens, first, last)

    def closed_symbols(self) -> tuple[str, ...]:
        symbols = sorted(KEYWORDS) + sorted(DASH_OPERATORS) + list(SYMBOL_OPERATORS) + sorted(PUNCTUATION)
        symbols += [r for r in _REDIRECTIONS if r not in symbols] + ["?.", "?[", NEWLINE]
        symbols += sorted(automatic_variables().values()) + list(PLACEHOLDERS)
        return tuple(dict.fromkeys(symbols))

    def separator(self, left: str, right: str) -> str:
        """PowerShell separates arguments by blanks: ``Get-Item -Path`` not ``Get-Item-Path``."""
        if not left or not right or left[-1].isspace() or right[0].isspace():
            return ""
        if right.startswith(_TIGHT_RIGHT) or left.endswith(_TIGHT_LEFT):
            return ""
        if right[0] in "([" and (left[-1].isalnum() or left[-1] in "_)]"):
            return ""  # call, index or cast: no blank allowed before the bracket in expression mode
        return " "

    # ----- statements -------------------------------------------------------------------------

    def statements(self, text: str) -> list[tuple[int, int]]:
        lexemes = [x for x in lex(text) if x.cat in SIGNIFICANT]
        spans: list[tuple[int, int]] = []
        start = end = -1
        head: Lexeme | None = None
        for k, x in enumerate(lexemes):
            ends = x.depth == 0 and (x.cat == "newline" or x.cat == "punct" and x.text == ";")
            if ends and head is not None and not (x.cat == "newline" and _continues(lexemes, k, head)):
                spans.append((start, end))
                head = None
            elif not ends and x.cat != "newline":
                if head is None:
                    head, start = x, x.start
                end = max(end, x.end)
        if head is not None:
            spans.append((start, end))
        return spans


def _what(issue: SyntaxIssue) -> tuple[IssueKind, tuple[str, ...], str | None]:
    """What an issue says, wherever it is: a bracket the lexer and tree-sitter both report is one issue."""
    return issue.kind, issue.expected, issue.found


def _continues(lexemes: list[Lexeme], k: int, head: Lexeme) -> bool:
    """Does the statement go on after the line break ``lexemes[k]``?"""
    prev = lexemes[k - 1] if k else None
    # by index: a slice would copy the rest of the lexemes at every line break (quadratic in a file)
    nxt = next((lexemes[j] for j in range(k + 1, len(lexemes)) if lexemes[j].cat != "newline"), None)
    if prev is None or nxt is None:
        return False
    if prev.text == "," or prev.cat == "operator" and not (prev.text in ("++", "--") and prev.mode == "expr"):
        return True  # ends with '|', '=', '-and', ',': PowerShell reads on
    if head.cat == "punct" and head.text == "[" and prev.text == "]":
        return True  # attributes ([CmdletBinding()]) belong to what follows
    if prev is head and head.cat == "name" and head.text.startswith(":"):
        return True  # a loop label on its own line labels the loop below it
    if nxt.cat == "keyword" and nxt.text.lower() in _CONTINUE_NEXT:
        return True
    if nxt.cat == "keyword" and nxt.text.lower() in ("while", "until") and head.text.lower() == "do":
        return True
    if nxt.cat == "operator" and nxt.text == "|":
        return True  # PowerShell 7 lets a pipeline continue with '|' at the start of the next line
    return nxt.text == "{" and nxt.body


_TYPE_PIECE = re.compile(r"\w+|\S")


def _type_pieces(t: Token) -> list[Token]:
    """``[System.IO.Path]`` as the lexer reads it when the brackets do not close: '[' System '.' IO ..."""
    return [
        Token("<NAME>", m[0], t.start + m.start(), t.start + m.end(), TokenClass.NAME)
        if m[0][0].isalnum() or m[0][0] == "_"
        else Token(m[0], m[0], t.start + m.start(), t.start + m.end(), TokenClass.PUNCT)
        for m in _TYPE_PIECE.finditer(t.text)
    ]


def _token(x: Lexeme) -> Token:
    if x.cat == "keyword":
        return Token(x.text.lower(), x.text, x.start, x.end, TokenClass.KEYWORD)
    if x.cat == "operator":
        kind = x.text.lower()
        if kind[:1] in DASHES:
            kind = "-" + kind[1:]
        known = kind in DASH_OPERATORS or kind in SYMBOL_OPERATORS or kind in _REDIRECTIONS
        return Token(
            kind if known else "<OTHER>",
            x.text,
            x.start,
            x.end,
            TokenClass.OPERATOR if known else TokenClass.OTHER,
        )
    if x.cat == "punct":
        known = x.text in PUNCTUATION or x.text in ("?.", "?[", "::", ".", ":")
        return Token(
            x.text if known else "<OTHER>",
            x.text,
            x.start,
            x.end,
            TokenClass.PUNCT if known else TokenClass.OTHER,
        )
    if x.cat == "variable":
        canonical = canonical_variable(x.text)
        if canonical is not None:
            return Token(canonical, x.text, x.start, x.end, TokenClass.NAME)
        return Token("<VARIABLE>", x.text, x.start, x.end, TokenClass.NAME)
    kind, cls = _PLACEHOLDER_OF.get(x.cat, ("<OTHER>", TokenClass.OTHER))
    return Token(kind, x.text, x.start, x.end, cls)

"""The Python grammar: CPython as the oracle, tree-sitter-python for error regions, a lenient lexer.

Tokens (see ``python_lexer``): keywords and soft keywords, operators and punctuation as themselves,
``<NAME>``, ``<STRING>``, ``<NUMBER>``, and the layout tokens ``<NEWLINE>``, ``<INDENT>``, ``<DEDENT>``
(class LAYOUT, empty text; NEWLINE spans its line break, INDENT/DEDENT are zero-width at the first
token of the line). Comments are dropped. Edits are layout-aware (``python_edits``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from ..base import SKETCH_ANONYMISED, Grammar, Rewrite, SyntaxIssue, TextEdit, Token, TokenClass, placeholder
from ..rules import Rule, enabled, run_rewrites
from . import LANGUAGE
from .edits import python_edits
from .edits import separator as python_separator
from .errors import PythonSyntax, find_issues, is_valid_with
from .lexer import (
    DEDENT,
    INDENT,
    KEYWORDS,
    NAME,
    NEWLINE,
    NUMBER,
    OPERATORS,
    OTHER,
    SOFT_KEYWORDS,
    STRING,
    lex,
)
from .nesting import NESTING, brackets_nest_as_lexed
from .newer_syntax import TOLERANCES, PythonVersion, applicable, parse_version
from .parse import IncrementalDocument, PythonParser
from .rewrites import TOKEN_REWRITES, WINDOW_REWRITES
from .statements import statement_spans

__all__ = ["PythonGrammar", "PYTHON_BUILTINS"]

# Lower-case builtins (functions and types) are closed symbols: frequent in any Python, and a repair
# that writes ``len``/``range`` must not turn them into a ``<NAME>`` placeholder.
PYTHON_BUILTINS: tuple[str, ...] = tuple(
    sorted(
        n
        for n in dir(builtins)
        if n.islower()
        and not n.startswith("_")
        and n not in ("copyright", "credits", "license", "exit", "quit")
    )
) + ("self", "cls")

_FILLERS = {NAME: "name", STRING: '""', NUMBER: "0", OTHER: "", NEWLINE: "\n", INDENT: "    ", DEDENT: ""}


class PythonGrammar(Grammar):
    """Python 3: the running CPython's grammar, and syntax up to ``target_version`` that tree-sitter
    parses where CPython is older (``python.type-alias``...; the newest they know by default)."""

    language = LANGUAGE

    def __init__(
        self, target_version: str | PythonVersion | None = None, off: frozenset[str] = frozenset()
    ) -> None:
        self._parser = PythonParser()
        target = PythonSyntax().target if target_version is None else parse_version(target_version)
        self._syntax = PythonSyntax(target, off)
        self._token_rewrites = enabled(TOKEN_REWRITES, off)
        self._window_rewrites = enabled(WINDOW_REWRITES, off)

    @property
    def target_version(self) -> PythonVersion:
        """The newest Python the code may be written for."""
        return self._syntax.target

    def for_version(self, target_version: str | PythonVersion) -> PythonGrammar:
        """The same grammar for code written for ``target_version`` (``"3.12"``, ``"py311"``)."""
        return PythonGrammar(target_version, self._syntax.off)

    def rules(self) -> tuple[Rule[Any], ...]:
        rewrites = self._token_rewrites + self._window_rewrites
        return rewrites + tuple(r for r in TOLERANCES if r.name not in self._syntax.off)

    def rewrites(self, text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
        return run_rewrites(self._token_rewrites, self._window_rewrites, text, tokens, first, last)

    def _without(self, off: frozenset[str]) -> Grammar:
        return PythonGrammar(self._syntax.target, self._syntax.off | off)

    # ----- errors and the oracle ----------------------------------------------------------------

    def errors(self, text: str) -> list[SyntaxIssue]:
        return find_issues(text, self._parser, syntax=self._syntax)

    def is_valid(self, text: str) -> bool:
        return is_valid_with(text, self._parser, self._syntax)

    def document(self) -> IncrementalDocument:
        """A document that keeps its tree-sitter tree: feed it each new text, then ask ``errors_in``."""
        return IncrementalDocument(self._parser)

    def errors_in(self, document: IncrementalDocument, text: str) -> list[SyntaxIssue]:
        """Like :meth:`errors`, re-parsing only what changed since the document's previous text."""
        try:
            tree = document.update(text)
        except Exception:  # noqa: BLE001 - fall back to a fresh parse rather than fail diagnostics
            return self.errors(text)
        return find_issues(text, self._parser, tree, self._syntax)

    # ----- tokens --------------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[Token]:
        return lex(text)

    def filler(self, symbol: str) -> str:
        return _FILLERS.get(symbol, "")

    def statements(self, text: str) -> list[tuple[int, int]]:
        return statement_spans(lex(text))

    def closed_symbols(self) -> tuple[str, ...]:
        return (
            tuple(sorted(KEYWORDS | SOFT_KEYWORDS))
            + OPERATORS
            + (NEWLINE, INDENT, DEDENT, NAME, STRING, NUMBER)
            + PYTHON_BUILTINS
        )

    def layout_symbols(self) -> tuple[str, str, str] | None:
        return NEWLINE, INDENT, DEDENT

    def nesting_brackets(self, text: str) -> Mapping[str, str] | None:
        newer = applicable(self._syntax.target, self._syntax.off)
        return NESTING if brackets_nest_as_lexed(text, newer) else None

    def separator(self, left: str, right: str) -> str:
        return python_separator(left, right)

    def edits_for(
        self, text: str, tokens: Sequence[Token], old: Sequence[str], new: Sequence[str]
    ) -> list[TextEdit]:
        return python_edits(text, tokens, old, new, self.render)

    # ----- metrics: layout compares by kind, not by its (empty) text ------------------------------

    def exact(self, text: str) -> list[str]:
        return [t.kind if t.cls is TokenClass.LAYOUT else t.text for t in lex(text)]

    def sketch(self, text: str) -> list[str]:
        return [
            placeholder(t.cls.name)
            if t.cls in SKETCH_ANONYMISED
            else t.kind
            if t.cls is TokenClass.LAYOUT
            else t.text
            for t in lex(text)
        ]

"""Operators: symbol operators, separators and redirections, and the mode each one leaves behind."""

from __future__ import annotations

from .lexer_state import LexerState
from .lexicon import DASHES, SYMBOL_OPERATORS

__all__ = ["OperatorLexer", "ASSIGN"]

ASSIGN = frozenset("= += -= *= /= %= ??=".split())
_REDIRECT = (  # about_Redirection; longest first
    "*>&1",
    "3>&1",
    "4>&1",
    "5>&1",
    "6>&1",
    "*>>",
    "*>",
    "2>&1",
    "1>&2",
    "2>>",
    "1>>",
    "3>>",
    "4>>",
    "5>>",
    "6>>",
    "2>",
    "1>",
    "3>",
    "4>",
    "5>",
    "6>",
    ">>",
    ">",
    "<",
)


class OperatorLexer(LexerState):
    """Operators and redirections."""

    def operator(self, i: int) -> int:
        """Symbols: operators, separators, redirections; anything else is a one-character 'other'."""
        text = self.text
        c = text[i]
        if c == ",":
            self.emit("punct", i, i + 1)
            self.mode = "arg" if self.mode == "arg" else "operand"
            return i + 1
        if c in DASHES and c != "-":  # a typographic dash is an ASCII one to PowerShell
            text = text[:i] + "-" + text[i + 1 :]
        for op in SYMBOL_OPERATORS:
            if text.startswith(op, i):
                end = i + len(op)
                self.emit("operator", i, end)
                if op not in ("::", ".", ":") and self.body_next == len(self.stack):
                    self.body_next = -1  # `if ($a) = ...` is no statement header any more
                if op in ASSIGN:
                    self.mode = "start"
                elif op in ("|", "||", "&&"):
                    self.mode = "cmd"
                elif op == "&":
                    self.mode = "start"
                elif op in ("++", "--") and self.mode == "expr":
                    self.mode = "expr"
                else:
                    self.mode = "operand"
                return end
        self.emit("other", i, i + 1)
        return i + 1

    def redirection(self, i: int) -> int | None:
        for op in _REDIRECT:
            if self.text.startswith(op, i):
                ret = self.mode if self.mode in ("arg", "expr") else "expr"
                self.emit("operator", i, i + len(op))
                self.mode = "redir" if not op.endswith(("&1", "&2")) else ret
                self.redir_ret = ret
                return i + len(op)
        return None

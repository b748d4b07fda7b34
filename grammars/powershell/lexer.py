"""A mode-aware PowerShell lexer that never raises.

PowerShell has two parsing modes (about_Parsing): in *expression mode* ``-eq`` is an operator and
``2`` a number; in *argument mode* (after a command name) ``-eq`` is a parameter and ``C:\\x,y`` two
bare-word strings. Which mode applies depends on position, so the lexer keeps a small stack of
bracket frames and a mode per frame, as PowerShell's own tokenizer does. The result is a list of
:class:`Lexeme` covering every character of the text (whitespace and comments included), with
bracket pairs linked and lexical problems (unclosed strings and brackets) marked, so that the
tolerances, the extra checks, ``tokenize`` and ``statements`` all read one consistent view.

Modes: ``start`` (statement start: keyword, command or expression), ``cmd`` (after ``|``: a command,
no keywords), ``call`` (after ``&``/``.``: the command to invoke), ``arg`` (command arguments),
``expr`` (after an operand), ``operand`` (after an operator: an operand), ``key`` (hashtable key),
``switch`` (switch clause), ``redir`` (redirection target), ``fname`` (function/class name),
``label`` (after break/continue).

This module is the driver; the rules live beside it by job: :mod:`.lexer_state` (lexemes, brackets,
bare words), :mod:`.lex_operands` (strings, variables, numbers, member access), :mod:`.lex_operators`
(operators, redirections), and one module per family of modes (:mod:`.lex_statement`,
:mod:`.lex_arguments`, :mod:`.lex_expression`).
"""

from __future__ import annotations

from . import scan
from .lex_arguments import ArgumentLexer
from .lex_expression import ExpressionLexer
from .lex_statement import StatementLexer
from .lexer_state import CATEGORIES, QUOTES, SIGNIFICANT, Lexeme

__all__ = ["Lexeme", "lex", "CATEGORIES", "SIGNIFICANT"]


class _Lexer(StatementLexer, ArgumentLexer, ExpressionLexer):
    """The driver: ``step`` reads one lexeme by the current mode and hands it to that mode's rules."""

    def run(self) -> list[Lexeme]:
        text = self.text
        n = len(text)
        i = 0
        while i < n:
            start = i
            i = self.step(i)
            if i <= start:  # cannot happen; never loop forever on unforeseen input
                self.emit("other", start, start + 1)
                i = start + 1
        for f in self.stack:
            self.out[f.opener].problem = f"missing '{f.closer}'"
        return self.out

    def step(self, i: int) -> int:
        text = self.text
        c = text[i]
        if c in scan.WHITESPACE:
            j = i
            while j < len(text) and text[j] in scan.WHITESPACE:
                j += 1
            self.emit("ws", i, j)
            return j
        if c in "\r\n":
            j = i + 2 if text.startswith("\r\n", i) else i + 1
            comma = self.mode == "arg" and self.after_comma()  # read before the newline becomes ``last``
            self.emit("newline", i, j)
            if comma or self.mode in ("cmd", "operand", "call"):
                return j  # a line break after ',', '|' or an operator continues the statement
            if self.mode != "start" or self.stack and self.stack[-1].inner != "start":
                self.mode = self.inner_mode()
            return j
        if c == "`" and i + 1 < len(text) and text[i + 1] in "\r\n \t":
            j = i + 3 if text.startswith("\r\n", i + 1) else i + 2
            self.emit("cont", i, j)  # line continuation; a backtick before a blank is whitespace too
            return j
        if c == "#":
            end = scan.scan_line_comment(text, i)
            self.emit("comment", i, end)
            return end
        if text.startswith("<#", i):
            end, problem = scan.scan_block_comment(text, i)
            self.emit("comment", i, end, problem)
            return end
        if c in ")}]":
            return self.close(i)
        if c == ";":
            self.emit("punct", i, i + 1)
            self.mode = self.inner_mode()
            if self.body_next == len(self.stack):  # for (;;) keeps waiting for its body
                self.body_next = self.switch_next = -1
            return i + 1
        if self.mode == "redir":
            self.mode = self.redir_ret
            if c not in scan.GENERIC_TERMINATORS:
                got = self.primary(i, self.mode) if c in QUOTES + "$" and not self.joined(i) else None
                return got if got is not None else self.generic(i, "arg", self.mode)
        if self.mode == "start" and self.after_value_block(i):
            self.mode = "expr"  # { ... }.GetNewClosure(): a script block value has members
        if self.mode in ("arg", "expr"):
            got = self.postfix(i)
            if got is not None:
                return got
            got = self.redirection(i) if c in "<>*123456" else None
            if got is not None:
                return got
            if c in "|;&":
                return self.operator(i)
            return self.argument(i) if self.mode == "arg" else self.expression(i)
        got = self.redirection(i) if c in "<>" else None
        if got is not None:
            return got
        return self.statement(i)

    def after_comma(self) -> bool:
        """Is the last significant lexeme before this line break (blank lines skipped) a ``,``?"""
        k = self.last
        while k >= 0 and self.out[k].cat == "newline":
            k -= 1
            while k >= 0 and self.out[k].cat not in SIGNIFICANT:
                k -= 1
        return k >= 0 and self.out[k].text == ","


def lex(text: str) -> list[Lexeme]:
    """Every character of ``text`` in a lexeme, in order; never raises."""
    return _Lexer(text).run()

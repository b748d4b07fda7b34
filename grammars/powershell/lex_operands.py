"""Operands: quoted strings and here-strings, variables and splats, numbers, the brackets an operand
opens, and what may follow one without a space (member access, indexing, invocation)."""

from __future__ import annotations

from . import scan
from .lexer_state import QUOTES, Lexeme, LexerState

__all__ = ["OperandLexer", "PRIMARY"]

PRIMARY = frozenset({"variable", "string", "type"})


class OperandLexer(LexerState):
    """The operand rules every mode shares."""

    def string_like(self, i: int) -> int | None:
        """Here-strings and quoted strings."""
        text = self.text
        if text[i] == "@" and i + 1 < len(text) and text[i + 1] in QUOTES:
            end, problem = scan.scan_here_string(text, i)
            self.emit("string", i, end, problem)
            return end
        if text[i] in QUOTES:
            end, problem = scan.scan_string(text, i)
            self.emit("string", i, end, problem)
            return end
        return None

    def primary(self, i: int, after: str) -> int | None:
        """Strings, variables, splats, numbers and the openers every operand position shares."""
        text = self.text
        c = text[i]
        end = self.string_like(i)
        if end is not None:
            self.mode = after
            return end
        if c == "$":
            if text.startswith("$(", i):
                return self.open(i, "$(", after, "start")
            end = scan.match_variable(text, i)
            if end > i:
                self.emit("variable", i, end, None if text[end - 1] != "{" else "unclosed '${'")
                self.mode = after
                return end
        if c == "@":
            if text.startswith("@(", i):
                return self.open(i, "@(", after, "start")
            if text.startswith("@{", i):
                return self.open(i, "@{", after, "key")
            end = scan.match_variable(text, i)  # @splat uses the variable-name rules
            if end > i + 1 and text[i + 1] not in "{":
                self.emit("variable", i, end)
                self.mode = after
                return end
        if c == "(":
            return self.open(i, "(", after, "start")
        if c == "{":
            return self.open_brace(i)
        if c.isdigit() or (c == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            end = scan.match_number(text, i)
            if end > i:
                self.emit("number", i, end)
                self.mode = after
                return end
        return None

    def postfix(self, i: int) -> int | None:
        """Member access, static member, index and invocation right after a primary (no space)."""
        text = self.text
        prev = self.adjacent(i)
        if prev is None:
            return None
        named = prev.cat == "name" and (self.mode == "expr" or self.member(prev))
        if not (prev.cat in PRIMARY or named or prev.text in (")", "]", "}") and prev.cat == "punct"):
            return None
        for dot in ("::", ".", "?."):  # ?. is PowerShell 7's null-conditional member access
            if text.startswith(dot, i) and not text.startswith("..", i):
                j = i + len(dot)
                if j < len(text) and (text[j].isalpha() or text[j] == "_"):
                    self.emit("punct", i, j)
                    k = j
                    while k < len(text) and (text[k].isalnum() or text[k] == "_"):
                        k += 1
                    self.mode = "expr" if self.mode != "arg" else "arg"
                    self.emit("name", j, k)
                    return k
                if j < len(text) and (text[j] == "$" or text[j] in QUOTES):
                    self.emit("punct", i, j)
                    return j
        if text[i] == "[" or text.startswith("?[", i):
            opener = "[" if text[i] == "[" else "?["
            return self.open(i, opener, self.mode if self.mode == "arg" else "expr", "operand")
        if text[i] == "(" and prev.cat == "name":  # method invocation: arguments are expressions
            return self.open(i, "(", self.mode if self.mode == "arg" else "expr", "operand")
        if text[i] == "{" and prev.cat == "name":
            return self.open_brace(i)
        return None

    def member(self, lx: Lexeme) -> bool:
        """Is ``lx`` a member name (right after '.' or '::')?"""
        k = self.out.index(lx) if self.out[self.last] is not lx else self.last
        return k > 0 and self.out[k - 1].cat == "punct" and self.out[k - 1].text in (".", "::")

    def joined(self, i: int) -> bool:
        """Is the variable at ``i`` joined with bare text into one argument (``$TestDrive\\out.txt``)?"""
        end = scan.match_variable(self.text, i)
        return i < end < len(self.text) and self.text[end] not in scan.GENERIC_TERMINATORS

    def after_value_block(self, i: int) -> bool:
        prev = self.adjacent(i)
        return (
            prev is not None
            and prev.text == "}"
            and prev.cat == "punct"
            and 0 <= prev.pair
            and not self.out[prev.pair].body
            and self.text[i] in ".["
        )

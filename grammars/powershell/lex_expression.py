"""Expression mode (after an operand): dash operators, ``in``, member names, type literals."""

from __future__ import annotations

from . import scan
from .lex_operands import OperandLexer
from .lex_operators import OperatorLexer
from .lexicon import DASH_OPERATORS, DASHES

__all__ = ["ExpressionLexer"]


class ExpressionLexer(OperandLexer, OperatorLexer):
    """Mode expr."""

    def expression(self, i: int) -> int:
        """After an operand: operators, member access, ``in``; a word here is a name."""
        text = self.text
        c = text[i]
        if c in DASHES and i + 1 < len(text) and text[i + 1].isalpha():
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            is_op = "-" + text[i + 1 : j].lower() in DASH_OPERATORS
            self.emit("operator" if is_op else "parameter", i, j)
            self.mode = "operand"
            return j
        if (
            (c.isalpha() or c == "_")
            and text[i : i + 2].lower() == "in"
            and (i + 2 >= len(text) or not (text[i + 2].isalnum() or text[i + 2] == "_"))
        ):
            self.emit("keyword", i, i + 2)
            self.mode = "start"
            return i + 2
        if c == "{":
            return self.open_brace(i)
        if c.isalpha() or c == "_":
            return self.word(i, "name", "expr")
        end = self.primary(i, "expr")
        if end is not None:
            return end
        if c == "[":
            end = scan.scan_type_literal(text, i)
            if end > i:
                self.emit("type", i, end)
                return end
            if self.last >= 0 and self.out[self.last].cat == "type":  # [string] [ValidatePattern()]$x
                return self.open(i, "[", "expr", "operand")
        return self.operator(i)

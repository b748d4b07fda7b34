"""Argument mode (after a command name): parameters, bare words, and strings or variables that join
with what follows them into one argument."""

from __future__ import annotations

from . import scan
from .lex_operands import OperandLexer
from .lex_operators import OperatorLexer
from .lexer_state import QUOTES, SIGNIFICANT
from .lexicon import DASHES

__all__ = ["ArgumentLexer"]


class ArgumentLexer(OperandLexer, OperatorLexer):
    """Mode arg."""

    def argument(self, i: int) -> int:
        """Argument mode: parameters, bare words, strings, variables and nested expressions."""
        text = self.text
        c = text[i]
        if c in DASHES and text.startswith("-%", i + 1) and c == "-" and text[i + 1] == "-":
            end = scan.scan_line_comment(text, i)  # --% stop-parsing: the rest of the line is verbatim
            self.emit("arg", i, end)
            return end
        if c in DASHES and i + 1 < len(text) and (text[i + 1].isalpha() or text[i + 1] in "_?"):
            end, problem = scan.scan_generic(text, i)
            j = i + 1
            while j < end and (text[j].isalnum() or text[j] in "_-?"):
                j += 1
            if j == end or text[j] == ":":  # -Name or -Name:value
                self.emit("parameter", i, j)
                if j < end:
                    self.emit("punct", j, j + 1)
                    return j + 1
                return j
            self.emit("arg", i, end, problem)  # native arguments: -pw=secret, --password=x, -Dx.y=1
            return end
        if (
            c in QUOTES
            or c == "$"
            and not text.startswith("$(", i)
            or c == "@"
            and i + 1 < len(text)
            and (text[i + 1].isalnum() or text[i + 1] in "_" + QUOTES)
        ):
            start = len(self.out)
            got = self.primary(i, "arg")
            if (
                got is not None
                and got < len(text)
                and text[got] not in scan.GENERIC_TERMINATORS
                and not self._postfix_start(got)
                and self.out[-1].problem is None
            ):
                del self.out[start:]  # "abc"def, $HOME\x: PowerShell joins the pieces into one argument
                kept = range(len(self.out) - 1, -1, -1)
                self.last = next((k for k in kept if self.out[k].cat in SIGNIFICANT), -1)
                return self.generic(i, "arg", "arg")
            if got is not None:
                return got
        if c == "[":
            return self.generic(i, "arg", "arg")  # wildcard patterns such as [a-c]*.txt
        got = self.primary(i, "arg")
        if got is not None:
            if self.out[-1].cat == "number" and got < len(text) and text[got] not in scan.GENERIC_TERMINATORS:
                self.out.pop()
                return self.generic(i, "arg", "arg")
            return got
        if c in scan.GENERIC_TERMINATORS:
            return self.operator(i)
        return self.generic(i, "arg", "arg")

    def _postfix_start(self, i: int) -> bool:
        text = self.text
        if text[i] == "[":
            return True
        for dot in ("::", ".", "?."):
            if text.startswith(dot, i) and i + len(dot) < len(text):
                nxt = text[i + len(dot)]
                return nxt.isalpha() or nxt == "_" or nxt == "$"
        return False

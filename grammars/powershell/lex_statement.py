"""Statement positions: keywords, command names, labels, type literals and the first operand of a
statement or after an operator (modes start, cmd, call, operand, key, switch, fname, label)."""

from __future__ import annotations

from . import scan
from .lex_operands import OperandLexer
from .lex_operators import OperatorLexer
from .lexer_state import QUOTES
from .lexicon import DASH_OPERATORS, DASHES, KEYWORDS

__all__ = ["StatementLexer", "BODY_KEYWORDS"]

BODY_KEYWORDS = frozenset(
    "if elseif while for foreach switch catch until trap else try finally do begin "
    "process end clean dynamicparam data default".split()
)


class StatementLexer(OperandLexer, OperatorLexer):
    """Modes that begin a value or a statement."""

    def statement(self, i: int) -> int:
        """Modes start, cmd, call, operand, key, switch, fname, label: something that begins a value."""
        text, mode = self.text, self.mode
        c = text[i]
        word_end = i
        while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
            word_end += 1
        word = text[i:word_end].lower()
        bare = word_end > i and (word_end == len(text) or text[word_end] not in "-.\\/:`" + QUOTES)
        if mode == "start" and bare and word in KEYWORDS and word not in ("default", "in"):
            return self.keyword(i, word_end, word)
        if mode == "switch" and bare and word == "default":
            self.emit("keyword", i, word_end)
            self.body_next = len(self.stack)
            self.mode = "expr"
            return word_end
        if mode in ("fname", "label") and not (c.isspace() or c in ";{}()"):
            end = self.generic(i, "name", "start")
            if mode == "fname":
                self.mode = "expr"  # class headers go on with ': Base'
            return end
        if mode == "label":
            self.mode = "start"
        if mode == "start" and c == ":" and text[i + 1 : i + 2].isalpha():
            return self.generic(i, "name", "start")  # a loop label
        after = "arg" if mode == "call" else "expr"
        if mode == "key" and word_end > i:
            return self.word(i, "name", "expr", "-.")
        if mode == "switch" and (c.isalpha() or c == "_"):
            self.body_next = len(self.stack)
            return self.generic(i, "arg", "expr")
        if text[i] == "[" and mode not in ("call",):
            end = scan.scan_type_literal(text, i)
            if end > i:
                self.emit("type", i, end)
                self.mode = "expr"
                return end
            return self.open(i, "[", "start" if mode in ("start", "cmd") else "expr", "operand")
        if c == "(" and self.last >= 0 and self.out[self.last].text.lower() == "param":
            after = "start"  # a param(...) block is followed by the first statement (about_Functions)
        got = self.primary(i, after)
        if got is not None:
            if mode == "switch":
                self.body_next = len(self.stack)
            return got
        if c in DASHES and i + 1 < len(text) and (text[i + 1].isalpha()):
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            cat = "operator" if "-" + text[i + 1 : j].lower() in DASH_OPERATORS else "parameter"
            self.emit(cat, i, j)
            self.mode = "operand"
            return j
        if c in DASHES and i + 1 < len(text) and text[i + 1].isdigit():
            end = scan.match_number(text, i + 1)
            if end > i + 1:
                self.emit("number", i, end)
                self.mode = after
                return end
        if mode in ("start", "cmd") and c in "&." and not text.startswith("&&", i):
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if c == "&" or nxt in scan.WHITESPACE or nxt in QUOTES + "${(":
                self.emit("operator", i, i + 1)
                self.mode = "call"
                return i + 1
        if c.isalpha() or c == "_" or c in "\\/.~%?`*":
            if mode in ("start", "cmd", "call"):
                return self.generic(i, "command", "arg")
            return self.word(i, "name", "expr")
        return self.operator(i)

    def keyword(self, i: int, end: int, word: str) -> int:
        self.emit("keyword", i, end)
        depth = len(self.stack)
        self.mode = "start"
        if word in ("function", "filter", "workflow", "configuration", "class", "enum"):
            self.mode = "fname"
            self.body_next = depth
            self.type_next = word if word in ("class", "enum") else ""
        elif word in ("break", "continue"):
            self.mode = "label"
        elif word in ("using", "from", "define", "var"):
            self.mode = "arg"
        elif word == "switch":
            self.mode = "arg"
            self.switch_next = depth
        elif word in BODY_KEYWORDS:
            self.body_next = depth
        return end

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
"""

from __future__ import annotations

from . import scan
from .lexer_state import (
    ASSIGN,
    BODY_KEYWORDS,
    CATEGORIES,
    PRIMARY,
    QUOTES,
    SIGNIFICANT,
    Lexeme,
    LexerState,
)
from .lexicon import DASH_OPERATORS, DASHES, KEYWORDS, SYMBOL_OPERATORS

__all__ = ["Lexeme", "lex", "CATEGORIES", "SIGNIFICANT"]


class _Lexer(LexerState):
    """One mode handler per family of modes; ``step`` dispatches on the current mode."""

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
        return self.operator(i)

    # ----- driver -----------------------------------------------------------------------------

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
            self.emit("newline", i, j)
            if self.last >= 0 and self.out[self.last].text == "," or self.mode in ("cmd", "operand", "call"):
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
                got = self.primary(i, self.mode) if c in QUOTES + "$" else None
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


def lex(text: str) -> list[Lexeme]:
    """Every character of ``text`` in a lexeme, in order; never raises."""
    return _Lexer(text).run()

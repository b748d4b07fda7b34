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

from dataclasses import dataclass, field

from . import powershell_scan as scan
from .powershell_lexicon import (
    DASH_OPERATORS,
    DASHES,
    DOUBLE_QUOTES,
    KEYWORDS,
    SINGLE_QUOTES,
    SYMBOL_OPERATORS,
)

__all__ = ["Lexeme", "lex", "CATEGORIES", "SIGNIFICANT"]

CATEGORIES = ("ws newline cont comment keyword operator punct variable string number type parameter "
              "command arg name other").split()
SIGNIFICANT = frozenset(CATEGORIES) - {"ws", "cont", "comment"}
_CLOSER = {"(": ")", "@(": ")", "$(": ")", "{": "}", "@{": "}", "[": "]", "?[": "]"}
_ASSIGN = frozenset("= += -= *= /= %= ??=".split())
_REDIRECT = ("*>>", "*>", "2>&1", "1>&2", "2>>", "1>>", "3>>", "4>>", "5>>", "6>>", "2>", "1>", "3>", "4>",
             "5>", "6>", ">>", ">", "<")
_BODY_KEYWORDS = frozenset("if elseif while for foreach switch catch until trap else try finally do begin "
                           "process end clean dynamicparam data default".split())
_QUOTES = SINGLE_QUOTES + DOUBLE_QUOTES
_PRIMARY = frozenset({"variable", "string", "type"})


@dataclass(slots=True)
class Lexeme:
    """One lexeme: category, exact text and span, the mode it was read in, and bracket bookkeeping."""

    cat: str
    text: str
    start: int
    end: int
    mode: str
    depth: int
    problem: str | None = None  # lexical error: "unclosed string", "missing ')'", "unexpected '}'"
    pair: int = -1  # index of the matching bracket
    body: bool = False  # a '{' that opens a statement body (if/else/function), not a script-block value


@dataclass
class _Frame:
    opener: int  # index of the opening lexeme
    closer: str
    ret: str  # mode after the closer
    inner: str  # mode after ';' or a line break inside the frame
    members: bool = False  # a class body: every '{' directly inside opens a method body


@dataclass
class _Lexer:
    text: str
    out: list[Lexeme] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    mode: str = "start"
    body_next: int = -1  # depth at which the next '{' opens a statement body
    switch_next: int = -1  # depth at which the next '{' opens a switch body
    type_next: str = ""  # "class" or "enum" while a type header is being read
    last: int = -1  # index of the last significant lexeme
    redir_ret: str = "arg"  # mode to return to after a redirection target

    # ----- emitting ---------------------------------------------------------------------------

    def emit(self, cat: str, start: int, end: int, problem: str | None = None) -> Lexeme:
        lx = Lexeme(cat, self.text[start:end], start, end, self.mode, len(self.stack), problem)
        self.out.append(lx)
        if cat in SIGNIFICANT:
            self.last = len(self.out) - 1
        return lx

    def adjacent(self, i: int) -> Lexeme | None:
        """The previous significant lexeme when it ends exactly at ``i`` (postfix position)."""
        if self.last >= 0 and self.out[self.last].end == i:
            return self.out[self.last]
        return None

    def inner_mode(self) -> str:
        return self.stack[-1].inner if self.stack else "start"

    # ----- brackets ---------------------------------------------------------------------------

    def open(self, i: int, opener: str, ret: str, inner: str, body: bool = False) -> int:
        lx = self.emit("punct", i, i + len(opener))
        lx.body = body
        self.stack.append(_Frame(len(self.out) - 1, _CLOSER[opener], ret, inner))
        self.mode = inner
        return i + len(opener)

    def close(self, i: int) -> int:
        c = self.text[i]
        if not any(f.closer == c for f in self.stack):
            self.emit("punct", i, i + 1, f"unexpected '{c}'")
            return i + 1
        while self.stack[-1].closer != c:  # brackets opened inside and never closed
            f = self.stack.pop()
            self.out[f.opener].problem = f"missing '{f.closer}'"
        f = self.stack.pop()
        lx = self.emit("punct", i, i + 1)
        lx.depth = len(self.stack)
        lx.pair, self.out[f.opener].pair = f.opener, len(self.out) - 1
        self.mode = f.ret
        return i + 1

    def open_brace(self, i: int) -> int:
        """``{``: a switch body, a statement body or a script-block value, by what came before."""
        depth = len(self.stack)
        prev = self.adjacent(i)
        if self.switch_next == depth:
            self.switch_next = self.body_next = -1
            return self.open(i, "{", self.inner_mode(), "switch", body=True)
        if self.body_next == depth and self.mode != "arg":
            self.body_next = -1
            kind, self.type_next = self.type_next, ""
            end = self.open(i, "{", self.inner_mode(), "key" if kind == "enum" else "start", body=True)
            self.stack[-1].members = kind == "class"
            return end
        if len(self.stack) > 0 and self.stack[-1].members:  # a method or constructor body
            return self.open(i, "{", self.inner_mode(), "start", body=True)
        if self.mode == "switch":  # a script-block condition of a switch clause
            self.body_next = depth
            return self.open(i, "{", "expr", "start")
        member = prev is not None and prev.cat == "name"  # $x.ForEach{ ... }
        ret = "arg" if self.mode in ("arg", "call") else "expr" if member or self.mode != "start" else "start"
        return self.open(i, "{", ret, "start")

    # ----- shared pieces ----------------------------------------------------------------------

    def string_like(self, i: int) -> int | None:
        """Here-strings and quoted strings."""
        text = self.text
        if text[i] == "@" and i + 1 < len(text) and text[i + 1] in _QUOTES:
            end, problem = scan.scan_here_string(text, i)
            self.emit("string", i, end, problem)
            return end
        if text[i] in _QUOTES:
            end, problem = scan.scan_string(text, i)
            self.emit("string", i, end, problem)
            return end
        return None

    def redirection(self, i: int) -> int | None:
        for op in _REDIRECT:
            if self.text.startswith(op, i):
                ret = self.mode if self.mode in ("arg", "expr") else "expr"
                self.emit("operator", i, i + len(op))
                self.mode = "redir" if not op.endswith(("&1", "&2")) else ret
                self.redir_ret = ret
                return i + len(op)
        return None

    def postfix(self, i: int) -> int | None:
        """Member access, static member, index and invocation right after a primary (no space)."""
        text = self.text
        prev = self.adjacent(i)
        if prev is None:
            return None
        named = prev.cat == "name" and (self.mode == "expr" or self.member(prev))
        if not (prev.cat in _PRIMARY or named or prev.text in (")", "]", "}") and prev.cat == "punct"):
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
                if j < len(text) and (text[j] == "$" or text[j] in _QUOTES):
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

    def after_value_block(self, i: int) -> bool:
        prev = self.adjacent(i)
        return (prev is not None and prev.text == "}" and prev.cat == "punct" and 0 <= prev.pair
                and not self.out[prev.pair].body and self.text[i] in ".[")

    def member(self, lx: Lexeme) -> bool:
        """Is ``lx`` a member name (right after '.' or '::')?"""
        k = self.out.index(lx) if self.out[self.last] is not lx else self.last
        return k > 0 and self.out[k - 1].cat == "punct" and self.out[k - 1].text in (".", "::")

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

    def word(self, i: int, cat: str, after: str, extra: str = "") -> int:
        """An identifier-like name (hash key, attribute or member name) in expression context."""
        text = self.text
        j = i
        while j < len(text) and (text[j].isalnum() or text[j] == "_" or text[j] in extra):
            j += 1
        if j == i:
            return self.generic(i, cat, after)
        self.emit(cat, i, j)
        self.mode = after
        return j

    def generic(self, i: int, cat: str, after: str) -> int:
        end, problem = scan.scan_generic(self.text, i)
        if end <= i:
            end = i + 1
        self.emit(cat, i, end, problem)
        self.mode = after
        return end

    # ----- modes ------------------------------------------------------------------------------

    def statement(self, i: int) -> int:
        """Modes start, cmd, call, operand, key, switch, fname, label: something that begins a value."""
        text, mode = self.text, self.mode
        c = text[i]
        word_end = i
        while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
            word_end += 1
        word = text[i:word_end].lower()
        bare = word_end > i and (word_end == len(text) or text[word_end] not in "-.\\/:`" + _QUOTES)
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
        end = self.primary(i, after)
        if end is not None:
            if mode == "switch":
                self.body_next = len(self.stack)
            return end
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
            if c == "&" or nxt in scan.WHITESPACE or nxt in _QUOTES + "${(":
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
        elif word in _BODY_KEYWORDS:
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
                if op in _ASSIGN:
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
        if c in _QUOTES or c == "$" and not text.startswith("$(", i) or c == "@" and i + 1 < len(text) \
                and (text[i + 1].isalnum() or text[i + 1] in "_" + _QUOTES):
            start = len(self.out)
            end = self.primary(i, "arg")
            if end is not None and end < len(text) and text[end] not in scan.GENERIC_TERMINATORS \
                    and not self._postfix_start(end) and self.out[-1].problem is None:
                del self.out[start:]  # "abc"def, $HOME\x: PowerShell joins the pieces into one argument
                self.last = max((k for k, lx in enumerate(self.out) if lx.cat in SIGNIFICANT), default=-1)
                return self.generic(i, "arg", "arg")
            if end is not None:
                return end
        if c == "[":
            return self.generic(i, "arg", "arg")  # wildcard patterns such as [a-c]*.txt
        end = self.primary(i, "arg")
        if end is not None:
            if self.out[-1].cat == "number" and end < len(text) and text[end] not in scan.GENERIC_TERMINATORS:
                self.out.pop()
                return self.generic(i, "arg", "arg")
            return end
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
        if (c.isalpha() or c == "_") and text[i : i + 2].lower() == "in" and \
                (i + 2 >= len(text) or not (text[i + 2].isalnum() or text[i + 2] == "_")):
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
                end = self.primary(i, self.mode) if c in _QUOTES + "$" else None
                return end if end is not None else self.generic(i, "arg", self.mode)
        if self.mode == "start" and self.after_value_block(i):
            self.mode = "expr"  # { ... }.GetNewClosure(): a script block value has members
        if self.mode in ("arg", "expr"):
            end = self.postfix(i)
            if end is not None:
                return end
            end = self.redirection(i) if c in "<>*123456" else None
            if end is not None:
                return end
            if c in "|;&":
                return self.operator(i)
            return self.argument(i) if self.mode == "arg" else self.expression(i)
        end = self.redirection(i) if c in "<>" else None
        if end is not None:
            return end
        return self.statement(i)


def lex(text: str) -> list[Lexeme]:
    """Every character of ``text`` in a lexeme, in order; never raises."""
    return _Lexer(text).run()

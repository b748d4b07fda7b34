"""The state behind the PowerShell lexer: lexemes, bracket frames, the current mode, and the operations
every mode shares (emitting, opening and closing brackets, names and bare words).

:mod:`.lexer` drives it mode by mode (see there for what the modes mean); the modes' own jobs live in
the ``lex_*`` modules beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import scan
from .lexicon import DOUBLE_QUOTES, SINGLE_QUOTES

__all__ = ["Lexeme", "LexerState", "CATEGORIES", "SIGNIFICANT", "QUOTES"]

CATEGORIES = (
    "ws newline cont comment keyword operator punct variable string number type parameter "
    "command arg name other"
).split()
SIGNIFICANT = frozenset(CATEGORIES) - {"ws", "cont", "comment"}
_CLOSER = {"(": ")", "@(": ")", "$(": ")", "{": "}", "@{": "}", "[": "]", "?[": "]"}
QUOTES = SINGLE_QUOTES + DOUBLE_QUOTES


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
class LexerState:
    """Lexer state and the operations every mode shares."""

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

    # ----- names and bare words ---------------------------------------------------------------

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

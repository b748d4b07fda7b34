"""tree-sitter-powershell behind the tolerances: parse (incrementally), and turn ERROR/MISSING nodes into
:class:`~grammars.base.SyntaxIssue` with human messages and code-point offsets.

tree-sitter reports UTF-8 byte offsets; lastfix speaks code points (grammars/base.py), so every
position goes through :class:`ByteMap`. The text parsed is the *masked* text of
:mod:`.tolerances`, which has the same code points as the source at every offset
that matters, so positions carry over unchanged.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

import tree_sitter
import tree_sitter_powershell

from ..base import IssueKind, SyntaxIssue
from ..errors import GrammarError
from ..rules import Rule
from .lexer import Lexeme, lex
from .tolerances import TOLERANCES, Masked, Tolerance, mask

__all__ = ["ByteMap", "Parsed", "PowerShellParser"]

MISSING, UNEXPECTED = IssueKind.MISSING, IssueKind.UNEXPECTED
_MAX_ISSUES = 50  # a pasted log can produce thousands of ERROR nodes; nobody reads past the first few
_CLOSERS = {"}", ")", "]", '"', "'", "@", '"@', "'@"}


class ByteMap:
    """UTF-8 byte offset <-> code-point offset for one text (identity for ASCII text)."""

    def __init__(self, text: str) -> None:
        self.ascii = text.isascii()
        self.starts: list[int] = []
        if not self.ascii:
            pos = 0
            for ch in text:
                self.starts.append(pos)
                pos += len(ch.encode("utf-8", "surrogatepass"))
            self.starts.append(pos)

    def to_char(self, byte: int) -> int:
        if self.ascii:
            return byte
        return max(0, bisect.bisect_right(self.starts, byte) - 1)

    def to_byte(self, char: int) -> int:
        if self.ascii:
            return char
        return self.starts[max(0, min(char, len(self.starts) - 1))]


@dataclass(frozen=True)
class Parsed:
    """One parse: the source, its lexemes, the masked text and the tree-sitter tree of the masked text."""

    text: str
    lexemes: list[Lexeme]
    masked: Masked
    tree: tree_sitter.Tree | None  # None when the masked text is blank (nothing to parse)
    bytes_: ByteMap


def _language() -> tree_sitter.Language:
    try:
        return tree_sitter.Language(tree_sitter_powershell.language())
    except Exception as e:  # a wheel built for another tree-sitter ABI
        raise GrammarError(
            f"tree-sitter-powershell cannot be loaded ({e}); reinstall the pinned version: "
            "pip install tree-sitter==0.26.1 tree-sitter-powershell==0.26.4"
        ) from None


class PowerShellParser:
    """Thread-safe wrapper: one tree-sitter Parser per thread, incremental re-parse on request."""

    def __init__(self, tolerances: tuple[Rule[Tolerance], ...] = TOLERANCES) -> None:
        self.language = _language()
        self.tolerances = tolerances  # the named rewrites of valid code tree-sitter rejects, in order
        self._local = threading.local()

    def _parser(self) -> tree_sitter.Parser:
        parser = getattr(self._local, "parser", None)
        if parser is None:
            parser = self._local.parser = tree_sitter.Parser(self.language)
        return parser

    def accepts(self, snippet: str) -> bool:
        """Does bare tree-sitter-powershell accept ``snippet``? (used to check a masked piece on its own)"""
        return not self._parser().parse(snippet.encode("utf-8", "surrogatepass")).root_node.has_error

    def parse(self, text: str, old: Parsed | None = None) -> Parsed:
        """Lex, mask and parse ``text``; with ``old``, tree-sitter re-uses the unchanged parts of its tree."""
        lexemes = lex(text)
        masked = mask(text, lexemes, self.accepts, self.tolerances)
        if not masked.text.strip():
            return Parsed(text, lexemes, masked, None, ByteMap(masked.text))
        data = masked.text.encode("utf-8", "surrogatepass")
        bytemap = ByteMap(masked.text)
        old_tree = _edited_tree(old, masked.text, data, bytemap) if old is not None else None
        tree = self._parser().parse(data, old_tree) if old_tree is not None else self._parser().parse(data)
        return Parsed(text, lexemes, masked, tree, bytemap)

    def issues(self, parsed: Parsed) -> list[SyntaxIssue]:
        """ERROR and MISSING nodes of the tree, in document order, with human messages."""
        if parsed.tree is None or not parsed.tree.root_node.has_error:
            return []
        found: list[SyntaxIssue] = []
        cursor_stack = [parsed.tree.root_node]
        while cursor_stack and len(found) < _MAX_ISSUES:
            node = cursor_stack.pop()
            if node.is_missing:
                found.append(self._missing(parsed, node))
                continue
            if node.is_error:
                found.append(self._error(parsed, node))
                continue
            if node.has_error:
                cursor_stack.extend(reversed(node.children))
        return found

    def _span(self, parsed: Parsed, node: tree_sitter.Node) -> tuple[int, int]:
        n = len(parsed.text)
        start = min(parsed.bytes_.to_char(node.start_byte), n)
        end = min(parsed.bytes_.to_char(node.end_byte), n)
        return start, max(start, end)

    def _missing(self, parsed: Parsed, node: tree_sitter.Node) -> SyntaxIssue:
        """A MISSING node: a closer is named as missing; otherwise the token in its place is unexpected."""
        start, _ = self._span(parsed, node)
        kind = node.type
        if kind in _CLOSERS:
            return SyntaxIssue(start, start, f"missing '{kind}'", MISSING, expected=(kind,))
        here = _lexeme_at(parsed, start)
        if here is not None and here.cat not in ("newline",):
            return _unexpected(here.start, here.end, here.text)
        if kind.startswith("$"):
            return SyntaxIssue(
                start, start, "missing variable name", MISSING, expected_argument="variable name"
            )
        if kind == ";":
            return SyntaxIssue(start, start, "missing ';' or line break", MISSING, expected=(";",))
        return SyntaxIssue(start, start, f"missing '{kind.strip()}'", MISSING, expected=(kind.strip(),))

    def _error(self, parsed: Parsed, node: tree_sitter.Node) -> SyntaxIssue:
        """An ERROR node: tree-sitter could not fit its children; name the first token it left over.

        Complete sub-trees (a command name, an argument, a statement block) and bracket pairs whose
        both ends are in the node are where parsing went fine; the first loose token is where it did
        not: an opener without its closer reads "missing ')'", anything else "unexpected 'x'".
        """
        inner = [c for c in node.children if c.is_error]
        if inner:  # the innermost error is where parsing actually failed
            return self._error(parsed, inner[0])
        leaf = _first_loose_leaf(node)
        node_end = self._span(parsed, node)[1]
        start, end = self._span(parsed, leaf if leaf is not None else node)
        text = parsed.text
        while start < end and text[start].isspace():
            start += 1
        if leaf is not None and leaf.type in _OPENERS:
            closer = _OPENERS[leaf.type]
            return SyntaxIssue(start, end, f"missing '{closer}'", MISSING, expected=(closer,))
        start, end = _whole_lexeme(parsed, start, end)
        dangling = _dangling_operator(parsed, start, node_end)
        if dangling is not None:
            return dangling
        piece = text[start:end].strip()
        if not piece:
            message = "unexpected end of statement" if start < len(text) else "unexpected end of text"
            return SyntaxIssue(start, end, message, UNEXPECTED)
        if piece[0] in "\"'" and not _closed(piece):
            return SyntaxIssue(start, end, "unclosed string", IssueKind.UNCLOSED_STRING, found=piece[0])
        return _unexpected(start, end, piece)


_OPENERS = {"(": ")", "{": "}", "[": "]", "@(": ")", "$(": ")", "@{": "}"}


def _first_loose_leaf(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first anonymous token among ``node``'s children that is not one end of a bracket pair."""
    children = [c for c in node.children if c.end_byte > c.start_byte and not c.type.endswith("_sep")]
    paired: set[int] = set()
    stack: list[int] = []
    for k, c in enumerate(children):
        if c.type in _OPENERS:
            stack.append(k)
        elif c.type in (")", "}", "]") and stack and _OPENERS[children[stack[-1]].type] == c.type:
            paired.update((stack.pop(), k))
    loose = [c for k, c in enumerate(children) if not c.is_named and k not in paired]
    # An unclosed bracket explains everything tree-sitter could not reduce after it (a keyword
    # before it is loose only because its statement never closed), so it wins.
    for c in loose:
        if c.type in _OPENERS:
            return c
    return loose[0] if loose else children[0] if children else None


def _whole_lexeme(parsed: Parsed, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the source lexeme it starts in (tree-sitter saw masked text, users see theirs)."""
    for x in parsed.lexemes:
        if x.start <= start < x.end and x.cat not in ("ws", "newline"):
            return x.start, max(end, x.end) if x.end - x.start < 80 else end
        if x.start > start:
            break
    return start, end


def _shown(piece: str) -> str:
    return piece if len(piece) <= 24 else piece[:21] + "..."


def _unexpected(start: int, end: int, piece: str) -> SyntaxIssue:
    """ "unexpected 'x'": the piece as the message shows it (cut short when long) is what it blames."""
    shown = _shown(piece)
    return SyntaxIssue(start, end, f"unexpected '{shown}'", UNEXPECTED, found=shown)


def _lexeme_at(parsed: Parsed, offset: int) -> Lexeme | None:
    """The first significant lexeme that ends after ``offset``."""
    for x in parsed.lexemes:
        if x.end > offset and x.cat not in ("ws", "comment", "cont"):
            return x
    return None


def _dangling_operator(parsed: Parsed, start: int, end: int) -> SyntaxIssue | None:
    """``$x =`` / ``$a +`` at the end of the text: the value after the operator is what is missing."""
    significant = [x for x in parsed.lexemes if x.cat not in ("ws", "comment", "cont", "newline")]
    if not significant:
        return None
    last = significant[-1]
    if last.cat == "operator" and last.text not in ("++", "--") and start <= last.start and end >= last.end:
        message = f"missing value after '{last.text}'"
        return SyntaxIssue(last.start, last.end, message, MISSING, expected_argument="value")
    return None


def _closed(piece: str) -> bool:
    return len(piece) >= 2 and piece[-1] == piece[0]


def _edited_tree(old: Parsed, new_text: str, data: bytes, bytemap: ByteMap) -> tree_sitter.Tree | None:
    """The old tree with the single edit between the old and new masked texts applied to it."""
    if old.tree is None:
        return None
    a, b = old.masked.text, new_text
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]:
        suffix += 1
    old_end, new_end = len(a) - suffix, len(b) - suffix
    start_byte = old.bytes_.to_byte(prefix)
    tree = old.tree.copy()
    tree.edit(
        start_byte=start_byte,
        old_end_byte=old.bytes_.to_byte(old_end),
        new_end_byte=bytemap.to_byte(new_end),
        start_point=_point(a, prefix),
        old_end_point=_point(a, old_end),
        new_end_point=_point(b, new_end),
    )
    return tree


def _point(text: str, offset: int) -> tuple[int, int]:
    """(row, byte column) as tree-sitter counts them."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset), len(text[line_start:offset].encode("utf-8", "surrogatepass"))

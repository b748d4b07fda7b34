"""tree-sitter-python parsing: UTF-8 byte <-> str offsets and an incrementally re-parsed document.

tree-sitter works on UTF-8 bytes; this package speaks str offsets (grammars/base.py), so every node
position goes through :class:`ByteOffsets`. Lone surrogates (legal in a Python str, not in UTF-8) are
encoded with ``surrogatepass`` so that every str has bytes and the mapping stays one-to-one.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

import tree_sitter
import tree_sitter_python

__all__ = ["LANGUAGE", "ByteOffsets", "PythonParser", "IncrementalDocument", "encode"]

LANGUAGE = tree_sitter.Language(tree_sitter_python.language())


def encode(text: str) -> bytes:
    """UTF-8 bytes of ``text``, lone surrogates included (tree-sitter only sees bytes)."""
    return text.encode("utf-8", "surrogatepass")


class ByteOffsets:
    """Converts UTF-8 byte offsets of one text to str offsets (identity for ASCII text)."""

    def __init__(self, text: str) -> None:
        self._ascii = text.isascii()
        self._bytes: list[int] = []
        if not self._ascii:
            acc = 0
            starts = []
            for ch in text:  # byte offset where each character starts
                starts.append(acc)
                o = ord(ch)
                acc += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
            starts.append(acc)
            self._bytes = starts

    def to_str(self, byte_offset: int) -> int:
        """str offset of the character that starts at (or contains) ``byte_offset``."""
        if self._ascii:
            return byte_offset
        i = bisect.bisect_right(self._bytes, byte_offset) - 1
        return max(0, min(i, len(self._bytes) - 1))

    def to_byte(self, offset: int) -> int:
        if self._ascii:
            return offset
        return self._bytes[max(0, min(offset, len(self._bytes) - 1))]


class PythonParser:
    """A thread-safe tree-sitter-python parser (tree_sitter.Parser itself must not be shared)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _parser(self) -> tree_sitter.Parser:
        parser = getattr(self._local, "parser", None)
        if parser is None:
            parser = tree_sitter.Parser(LANGUAGE)
            self._local.parser = parser
        return parser

    def parse(self, text: str, old_tree: tree_sitter.Tree | None = None) -> tree_sitter.Tree:
        data = encode(text)
        return self._parser().parse(data, old_tree) if old_tree is not None else self._parser().parse(data)


def _point(data: bytes, byte_offset: int) -> tuple[int, int]:
    """tree-sitter point (row, byte column) of ``byte_offset``."""
    row = data.count(b"\n", 0, byte_offset)
    return row, byte_offset - (data.rfind(b"\n", 0, byte_offset) + 1)


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix, compared in blocks so a large file costs a few C-level compares."""
    n = min(len(a), len(b))
    i, block = 0, 4096
    while i < n:
        j = min(n, i + block)
        if a[i:j] == b[i:j]:
            i = j
            continue
        while a[i] == b[i]:
            i += 1
        return i
    return n


@dataclass
class IncrementalDocument:
    """One open document: keeps the tree and re-parses only what an edit touched (tree.edit + parse).

    ``update`` takes the whole new text and finds the changed region itself (common prefix and
    suffix), so a server can feed it full or incremental LSP changes alike.
    """

    parser: PythonParser
    text: str = ""
    tree: tree_sitter.Tree | None = None
    _data: bytes = field(default=b"", repr=False)

    def update(self, new_text: str) -> tree_sitter.Tree:
        new_data = encode(new_text)
        if self.tree is None:
            self.tree = self.parser.parse(new_text)
        elif new_data != self._data:
            old = self._data
            start = _common_prefix(old, new_data)
            tail = _common_prefix(old[start:][::-1], new_data[start:][::-1])
            old_end, new_end = len(old) - tail, len(new_data) - tail
            self.tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=_point(old, start),
                old_end_point=_point(old, old_end),
                new_end_point=_point(new_data, new_end),
            )
            self.tree = self.parser.parse(new_text, self.tree)
        self.text, self._data = new_text, new_data
        return self.tree

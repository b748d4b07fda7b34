"""The one place that converts ``str`` offsets (code points) to LSP positions and back.

LSP positions are (line, character) where lines end at ``\\r\\n``, ``\\n`` or ``\\r`` and characters count
code units of the negotiated encoding: UTF-16 unless client and server agreed on UTF-8 or UTF-32
(LSP 3.17 ``general.positionEncodings``). Everything else in lastfix speaks code-point offsets
(``grammars.base``), so every conversion goes through :class:`LineIndex`.

Cost: building the index is one regex scan of the text (C speed); a conversion is a bisect plus an
encode of one line prefix, so a 1 MB line costs one C-speed encode, never a Python loop per character
(pygls's PositionCodec walks characters in Python, which is why the server keeps its own documents).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from lsprotocol import types

__all__ = ["UTF8", "UTF16", "UTF32", "ENCODINGS", "LineIndex", "code_units"]

UTF8 = types.PositionEncodingKind.Utf8.value  # "utf-8"
UTF16 = types.PositionEncodingKind.Utf16.value  # "utf-16"
UTF32 = types.PositionEncodingKind.Utf32.value  # "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def code_units(text: str, encoding: str) -> int:
    """Length of ``text`` in code units of ``encoding`` (lone surrogates count as one UTF-16 unit)."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix_in_units(line: str, units: int, encoding: str) -> int:
    """Code points of ``line`` that fit in ``units`` code units (rounding down inside a character)."""
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    if encoding == UTF8:
        data = line.encode("utf-8", "surrogatepass")[:units]
        try:
            return len(data.decode("utf-8", "surrogatepass"))
        except UnicodeDecodeError as e:  # cut inside a multi-byte character: round down to its start
            return len(data[: e.start].decode("utf-8", "surrogatepass"))
    data = line.encode("utf-16-le", "surrogatepass")[: 2 * units]
    n = len(data.decode("utf-16-le", "surrogatepass"))
    # A cut between the two halves of a surrogate pair decodes to a lone high surrogate: round down.
    if n and code_units(line[:n], UTF16) > units:
        n -= 1
    return n


@dataclass(frozen=True)
class LineIndex:
    """Line starts of one text version; converts offsets <-> (line, character) in any LSP encoding."""

    text: str
    starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
        object.__setattr__(self, "starts", tuple(starts))

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_end(self, line: int) -> int:
        """Offset where ``line``'s content ends (before its line break)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1]
        return end - 2 if end >= 2 and self.text[end - 2 : end] == "\r\n" else end - 1

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """(line, character) of a code-point offset; offsets are clamped to the text and to line content."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.line_end(line))  # between \r and \n: the end of the line
        return line, code_units(self.text[start:offset], encoding)

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Code-point offset of an LSP position; past-the-end lines/characters clamp (LSP 3.17 Position)."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        content = self.text[start : self.line_end(line)]
        return start + _prefix_in_units(content, character, encoding)

    def lsp_position(self, offset: int, encoding: str = UTF16) -> types.Position:
        line, character = self.position(offset, encoding)
        return types.Position(line=line, character=character)

    def lsp_range(self, start: int, end: int, encoding: str = UTF16) -> types.Range:
        return types.Range(start=self.lsp_position(start, encoding), end=self.lsp_position(end, encoding))

    def offset_of(self, position: types.Position, encoding: str = UTF16) -> int:
        return self.offset(position.line, position.character, encoding)

    def offsets_of(self, range_: types.Range, encoding: str = UTF16) -> tuple[int, int]:
        """(start, end) offsets of an LSP range, swapped into order when a client sends them reversed."""
        a, b = self.offset_of(range_.start, encoding), self.offset_of(range_.end, encoding)
        return (a, b) if a <= b else (b, a)

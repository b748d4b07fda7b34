"""server.positions: code-point offsets <-> LSP positions in UTF-16, UTF-8 and UTF-32, with emoji and CRLF."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lastfix.server.positions import UTF8, UTF16, UTF32, LineIndex, code_units
from lsprotocol import types

TEXT = 'a😀b\r\nx = "é"\rlast'  # astral char, CRLF, a lone CR and a two-byte UTF-8 char


def test_line_starts_follow_lsp_line_breaks():
    index = LineIndex(TEXT)
    assert index.starts == (0, 5, 13)  # \r\n and \r both end a line (LSP 3.17 "Text Documents")
    assert index.line_end(0) == 3 and index.line_end(1) == 12 and index.line_end(2) == len(TEXT)


@pytest.mark.parametrize(("encoding", "after_emoji"), [(UTF16, 3), (UTF8, 5), (UTF32, 2)])
def test_emoji_width_depends_on_the_encoding(encoding: str, after_emoji: int):
    index = LineIndex(TEXT)
    assert index.position(2, encoding) == (0, after_emoji)  # offset 2 is "b", after the emoji
    assert index.offset(0, after_emoji, encoding) == 2


def test_a_position_inside_a_character_rounds_down():
    index = LineIndex(TEXT)
    assert index.offset(0, 2, UTF16) == 1  # between the two UTF-16 halves of the emoji
    assert index.offset(0, 3, UTF8) == 1  # inside its four UTF-8 bytes
    assert index.offset(1, 6, UTF8) == 5 + 5  # inside "é" (two bytes): before it


def test_clamping_past_the_end_of_lines_and_document():
    index = LineIndex(TEXT)
    assert index.offset(0, 99) == 3  # LSP: a character past the line's end means the end
    assert index.offset(99, 0) == len(TEXT)
    assert index.position(4) == index.position(3) == (0, 4)  # between \r and \n: the line end
    assert index.position(10_000) == (2, 4)


def test_lsp_range_round_trip_and_reversed_ranges():
    index = LineIndex(TEXT)
    rng = index.lsp_range(6, 14)
    assert rng == types.Range(
        start=types.Position(line=1, character=1), end=types.Position(line=2, character=1)
    )
    assert index.offsets_of(rng) == (6, 14)
    assert index.offsets_of(types.Range(start=rng.end, end=rng.start)) == (6, 14)


def test_code_units():
    assert code_units("a😀", UTF16) == 3 and code_units("a😀", UTF8) == 5 and code_units("a😀", UTF32) == 2
    assert code_units("\ud83d", UTF16) == 1  # a lone surrogate from JSON never raises


def test_a_megabyte_line_converts_without_per_character_python_work():
    line = "x" * 1_000_000 + "😀" + "y" * 10
    index = LineIndex(line)
    assert index.position(len(line), UTF16) == (0, 1_000_012)
    assert index.offset(0, 1_000_012, UTF16) == len(line)


_chars = st.sampled_from(list("ab \t=(),😀é\n\r") + ["\r\n", "中"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_chars, max_size=40).map("".join), st.integers(0, 60), st.sampled_from([UTF8, UTF16, UTF32]))
def test_round_trip_from_any_offset(text: str, offset: int, encoding: str):
    index = LineIndex(text)
    offset = min(offset, len(text))
    line, character = index.position(offset, encoding)
    back = index.offset(line, character, encoding)
    # Round trip is exact except inside a \r\n pair, which maps to the end of its line.
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        assert back == offset - 1
    else:
        assert back == offset

"""server/framing.py: frames split anywhere across reads, and resynchronisation after a bad frame."""

from __future__ import annotations

import pytest
from lastfix.server.framing import BadFrame, FrameParser


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def parse(stream: bytes, chunk: int) -> list[bytes | BadFrame]:
    parser = FrameParser(max_body=1000)
    out: list[bytes | BadFrame] = []
    for i in range(0, len(stream), chunk):
        out.extend(parser.feed(stream[i : i + chunk]))
    assert parser.pending == 0
    return out


@pytest.mark.parametrize("chunk", [1, 2, 7, 1000])
def test_frames_come_out_whole_however_the_stream_is_cut(chunk: int):
    stream = frame(b'{"a": 1}') + b"Content-Type: x\r\ncontent-length:  3 \r\n\r\n[1]" + frame(b"")
    assert parse(stream, chunk) == [b'{"a": 1}', b"[1]", b""]


@pytest.mark.parametrize("chunk", [1, 5, 1000])
@pytest.mark.parametrize(
    "bad",
    [
        b"Content-Type: x\r\n\r\n{}",  # no Content-Length
        b"Content-Length: ten\r\n\r\n{}",
        b"Content-Length: 1001\r\n\r\n{}",  # over the limit
        b"not a header\r\n\r\n",
        b"{}\r\n",  # a body where a header belongs
    ],
)
def test_a_bad_frame_is_reported_once_and_the_next_frame_is_read(bad: bytes, chunk: int):
    out = parse(bad + frame(b"{}"), chunk)
    assert [type(item) for item in out] == [BadFrame, bytes] and out[1] == b"{}"


def test_a_header_block_without_an_end_is_cut_off():
    parser = FrameParser()
    items = list(parser.feed(b"X-Header: " + b"y" * 70_000))
    assert len(items) == 1 and isinstance(items[0], BadFrame)
    assert list(parser.feed(frame(b"{}"))) == [b"{}"]


@pytest.mark.parametrize("cut", [3, 10, 20])  # inside "Content-Length:" or past it
def test_frames_swallowed_by_a_too_large_length_are_read_again(cut: int):
    parser = FrameParser()
    swallowed = frame(b'{"next": 1}')
    out: list[bytes | BadFrame] = []
    for data in (b"Content-Length: %d\r\n\r\n{}" % (2 + cut) + swallowed[:cut], swallowed[cut:]):
        for item in parser.feed(data):  # as serve_stream does: rescan before the parser goes on
            out.append(item)
            if item == b"{}" + swallowed[:cut]:
                parser.rescan(item)  # the protocol found it was not JSON
    assert out == [b"{}" + swallowed[:cut], b'{"next": 1}']


def test_a_body_that_stops_coming_is_given_up_and_the_bytes_that_came_are_searched():
    parser = FrameParser()
    assert list(parser.feed(b"Content-Length: 500\r\n\r\n{}" + frame(b"[2]"))) == []
    assert parser.inside_body
    bad = parser.abandon_body(5.0)
    assert "Content-Length 500" in bad.reason and not parser.inside_body
    assert list(parser.feed(b"")) == [b"[2]"]

"""The LSP base protocol's framing: ``Content-Length`` headers, a blank line, the body; bad frames resync.

pygls 2.1.1's read loop matches ``Content-Length: N\\r\\n`` byte for byte and ignores every line that does
not match: a frame with no or a bad ``Content-Length`` leaves its body unread, the body then swallows the
next frame's header (a body ends without a newline), and from there every frame does the same: the
server stays alive but deaf until stdin closes. Here a bad frame is reported once (the protocol answers
ParseError) and the stream resynchronises at the next ``Content-Length:`` it finds, so the next good
frame is served. A Content-Length too large swallows the frames after it: they are read again from the
body that turns out not to be JSON, or, when the body stops coming (the client waits for an answer),
from the bytes that came, after ``BODY_STALL_S``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

__all__ = [
    "BadFrame",
    "FrameParser",
    "MessageSink",
    "StdinReader",
    "serve_stream",
    "BODY_STALL_S",
    "CHUNK_BYTES",
    "MAX_BODY_BYTES",
]

logger = logging.getLogger(__name__)

# No LSP message comes near this (a document is capped at 5 MB; JSON escaping at most sextuples it): a
# larger Content-Length is a corrupt header, and waiting for that many bytes would make the server deaf.
MAX_BODY_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024  # the header block of a frame; more without a blank line is not a header
CHUNK_BYTES = 64 * 1024
# A client writes a frame at once; a body that stops coming this long had a Content-Length too large.
BODY_STALL_S = 5.0

_CONTENT_LENGTH = re.compile(rb"content-length:", re.IGNORECASE)
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name (RFC 9110 "token")


@dataclass(frozen=True)
class BadFrame:
    """A frame that could not be read; the parser has moved on to the next header."""

    reason: str


class FrameParser:
    """Splits a byte stream into message bodies (bytes) and :class:`BadFrame` reports, resyncing after one."""

    def __init__(self, max_body: int = MAX_BODY_BYTES) -> None:
        self._max_body = max_body
        self._buffer = bytearray()
        self._length: int | None = None  # the body length once the header block is read
        self._headers: dict[bytes, bytes] = {}
        self._header_bytes = 0
        self._hunting = False  # after a bad frame: skip to the next "Content-Length:"

    @property
    def pending(self) -> int:
        """Bytes received and not yet part of a whole frame."""
        return len(self._buffer)

    @property
    def inside_body(self) -> bool:
        """The headers are read and the body has not all come yet."""
        return self._length is not None

    def abandon_body(self, waited_s: float) -> BadFrame:
        """Give up a body that stopped coming: its Content-Length was too large; the bytes that did come
        are searched for the next header (the frames a too-large length swallowed)."""
        reason = f"Content-Length {self._length}, but only {len(self._buffer)} bytes came in {waited_s:.0f} s"
        self._length = None
        return self._bad(reason, skip=0)

    def rescan(self, body: bytes) -> None:
        """Search ``body``, just yielded and found not to be a message, for the next header: a too-large
        Content-Length made it swallow the start of the frames after it."""
        self._buffer[0:0] = body[1:]
        self._hunting = True

    def feed(self, data: bytes) -> Iterator[bytes | BadFrame]:
        """The bodies and bad frames completed by ``data``, in stream order."""
        self._buffer += data
        while True:
            if self._length is not None:
                if len(self._buffer) < self._length:
                    return
                body = bytes(self._buffer[: self._length])
                del self._buffer[: self._length]
                self._length = None
                yield body
            elif self._hunting:
                if not self._hunt():
                    return
            else:
                line_end = self._buffer.find(b"\n")
                if line_end < 0:
                    if self._header_bytes + len(self._buffer) > MAX_HEADER_BYTES:
                        yield self._bad(f"no end of header within {MAX_HEADER_BYTES} bytes")
                        continue
                    return
                line = bytes(self._buffer[:line_end]).rstrip(b"\r")
                if (bad := self._header_line(line)) is not None:
                    yield self._bad(bad)  # resync inside this very line: a body may have run into a header
                    continue
                del self._buffer[: line_end + 1]
                if not line:
                    if (bad := self._end_of_headers()) is not None:
                        yield self._bad(bad, skip=0)
                    continue

    def _header_line(self, line: bytes) -> str | None:
        """Take one header line; the reason when it cannot be a header line at all."""
        if not line:
            return None
        name, sep, value = line.partition(b":")
        if not sep or not _TOKEN.fullmatch(name):
            return f"not a header line: {line[:60]!r}"
        self._header_bytes += len(line)
        if self._header_bytes > MAX_HEADER_BYTES:
            return f"header block over {MAX_HEADER_BYTES} bytes"
        self._headers[name.lower()] = value.strip()
        return None

    def _end_of_headers(self) -> str | None:
        """The blank line: the body length from the headers, or why there is none."""
        headers, self._headers, self._header_bytes = self._headers, {}, 0
        if not headers:
            return None  # a stray blank line between frames
        raw = headers.get(b"content-length")
        if raw is None:
            return "frame without a Content-Length header"
        if not raw.isdigit():
            return f"Content-Length is not a number: {raw[:40]!r}"
        length = int(raw)
        if length > self._max_body:
            return f"Content-Length {length} is over the {self._max_body}-byte limit"
        self._length = length
        return None

    def _bad(self, reason: str, skip: int = 1) -> BadFrame:
        """Report a bad frame; hunt for the next header from ``skip`` bytes on (1: past this line's start)."""
        del self._buffer[:skip]
        self._headers, self._header_bytes, self._hunting = {}, 0, True
        return BadFrame(reason)

    def _hunt(self) -> bool:
        """Drop bytes up to the next "Content-Length:"; False when more input is needed to find it."""
        found = _CONTENT_LENGTH.search(self._buffer)
        if found is None:
            keep = len(b"content-length:") - 1  # the start of a header split across two reads
            del self._buffer[: max(0, len(self._buffer) - keep)]
            return False
        del self._buffer[: found.start()]
        self._hunting = False
        return True


class MessageSink(Protocol):
    """What the read loop hands frames to (the server's protocol)."""

    def handle_body(self, body: bytes) -> bool:
        """Handle one body; False when it was not a message at all (not UTF-8 JSON)."""
        ...

    def handle_bad_frame(self, reason: str) -> None: ...

    @property
    def finished(self) -> bool: ...


async def serve_stream(
    read_chunk: Callable[[], Awaitable[bytes]], sink: MessageSink, body_stall_s: float = BODY_STALL_S
) -> None:
    """Read frames until the sink is finished (exit) or the stream ends; every body goes to ``sink``."""
    parser = FrameParser()
    reading: asyncio.Future[bytes] | None = None
    items: Iterable[bytes | BadFrame]
    while not sink.finished:
        if reading is None:
            reading = asyncio.ensure_future(read_chunk())
        if parser.inside_body and not (await asyncio.wait({reading}, timeout=body_stall_s))[0]:
            # The read goes on (``asyncio.wait`` does not cancel it): no byte is lost.
            items = [parser.abandon_body(body_stall_s), *parser.feed(b"")]
        else:
            chunk, reading = await reading, None
            if not chunk:
                if parser.pending:
                    logger.warning("the input ended inside a message (%d bytes unread)", parser.pending)
                logger.info("the input stream ended")
                return
            items = parser.feed(chunk)
        for item in items:
            try:
                if isinstance(item, BadFrame):
                    sink.handle_bad_frame(item.reason)
                elif not sink.handle_body(item):
                    parser.rescan(item)
            except BrokenPipeError:
                raise  # the client is gone: nothing more to serve
            except Exception:  # one message that fails must not end the session
                logger.exception("could not handle a message")
            if sink.finished:
                return


class StdinReader:
    """Reads a pipe in a daemon thread, one chunk per call (the pipe keeps its backpressure).

    A daemon thread, unlike an executor's worker, is not joined at interpreter exit: a client that keeps
    stdin open after ``exit`` cannot hold the process. It reads the file descriptor, not the buffered
    file, whose lock a daemon thread would still hold at shutdown.
    """

    def __init__(self, stdin: BinaryIO) -> None:
        self._fd = stdin.fileno()
        self._requests: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, asyncio.Future[bytes]]] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._run, name="lastfix-stdin", daemon=True).start()

    def _run(self) -> None:
        while True:
            loop, future = self._requests.get()
            try:
                data = os.read(self._fd, CHUNK_BYTES)
            except OSError as e:
                logger.warning("cannot read stdin (%s)", e)
                data = b""
            try:
                loop.call_soon_threadsafe(_resolve, future, data)
            except RuntimeError:  # the loop is closed: the server is gone
                return
            if not data:
                return

    def read(self) -> Awaitable[bytes]:
        """The next chunk of stdin (empty at its end)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        self._requests.put((loop, future))
        return future


def _resolve(future: asyncio.Future[bytes], data: bytes) -> None:
    if not future.done():
        future.set_result(data)

"""Reading user files: decode as UTF-8 or say clearly why not; refuse files too big to repair live."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

__all__ = ["MAX_FILE_BYTES", "SourceLine", "read_source", "read_source_lines", "decode_source", "shared_dir"]

# Large enough for any hand-written script; a generated multi-megabyte file is not a last-mile repair job.
MAX_FILE_BYTES = 5_000_000


def decode_source(data: bytes, name: str = "<input>") -> str:
    """UTF-8 (with or without BOM) to str; InputError naming the first bad byte otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"{name}: {len(data):,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; split the file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); re-save the file as UTF-8"
        ) from None


def read_source(path: str | Path) -> str:
    """Read ``path`` (``-`` is standard input) as UTF-8 text, raising InputError with the reason."""
    if str(path) == "-":
        return decode_source(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a file") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    return decode_source(data, str(p))


@dataclass(frozen=True)
class SourceLine:
    """One line of a line-by-line read: its text, or why it was not read (``problem``) and its size."""

    number: int  # 1-based
    text: str | None  # without the line break; None when refused
    size: int  # bytes, line break excluded
    problem: str | None = None


# Bytes read at a time while skipping the rest of a refused line: memory stays bounded whatever its length.
_SKIP_CHUNK = 1 << 20


def read_source_lines(path: str | Path, max_line_bytes: int = MAX_FILE_BYTES) -> Iterator[SourceLine]:
    """The lines of ``path`` (``-``: standard input) one at a time, in memory bounded by ``max_line_bytes``.

    A file of any size streams; a line over the limit or not UTF-8 comes back with ``problem`` set
    (and no text), the lines after it are still read. Missing or unreadable files raise InputError.
    """
    with _binary(path) as f:
        number = 0
        while True:
            raw = f.readline(max_line_bytes + 2)  # room for the line's own b"\r\n"
            if not raw:
                return
            number += 1
            body = _without_break(raw)
            if len(body) > max_line_bytes:
                size = len(body) + _skip_rest_of_line(f, raw)
                yield SourceLine(
                    number,
                    None,
                    size,
                    f"{size:,} bytes is over the {max_line_bytes:,}-byte limit of one line; split it",
                )
                continue
            if number == 1 and body.startswith(b"\xef\xbb\xbf"):
                body = body[3:]
            try:
                yield SourceLine(number, body.decode("utf-8"), len(body))
            except UnicodeDecodeError as e:
                problem = f"not UTF-8 (byte 0x{body[e.start]:02x} at column {e.start + 1}); re-save as UTF-8"
                yield SourceLine(number, None, len(body), problem)


def _without_break(raw: bytes) -> bytes:
    """A line read by readline without its b"\\n" or b"\\r\\n"."""
    if raw.endswith(b"\r\n"):
        return raw[:-2]
    return raw[:-1] if raw.endswith(b"\n") else raw


def _skip_rest_of_line(f: BinaryIO, head: bytes) -> int:
    """Read past the end of a line whose first ``head`` bytes were read; the bytes skipped (no break)."""
    if head.endswith(b"\n"):
        return 0
    skipped = 0
    while True:
        chunk = f.readline(_SKIP_CHUNK)
        if not chunk:
            return skipped
        if chunk.endswith(b"\n"):
            return skipped + len(_without_break(chunk))
        skipped += len(chunk)


@contextmanager
def _binary(path: str | Path) -> Iterator[BinaryIO]:
    """``path`` opened for binary reading (``-``: standard input, left open), OS errors as InputError."""
    if str(path) == "-":
        yield sys.stdin.buffer
        return
    p = Path(path)
    try:
        f = p.open("rb")
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a file") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    with f:
        yield f


def shared_dir() -> Path | None:
    """The project's ``shared/`` data (corpora, benchmarks): $LASTFIX_SHARED, else ``../shared``."""
    import os

    env = os.environ.get("LASTFIX_SHARED")
    if env:
        return Path(env)
    candidate = Path(__file__).resolve().parent.parent.parent / "shared"
    return candidate if candidate.is_dir() else None

"""Reading user files: decode as UTF-8 or say clearly why not; refuse files too big to repair live."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError

__all__ = ["MAX_FILE_BYTES", "read_source", "decode_source", "shared_dir"]

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


def shared_dir() -> Path | None:
    """The project's ``shared/`` data (corpora, benchmarks): $LASTFIX_SHARED, else ``../shared``."""
    import os

    env = os.environ.get("LASTFIX_SHARED")
    if env:
        return Path(env)
    candidate = Path(__file__).resolve().parent.parent.parent / "shared"
    return candidate if candidate.is_dir() else None

"""Load for the determinism tests: the same repair twice, the second while the CPU is busy."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["busy_cpu"]


@contextmanager
def busy_cpu(loops: int = 2) -> Iterator[None]:
    """``loops`` subprocesses spinning on the CPU while the block runs (stopped by their own handles)."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(loops)]
    try:
        yield
    finally:
        for p in spinners:
            p.kill()
        for p in spinners:
            p.wait(timeout=30)

"""Progress of a long command on stderr: a tqdm bar on a terminal, elsewhere a plain line now and then.

A bar redraws itself many times a second; in a log file or a CI console each redraw is another line, so
off a terminal the progress is one line at most every ``every_s`` seconds. No torch here: ``lastfix
generate`` uses it too.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["DEFAULT_LINE_EVERY_S", "ProgressOutput"]

DEFAULT_LINE_EVERY_S = 30.0


class ProgressOutput:
    """``update(done, **figures)`` shows ``done`` of ``total`` and the latest figures; ``close()`` at the end.

    ``enabled=False`` shows nothing (``--no-progress``).
    """

    def __init__(
        self,
        total: int | None,
        unit: str,
        label: str,
        *,
        enabled: bool = True,
        every_s: float = DEFAULT_LINE_EVERY_S,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._total, self._unit, self._label = total, unit, label
        self._every_s, self._clock = every_s, clock
        self._bar: Any = None
        self._lines = False
        self._figures: dict[str, object] = {}
        if enabled and self._stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=unit, desc=label, dynamic_ncols=True, file=self._stream)
        else:
            self._lines = enabled
        self._next_line = clock() + every_s

    def update(self, done: int, **figures: object) -> None:
        """``done`` units so far; ``figures`` (rates, a loss) replace the ones shown when given."""
        if figures:
            self._figures = figures
        if self._bar is not None:
            self._bar.update(done - self._bar.n)
            if figures:
                self._bar.set_postfix(figures)
        elif self._lines and self._clock() >= self._next_line:
            self._next_line = self._clock() + self._every_s
            of = f"/{self._total:,}" if self._total is not None else ""
            extra = "".join(f" {k}={v}" for k, v in self._figures.items())
            print(f"{self._label}: {done:,}{of} {self._unit}s{extra}", file=self._stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

"""The time one repair may take: a monotonic expiry and the caller's cancel event, in one frozen object.

An entry point makes it (``lastfix repair``, the bench for each record, the server's quick fix, fix-all and
fix on save); everything below reads it or carves a smaller deadline out of it, and nothing below computes
a budget of its own. So a document repaired error by error shares the one budget it was given instead of
getting one per error (issue 15: ``repair_document`` could run 32 full budgets).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

__all__ = ["Deadline"]


@dataclass(frozen=True)
class Deadline:
    """Expires at ``expires_at`` (``time.monotonic`` seconds) or when ``cancel`` is set, whichever first.

    ``started_at`` is when its budget began, so ``budget_s`` is the whole budget it was made with: the
    engine divides that, not what happens to be left when it looks, between its candidate sources.
    """

    expires_at: float
    started_at: float
    cancel: threading.Event | None = None

    @classmethod
    def after_ms(cls, ms: float, cancel: threading.Event | None = None) -> Deadline:
        """A budget of ``ms`` milliseconds from now."""
        now = time.monotonic()
        return cls(now + ms / 1000.0, now, cancel)

    @classmethod
    def never(cls, cancel: threading.Event | None = None) -> Deadline:
        """No time limit: only ``cancel`` (if any) stops the work."""
        return cls(math.inf, time.monotonic(), cancel)

    @property
    def budget_s(self) -> float:
        """The whole budget in seconds (infinite for :meth:`never`)."""
        return self.expires_at - self.started_at

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def expired(self) -> bool:
        """Out of time, or cancelled."""
        return time.monotonic() > self.expires_at or self.cancelled()

    def remaining_s(self) -> float:
        """Seconds left (0 once expired; cancellation is not counted here)."""
        return max(0.0, self.expires_at - time.monotonic())

    def cap_ms(self, ms: float) -> Deadline:
        """A sub-budget: at most ``ms`` from now, and never later than this deadline."""
        now = time.monotonic()
        return Deadline(min(self.expires_at, now + ms / 1000.0), now, self.cancel)

    def share(self, fraction: float) -> Deadline:
        """A sub-budget: ``fraction`` of what is left now (the rest stays for later work)."""
        now = time.monotonic()
        if math.isinf(self.expires_at):
            return Deadline(self.expires_at, now, self.cancel)
        left = max(0.0, self.expires_at - now)
        return Deadline(min(self.expires_at, now + fraction * left), now, self.cancel)

    def leave(self, fraction: float) -> Deadline:
        """The same budget ending earlier by ``fraction`` of its whole length (kept for work after it)."""
        if fraction <= 0 or math.isinf(self.expires_at):
            return self
        return Deadline(self.expires_at - fraction * self.budget_s, self.started_at, self.cancel)

    def within(self, other: Deadline) -> bool:
        """Is this budget carved out of ``other``: begun no earlier, ending no later, same cancel event?"""
        return (
            other.started_at <= self.started_at
            and self.expires_at <= other.expires_at
            and self.cancel is other.cancel
        )

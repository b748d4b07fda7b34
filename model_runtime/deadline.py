"""The safety cap of one repair: a monotonic expiry and the caller's cancel event, in one frozen object.

The search is bounded by work (oracle checks, samples, rounds: DESIGN "Repair" 5), so what it finds does
not depend on the machine's load; the deadline only stops work that runs far past its budget, and
cancels. An entry point makes it (``lastfix repair``, the bench for each record, the server's quick fix,
fix-all and fix on save); everything below reads it or carves a smaller deadline out of it, and nothing
below computes a budget of its own.

A stage that stops early asks :meth:`Deadline.fires`, which notes it: afterwards :meth:`Deadline.fired`
tells the caller that the cap cut this repair short (its answer may then differ from run to run).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

__all__ = ["Deadline"]


@dataclass(frozen=True)
class Deadline:
    """Expires at ``expires_at`` (``time.monotonic`` seconds) or when ``cancel`` is set, whichever first.

    ``started_at`` is when its budget began, so ``budget_s`` is the whole budget it was made with.
    """

    expires_at: float
    started_at: float
    cancel: threading.Event | None = None
    # set when work stopped early on this deadline; a deadline carved out of another notes it on both
    _fired: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)
    _parent: Deadline | None = field(default=None, compare=False, repr=False)

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
        """Out of time, or cancelled (a question only: see :meth:`fires`)."""
        return time.monotonic() > self.expires_at or self.cancelled()

    def fires(self) -> bool:
        """Must the work stop here (out of time, or cancelled)? A yes is noted for :meth:`fired`."""
        if not self.expired():
            return False
        at: Deadline | None = self
        while at is not None:
            at._fired.set()
            at = at._parent
        return True

    def fired(self) -> bool:
        """Did work under this deadline (or one carved out of it) stop early because it had expired?"""
        return self._fired.is_set()

    def remaining_s(self) -> float:
        """Seconds left (0 once expired; cancellation is not counted here)."""
        return max(0.0, self.expires_at - time.monotonic())

    def cap_ms(self, ms: float) -> Deadline:
        """A sub-budget: at most ``ms`` from now, and never later than this deadline."""
        now = time.monotonic()
        return self._carve(min(self.expires_at, now + ms / 1000.0), now)

    def leave(self, fraction: float) -> Deadline:
        """The same budget ending earlier by ``fraction`` of its whole length (kept for work after it)."""
        if fraction <= 0 or math.isinf(self.expires_at):
            return self
        return self._carve(self.expires_at - fraction * self.budget_s, self.started_at)

    def within(self, other: Deadline) -> bool:
        """Is this budget carved out of ``other``: begun no earlier, ending no later, same cancel event?"""
        return (
            other.started_at <= self.started_at
            and self.expires_at <= other.expires_at
            and self.cancel is other.cancel
        )

    def _carve(self, expires_at: float, started_at: float) -> Deadline:
        """A deadline inside this one: same cancel event, and its firing is noted here too."""
        return Deadline(expires_at, started_at, self.cancel, _parent=self)

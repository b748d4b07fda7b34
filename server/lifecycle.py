"""The LSP lifecycle to the letter of the specification (3.17, "Lifecycle Messages"), as a table.

Before ``initialize`` a request gets ServerNotInitialized (-32002) and a notification is dropped, except
``exit``; ``initialize`` is taken once (a second one is an InvalidRequest); after ``shutdown`` every
request gets InvalidRequest (-32600) and only ``exit`` is taken, which ends the process with 0 after a
shutdown and 1 without one. pygls 2.1.1 answers nothing after shutdown (so a shutdown before initialize
made the next initialize go unanswered), serves requests before initialize and answers a second one.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lsprotocol import types

__all__ = ["Lifecycle", "Phase", "Refusal"]


class Phase(enum.Enum):
    NOT_INITIALIZED = "not initialized"
    RUNNING = "running"
    SHUT_DOWN = "shut down"


@dataclass(frozen=True)
class Refusal:
    """The error response to a request the current phase does not take."""

    code: int
    message: str


# The requests that move the server on to the next phase.
_TRANSITIONS: Mapping[tuple[Phase, str], Phase] = MappingProxyType(
    {
        (Phase.NOT_INITIALIZED, types.INITIALIZE): Phase.RUNNING,
        (Phase.RUNNING, types.SHUTDOWN): Phase.SHUT_DOWN,
    }
)
# Requests refused in a phase: by method first, then any request (None).
_REFUSALS: Mapping[tuple[Phase, str | None], Refusal] = MappingProxyType(
    {
        (Phase.NOT_INITIALIZED, None): Refusal(
            int(types.ErrorCodes.ServerNotInitialized), "the server is not initialized: send initialize first"
        ),
        (Phase.RUNNING, types.INITIALIZE): Refusal(
            int(types.ErrorCodes.InvalidRequest), "initialize was already received: it is sent only once"
        ),
        (Phase.SHUT_DOWN, None): Refusal(
            int(types.ErrorCodes.InvalidRequest),
            "the server is shut down: only the exit notification is taken",
        ),
    }
)
# Notifications taken in a phase (None: all of them).
_NOTIFICATIONS: Mapping[Phase, frozenset[str] | None] = MappingProxyType(
    {
        Phase.NOT_INITIALIZED: frozenset({types.EXIT}),
        Phase.RUNNING: None,
        Phase.SHUT_DOWN: frozenset({types.EXIT}),
    }
)
_EXIT_CODES: Mapping[Phase, int] = MappingProxyType({Phase.SHUT_DOWN: 0})  # any other phase: 1


class Lifecycle:
    """Where one connection is in the lifecycle; decides what each incoming message gets."""

    def __init__(self) -> None:
        self.phase = Phase.NOT_INITIALIZED

    def request(self, method: str) -> Refusal | None:
        """Take a request (moving the phase on), or the error response it gets."""
        if (after := _TRANSITIONS.get((self.phase, method))) is not None:
            self.phase = after
            return None
        return _REFUSALS.get((self.phase, method)) or _REFUSALS.get((self.phase, None))

    def takes_notification(self, method: str) -> bool:
        taken = _NOTIFICATIONS[self.phase]
        return taken is None or method in taken

    @property
    def exit_code(self) -> int:
        """The process exit code if ``exit`` came now: 0 after a shutdown request, else 1."""
        return _EXIT_CODES.get(self.phase, 1)

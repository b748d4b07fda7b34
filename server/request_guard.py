"""Answers every message pygls 2.1.1 cannot read, so a client never waits forever.

JSON-RPC 2.0 (section 5.1) and LSP require a response to every request, and to input that cannot be a
request at all. pygls leaves these unanswered: a body that is not UTF-8 or not JSON, a JSON array (a
batch; LSP has none), an id that is an object, a message with no ``"jsonrpc": "2.0"``, and a request whose
params do not fit the method's type (``structure_message`` raises inside the read loop, which only logs).
:class:`GuardedProtocol` reads each frame's body itself: ParseError (-32700) for a bad frame or a body
that is not UTF-8 JSON, InvalidRequest (-32600) for a value that is not one JSON-RPC message, and
InvalidParams (-32602) for a request whose params do not fit. The id is the request's own when it can be
read, else null, as JSON-RPC 2.0 prescribes. Nothing is answered to what is itself a response.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol

__all__ = ["GuardedProtocol", "shape_problem"]

logger = logging.getLogger(__name__)


class _Answered:
    """A message already answered by the guard; ``handle_message`` drops it."""

    jsonrpc = ""


_ANSWERED = _Answered()


def _why(exc: BaseException) -> str:
    """A short reason from cattrs' validation error ("expected int @ $.params.range.start.line")."""
    cause = exc.__cause__
    if isinstance(cause, cattrs.BaseValidationError):
        try:
            return "; ".join(cattrs.transform_error(cause, path="$")[:3])
        except Exception:  # transform_error is best effort
            pass
    return str(cause or exc) or type(exc).__name__


def _valid_id(msg_id: Any) -> bool:
    """LSP ids are integers or strings (JSON-RPC's null and fractions are not used)."""
    return isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool)


def _is_response(value: Any) -> bool:
    return isinstance(value, dict) and "method" not in value and ("result" in value or "error" in value)


# What makes a decoded JSON value not one JSON-RPC 2.0 message, checked in order (the first that holds
# is the InvalidRequest message).
_SHAPE_RULES: tuple[tuple[Callable[[Any], bool], str], ...] = (
    (lambda v: isinstance(v, list), "a batch (JSON array) is not supported: LSP sends one message a frame"),
    (lambda v: not isinstance(v, dict), "a JSON-RPC message is a JSON object"),
    (lambda v: v.get("jsonrpc") != "2.0", 'not a JSON-RPC 2.0 message ("jsonrpc": "2.0" missing)'),
    (lambda v: "method" in v and not isinstance(v["method"], str), "the method is not a string"),
    (lambda v: "id" in v and not _valid_id(v["id"]), "the id is neither an integer nor a string"),
    (lambda v: "method" not in v and not _is_response(v), "neither a request, a notification nor a response"),
)


def shape_problem(value: Any) -> str | None:
    """Why a decoded JSON value is not one JSON-RPC 2.0 message, or None when it is one."""
    return next((message for broken, message in _SHAPE_RULES if broken(value)), None)


class GuardedProtocol(LanguageServerProtocol):
    """pygls's protocol reading whole frame bodies; an error response to every request it cannot read."""

    def send_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        """An error response; ``msg_id`` None sends JSON-RPC's null id."""
        if msg_id is None:
            # A plain dict: lsprotocol's converter would drop the null id that JSON-RPC requires here.
            error = {"code": int(code), "message": message}
            self._send_data({"jsonrpc": "2.0", "id": None, "error": error})
        else:
            self._send_response(msg_id, error=types.ResponseError(code=code, message=message))

    def handle_bad_frame(self, reason: str) -> None:
        """A frame that could not be read (the stream resynchronises at the next header)."""
        logger.warning("unreadable frame: %s", reason)
        self.send_error(None, types.ErrorCodes.ParseError, f"unreadable frame: {reason}")

    def handle_body(self, body: bytes) -> bool:
        """One frame's body: decode, check it is one JSON-RPC message, structure it and handle it.

        False when the body is not UTF-8 JSON (answered with ParseError; the read loop looks inside it
        for frames a too-large Content-Length swallowed)."""
        try:
            value = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as e:
            logger.warning("message body is not UTF-8: %s", e)
            self.send_error(None, types.ErrorCodes.ParseError, f"message body is not UTF-8: {e}")
            return False
        except json.JSONDecodeError as e:
            logger.warning("message body is not JSON: %s", e)
            self.send_error(None, types.ErrorCodes.ParseError, f"message body is not JSON: {e}")
            return False
        if (problem := shape_problem(value)) is not None:
            if _is_response(value):
                logger.warning("dropped an unreadable response: %s: %.200r", problem, value)
                return True
            request_id = value.get("id") if isinstance(value, dict) and "method" in value else None
            msg_id = request_id if _valid_id(request_id) else None
            logger.warning("invalid request (id %r): %s", msg_id, problem)
            self.send_error(msg_id, types.ErrorCodes.InvalidRequest, problem)
            return True
        self.handle_message(self.structure_message(value))
        return True

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method")
            if "id" in data and isinstance(method, str):
                # Whatever failed, it failed turning this request's params into the method's type.
                message = f"invalid params for {method}: {_why(exc)}"
                logger.warning("request %r: %s", data["id"], message)
                self.send_error(data["id"], JsonRpcInvalidParams.CODE, message)
            else:
                logger.warning("dropped an unreadable %s message: %s", method or "JSON-RPC", _why(exc))
            return _ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is _ANSWERED:
            return
        super().handle_message(message)

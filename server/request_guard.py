"""Answers the malformed messages pygls 2.1.1 leaves unanswered, so a client never waits forever.

pygls deserializes each message inside ``json.loads(..., object_hook=protocol.structure_message)``; when
the params of a request do not fit the method's type, ``structure_message`` raises and the read loop only
reports "Error in server: Invalid Params" with window/showMessage: the request gets no response. JSON-RPC
2.0 (section 5.1) and LSP require one. :class:`GuardedProtocol` answers such a request with InvalidParams
(-32602) and its id, a message that is not a request object with InvalidRequest (-32600), and text that
is not JSON with ParseError (-32700, id null, as JSON-RPC 2.0 prescribes when the id cannot be known).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol

__all__ = ["GuardedProtocol", "answer_unreadable"]

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
    return isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool)


class GuardedProtocol(LanguageServerProtocol):
    """pygls's protocol, plus an error response for every request it cannot read."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method")
            if "id" in data and isinstance(method, str) and _valid_id(data["id"]):
                # Whatever failed, it failed turning this request's params into the method's type.
                code = JsonRpcInvalidParams.CODE
                message = f"invalid params for {method}: {_why(exc)}"
                logger.warning("request %r: %s", data["id"], message)
                self._send_response(data["id"], error=types.ResponseError(code=code, message=message))
            else:
                logger.warning("dropped an unreadable %s message: %s", method or "JSON-RPC", _why(exc))
            return _ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is _ANSWERED:
            return
        if not hasattr(message, "jsonrpc"):
            # A JSON value that is not a JSON-RPC object: no "jsonrpc" member, a list (batch), a number.
            msg_id = message.get("id") if isinstance(message, dict) else None
            if isinstance(message, dict) and "method" in message and isinstance(msg_id, (int, str)):
                self._send_response(
                    msg_id,
                    error=types.ResponseError(
                        code=types.ErrorCodes.InvalidRequest,
                        message='not a JSON-RPC 2.0 request ("jsonrpc": "2.0")',
                    ),
                )
            else:
                logger.warning("dropped a message that is not a JSON-RPC 2.0 object: %.200r", message)
            return
        super().handle_message(message)


def answer_unreadable(protocol: LanguageServerProtocol, error: Exception) -> bool:
    """Answer a body that is not JSON with ParseError (id null); True when ``error`` was that case."""
    if isinstance(error, json.JSONDecodeError):
        logger.warning("message body is not JSON: %s", error)
        # A plain dict: lsprotocol's converter would drop the null id that JSON-RPC requires here.
        protocol._send_data(
            {
                "jsonrpc": "2.0",
                "id": None,
                "error": {
                    "code": int(types.ErrorCodes.ParseError),
                    "message": f"message body is not JSON: {error}",
                },
            }
        )
        return True
    return False

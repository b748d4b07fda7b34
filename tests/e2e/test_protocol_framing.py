"""Bad frames and bodies get a JSON-RPC error and the stream resynchronises at the next header.

pygls 2.1.1 stayed alive but deaf after a frame with no or a bad Content-Length (the unread body swallowed
every header after it), and dropped a batch, a non-UTF-8 body and an object id without an answer.
Each case through a raw stdio client: the error comes back, and the next well-framed request is served.
"""

from __future__ import annotations

import json

import pytest

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer

pytestmark = pytest.mark.slow

INVALID_REQUEST, PARSE_ERROR = -32600, -32700


def _body(msg_id: object, method: str = "lastfix/noSuchMethod") -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": {}}).encode()


server = raw_server_fixture()


def _still_serving(server: RawServer, msg_id: object = "next") -> None:
    """The next well-framed request is answered: the stream is in step again."""
    reply = server.request(msg_id, "lastfix/noSuchMethod", {})
    assert reply["error"]["code"] == -32601  # MethodNotFound: read, understood, answered


LOST = _body("lost")
BAD_HEADERS = {
    "no-content-length": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
    "not-a-number": b"Content-Length: lots\r\n\r\n",
    "negative": b"Content-Length: -12\r\n\r\n",
    "over-the-limit": b"Content-Length: 99999999999999\r\n\r\n",
    "no-colon": b"Content-Length 52\r\n\r\n",
    "too-short": b"Content-Length: 10\r\n\r\n",
    # The body swallows the start of the next frame, which is read again from the body that is not JSON.
    "too-large-by-a-little": b"Content-Length: %d\r\n\r\n" % (len(LOST) + 20),
    # The body never completes while the client waits: given up after 5 s, the next frame is found.
    "too-large": b"Content-Length: 5000\r\n\r\n",
}


@pytest.mark.parametrize("header", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
def test_a_bad_frame_gets_parse_error_and_the_next_frame_is_served(server: RawServer, header: bytes):
    server.send_raw(header + LOST)  # a body without a newline: the next header follows directly
    _still_serving(server)
    errors = server.errors_with_null_id()
    assert errors and all(e["code"] == PARSE_ERROR for e in errors), errors
    assert not [m for m in server.seen if m.get("id") == "lost"]  # the unreadable frame was not served
    assert server.close() == 0
    assert server.stream_errors == []


def test_a_body_that_is_not_utf8_gets_parse_error(server: RawServer):
    server.send_bytes(b'{"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": "\xff\xfe"}')
    _still_serving(server)
    [error] = server.errors_with_null_id()
    assert error["code"] == PARSE_ERROR and "UTF-8" in error["message"]
    assert server.close() == 0  # the bad body's shutdown was not taken


@pytest.mark.parametrize("batch", [[json.loads(_body(4))], []], ids=["one-request", "empty"])
def test_a_batch_is_rejected_with_invalid_request(server: RawServer, batch: list):
    server.send(batch)
    _still_serving(server)
    [error] = server.errors_with_null_id()
    assert error["code"] == INVALID_REQUEST and "batch" in error["message"]
    assert not [m for m in server.seen if m.get("id") == 4]  # the request inside was not run
    assert server.close() == 0


@pytest.mark.parametrize("bad_id", [{"n": 5}, [5], True, 1.5], ids=["object", "array", "bool", "fraction"])
def test_a_request_whose_id_is_not_an_integer_or_a_string_gets_invalid_request(server: RawServer, bad_id):
    server.send({"jsonrpc": "2.0", "id": bad_id, "method": "shutdown"})
    _still_serving(server)
    [error] = server.errors_with_null_id()
    assert error["code"] == INVALID_REQUEST and "id" in error["message"]
    assert server.close() == 0  # the shutdown with the bad id was not taken

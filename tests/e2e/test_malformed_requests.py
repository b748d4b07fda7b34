"""Malformed or unknown messages get JSON-RPC error responses, never a crash or a client left waiting.

pygls 2.1.1 answers a request whose params fail to deserialize with only a showMessage; lastfix's
request guard (server/request_guard.py) answers it with InvalidParams. Sent as raw bytes over stdio.
"""

from __future__ import annotations

import pytest

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer

pytestmark = pytest.mark.slow

INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR = -32602, -32600, -32601, -32700


server = raw_server_fixture()


def test_request_with_params_of_the_wrong_shape_gets_invalid_params(server: RawServer):
    reply = server.request(7, "textDocument/codeAction", {"textDocument": 5, "range": "everything"})
    assert reply["error"]["code"] == INVALID_PARAMS
    assert "textDocument/codeAction" in reply["error"]["message"]
    reply = server.request("s1", "textDocument/willSaveWaitUntil", None)  # params missing altogether
    assert reply["error"]["code"] == INVALID_PARAMS


def test_unknown_method_and_missing_jsonrpc_member(server: RawServer):
    assert server.request(8, "lastfix/doesNotExist", {})["error"]["code"] == METHOD_NOT_FOUND
    server.send({"id": 9, "method": "textDocument/codeAction", "params": {}})  # no "jsonrpc": "2.0"
    assert server.response(9)["error"]["code"] == INVALID_REQUEST


def test_body_that_is_not_json_gets_parse_error_with_null_id(server: RawServer):
    server.send_bytes(b'{"jsonrpc": "2.0", "id": 10, "method": ')
    assert server.response(None)["error"]["code"] == PARSE_ERROR


def test_bad_notifications_are_dropped_and_the_server_keeps_serving(server: RawServer):
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": 1}}})
    server.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": "file:///never-opened.xlf", "version": 2},
                "contentChanges": [{"text": "=1"}],
            },
        }
    )
    server.send([1, 2, 3])  # a batch: not supported by LSP, dropped
    # Requests about a document that was never opened are answered, with nothing.
    reply = server.request(
        11,
        "textDocument/codeAction",
        {
            "textDocument": {"uri": "file:///never-opened.xlf"},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
            "context": {"diagnostics": []},
        },
    )
    assert reply["result"] is None and "error" not in reply
    # Positions far outside the document are clamped, not an error.
    server.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": "file:///a.xlf",
                    "languageId": "excel-formula",
                    "version": 1,
                    "text": "=SUM(A1:A3\n",
                }
            },
        }
    )
    reply = server.request(
        12,
        "textDocument/codeAction",
        {
            "textDocument": {"uri": "file:///a.xlf"},
            "range": {"start": {"line": 99, "character": 999}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []},
        },
    )
    assert "error" not in reply
    assert server.close() == 0
    assert server.stream_errors == []  # nothing but framed JSON-RPC ever reached stdout
    popups = [m["params"]["message"] for m in server.seen if m.get("method") == "window/showMessage"]
    assert not any("Error in server" in p for p in popups)  # pygls's popup for what it could not handle

"""The LSP lifecycle to the letter (3.17, "Lifecycle Messages"), each case through a raw stdio client.

pygls 2.1.1 answered nothing after shutdown (and so not the initialize after an early shutdown), served
requests and notifications before initialize, answered a second initialize, and exited 0 on an exit
without shutdown. server/lifecycle.py decides now; these tests hold it to the specification.
"""

from __future__ import annotations

import pytest

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer

pytestmark = pytest.mark.slow

INVALID_REQUEST, SERVER_NOT_INITIALIZED = -32600, -32002
URI = "file:///lifecycle/book.xlf"
OPEN = {"textDocument": {"uri": URI, "languageId": "excel-formula", "version": 1, "text": "=SUM(A1:A3\n"}}
CODE_ACTION = {
    "textDocument": {"uri": URI},
    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
    "context": {"diagnostics": []},
}
INITIALIZE = {"processId": None, "rootUri": None, "capabilities": {}}


# each test drives the lifecycle itself, from the first message
server = raw_server_fixture(initialize=False)


def test_requests_after_shutdown_get_invalid_request(server: RawServer):
    server.initialize()
    assert server.request(1, "shutdown") == {"jsonrpc": "2.0", "id": 1, "result": None}
    for msg_id, method, params in [(2, "textDocument/codeAction", CODE_ACTION), (3, "shutdown", None)]:
        reply = server.request(msg_id, method, params)
        assert reply["error"]["code"] == INVALID_REQUEST, reply
        assert "shut down" in reply["error"]["message"]
    server.notify("exit")
    assert server.exit_code() == 0


def test_shutdown_before_initialize_is_refused_and_initialize_is_still_answered(server: RawServer):
    reply = server.request(1, "shutdown")
    assert reply["error"]["code"] == SERVER_NOT_INITIALIZED
    reply = server.request(2, "initialize", INITIALIZE)
    assert reply["result"]["serverInfo"]["name"] == "lastfix"
    assert server.close() == 0


def test_before_initialize_requests_get_server_not_initialized_and_notifications_are_dropped(
    server: RawServer,
):
    server.notify("textDocument/didOpen", OPEN)
    reply = server.request(1, "textDocument/codeAction", CODE_ACTION)
    assert reply["error"]["code"] == SERVER_NOT_INITIALIZED and "initialize" in reply["error"]["message"]
    server.initialize()
    # The early didOpen was dropped: the document is unknown, so no actions and no diagnostics.
    assert server.request(2, "textDocument/codeAction", CODE_ACTION) == {
        "jsonrpc": "2.0",
        "id": 2,
        "result": None,
    }
    assert server.close() == 0
    published = [m for m in server.seen if m.get("method") == "textDocument/publishDiagnostics"]
    assert published == []


@pytest.mark.parametrize("initialized", [False, True], ids=["before-initialize", "after-initialize"])
def test_exit_without_shutdown_exits_with_1(server: RawServer, initialized: bool):
    if initialized:
        server.initialize()
        server.notify("textDocument/didOpen", OPEN)
    server.notify("exit")
    assert server.exit_code() == 1


def test_a_second_initialize_is_refused_and_the_session_goes_on(server: RawServer):
    server.initialize()
    reply = server.request(1, "initialize", INITIALIZE)
    assert reply["error"]["code"] == INVALID_REQUEST and "only once" in reply["error"]["message"]
    server.notify("textDocument/didOpen", OPEN)
    diagnostics = server.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == URI,
        "diagnostics",
    )
    assert diagnostics["params"]["diagnostics"]  # still serving the first session
    assert server.close() == 0

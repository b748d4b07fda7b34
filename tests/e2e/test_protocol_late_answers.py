"""Late or cancelled client answers are handled quietly, and a late configuration is still applied.

With pygls 2.1.1 an answer to a request the server had stopped waiting for (workspace/configuration
after 6 s, window/workDoneProgress/create after 3 s, or the create of a code action cancelled while its
model loads) raised InvalidStateError in the read loop: a traceback, "server error: CANCELLED: <Future>"
in the client's log, and the late configuration dropped for good. Each case through a raw stdio client
that answers the server's requests when the test says so.
"""

from __future__ import annotations

import time

import pytest

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer

pytestmark = pytest.mark.slow

REQUEST_CANCELLED = -32800
CREATE = "window/workDoneProgress/create"
URI = "file:///late/book.xlf"
OPEN = {"textDocument": {"uri": URI, "languageId": "excel-formula", "version": 1, "text": "=SUM(A1:A3\n"}}
NOISE = ("Traceback", "InvalidStateError", "CANCELLED", "server error")


def _code_action(diagnostic: dict) -> dict:
    return {
        "textDocument": {"uri": URI},
        "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic]},
    }


def _diagnostics(server: RawServer) -> list[dict]:
    published = server.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == URI,
        "diagnostics",
    )
    return published["params"]["diagnostics"]


def _assert_quiet(server: RawServer) -> None:
    """A clean exit, with nothing in stderr or the client's log about the late answer but an info line."""
    assert server.close() == 0
    stderr, log = server.final_stderr(), server.log_text()
    for noise in NOISE:
        assert noise not in stderr and noise not in log, (noise, stderr[-2000:], log)
    assert server.stream_errors == []


# the test initializes, and answers every request of the server itself
server = raw_server_fixture(initialize=False, answers={})


def test_a_configuration_answered_after_6_s_is_applied(server: RawServer):
    server.initialize(capabilities={"workspace": {"configuration": True}})
    pull = server.server_request("workspace/configuration")
    time.sleep(6.0)  # past the server's 5 s of patience
    server.answer(pull["id"], [{"enable": {"excel": False}}])
    server.wait_for(
        lambda m: (
            m.get("method") == "window/logMessage"
            and "settings from workspace/configuration" in m["params"]["message"]
        ),
        "the pulled settings applied",
    )
    assert "no answer after 5 s" in server.log_text()
    server.notify("textDocument/didOpen", OPEN)
    assert _diagnostics(server) == []  # Excel disabled by the late answer: no squiggles
    _assert_quiet(server)


def test_a_progress_create_answered_after_3_s_is_dropped_quietly(server: RawServer):
    server.initialize(capabilities={"window": {"workDoneProgress": True}})
    server.notify("textDocument/didOpen", OPEN)
    diagnostic = _diagnostics(server)[0]
    server.send(
        {"jsonrpc": "2.0", "id": 1, "method": "textDocument/codeAction", "params": _code_action(diagnostic)}
    )
    create = server.server_request(CREATE)
    time.sleep(3.0)  # the server stops waiting for progress after 2 s and goes on with the repair
    server.answer(create["id"], None)
    assert server.response(1)["result"]  # the quick fixes came, without a progress report
    server.request(2, "lastfix/noSuchMethod", {})  # the late answer has been read by now
    assert "dropped a late answer" in server.log_text()
    _assert_quiet(server)


def test_cancelling_the_first_code_action_while_its_model_loads(server: RawServer):
    server.initialize(capabilities={"window": {"workDoneProgress": True}})
    server.notify("textDocument/didOpen", OPEN)
    params = _code_action(_diagnostics(server)[0])
    server.send({"jsonrpc": "2.0", "id": "first", "method": "textDocument/codeAction", "params": params})
    create = server.server_request(CREATE)  # the model load is waiting for the progress token
    server.notify("$/cancelRequest", {"id": "first"})
    assert server.response("first")["error"]["code"] == REQUEST_CANCELLED
    server.answers[CREATE] = None  # from now on progress tokens are accepted at once
    server.answer(create["id"], None)  # the answer to the abandoned create comes late
    actions = server.request("second", "textDocument/codeAction", params)["result"]
    assert actions and actions[0]["title"] == "lastfix: Insert ')' after A3"
    _assert_quiet(server)

"""A lone surrogate in a document (JSON can carry one: ``"\\ud800"``) is reported as what it is, at its
place, not as a null byte (issue 18, point 7)."""

from __future__ import annotations

import pytest

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer

pytestmark = pytest.mark.slow


server = raw_server_fixture({"diagnosticsDelayMs": 0})


def test_a_lone_surrogate_gets_its_own_message_at_its_place(server: RawServer):
    uri = "file:///half.py"
    text = "x = 1\ny = '\ud800'\n"  # the string's content is half a UTF-16 pair
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    published = server.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri,
        "diagnostics",
    )
    [diagnostic] = published["params"]["diagnostics"]
    assert "lone surrogate U+D800" in diagnostic["message"] and "null byte" not in diagnostic["message"]
    assert diagnostic["range"]["start"] == {"line": 1, "character": 5}
    assert server.close() == 0

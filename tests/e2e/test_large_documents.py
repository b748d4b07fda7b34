"""Huge documents and very long lines: correct positions, no parse per keystroke, a limit past 5 MB."""

from __future__ import annotations

import time

import pytest
from lastfix.grammars.source_files import MAX_FILE_BYTES

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer

pytestmark = pytest.mark.slow


def _open(server: RawServer, uri: str, language_id: str, text: str) -> None:
    server.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}},
        }
    )


def _published(server: RawServer, uri: str) -> list[dict]:
    return [
        m["params"]
        for m in server.seen
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    ]


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return value


server = raw_server_fixture({"diagnosticsDelayMs": 20})


def test_an_error_at_the_end_of_a_very_long_line_has_its_utf16_column(server: RawServer):
    # 200,000 emoji (two UTF-16 units each) before the error: the column counts UTF-16 units.
    text = '="' + "😀" * 200_000 + '"&SUM(A1\n'
    _open(server, "file:///long.xlf", "excel-formula", text)
    params = _wait(lambda: _published(server, "file:///long.xlf"))[-1]
    start = params["diagnostics"][0]["range"]["start"]
    assert start["line"] == 0 and start["character"] > 400_000


def test_typing_in_a_huge_file_coalesces_parses(server: RawServer):
    text = "".join(f"def f{i}(x):\n    return (x + {i})\n" for i in range(20_000))  # 40,000 lines
    _open(server, "file:///big.py", "python", text)
    _wait(lambda: _published(server, "file:///big.py"))
    for version in range(2, 42):  # forty keystrokes on the last line
        server.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": "file:///big.py", "version": version},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 39_999, "character": 4},
                                "end": {"line": 39_999, "character": 4},
                            },
                            "text": "(",
                        }
                    ],
                },
            }
        )
    last = _wait(lambda: [p for p in _published(server, "file:///big.py") if p.get("version") == 41])
    assert last[0]["diagnostics"] and last[0]["diagnostics"][0]["range"]["start"]["line"] >= 39_998
    assert len(_published(server, "file:///big.py")) < 10  # not one parse per keystroke


def test_documents_over_the_limit_get_no_diagnostics_and_a_log_line(server: RawServer):
    text = "=SUM(A1\n" * (MAX_FILE_BYTES // 8 + 10)
    _open(server, "file:///huge.xlf", "excel-formula", text)
    _open(server, "file:///probe.xlf", "excel-formula", "=SUM(\n")
    _wait(lambda: _published(server, "file:///probe.xlf"))
    reply = server.request(
        3,
        "textDocument/codeAction",
        {
            "textDocument": {"uri": "file:///huge.xlf"},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}},
            "context": {"diagnostics": []},
        },
    )
    assert reply["result"] == []
    assert all(not p["diagnostics"] for p in _published(server, "file:///huge.xlf"))
    logs = [m["params"]["message"] for m in server.seen if m.get("method") == "window/logMessage"]
    assert any("over the" in m and "huge.xlf" in m for m in logs)
    assert server.close() == 0

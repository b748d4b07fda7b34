"""Notifications leave nothing behind: the server's memory after 20,000 edits is that after the first 1,000.

With pygls 2.1.1 every didOpen/didChange/didClose (generator handlers) left a Future in
``_request_futures`` for good: about 1.9 kB an edit, 45.7 -> 82.3 MB over 20,000 edits. The test drives
the real server over stdio and reads its resident set size from /proc/<pid>/status.
"""

from __future__ import annotations

import sys
import time

import pytest

from tests.server.lsp_support import raw_server_fixture
from tests.server.raw_jsonrpc import RawServer, rss_mb

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status"),
]

EDITS, WARM_UP, BATCH = 20_000, 1_000, 1_000
ALLOWED_GROWTH_MB = 5.0
URI = "file:///memory/script.py"


def _edit(server: RawServer, version: int) -> None:
    """Replace the digit of ``x = 1`` (a one-character incremental change, as a keystroke sends)."""
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [
                {
                    "range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 5}},
                    "text": str(version % 10),
                }
            ],
        },
    )


def _settle(server: RawServer, tag: str) -> float:
    """RSS in MB once every edit sent so far is handled and the debounced diagnostics are published."""
    server.request(f"{tag}-read", "lastfix/noSuchMethod", {})  # answered in order: every edit is read
    time.sleep(0.3)  # past the 50 ms diagnostics debounce
    server.request(f"{tag}-published", "lastfix/noSuchMethod", {})
    return rss_mb(server.proc.pid)


server = raw_server_fixture()


def test_memory_after_20000_edits_is_within_5_mb_of_that_after_1000(server: RawServer):
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "x = 1\n"}},
    )
    # the open document's model loads in the background (issue 18's warm-up): once, before the edits
    server.wait_for(
        lambda m: (
            m.get("method") == "window/logMessage" and "warmed up the python model" in m["params"]["message"]
        ),
        "the model's warm-up",
        timeout=120,
    )
    version = 1
    while version <= EDITS:
        for _ in range(BATCH):
            version += 1
            _edit(server, version)
        if version - 1 == WARM_UP:
            after_warm_up = _settle(server, "warm-up")
    at_end = _settle(server, "end")
    print(
        f"\nserver RSS after {WARM_UP} edits: {after_warm_up:.1f} MB; "
        f"after {EDITS} edits: {at_end:.1f} MB; growth {at_end - after_warm_up:+.1f} MB"
    )
    assert at_end - after_warm_up <= ALLOWED_GROWTH_MB
    # Every edit was taken: the diagnostics of the last version came (a clean "x = 1" has none).
    published = server.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version
        ),
        "diagnostics of the last version",
    )
    assert published["params"]["diagnostics"] == []
    assert server.close() == 0

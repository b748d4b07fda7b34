"""lastfix.python.targetVersion through the real server: diagnostics follow the configured target, and a
configuration change re-checks the open documents (review of issue 17, point 4)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    EDITORS,
    code_actions,
    editors,
    open_and_diagnose,
    session_fixture,
    wait_for_diagnostics,
    wait_until,
)

pytestmark = pytest.mark.slow

ALIAS = "type Pair = tuple[int, int]\n"  # 3.12 syntax: valid for a 3.12 target, an error for 3.11
TOO_NEW = "type alias statements need Python 3.12 (the target version is 3.11)"


# VS Code's nested object for lastfix.python.*, pulled (VS Code) or from initializationOptions
client = session_fixture(
    {"python.targetVersion": "3.11"}, clients=editors(*EDITORS), pulled={"python": {"targetVersion": "3.11"}}
)


def _push(client: LanguageClient, version: str) -> None:
    client.set_configuration({"python": {"targetVersion": version}}, section="lastfix")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lastfix": {"python": {"targetVersion": version}}})
    )


async def test_the_target_version_decides_and_a_change_rechecks_open_documents(
    client: LanguageClient, tmp_path
):
    uri, diags = await open_and_diagnose(client, tmp_path, "alias.py", "python", ALIAS, lambda d: len(d) == 1)
    assert diags[0].message == TOO_NEW
    assert (diags[0].range.start.line, diags[0].range.start.character) == (0, 0)
    # the quick fixes are searched for on the 3.11 grammar too: on 3.12's the text is valid, with none
    assert await code_actions(client, uri, diags, only=["quickfix"])

    _push(client, "3.12")
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)
    _push(client, "3.11")
    diags = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert diags[0].message == TOO_NEW


async def test_a_target_newer_than_the_known_syntax_is_refused(client: LanguageClient, tmp_path):
    """3.13 is not offered: the 3.11 target stays, whatever Python runs the server."""
    _push(client, "3.13")
    await wait_until(
        lambda: any("lastfix.python.targetVersion" in m.message for m in client.log_messages),
        what="a log line",
    )
    uri, diags = await open_and_diagnose(
        client, tmp_path, "still311.py", "python", ALIAS, lambda d: len(d) == 1
    )
    assert diags[0].message == TOO_NEW

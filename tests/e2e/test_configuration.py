"""Settings: initializationOptions, pushed didChangeConfiguration, and the workspace/configuration pull."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    EDITORS,
    VS_CODE,
    code_actions,
    editors,
    open_and_diagnose,
    open_document,
    session_fixture,
    session_of,
    uri_for,
    wait_for_diagnostics,
    wait_until,
)

pytestmark = pytest.mark.slow

TEXT = "=IF(A1>0,1 2)\n"  # several repairs: ',', '&', '*' ...


client = session_fixture(
    {"candidates": 1, "timeBudgetMs": 5000},
    clients=editors(*EDITORS),
    # Served by the pull (VS Code declares workspace.configuration; Neovim 0.7 does not).
    pulled={"candidates": 2, "timeBudgetMs": 5000},
)


async def _count_fixes(client: LanguageClient, uri: str) -> int:
    diags = await wait_for_diagnostics(client, uri)
    return len(await code_actions(client, uri, diags[:1], only=["quickfix"]))


async def test_initialization_options_then_the_pull(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "a.xlf")
    open_document(client, uri, "excel-formula", TEXT)
    # VS Code: the pulled section (2) overrides initializationOptions (1); Neovim 0.7 never pulls.
    expected = 2 if session_of(client).client == VS_CODE else 1
    assert await _count_fixes(client, uri) == expected


async def test_pushed_settings_apply_at_once(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "b.xlf")
    open_document(client, uri, "excel-formula", TEXT)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lastfix": {"candidates": 3, "timeBudgetMs": 5000}})
    )
    assert await _count_fixes(client, uri) == 3


async def test_disabling_a_language_clears_its_diagnostics_and_fixes(client: LanguageClient, tmp_path):
    uri, _ = await open_and_diagnose(client, tmp_path, "c.xlf", "excel-formula", TEXT)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lastfix": {"enable": {"excel": False}}})
    )
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)
    assert not await code_actions(client, uri, [])
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lastfix": {"enable": True}})
    )
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)


async def test_null_settings_mean_pull_again(client: LanguageClient, tmp_path):
    if session_of(client).client != VS_CODE:
        pytest.skip("only clients that declare workspace.configuration are pulled from")
    uri, _ = await open_and_diagnose(client, tmp_path, "d.xlf", "excel-formula", TEXT)
    client.set_configuration({"enable": {"excel": False}}, section="lastfix")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)


async def test_bad_values_are_logged_not_fatal(client: LanguageClient, tmp_path):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lastfix": {"candidates": "lots", "device": "tpu"}})
    )
    await wait_until(
        lambda: any("lastfix.device" in m.message for m in client.log_messages), what="a log line"
    )
    uri = uri_for(tmp_path, "e.xlf")
    open_document(client, uri, "excel-formula", "=SUM(A1:A3\n")
    assert await _count_fixes(client, uri) >= 1  # still serving, with the previous values

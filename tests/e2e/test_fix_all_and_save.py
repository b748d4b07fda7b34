"""source.fixAll.lastfix and willSaveWaitUntil against the real server."""

from __future__ import annotations

import attrs
import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.server.lsp_support import (
    VS_CODE,
    apply_text_edits,
    code_actions,
    edits_of_action,
    open_and_diagnose,
    open_document,
    session_fixture,
    session_of,
    uri_for,
    wait_for_diagnostics,
)

pytestmark = pytest.mark.slow

FIX_ALL = "source.fixAll.lastfix"
TWO_ERRORS = "=SUM(A1:A3\n=A1+1\n=MAX(B1:B2\n"
TWO_FIXED = "=SUM(A1:A3)\n=A1+1\n=MAX(B1:B2)\n"


def _without_resolve(caps: types.ClientCapabilities) -> types.ClientCapabilities:
    """VS Code's capabilities minus codeAction/resolve support: the fix-all edit must come inline."""
    code_action = attrs.evolve(caps.text_document.code_action, resolve_support=None)
    return attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, code_action=code_action))


VS_CODE_CAPABILITIES = client_capabilities(VS_CODE)
client = session_fixture(
    {"timeBudgetMs": 5000},
    clients={"resolve": VS_CODE_CAPABILITIES, "inline": _without_resolve(VS_CODE_CAPABILITIES)},
)


async def _fix_all_edits(client: LanguageClient, uri: str) -> list[types.TextEdit]:
    diags = await wait_for_diagnostics(client, uri)
    actions = await code_actions(client, uri, diags, only=[FIX_ALL])
    assert [a.kind for a in actions] == [FIX_ALL]
    action = actions[0]
    if action.edit is None:  # resolvable: the list came back without waiting for the repair
        assert action.data is not None
        action = await client.code_action_resolve_async(action)
    return edits_of_action(action, uri)[0]


async def test_fix_all_applies_every_confident_fix(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "two.xlf")
    open_document(client, uri, "excel-formula", TWO_ERRORS)
    edits = await _fix_all_edits(client, uri)
    assert apply_text_edits(TWO_ERRORS, edits) == TWO_FIXED
    assert len(edits) == 2 and all(e.new_text == ")" for e in edits)  # two insertions, nothing rewritten


async def test_fix_all_is_offered_only_when_asked(client: LanguageClient, tmp_path):
    uri, diags = await open_and_diagnose(client, tmp_path, "ask.xlf", "excel-formula", TWO_ERRORS)
    assert FIX_ALL not in [a.kind for a in await code_actions(client, uri, diags)]
    assert [a.kind for a in await code_actions(client, uri, diags, only=["source"])] == [FIX_ALL]


async def test_fix_all_leaves_a_doubtful_error_alone(client: LanguageClient, tmp_path):
    text = "=SUM(A1:A3)B1\n"  # which operator? '+', '-', '*', '/' cost the same: no unasked fix
    uri, diags = await open_and_diagnose(client, tmp_path, "doubt.xlf", "excel-formula", text)
    actions = await code_actions(client, uri, diags, only=[FIX_ALL])
    for action in actions:
        if action.edit is None:
            action = await client.code_action_resolve_async(action)
        assert action.edit is None or edits_of_action(action, uri)[0] == []


def _will_save(client: LanguageClient, uri: str):
    return client.text_document_will_save_wait_until_async(
        types.WillSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri), reason=types.TextDocumentSaveReason.Manual
        )
    )


async def test_will_save_is_off_by_default_then_fixes_when_enabled(client: LanguageClient, tmp_path):
    text = "=SUM(A1:A3\n=A1+1\n"
    uri, _ = await open_and_diagnose(client, tmp_path, "save.xlf", "excel-formula", text)
    assert not await _will_save(client, uri)

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lastfix": {"fixOnSave": True, "timeBudgetMs": 5000}})
    )
    edits = await _will_save(client, uri)  # within the save budget (1.2 s), whatever timeBudgetMs says
    assert edits and apply_text_edits(text, edits) == "=SUM(A1:A3)\n=A1+1\n"


async def test_will_save_never_deletes_more_than_allowed(client: LanguageClient, tmp_path):
    text = "=SUM(A1))\n"  # the confident fix deletes one token
    uri, _ = await open_and_diagnose(client, tmp_path, "delete.xlf", "excel-formula", text)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"lastfix": {"fixOnSave": True, "fixOnSaveMaxDeletedTokens": 0}}
        )
    )
    assert not await _will_save(client, uri)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"lastfix": {"fixOnSave": True, "fixOnSaveMaxDeletedTokens": 1}}
        )
    )
    assert apply_text_edits(text, await _will_save(client, uri) or []) == "=SUM(A1)\n"


async def test_the_server_declares_its_capabilities(client: LanguageClient):
    caps = session_of(client).result.capabilities
    sync = caps.text_document_sync
    # Incremental sync; willSaveWaitUntil advertised because this client (VS Code) declares it.
    assert sync.change == types.TextDocumentSyncKind.Incremental and sync.will_save_wait_until
    assert set(caps.code_action_provider.code_action_kinds) == {"quickfix", FIX_ALL}
    assert caps.code_action_provider.resolve_provider
    assert caps.position_encoding == "utf-16"

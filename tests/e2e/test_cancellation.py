"""$/cancelRequest stops a running repair: the request is answered RequestCancelled and the worker is free."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    code_actions,
    open_and_diagnose,
    session_fixture,
)

pytestmark = pytest.mark.slow

# A formula of 600 cells with a slip that one or two edits do not repair: the search spends its whole work
# bound (oracle checks), each check a parse of the long formula, for tens of seconds under the 60 s cap,
# so only a cancellation that reaches the worker thread lets the next request through.
SLOW = "=IF(" + "+".join(f"A{i}" for i in range(1, 600)) + ">0,1 2 3 4 5 6 7 8 9)\n"


client = session_fixture({"timeBudgetMs": 60000})


async def test_cancel_a_running_repair(client: LanguageClient, tmp_path):
    slow_uri, diags = await open_and_diagnose(client, tmp_path, "slow.xlf", "excel-formula", SLOW)
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=slow_uri),
        range=diags[0].range,
        context=types.CodeActionContext(diagnostics=[diags[0]]),
    )
    # pytest-lsp's send_request_async is a coroutine: it sends only once a task runs it.
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(types.TEXT_DOCUMENT_CODE_ACTION, params, msg_id="slow-1")
    )
    await asyncio.sleep(1.0)  # the repair is running in the worker by now
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="slow-1"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(pending, 20)

    # The worker stopped: a quick repair is answered long before the 60 s budget of the cancelled one.
    quick, quick_diags = await open_and_diagnose(
        client, tmp_path, "quick.xlf", "excel-formula", "=SUM(A1:A3\n"
    )
    actions = await asyncio.wait_for(code_actions(client, quick, quick_diags), 20)
    assert actions and actions[0].title == "lastfix: Insert ')' after A3"


async def test_an_edit_while_repairing_drops_the_stale_answer(client: LanguageClient, tmp_path):
    text = "=SUM(A1:A3\n=IF(A1>0,1 2)\n"
    uri, diags = await open_and_diagnose(client, tmp_path, "moving.xlf", "excel-formula", text)
    request = asyncio.ensure_future(code_actions(client, uri, diags[:1]))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="=1\n" + text)],
        )
    )
    assert await asyncio.wait_for(request, 60) == []  # fixes for version 1 would break version 2

"""$/cancelRequest stops a running repair: the request is answered RequestCancelled and the worker is free."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    code_actions,
    open_document,
    server_config,
    start_session,
    uri_for,
    wait_for_diagnostics,
)

pytestmark = pytest.mark.slow

# A formula of 600 cells with a slip that one or two edits do not repair: the search spends its whole work
# bound (oracle checks), each check a parse of the long formula, for tens of seconds under the 60 s cap,
# so only a cancellation that reaches the worker thread lets the next request through.
SLOW = "=IF(" + "+".join(f"A{i}" for i in range(1, 600)) + ">0,1 2 3 4 5 6 7 8 9)\n"


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):
    await start_session(lsp_client, {"timeBudgetMs": 60000})
    yield
    await lsp_client.shutdown_session()


async def test_cancel_a_running_repair(client: LanguageClient, tmp_path):
    slow_uri = uri_for(tmp_path, "slow.xlf")
    open_document(client, slow_uri, "excel-formula", SLOW)
    diags = await wait_for_diagnostics(client, slow_uri)
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
    quick = uri_for(tmp_path, "quick.xlf")
    open_document(client, quick, "excel-formula", "=SUM(A1:A3\n")
    quick_diags = await wait_for_diagnostics(client, quick)
    actions = await asyncio.wait_for(code_actions(client, quick, quick_diags), 20)
    assert actions and actions[0].title == "lastfix: Insert ')' after A3"


async def test_an_edit_while_repairing_drops_the_stale_answer(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "moving.xlf")
    text = "=SUM(A1:A3\n=IF(A1>0,1 2)\n"
    open_document(client, uri, "excel-formula", text)
    diags = await wait_for_diagnostics(client, uri)
    request = asyncio.ensure_future(code_actions(client, uri, diags[:1]))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="=1\n" + text)],
        )
    )
    assert await asyncio.wait_for(request, 60) == []  # fixes for version 1 would break version 2

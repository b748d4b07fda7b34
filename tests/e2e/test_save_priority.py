"""A save never waits behind another document's quick fixes (issue 18): fix on save and fix-all run in
their own worker, so a willSaveWaitUntil is answered while quick fixes for other documents still queue.

Both run on the model-free engine (``modelDir`` an empty folder): what is tested is the order of the
answers, and the grammar-guided search keeps the save's repair short while the quick fixes, each a
search of seconds, hold the CPU beside it."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    apply_text_edits,
    open_and_diagnose,
    session_fixture,
)

pytestmark = pytest.mark.slow

# Quick fixes that keep the quick-fix worker busy: a formula of 600 cells with a slip that one or two edits
# do not repair, so the search spends its whole work bound, each check a parse of the long formula, under
# a cap of a minute (one of them alone takes seconds; they queue one behind the other).
BUSY = "=IF(" + "+".join(f"A{i}" for i in range(1, 600)) + ">0,1 2 3 4 5 6 7 8 9)\n"
QUEUED = 4


def _no_models(request: pytest.FixtureRequest) -> dict:
    models = str(request.getfixturevalue("tmp_path_factory").mktemp("no-models"))
    return {"timeBudgetMs": 60000, "fixOnSave": True, "modelDir": models}


client = session_fixture(_no_models)


async def test_a_save_is_answered_while_quick_fixes_queue(client: LanguageClient, tmp_path):
    save_uri, _ = await open_and_diagnose(
        client, tmp_path, "save.xlf", "excel-formula", "=SUM(A1:A3\n=A1+1\n"
    )
    order: list[str] = []

    async def quick_fix(n: int) -> None:
        uri, diags = await open_and_diagnose(client, tmp_path, f"busy{n}.xlf", "excel-formula", BUSY)
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=[diags[0]], only=[types.CodeActionKind.QuickFix]),
        )
        await client.protocol.send_request_async(types.TEXT_DOCUMENT_CODE_ACTION, params, msg_id=f"busy-{n}")
        order.append(f"quick fix {n}")

    busy = [asyncio.ensure_future(quick_fix(n)) for n in range(QUEUED)]
    await asyncio.sleep(1.0)  # the first quick fix runs, the others wait in its worker's queue
    assert not order, "the quick fixes were meant to keep their worker busy"
    edits = await asyncio.wait_for(
        client.text_document_will_save_wait_until_async(
            types.WillSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=save_uri),
                reason=types.TextDocumentSaveReason.Manual,
            )
        ),
        60,
    )
    order.append("save")
    assert edits and apply_text_edits("=SUM(A1:A3\n=A1+1\n", edits) == "=SUM(A1:A3)\n=A1+1\n"
    # answered before the queue of quick fixes drained (one shared worker would answer it last)
    assert order[-1] == "save" and len(order) < QUEUED + 1, order
    for n in range(QUEUED):
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=f"busy-{n}"))
    await asyncio.gather(*busy, return_exceptions=True)

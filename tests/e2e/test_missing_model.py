"""A model folder that is empty or corrupt: one clear error, quick fixes keep working without the model."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
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


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    models = tmp_path_factory.mktemp("models")
    (models / "python").mkdir()
    (models / "python" / "config.json").write_text("{not json")  # corrupt
    await start_session(lsp_client, {"modelDir": str(models), "timeBudgetMs": 5000})
    lsp_client.models = models  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_missing_model_shows_one_error_and_fixes_still_come(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "a.xlf")
    open_document(client, uri, "excel-formula", "=SUM(A1:A3\n")
    diags = await wait_for_diagnostics(client, uri)
    for _ in range(3):  # asking again does not repeat the message
        actions = await code_actions(client, uri, diags)
        assert actions and actions[0].title == "lastfix: Insert ')' after A3"
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1
    message = errors[0].message
    assert str(client.models / "excel") in message  # type: ignore[attr-defined]
    assert "lastfix.modelDir" in message and "grammar-guided edits" in message
    # Loading was reported as work-done progress (begin ... end).
    kinds = [getattr(p, "kind", None) for reports in client.progress_reports.values() for p in reports]
    assert kinds[:1] == ["begin"] and kinds[-1:] == ["end"]


async def test_corrupt_model_is_reported_too(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "a.py")
    open_document(client, uri, "python", "x = foo(1 2)\n")
    diags = await wait_for_diagnostics(client, uri)
    assert await code_actions(client, uri, diags)
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and str(client.models / "python") in errors[0]  # type: ignore[attr-defined]

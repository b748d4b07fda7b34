"""A model folder that is empty or corrupt: one clear error, quick fixes keep working without the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    code_actions,
    open_and_diagnose,
    session_fixture,
    session_of,
)

pytestmark = pytest.mark.slow


def _models(request: pytest.FixtureRequest) -> dict:
    """A model folder with no Excel model and a corrupt Python one."""
    models = request.getfixturevalue("tmp_path_factory").mktemp("models")
    (models / "python").mkdir()
    (models / "python" / "config.json").write_text("{not json")  # corrupt
    return {"modelDir": str(models), "timeBudgetMs": 5000}


client = session_fixture(_models)


def _model_dir(client: LanguageClient) -> Path:
    return Path(session_of(client).options["modelDir"])


async def test_missing_model_shows_one_error_and_fixes_still_come(client: LanguageClient, tmp_path):
    uri, diags = await open_and_diagnose(client, tmp_path, "a.xlf", "excel-formula", "=SUM(A1:A3\n")
    for _ in range(3):  # asking again does not repeat the message
        actions = await code_actions(client, uri, diags)
        assert actions and actions[0].title == "lastfix: Insert ')' after A3"
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1
    message = errors[0].message
    assert str(_model_dir(client) / "excel") in message
    assert "lastfix.modelDir" in message and "grammar-guided edits" in message
    # Loading was reported as work-done progress (begin ... end).
    kinds = [getattr(p, "kind", None) for reports in client.progress_reports.values() for p in reports]
    assert kinds[:1] == ["begin"] and kinds[-1:] == ["end"]


async def test_corrupt_model_is_reported_too(client: LanguageClient, tmp_path):
    uri, diags = await open_and_diagnose(client, tmp_path, "a.py", "python", "x = foo(1 2)\n")
    assert await code_actions(client, uri, diags)
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and str(_model_dir(client) / "python") in errors[0]

"""The server with a real model: a tiny Excel diffusion model trained in the session, run by ONNX Runtime.

Until shipped models exist this is the end-to-end check of lazy loading (with work-done progress), the
hybrid engine behind quick fixes, and the per-language ``lastfix.modelDir`` form. It asserts what any
model must give (valid fixes; the obvious one first), not the tiny model's quality.
"""

from __future__ import annotations

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.source_files import shared_dir
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    apply_text_edits,
    code_actions,
    edits_of_action,
    open_and_diagnose,
    session_fixture,
)

pytestmark = pytest.mark.slow


def _tiny_model(request: pytest.FixtureRequest) -> dict:
    """Options naming the tiny Excel model (trained on first use), in the per-language modelDir form."""
    root = shared_dir()
    if root is None:
        pytest.skip("../shared (the corpus the tiny model trains on) is not beside this checkout")
    pytest.importorskip("torch", reason="training the tiny model needs the [train] extra")
    from tests.model_training.tiny_model import tiny_excel_model

    model_dir = tiny_excel_model(root).model_dir
    return {"modelDir": {"excel": str(model_dir)}, "device": "cpu", "timeBudgetMs": 5000}


client = session_fixture(_tiny_model)


async def test_quick_fixes_from_the_hybrid_engine_with_a_real_model(client: LanguageClient, tmp_path):
    text = "=SUM(A1:A3\n"
    uri, diags = await open_and_diagnose(client, tmp_path, "model.xlf", "excel-formula", text)
    actions = await code_actions(client, uri, diags)
    assert actions
    for action in actions:
        assert get_grammar("excel").is_valid(apply_text_edits(text, edits_of_action(action, uri)[0]))
    assert apply_text_edits(text, edits_of_action(actions[0], uri)[0]) == "=SUM(A1:A3)\n"
    assert not [m for m in client.messages if m.type == types.MessageType.Error]
    assert any("loaded the excel model" in m.message for m in client.log_messages)
    kinds = [getattr(p, "kind", None) for reports in client.progress_reports.values() for p in reports]
    assert kinds == ["begin", "end"]  # loading reported once; the second request reuses the model
    assert await code_actions(client, uri, diags)
    kinds = [getattr(p, "kind", None) for reports in client.progress_reports.values() for p in reports]
    assert kinds == ["begin", "end"]

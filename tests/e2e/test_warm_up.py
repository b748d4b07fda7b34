"""The model warms up in the background once a document of its language is open (issue 18), so the
first quick fix does not pay for loading it: the load's progress comes before it, none with it, and a
log line says the warm-up is done."""

from __future__ import annotations

import pytest
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    code_actions,
    open_and_diagnose,
    open_document,
    session_fixture,
    uri_for,
    wait_until,
)

pytestmark = pytest.mark.slow


client = session_fixture({"enable": {"python": False}})


def _warmed(client: LanguageClient) -> list[str]:
    return [m.message for m in client.log_messages if "warmed up the" in m.message]


async def test_the_model_warms_up_after_open_and_the_first_quick_fix_does_not_load_it(
    client: LanguageClient, tmp_path
):
    assert not _warmed(client)  # nothing before a document opens: initialize stays quick
    uri, diags = await open_and_diagnose(client, tmp_path, "book.xlf", "excel-formula", "=SUM(A1:A3\n")
    await wait_until(lambda: _warmed(client), 60, "the warm-up log line")
    assert any("warmed up the excel model" in m for m in _warmed(client))
    loads = dict(client.progress_reports)  # the warm-up's "loading the excel model"
    actions = await code_actions(client, uri, diags)
    assert actions and actions[0].title == "lastfix: Insert ')' after A3"
    assert client.progress_reports == loads  # loaded already: the quick fix loads nothing
    # a disabled language is not warmed up; an enabled one is warmed up once
    open_document(client, uri_for(tmp_path, "off.py"), "python", "print(1\n")
    await open_and_diagnose(client, tmp_path, "more.xlf", "excel-formula", "=A1+\n")
    await code_actions(client, uri, diags)
    assert len(_warmed(client)) == 1 and "python" not in _warmed(client)[0]

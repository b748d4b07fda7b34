"""Diagnostics from the real server over stdio: on open and on change, for every language."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    BROKEN,
    EDITORS,
    change_document,
    editors,
    open_and_diagnose,
    open_document,
    session_fixture,
    uri_for,
    wait_for_diagnostics,
)

pytestmark = pytest.mark.slow


client = session_fixture(clients=editors(*EDITORS))


@pytest.mark.parametrize("language", sorted(BROKEN))
async def test_diagnostics_on_open_then_cleared_by_the_fix(client: LanguageClient, tmp_path, language: str):
    language_id, name, text = BROKEN[language]
    uri, diags = await open_and_diagnose(client, tmp_path, name, language_id, text)
    assert all(d.source == "lastfix" and d.code == "syntax-error" for d in diags)
    assert all(d.severity == types.DiagnosticSeverity.Error and d.message for d in diags)
    first = diags[0].range.start
    assert first.line <= 1  # every sample's error is on its first two lines

    # Typing the missing bracket (one incremental change) clears the diagnostics.
    anchor = {"excel": "A1:A3", "python": "sum((1, 2)", "powershell": "1, 2, 3"}[language]
    at = text.index(anchor) + len(anchor)
    change_document(client, uri, 2, text, at, at, ")")
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)


async def test_language_from_the_file_extension(client: LanguageClient, tmp_path):
    uri, diags = await open_and_diagnose(client, tmp_path, "sheet.formula", "plaintext", "=IF(A1>0,1,2\n")
    assert diags[0].range.start.line == 0


async def test_utf16_columns_after_an_emoji(client: LanguageClient, tmp_path):
    # "😀" is two UTF-16 code units: the error column counts them (LSP's default position encoding).
    text = '="😀"&SUM(A1\n'
    uri, diags = await open_and_diagnose(client, tmp_path, "emoji.xlf", "excel-formula", text)
    end = diags[0].range.end
    assert end.line == 0 and end.character <= len(text.rstrip("\n").encode("utf-16-le")) // 2
    assert end.character >= len('="😀"&SUM(A1'.encode("utf-16-le")) // 2 - 2


async def test_documents_of_other_languages_get_no_diagnostics(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "notes.txt")
    open_document(client, uri, "plaintext", "this ( is not code")
    # the server has handled both opens once the probe's diagnostics come
    await open_and_diagnose(client, tmp_path, "probe.xlf", "excel-formula", "=SUM(\n")
    assert uri not in client.diagnostics

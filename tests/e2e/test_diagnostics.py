"""Diagnostics from the real server over stdio: on open and on change, for every language."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    BROKEN,
    change_document,
    open_document,
    server_config,
    start_session,
    uri_for,
    wait_for_diagnostics,
)

pytestmark = pytest.mark.slow


@pytest_lsp.fixture(config=server_config(), params=["visual_studio_code", "neovim@v0.7.0"])
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest):
    await start_session(lsp_client, editor=request.param)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.parametrize("language", sorted(BROKEN))
async def test_diagnostics_on_open_then_cleared_by_the_fix(client: LanguageClient, tmp_path, language: str):
    language_id, name, text = BROKEN[language]
    uri = uri_for(tmp_path, name)
    open_document(client, uri, language_id, text)
    diags = await wait_for_diagnostics(client, uri)
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
    uri = uri_for(tmp_path, "sheet.formula")
    open_document(client, uri, "plaintext", "=IF(A1>0,1,2\n")
    diags = await wait_for_diagnostics(client, uri)
    assert diags[0].range.start.line == 0


async def test_utf16_columns_after_an_emoji(client: LanguageClient, tmp_path):
    # "😀" is two UTF-16 code units: the error column counts them (LSP's default position encoding).
    uri = uri_for(tmp_path, "emoji.xlf")
    text = '="😀"&SUM(A1\n'
    open_document(client, uri, "excel-formula", text)
    diags = await wait_for_diagnostics(client, uri)
    end = diags[0].range.end
    assert end.line == 0 and end.character <= len(text.rstrip("\n").encode("utf-16-le")) // 2
    assert end.character >= len('="😀"&SUM(A1'.encode("utf-16-le")) // 2 - 2


async def test_documents_of_other_languages_get_no_diagnostics(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "notes.txt")
    open_document(client, uri, "plaintext", "this ( is not code")
    probe = uri_for(tmp_path, "probe.xlf")
    open_document(client, probe, "excel-formula", "=SUM(\n")
    await wait_for_diagnostics(client, probe)  # the server has handled both opens by now
    assert uri not in client.diagnostics

"""Helpers for the end-to-end tests that drive the real ``python -m lastfix serve`` over stdio.

Edits are applied here with an implementation independent of ``server.positions`` (UTF-16 through
Python's codec), so a conversion bug in the server cannot cancel out in the tests.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

if TYPE_CHECKING:
    from tests.server.raw_jsonrpc import RawServer

__all__ = [
    "SERVER_COMMAND",
    "server_config",
    "VS_CODE",
    "EDITORS",
    "editors",
    "Session",
    "session_fixture",
    "session_of",
    "raw_server_fixture",
    "install_client_handlers",
    "start_session",
    "wait_until",
    "wait_for_diagnostics",
    "open_document",
    "open_and_diagnose",
    "change_document",
    "apply_text_edits",
    "edits_of_action",
    "code_actions",
    "BROKEN",
    "EXPECTED_FIX",
    "uri_for",
    "lsp_position",
]

REPO = Path(__file__).resolve().parents[2]
SERVER_COMMAND = [sys.executable, "-m", "lastfix", "serve"]
if os.environ.get("LASTFIX_TEST_SERVER_LOG"):  # debugging aid: the servers' DEBUG log (pygls included)
    SERVER_COMMAND += ["--log-level", "DEBUG", "--log-file", os.environ["LASTFIX_TEST_SERVER_LOG"]]

# One broken document per language (LSP language id, file name, text).
BROKEN: dict[str, tuple[str, str, str]] = {
    "excel": ("excel-formula", "book.xlf", "=SUM(A1:A3\n=A1+1\n"),
    "python": ("python", "script.py", "total = sum((1, 2)\nprint(total)\n"),
    "powershell": ("powershell", "script.ps1", "$items = @(1, 2, 3\nWrite-Output $items\n"),
}
# Fixes the edits engine (and any sensible model) must find: a single missing closing bracket.
EXPECTED_FIX = {"excel": "=SUM(A1:A3)\n=A1+1\n"}


VS_CODE = "visual_studio_code"
# The editors whose sessions the e2e tests play: VS Code (pulls its settings) and Neovim 0.7 (never pulls).
EDITORS = (VS_CODE, "neovim@v0.7.0")

# lastfix initialization options, or a function of the fixture's request that makes them (for options
# that need another fixture: a temporary folder, a trained model).
Options = Mapping[str, Any] | Callable[[pytest.FixtureRequest], Mapping[str, Any]] | None


def server_config(server_env: Mapping[str, str] | None = None) -> ClientServerConfig:
    env = dict(server_env) if server_env is not None else None
    return ClientServerConfig(server_command=SERVER_COMMAND, server_env=env)


def uri_for(tmp: Path | str, name: str) -> str:
    return Path(tmp, name).resolve().as_uri()


def install_client_handlers(client: LanguageClient) -> list[types.ApplyWorkspaceEditParams]:
    """The handlers pytest-lsp lacks: registerCapability, and applyEdit (recording what it applies)."""
    applied: list[types.ApplyWorkspaceEditParams] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        return None

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    return applied


async def start_session(
    client: LanguageClient,
    options: dict[str, Any] | None = None,
    *,
    editor: str = "visual_studio_code",
    capabilities: types.ClientCapabilities | None = None,
) -> types.InitializeResult:
    """Install the handlers pytest-lsp lacks and initialize the server as ``editor`` would, with
    ``options`` as the ``lastfix`` initialization options."""
    install_client_handlers(client)
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities(editor),
            initialization_options={"lastfix": options} if options is not None else None,
        )
    )


@dataclass(frozen=True)
class Session:
    """What a session fixture started the server with, for the tests that look back at it."""

    client: str  # the fixture's parameter: an editor's name, or the test's own label for its capabilities
    options: Mapping[str, Any] | None  # the lastfix initialization options sent
    result: types.InitializeResult


def editors(*names: str) -> dict[str, types.ClientCapabilities]:
    """Each editor's capabilities as pytest-lsp records them, by the editor's name (a fixture's ids)."""
    return {name: client_capabilities(name) for name in names}


def session_fixture(
    options: Options = None,
    *,
    clients: Mapping[str, types.ClientCapabilities] | None = None,
    pulled: Mapping[str, Any] | None = None,
    server_env: Mapping[str, str] | None = None,
) -> Any:
    """A pytest-lsp fixture: ``lastfix serve`` over stdio, initialized with ``options`` as the ``lastfix``
    initialization options, shut down after the test.

    ``clients`` maps an id to the capabilities the client declares, one session (and one run of each test)
    for each; without it the client is VS Code and the fixture is not parametrized. ``pulled`` is what the
    client answers when the server pulls the ``lastfix`` section (workspace/configuration). Assign the
    result to the fixture's name in the test module: ``client = session_fixture({...})``.
    """
    config = server_config(server_env)

    @pytest_lsp.fixture(config=config, params=list(clients) if clients is not None else None)
    async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
        name = request.param if clients is not None else VS_CODE
        capabilities = clients[name] if clients is not None else client_capabilities(VS_CODE)
        if pulled is not None:
            lsp_client.set_configuration(dict(pulled), section="lastfix")
        made = options(request) if callable(options) else options
        sent = dict(made) if made is not None else None
        result = await start_session(lsp_client, sent, capabilities=capabilities)
        lsp_client.lastfix_session = Session(name, sent, result)  # type: ignore[attr-defined]
        yield
        await lsp_client.shutdown_session()

    return client


def session_of(client: LanguageClient) -> Session:
    """The Session that ``session_fixture`` started ``client``'s server with."""
    session = getattr(client, "lastfix_session", None)
    assert isinstance(session, Session), "this client was not started by session_fixture"
    return session


def raw_server_fixture(
    options: Mapping[str, Any] | None = None,
    *,
    initialize: bool = True,
    answers: Mapping[str, Any] | None = None,
) -> Any:
    """A pytest fixture: the real server behind the raw JSON-RPC client (tests/server/raw_jsonrpc.py),
    initialized with ``options`` as the ``lastfix`` initialization options unless ``initialize`` is false,
    killed after the test if it is still running. ``answers`` replaces the client's ready answers to the
    server's own requests (method -> result; ``{}``: the test answers each itself)."""

    @pytest.fixture
    def server() -> Iterator[RawServer]:
        # imported here: raw_jsonrpc imports this module for the server command
        from tests.server.raw_jsonrpc import RawServer

        started = RawServer() if answers is None else RawServer(answers=answers)
        if initialize:
            started.initialize({"lastfix": dict(options)} if options is not None else None)
        yield started
        if started.proc.poll() is None:
            started.proc.kill()

    return server


async def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy (race-free with notifications)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


async def wait_for_diagnostics(
    client: LanguageClient,
    uri: str,
    predicate: Callable[[Sequence[types.Diagnostic]], bool] = bool,
    timeout: float = 15.0,
) -> Sequence[types.Diagnostic]:
    def ready() -> Any:
        diags = client.diagnostics.get(uri)
        return diags is not None and predicate(diags) and (diags or True)

    await wait_until(ready, timeout, f"diagnostics of {uri}")
    return client.diagnostics[uri]


def open_document(client: LanguageClient, uri: str, language_id: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)
        )
    )


async def open_and_diagnose(
    client: LanguageClient,
    folder: Path | str,
    name: str,
    language_id: str,
    text: str,
    predicate: Callable[[Sequence[types.Diagnostic]], bool] = bool,
) -> tuple[str, Sequence[types.Diagnostic]]:
    """Open ``text`` as the file ``name`` in ``folder`` and wait for its diagnostics: (uri, diagnostics)."""
    uri = uri_for(folder, name)
    open_document(client, uri, language_id, text)
    return uri, await wait_for_diagnostics(client, uri, predicate)


_BREAK = re.compile(r"\r\n|\r|\n")


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def _offset(text: str, pos: types.Position) -> int:
    """Code-point offset of a UTF-16 position (LSP line breaks); independent of server.positions."""
    starts = _line_starts(text)
    if pos.line >= len(starts):
        return len(text)
    start = starts[pos.line]
    end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(text)
    line = text[start:end].rstrip("\r\n")
    units = line.encode("utf-16-le")[: 2 * pos.character]
    return start + len(units.decode("utf-16-le", "ignore"))


def lsp_position(text: str, offset: int) -> types.Position:
    """UTF-16 position of a code-point offset (never inside a \r\n pair)."""
    starts = _line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    col = len(text[starts[line] : offset].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    spans = sorted(
        ((_offset(text, e.range.start), _offset(text, e.range.end), e.new_text) for e in edits), reverse=True
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def change_document(
    client: LanguageClient, uri: str, version: int, text: str, start: int, end: int, new: str
) -> str:
    """Send one incremental change replacing text[start:end] by ``new``; returns the new text."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=lsp_position(text, start), end=lsp_position(text, end)), text=new
                )
            ],
        )
    )
    return text[:start] + new + text[end:]


def edits_of_action(action: types.CodeAction, uri: str) -> tuple[list[types.TextEdit], int | None]:
    """The text edits of a code action for ``uri`` and the document version they were made for."""
    edit = action.edit
    assert edit is not None, f"action {action.title!r} has no edit"
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            if change.text_document.uri == uri:
                return list(change.edits), change.text_document.version  # type: ignore[arg-type]
        return [], None
    return list((edit.changes or {}).get(uri, [])), None


async def code_actions(
    client: LanguageClient,
    uri: str,
    diagnostics: Sequence[types.Diagnostic],
    only: list[str] | None = None,
    range_: types.Range | None = None,
) -> list[types.CodeAction]:
    rng = range_ or (
        diagnostics[0].range
        if diagnostics
        else types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    )
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )
    return [a for a in (result or []) if isinstance(a, types.CodeAction)]

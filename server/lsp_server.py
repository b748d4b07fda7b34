"""The lastfix language server: builds the Session and the features and registers every LSP method here.

One place lists what the server answers (ruff_server's ``server/api``): reading this module tells which
handler serves which method and with which options.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import FeatureNotificationError, FeatureRequestError, JsonRpcException, PyglsError
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from .client_ui import ClientUI
from .features.code_actions import KINDS, CodeActions
from .features.configuration import Configuration
from .features.diagnostics import Diagnostics
from .features.document_sync import DocumentSync
from .features.fix_all import FixAll
from .features.will_save import WillSave
from .framing import CHUNK_BYTES, StdinReader, serve_stream
from .model_store import ModelStore
from .protocol import LastfixProtocol
from .repair_service import RepairService
from .session import Session

__all__ = ["LastfixServer", "create_server", "server_version"]

logger = logging.getLogger(__name__)


def server_version() -> str:
    try:
        return version("lastfix")
    except PackageNotFoundError:
        return "0+unknown"


class LastfixServer(LanguageServer):
    """pygls's LanguageServer holding lastfix's Session, read through lastfix's framing (server/framing.py);
    errors outside requests go to the log, not popups."""

    protocol: LastfixProtocol
    session: Session
    ui: ClientUI

    @property
    def exit_code(self) -> int:
        """What the process returns: the exit notification's code, 0 when the input just ended."""
        return self.protocol.exit_code or 0

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over a pipe until exit or the end of stdin."""
        reader = StdinReader(stdin or sys.stdin.buffer)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(serve_stream(reader.read, self.protocol))
        except BrokenPipeError:
            logger.error("the client closed the connection; stopping")
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client at a time on a TCP socket until its exit (pygls's loop, lastfix's framing)."""

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            await serve_stream(lambda: reader.read(CHUNK_BYTES), self.protocol)
            writer.close()
            self.shutdown()

        async def listen() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(listen())
        except asyncio.CancelledError:
            logger.debug("the TCP server stopped")

    def report_server_error(
        self, error: Exception, source: type[PyglsError] | type[JsonRpcException]
    ) -> None:
        if source is FeatureRequestError:
            return  # the request's error response already says it
        level = logging.ERROR if source is FeatureNotificationError else logging.WARNING
        logger.log(level, "server error: %s", error)


def _handler(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A plain function around a bound method: pygls tags handlers with attributes, methods take none."""
    if asyncio.iscoroutinefunction(method):

        async def async_handler(params: Any) -> Any:
            return await method(params)

        return async_handler

    def handler(params: Any) -> Any:
        return method(params)

    return handler


def create_server() -> LastfixServer:
    """A ready-to-start server with every feature registered."""
    server = LastfixServer(
        "lastfix",
        server_version(),
        protocol_cls=LastfixProtocol,
        text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        max_workers=2,
    )
    session = Session()
    ui = ClientUI(server, lambda: session.client.work_done_progress)
    server.session, server.ui = session, ui

    repairs = RepairService(session, ModelStore(ui), ui)
    diagnostics = Diagnostics(server, session)
    sync = DocumentSync(session, diagnostics, repairs)

    def warm_open_languages() -> None:
        """Another model or device may serve the open documents now: warm it up before it is asked."""
        for doc in session.documents():
            if doc.language is not None and session.handles(doc):
                repairs.warm_up(doc.language)

    configuration = Configuration(server, session, diagnostics, warm_open_languages)
    fix_all = FixAll(session, repairs, diagnostics)
    code_actions = CodeActions(session, repairs, fix_all, diagnostics)
    will_save = WillSave(session, repairs, diagnostics)

    def initialize(params: types.InitializeParams) -> None:
        ui.loop = asyncio.get_running_loop()
        configuration.initialize(params)

    def shutdown(params: None) -> None:
        repairs.shutdown()
        diagnostics.shutdown()

    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(_handler(configuration.initialized))
    server.feature(types.SHUTDOWN)(shutdown)
    server.feature(types.EXIT)(shutdown)  # an exit without shutdown stops the workers too
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(_handler(configuration.did_change))
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(_handler(sync.did_open))
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(_handler(sync.did_change))
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(_handler(sync.did_close))
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True),
    )(_handler(code_actions.code_action))
    server.feature(types.CODE_ACTION_RESOLVE)(_handler(code_actions.resolve))
    server.feature(types.TEXT_DOCUMENT_WILL_SAVE_WAIT_UNTIL)(_handler(will_save.will_save_wait_until))
    return server

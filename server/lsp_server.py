"""The lastfix language server: builds the Session and the features and registers every LSP method here.

One place lists what the server answers (ruff_server's ``server/api``): reading this module tells which
handler serves which method and with which options.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from lsprotocol import types
from pygls.exceptions import FeatureNotificationError, FeatureRequestError, JsonRpcException, PyglsError
from pygls.lsp.server import LanguageServer

from .client_ui import ClientUI
from .features.code_actions import KINDS, CodeActions
from .features.configuration import Configuration
from .features.diagnostics import Diagnostics
from .features.document_sync import DocumentSync
from .features.fix_all import FixAll
from .features.will_save import WillSave
from .model_store import ModelStore
from .protocol import LastfixProtocol
from .repair_service import RepairService
from .request_guard import answer_unreadable
from .session import Session

__all__ = ["LastfixServer", "create_server", "server_version"]

logger = logging.getLogger(__name__)


def server_version() -> str:
    try:
        return version("lastfix")
    except PackageNotFoundError:
        return "0+unknown"


class LastfixServer(LanguageServer):
    """pygls's LanguageServer holding lastfix's Session; errors outside requests go to the log, not popups."""

    session: Session
    ui: ClientUI

    def report_server_error(
        self, error: Exception, source: type[PyglsError] | type[JsonRpcException]
    ) -> None:
        if answer_unreadable(self.protocol, error):  # type: ignore[arg-type]
            return
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
    configuration = Configuration(server, session, diagnostics)
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

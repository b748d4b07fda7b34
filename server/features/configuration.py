"""Settings from initializationOptions, workspace/didChangeConfiguration and workspace/configuration.

pygls has no built-in handler for configuration. The server pulls the ``lastfix`` section only when the
client declared ``workspace.configuration`` (LSP 3.17); a didChangeConfiguration whose ``settings`` hold
no lastfix values (vscode-languageclient sends ``{settings: null}``) means "pull again".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.lsp.server import LanguageServer

from ..session import Session
from ..settings import SECTION, parse_settings, section_of
from .diagnostics import Diagnostics

__all__ = ["Configuration"]

logger = logging.getLogger(__name__)

PULL_PATIENCE_S = 5.0  # after this a log line says the pull is still awaited


class Configuration:
    """Keeps ``session.settings`` in step with the client."""

    def __init__(
        self,
        server: LanguageServer,
        session: Session,
        diagnostics: Diagnostics,
        on_change: Callable[[], None] | None = None,  # called after the settings changed
    ) -> None:
        self._server = server
        self._session = session
        self._diagnostics = diagnostics
        self._on_change = on_change
        self._generation = 0  # bumped by every push and pull: a pull answered after a newer one is stale
        self._pending_pull: asyncio.Future[Any] | None = None

    def initialize(self, params: types.InitializeParams) -> None:
        settings, warnings = parse_settings(params.initialization_options)
        encoding = ServerCapabilitiesBuilder.choose_position_encoding(params.capabilities)
        self._session.initialize(params.capabilities, str(encoding), settings)
        for w in warnings:
            logger.warning("initializationOptions: %s", w)

    async def initialized(self, params: types.InitializedParams) -> None:
        if self._session.client.configuration:
            await self.pull()

    async def did_change(self, params: types.DidChangeConfigurationParams) -> None:
        if section_of(params.settings) is not None:
            self._generation += 1
            self._apply(params.settings, "didChangeConfiguration")
        elif self._session.client.configuration:
            await self.pull()

    async def pull(self) -> None:
        """Ask the client for the ``lastfix`` section and apply it over the initializationOptions.

        A slow answer is still applied when it comes (it used to be given up after 5 s and then dropped
        for good); a newer pull replaces a pending one, whose answer is then dropped quietly.
        """
        self._generation += 1
        generation = self._generation
        if self._pending_pull is not None:
            self._pending_pull.cancel()
        request = asyncio.ensure_future(
            self._server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        )
        self._pending_pull = request
        try:
            # asyncio.wait, not wait_for: waiting longer must not cancel the request.
            if not (await asyncio.wait({request}, timeout=PULL_PATIENCE_S))[0]:
                logger.warning(
                    "workspace/configuration: no answer after %.0f s; the settings apply when it comes",
                    PULL_PATIENCE_S,
                )
                await asyncio.wait({request})
        finally:
            if self._pending_pull is request:
                self._pending_pull = None
        if request.cancelled():
            logger.info("dropped a workspace/configuration pull: a newer one replaced it")
            return
        if (error := request.exception()) is not None:  # a client that fails the pull keeps the settings
            logger.warning("workspace/configuration failed (%s); keeping the current settings", error)
            return
        if generation != self._generation:
            logger.info("dropped a workspace/configuration answer: newer settings arrived meanwhile")
            return
        result = request.result()
        if result:
            self._apply(
                {SECTION: result[0]} if isinstance(result[0], dict) else None, "workspace/configuration"
            )

    def _apply(self, raw: Any, origin: str) -> None:
        old = self._session.settings
        new, warnings = parse_settings(raw, self._session.base_settings)
        for w in warnings:
            logger.warning("%s: %s", origin, w)
        self._session.settings = new
        # documents judged by another grammar now (a Python target version) are new snapshots: repairs
        # still running on the old ones are dropped as stale
        regrammared = self._session.follow_grammars()
        if new != old:
            logger.info("settings from %s: %s", origin, new)
            if self._on_change is not None:
                self._on_change()
        if new.enable != old.enable or regrammared:
            self._diagnostics.refresh_all()

"""textDocument/willSaveWaitUntil: fix on save, opt-in (``lastfix.fixOnSave``), conservative, in budget.

The edits are fix-all's (confident fixes that delete at most ``lastfix.fixOnSaveMaxDeletedTokens``
tokens), computed under one deadline of at most SAVE_BUDGET_MS for the whole document, because VS Code
drops a save participant after about 1.5 s.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from ..repair_service import SAVE_BUDGET_MS, RepairService
from ..session import Session
from ..workspace_edits import lsp_text_edits
from .diagnostics import Diagnostics
from .fix_all import policy_of

__all__ = ["WillSave"]

logger = logging.getLogger(__name__)


class WillSave:
    """The willSaveWaitUntil handler."""

    def __init__(self, session: Session, repairs: RepairService, diagnostics: Diagnostics) -> None:
        self._session = session
        self._repairs = repairs
        self._diagnostics = diagnostics

    async def will_save_wait_until(
        self, params: types.WillSaveTextDocumentParams
    ) -> list[types.TextEdit] | None:
        settings = self._session.settings
        doc = self._session.get(params.text_document.uri)
        if doc is None or not settings.fix_on_save or not self._session.handles(doc):
            return None
        if not await self._diagnostics.issues(doc):
            return None
        result = await self._repairs.fix_all(doc, policy_of(self._session), repairs=1, cap_ms=SAVE_BUDGET_MS)
        if result is None or not result.edits or not self._session.is_current(doc):
            return None
        logger.info(
            "fix on save %s v%s: %d fixed, %d left", doc.uri, doc.version, result.fixed, result.remaining
        )
        return lsp_text_edits(doc, result.edits, self._session.encoding)

"""textDocument/willSaveWaitUntil: fix on save, opt-in (``lastfix.fixOnSave``), conservative, in budget.

The edits are fix-all's (confident fixes that delete at most ``lastfix.fixOnSaveMaxDeletedTokens``
tokens), each error's repair bounded by the save's own work (:class:`SaveWork`: it looks for the first
candidate and its runner-up, not a quick fix's list), so the same save gives the same edit under any load;
one deadline of SAVE_BUDGET_MS for the whole document is their safety cap, because VS Code drops a save
participant after about 1.5 s. A save never waits for quick fixes (its own worker).
"""

from __future__ import annotations

import logging

from lsprotocol import types

from ..repair_service import SAVE_BUDGET_MS, RepairService, SaveWork
from ..session import Session
from ..workspace_edits import lsp_text_edits
from .diagnostics import Diagnostics
from .fix_all import policy_of, tried_lines

__all__ = ["WillSave"]

logger = logging.getLogger(__name__)
_WORK = SaveWork()


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
        # the save's own budget (a quick fix's default, PowerShell's 400 ms, is for one repair), or the
        # user's lastfix.timeBudgetMs when that is shorter
        total_ms = min(SAVE_BUDGET_MS, settings.time_budget_ms or SAVE_BUDGET_MS)
        result = await self._repairs.fix_all(doc, policy_of(self._session), total_ms=total_ms, bound=_WORK)
        if result is None or not result.edits or not self._session.is_current(doc):
            return None
        logger.info(
            "fix on save %s v%s: %d fixed, %d left; errors tried on lines %s",
            doc.uri,
            doc.version,
            result.fixed,
            result.remaining,
            tried_lines(result.tried),
        )
        return lsp_text_edits(doc, result.edits, self._session.encoding)

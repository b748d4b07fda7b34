"""``source.fixAll.lastfix``: the top fix of every error whose fix is confident and small, in one edit.

Clients that resolve code actions get the action at once and the edit on codeAction/resolve, so listing
actions never waits for the model (LSP 3.16 codeAction resolveSupport); others get the edit inline.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from ..document import Document
from ..fix_policy import FixPolicy
from ..repair_service import RepairService
from ..session import Session
from ..workspace_edits import workspace_edit
from .diagnostics import Diagnostics

__all__ = ["FIX_ALL_KIND", "FixAll", "policy_of", "tried_lines"]

logger = logging.getLogger(__name__)

FIX_ALL_KIND = "source.fixAll.lastfix"
_TITLE = "lastfix: Fix all syntax errors with a confident fix"


def tried_lines(tried: tuple[int, ...]) -> str:
    """1-based line numbers, as an editor shows them."""
    return ", ".join(str(line + 1) for line in tried) or "none"


def policy_of(session: Session) -> FixPolicy:
    return FixPolicy(max_deleted_tokens=session.settings.fix_on_save_max_deleted_tokens)


class FixAll:
    """Builds and resolves the fix-all code action."""

    def __init__(self, session: Session, repairs: RepairService, diagnostics: Diagnostics) -> None:
        self._session = session
        self._repairs = repairs
        self._diagnostics = diagnostics

    async def action(self, doc: Document) -> types.CodeAction | None:
        """The fix-all action for ``doc`` (None when it has no error, or no confident fix to apply)."""
        if not await self._diagnostics.issues(doc):
            return None
        if self._session.client.resolve_edit and self._session.client.data_support:
            return types.CodeAction(
                title=_TITLE, kind=FIX_ALL_KIND, data={"fixAll": doc.uri, "version": doc.version}
            )
        edit = await self._edit(doc)
        return types.CodeAction(title=_TITLE, kind=FIX_ALL_KIND, edit=edit) if edit is not None else None

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data
        if not isinstance(data, dict) or "fixAll" not in data:
            return action
        doc = self._session.get(str(data["fixAll"]))
        if doc is None or doc.version != data.get("version"):
            logger.info("fix-all not resolved: %s changed since the action was listed", data["fixAll"])
            return action
        edit = await self._edit(doc)
        if edit is not None:
            action.edit = edit
        return action

    async def _edit(self, doc: Document) -> types.WorkspaceEdit | None:
        # Asked for explicitly (a menu, codeActionsOnSave, Neovim's BufWritePre): one deadline of two repair
        # budgets for the whole document, since fixing several errors takes several repairs;
        # willSaveWaitUntil has its own, SAVE_BUDGET_MS for every language (lastfix.timeBudgetMs when
        # smaller): shorter than this for Python and Excel, longer for PowerShell (2 x 400 ms).
        result = await self._repairs.fix_all(doc, policy_of(self._session), repairs=2)
        if result is None or not result.edits or not self._session.is_current(doc):
            return None
        logger.info(
            "fix-all %s v%s: %d fixed, %d left; errors tried on lines %s",
            doc.uri,
            doc.version,
            result.fixed,
            result.remaining,
            tried_lines(result.tried),
        )
        return workspace_edit(
            doc, result.edits, self._session.encoding, self._session.client.document_changes
        )

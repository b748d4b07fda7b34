"""textDocument/codeAction and codeAction/resolve: quick fixes for lastfix's diagnostics, and fix-all.

Quick fixes: up to ``lastfix.candidates`` repairs per error under the requested range, titled by their
edit, the first marked preferred when the candidates agree on it, each carrying its diagnostic and a
versioned edit. The repair runs off the event loop (RepairService); a result for an older version is
dropped. ``source.fixAll.lastfix`` is offered only when ``context.only`` asks for it.
"""

from __future__ import annotations

import logging
from typing import Any

from lastfix.grammars import SyntaxIssue
from lsprotocol import types

from ..document import Document
from ..edit_titles import fix_title
from ..fix_policy import confident, same_meaning
from ..repair_service import RepairService
from ..session import Session
from ..workspace_edits import workspace_edit
from .diagnostics import MAX_DIAGNOSTICS, Diagnostics, issue_of, to_diagnostic
from .fix_all import FIX_ALL_KIND, FixAll

__all__ = ["CodeActions", "KINDS", "wants"]

logger = logging.getLogger(__name__)

KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND]
_MAX_ISSUES = 3  # errors repaired for one request: a selection over a broken file must stay responsive


def wants(only: Any, kind: str, default: bool) -> bool:
    """Does ``context.only`` ask for ``kind``? Kinds are hierarchical: "source" asks for "source.fixAll.x"."""
    if not only:
        return default
    asked = [str(getattr(o, "value", o)) for o in only]
    return any(kind == o or kind.startswith(o + ".") for o in asked)


class CodeActions:
    """The codeAction and codeAction/resolve handlers."""

    def __init__(
        self, session: Session, repairs: RepairService, fix_all: FixAll, diagnostics: Diagnostics
    ) -> None:
        self._session = session
        self._diagnostics = diagnostics
        self._repairs = repairs
        self._fix_all = fix_all

    async def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = self._session.get(params.text_document.uri)
        if doc is None or not self._session.handles(doc):
            return None
        actions: list[types.CodeAction] = []
        only = params.context.only
        if wants(only, types.CodeActionKind.QuickFix.value, default=True):
            actions.extend(await self._quick_fixes(doc, params))
        if wants(only, FIX_ALL_KIND, default=False):
            action = await self._fix_all.action(doc)
            if action is not None:
                actions.append(action)
        if not self._session.is_current(doc):
            logger.info("dropped code actions for %s v%s: the document changed", doc.uri, doc.version)
            return []
        return actions

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """Fill in a deferred edit (fix-all); any other action comes back as it is."""
        return await self._fix_all.resolve(action)

    async def _issues(self, doc: Document, params: types.CodeActionParams) -> list[SyntaxIssue]:
        """Errors the request is about: the client's lastfix diagnostics, then any error under the range."""
        encoding = self._session.encoding
        issues = await self._diagnostics.issues(doc)
        chosen: list[SyntaxIssue] = []
        for diagnostic in params.context.diagnostics:
            issue = issue_of(doc, issues, diagnostic, encoding)
            if issue is not None and issue not in chosen:
                chosen.append(issue)
        start, end = doc.index.offsets_of(params.range, encoding)
        for issue in issues[:MAX_DIAGNOSTICS]:
            if issue.start <= end and max(issue.end, issue.start) >= start and issue not in chosen:
                chosen.append(issue)
        return chosen[:_MAX_ISSUES]

    async def _quick_fixes(self, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
        grammar = doc.grammar
        if grammar is None:
            return []
        settings = self._session.settings
        encoding = self._session.encoding
        actions: list[types.CodeAction] = []
        offered: set[str] = set()
        # Where the best fix of an error already offered here edits: a second error at that spot (a
        # parser's echo of the first, "missing ')'" then "unexpected '3'") has the same fixes.
        fixed_spans: list[tuple[int, int]] = []
        for issue in await self._issues(doc, params):
            if any(a <= max(issue.start, issue.end) and issue.start <= b for a, b in fixed_spans):
                continue
            candidates = await self._repairs.candidates(doc, issue)
            if not self._session.is_current(doc):
                return []
            diagnostic = to_diagnostic(doc, issue, encoding)
            preferred = confident(candidates, same_meaning(grammar, doc.text))
            if candidates:
                fixed_spans.extend(
                    (e.start, max(e.end, e.start + len(e.new_text))) for e in candidates[0].edits
                )
            count = 0
            for rank, candidate in enumerate(candidates):
                if count >= settings.candidates:
                    break
                if candidate.text in offered or not candidate.edits:
                    continue
                offered.add(candidate.text)
                count += 1
                actions.append(
                    types.CodeAction(
                        title=fix_title(doc.text, candidate.edits, grammar),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=True if rank == 0 and preferred else None,
                        edit=workspace_edit(
                            doc, candidate.edits, encoding, self._session.client.document_changes
                        ),
                    )
                )
        return actions

"""When a fix may be applied without the user choosing it (fix-all, fix on save) and how to apply many.

DESIGN.md "Editors": users of fix-on-save tools most often complain about fixes that delete code they
are still typing (ruff-vscode#88). So a fix is applied unasked only when the candidates agree on it
(:func:`confident`), it deletes at most a few tokens (:func:`deleted_tokens`) and it does not turn a
comparison inside a condition into an assignment (:func:`assigns_in_condition`: ``if ($n == 3)`` ->
``if ($n = 3)`` is valid and means something else); anything else stays a quick fix the user picks by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from lastfix.grammars import Grammar, SyntaxIssue, TextEdit, apply_edits
from lastfix.model_runtime.deadline import Deadline

from .text_diff import diff_edits

__all__ = [
    "CandidateLike",
    "FixPolicy",
    "FixAllResult",
    "confident",
    "deleted_tokens",
    "assigns_in_condition",
    "fix_all",
]

_CONDITION = re.compile(r"\b(?:if|elif|elseif|while|until)\b", re.IGNORECASE)
_COMPARISON = re.compile(r"==|!=|-[ci]?(?:eq|ne)\b", re.IGNORECASE)  # C-family's and PowerShell's
_LONE_EQUALS = re.compile(r"(?<![=!<>:+\-*/%&|^])=(?![=~])")


class CandidateLike(Protocol):
    """The fields of ``model_runtime.repair_result.Candidate`` the policy reads."""

    @property
    def text(self) -> str: ...
    @property
    def edits(self) -> tuple[TextEdit, ...]: ...
    @property
    def distance(self) -> int: ...
    @property
    def votes(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def cost(self) -> float: ...


@dataclass(frozen=True)
class FixPolicy:
    """Limits of an unasked fix."""

    max_deleted_tokens: int = 3
    max_fixes: int = 50  # errors fixed in one fix-all, so a garbage file cannot take the whole budget
    # languages where a lone '=' assigns (in Excel it compares: "==" -> "=" is the fix there)
    assignment_languages: frozenset[str] = frozenset({"python", "powershell"})


@dataclass(frozen=True)
class FixAllResult:
    text: str  # the document after the applied fixes
    edits: tuple[TextEdit, ...]  # minimal edits on the original document
    fixed: int
    remaining: int  # errors left: no candidate, not confident, too destructive, or out of time


def confident(candidates: Sequence[CandidateLike]) -> bool:
    """Does the first candidate clearly lead? Alone; or, costing no more than the runner-up, it leads the
    votes 2:1 or the runner-up costs twice as much.

    Votes are the diffusion samples that produced a candidate (the paper's vote pooling, table 1). Without
    a vote lead the weighted edit cost decides, never the ranking's priors: the n-gram prior may order two
    equally cheap repairs (``=SUM(A1:A3)B1``: which operator?), but a guess between them is a quick
    fix for the user to pick, not an edit to make unasked.
    """
    if not candidates:
        return False
    if len(candidates) == 1:
        return True
    top, second = candidates[0], candidates[1]
    if top.cost > second.cost:  # ranked first by votes or priors over a cheaper repair: the user picks
        return False
    if top.votes >= 2 and top.votes >= 2 * second.votes:
        return True
    if top.votes < second.votes:
        return False
    return second.cost >= 2 * top.cost and second.cost > top.cost


def deleted_tokens(text: str, edits: Sequence[TextEdit], grammar: Grammar) -> int:
    """Tokens of ``text`` an edit removes or overwrites (a substitution deletes one token)."""
    count = 0
    for e in edits:
        if e.end <= e.start:
            continue
        # Tokenize only the neighbourhood: a fix touches a few tokens of a possibly huge document.
        lo = max(0, text.rfind("\n", 0, max(0, e.start - 1)) + 1)
        hi = text.find("\n", e.end)
        hi = len(text) if hi < 0 else hi
        for t in grammar.tokenize(text[lo:hi]):
            start, end = t.start + lo, t.end + lo
            if start < e.end and end > e.start:
                count += 1
    return count


def assigns_in_condition(text: str, edits: Sequence[TextEdit]) -> bool:
    """Does an edit turn a comparison (``==``, ``-eq``, ``!=``, ``-ne``) into a lone ``=`` on a line where
    a condition (``if``, ``while``...) starts before it?"""
    for e in edits:
        lo = text.rfind("\n", 0, e.start) + 1
        hi = text.find("\n", e.end)
        hi = len(text) if hi < 0 else hi
        before = text[lo:hi]
        if not _CONDITION.search(before[: e.start - lo]):
            continue
        after = before[: e.start - lo] + e.new_text + before[e.end - lo :]
        if len(_COMPARISON.findall(after)) < len(_COMPARISON.findall(before)) and len(
            _LONE_EQUALS.findall(after)
        ) > len(_LONE_EQUALS.findall(before)):
            return True
    return False


def fix_all(
    text: str,
    grammar: Grammar,
    repair: Callable[[str, SyntaxIssue], Sequence[CandidateLike]],
    policy: FixPolicy,
    deadline: Deadline | None = None,
) -> FixAllResult:
    """Apply the top fix of every error whose fix is confident and small, last error first, until
    ``deadline`` (the one deadline of the whole document; ``repair`` spends it too).

    Going from the end keeps what is left to visit (everything before the last fix) where the grammar
    reports it; errors are recomputed after each fix because one fix can resolve or move others. The
    result is reported as a diff against the original.
    """
    current = text
    fixed = 0
    boundary = len(text) + 1  # errors starting at or after this were visited already
    while fixed < policy.max_fixes and not (deadline is not None and deadline.expired()):
        pending = [i for i in grammar.errors(current) if i.start < boundary]
        if not pending:
            break
        issue = max(pending, key=lambda i: (i.start, i.end))
        boundary = issue.start
        candidates = repair(current, issue)
        top = candidates[0] if candidates else None
        if (
            top is None
            or not confident(candidates)
            or (deleted_tokens(current, top.edits, grammar) > policy.max_deleted_tokens)
            or (grammar.name in policy.assignment_languages and assigns_in_condition(current, top.edits))
        ):
            continue
        current = apply_edits(current, top.edits)
        boundary = min([boundary] + [e.start for e in top.edits])
        fixed += 1
    return FixAllResult(current, tuple(diff_edits(text, current)), fixed, len(grammar.errors(current)))

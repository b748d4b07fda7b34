"""When a fix may be applied without the user choosing it (fix-all, fix on save) and how to apply many.

DESIGN.md "Editors": users of fix-on-save tools most often complain about fixes that delete code they
are still typing (ruff-vscode#88). So a fix is applied unasked only when it clearly leads the candidates
(:func:`confident`), it deletes at most a few tokens (:func:`deleted_tokens`) and it does not turn a
comparison inside a condition into an assignment (:func:`assigns_in_condition`: ``if ($n == 3)`` ->
``if ($n = 3)`` is valid and means something else); anything else stays a quick fix the user picks by hand.

Several errors are fixed one after the other in document order (:func:`fix_all`), each judged as its quick
fix is: on its own error (gone, none added, the others left as they were), on the error list the user
sees (the diagnostics'), each repair bounded by its own work and all under one deadline, their safety cap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from lastfix.grammars import Grammar, SyntaxIssue, TextEdit, apply_edits
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.model_runtime.deadline import Deadline

from .text_diff import diff_edits

__all__ = [
    "CandidateLike",
    "FixPolicy",
    "FixAllResult",
    "confident",
    "same_tokens",
    "same_meaning",
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
    tried: tuple[int, ...] = ()  # the line (0-based) of each error repaired, in the order they were tried


def confident(
    candidates: Sequence[CandidateLike],
    same_meaning: Callable[[CandidateLike, CandidateLike], bool] | None = None,
) -> bool:
    """Does the first candidate clearly lead? Alone; or, costing no more than the runner-up, it leads the
    votes 2:1, or the runner-up costs twice as much, or, no sample taking sides, it ranks above it.

    Votes are the diffusion samples that produced a candidate (the paper's vote pooling, table 1): a
    clear lead decides, a close one (3:2, 1:0) is doubt. A fix ranked first over a cheaper repair (by votes
    or priors) is a guess for the user to pick, not an edit to make unasked. Between two repairs of the
    same cost that no sample tells apart, the ranking decides (issue 18: giving up on every such tie left
    ``=SUM(C5-B5`` unfixed on save, though the ranking prefers ``=SUM(C5-B5)``); only when their scores
    are equal too does nothing tell them apart, and then the fix is applied only when both mean the same
    (``same_meaning``: they differ in layout alone). So ``=SUM(A1:A3)B1`` stays a quick fix: '+', '-', '*'
    and '&' cost the same, and the n-gram prior, capped, scores them alike.
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
    if second.cost >= 2 * top.cost and second.cost > top.cost:
        return True
    if top.votes != second.votes:  # a close vote: the samples disagree
        return False
    if not _equal_scores(top.score, second.score):
        return top.score > second.score
    return same_meaning is not None and same_meaning(top, second)


def _equal_scores(a: float, b: float) -> bool:
    """Scores the ranking does not tell apart (equal but for float rounding)."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def same_tokens(grammar: Grammar, text: str, a: Sequence[TextEdit], b: Sequence[TextEdit]) -> bool:
    """Do two fixes of ``text`` (their edits) read as the same tokens: they differ in spaces and layout alone?

    Only the lines their edits touch are rebuilt and tokenized: this runs on the event loop (a quick fix's
    preferred mark), and a fix touches a few lines of a possibly huge file.
    """
    spans = [(e.start, e.end) for e in (*a, *b)]
    if not spans:
        return True
    # whole lines, so indentation reads the same in both; the text around them is the same in both fixes
    start = text.rfind("\n", 0, min(lo for lo, _ in spans)) + 1
    end = text.find("\n", max(hi for _, hi in spans))
    end = len(text) if end < 0 else end
    lines = text[start:end]
    fixed = [
        apply_edits(lines, [TextEdit(e.start - start, e.end - start, e.new_text) for e in x]) for x in (a, b)
    ]
    if fixed[0] == fixed[1]:
        return True
    return [t.text for t in grammar.tokenize(fixed[0])] == [t.text for t in grammar.tokenize(fixed[1])]


def same_meaning(grammar: Grammar, text: str) -> Callable[[CandidateLike, CandidateLike], bool]:
    """:func:`confident`'s test of two equally ranked fixes of ``text``: :func:`same_tokens`."""
    return lambda a, b: same_tokens(grammar, text, a.edits, b.edits)


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
    repair: Callable[[str, SyntaxIssue, Deadline], Sequence[CandidateLike]],
    policy: FixPolicy,
    deadline: Deadline | None = None,
    issues: Callable[[str], Sequence[SyntaxIssue]] | None = None,
) -> FixAllResult:
    """Apply the top fix of every error whose fix is confident and small, first error first, until
    ``deadline`` (the one deadline of the whole document).

    ``issues`` lists a text's errors as the diagnostics do (default: chunk by chunk, as
    ``IncrementalIssues``), so fix-all works on the errors the user sees and no others. ``repair`` finds
    the candidates of one error, judged on that error alone (a quick fix's acceptance), bounded by its own
    work; ``deadline`` is only the safety cap of them all (DESIGN "Repair" 5). A repair the cap cut short
    (``Deadline.fired``) is not applied and ends the pass: its answer would depend on the machine's load,
    so the same document gets the same fixes under any load, or fewer when the cap fires, never others.
    Errors are listed again after each fix (a fix can resolve or move the ones after it); errors before
    the last one visited are not visited twice. The result is reported as a diff against the original.
    """
    deadline = deadline or Deadline.never()
    issues_of = issues or IncrementalIssues(grammar).issues
    current = text
    fixed = 0
    tried: list[int] = []
    visited = -1  # errors starting at or before this offset of ``current`` were visited already
    while fixed < policy.max_fixes and not deadline.expired():
        pending = [i for i in issues_of(current) if i.start > visited]
        if not pending:
            break
        issue = pending[0]
        visited = issue.start
        tried.append(current.count("\n", 0, issue.start))
        # the cap ends a little before the whole deadline: the work after the last search (the checks of
        # the policy, the final diff) stays inside it
        cap = deadline.leave(_RESERVE)
        candidates = repair(current, issue, cap)
        if cap.fired() or deadline.cancelled():
            break
        top = candidates[0] if candidates else None
        if (
            top is None
            or not confident(candidates, same_meaning(grammar, current))
            or (deleted_tokens(current, top.edits, grammar) > policy.max_deleted_tokens)
            or (grammar.name in policy.assignment_languages and assigns_in_condition(current, top.edits))
        ):
            continue
        current = apply_edits(current, top.edits)
        # in the fixed text: the error's place, and everything up to the end of the fix, were visited
        visited = max([_moved(visited, top.edits)] + [_moved(e.end, top.edits) - 1 for e in top.edits])
        fixed += 1
    left = len(issues_of(current))
    return FixAllResult(current, tuple(diff_edits(text, current)), fixed, left, tuple(tried))


_RESERVE = 0.1  # of the whole deadline, kept for the work after the last search (checks, the final diff)


def _moved(offset: int, edits: Sequence[TextEdit]) -> int:
    """Where ``offset`` of a text lies once ``edits`` are applied (inside an edit: the end of its text)."""
    moved = offset
    for e in edits:
        if e.end <= offset:
            moved += len(e.new_text) - (e.end - e.start)
        elif e.start <= offset:
            moved += e.start + len(e.new_text) - offset
    return moved

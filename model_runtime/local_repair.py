"""Repair one error of a large document on the statements around it, not on the whole document.

The search checks every candidate with the validity oracle, which parses the document it is given. On a
whole 250-function Python file that made one quick fix run for 28 s and find nothing, and a 250-line
PowerShell script overran its 250 ms budget three times (EXPERIMENTS.md, fifth session). A last-mile
error and its fix lie within a statement or two, so a large document is repaired on a *region*: the
top-level statements from a little before the error to a little after it, cut where a statement starts
(where the lexer stood at the top level, so the region parses as it does inside the document). The
region's candidates are mapped back and checked once against the whole document: a fix may not leave
an error inside the region or add one anywhere. Given the document's ``IncrementalIssues`` (the
server's diagnostics keep one per document), the region's cut points before the error are its chunk
starts and each check re-reads only the region's chunks.

A document whose statements mean the same alone (``Language.independent_statements``: an Excel sheet is
a list of formulas) is repaired on the statement holding the error whatever its length: its neighbours
add nothing to the fix, and the n-gram prior, trained on one formula at a time, misreads them (the next
formula's ``=`` as a comparison: ``=SUM(C5-B5)`` and ``=SUM(C5)-B5`` scored alike in a sheet, issue 18).

A document repaired error by error (``repair_document``) spends one :class:`~deadline.Deadline`: each
error's repair is bounded by its own work and the deadline is their common safety cap, so every error gets
the same fixes on any machine (a time share each would make them depend on the load). Each error is
repaired as its quick fix is (``scoped``): its own error gone, none added, the errors after it left for
their turn, first error first.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace

from lastfix.grammars.base import Grammar, IssueKind, SyntaxIssue, TextEdit
from lastfix.grammars.errors import UnknownLanguageError
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.grammars.registry import get_language

from .deadline import Deadline
from .edit_compose import compose_edits
from .engines import IssueRepairEngine, RepairEngine
from .repair_result import Candidate

__all__ = ["LocalSettings", "repair_around", "repair_document", "region_around", "statement_around"]


@dataclass(frozen=True)
class LocalSettings:
    """When a document is repaired on a region, and how much of it the region takes."""

    min_chars: int = 2_000  # shorter documents are repaired whole (the dev benchmarks all are)
    statements_before: int = 1  # whole statements of context before the one holding the error
    lines_after: int = 2  # the region runs at least this many lines past the error's line
    tries: int = 4  # cut points after the error tried before giving up on a region
    lines_read_after: int = 100  # how far past the error its cut points are looked for
    max_steps: int = 32  # errors after the first repaired one after another in one document at most


def region_around(
    grammar: Grammar,
    text: str,
    issue: SyntaxIssue,
    settings: LocalSettings = LocalSettings(),
    starts: list[int] | None = None,
) -> tuple[int, int] | None:
    """``(start, end)`` of a region holding ``issue`` that reports ``issue`` on its own, or None.

    Statement starts before the error come from the whole document (the lexer was at the top level
    there), or ``starts`` when the caller knows them. After it the document's own statement starts (in
    ``starts``) are tried first: a region cut there holds whole statements, so it reports no echo of a
    statement cut in two (PowerShell's "missing '}'" at the cut, which made the repair judge every
    candidate statement by statement, ten times the cost of one parse). An unclosed bracket may merge
    everything after it into one statement, so then the cut points come from the next lines read on
    their own, at column 0.
    """
    if starts is None:
        starts = [s for s, _ in grammar.statements(text[: _next_line(text, issue.start)])]
    before = [s for s in starts if s <= issue.start]
    if not before:
        return None
    start = _line_start(text, before[max(0, len(before) - 1 - settings.statements_before)])
    after = _next_line(text, max(issue.start, issue.end))
    for _ in range(settings.lines_after - 1):
        after = _next_line(text, after)
    horizon = after
    for _ in range(settings.lines_read_after):
        horizon = _next_line(text, horizon)
    rest = text[after:horizon]
    own = [s for s in starts if after <= s < horizon][: settings.tries]  # the document's own (given)
    cuts = [after + s for s, _ in grammar.statements(rest) if s == 0 or rest[s - 1] == "\n"]
    ends = own + [e for e in [_line_start(text, c) for c in cuts] + [len(text)] if e not in own]
    for end in ends[: len(own) + settings.tries]:
        if end < after or end - start >= len(text) * 0.8:
            continue  # not past the error, or most of the document
        # the region reproduces the error (an error of a neighbouring statement may come first); a bracket
        # left open counts when the region says so before the error: in the whole document the parser
        # gives up further on (CPython at the next ``def``), in the region at the bracket itself
        if _reproduced(grammar.errors(text[start:end]), issue.start - start) is not None:
            return start, end
    return None


def statement_around(
    grammar: Grammar, text: str, issue: SyntaxIssue, starts: list[int]
) -> tuple[int, int] | None:
    """``(start, end)`` of the statement holding ``issue`` when it reports ``issue`` on its own and is not
    the whole of ``text``, else None. ``starts``: where the document's statements start (chunk starts)."""
    i = bisect.bisect_right(starts, issue.start) - 1
    if i < 0:
        return None
    start = _line_start(text, starts[i])
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    if (start, end) == (0, len(text)) or _reproduced(
        grammar.errors(text[start:end]), issue.start - start
    ) is None:
        return None
    return start, end


def repair_around(
    engine: RepairEngine,
    text: str,
    issue: SyntaxIssue,
    *,
    deadline: Deadline,
    k: int | None = None,
    settings: LocalSettings = LocalSettings(),
    checker: IncrementalIssues | None = None,
    scoped: bool = False,
) -> list[Candidate]:
    """Top-k repairs of ``issue`` in ``text``: on a region for a large document, else on all of it.

    ``scoped`` (a quick fix): a repair need only remove ``issue``'s own error and add none, the other
    errors stay; else (fix-all) it must leave a valid document, or region, as the engine repairs all.

    Falls back to the whole document when no region reproduces the error on its own (its cause lies
    further away, such as a bracket opened a hundred lines up). ``checker`` (at ``text`` or any other
    version of the document) makes the region and the final checks cheap; it is not moved.
    """
    grammar = engine.grammar
    repair = _one_error(engine) if scoped else engine.repair
    alone = _independent(grammar)
    if len(text) < settings.min_chars and not alone:
        return repair(text, issue, deadline=deadline, k=k)
    probe = checker.copy() if checker is not None else IncrementalIssues(grammar)
    before = probe.issues(text)
    starts = probe.starts(text)
    if alone:
        region = statement_around(grammar, text, issue, starts)
    elif len(text) < settings.min_chars:
        region = None
    else:
        region = region_around(grammar, text, issue, settings, starts)
    if region is None:
        return repair(text, issue, deadline=deadline, k=k)
    start, end = region
    # the region's own report of the error, read as the repair reads it: a scoped repair compares it with
    # the region's statement-by-statement errors (a lone error is then repaired as the whole region's)
    reported = (
        IncrementalIssues(grammar).issues(text[start:end]) if scoped else grammar.errors(text[start:end])
    )
    local = _reproduced(list(reported), issue.start - start) or issue.moved(-start)
    out: list[Candidate] = []
    for cand in repair(text[start:end], local, deadline=deadline, k=k):
        edits = tuple(TextEdit(e.start + start, e.end + start, e.new_text) for e in cand.edits)
        repaired = text[:start] + cand.text + text[end:]
        fixed_end = start + len(cand.text)
        after = probe.issues(repaired)
        # its own error gone and none added: an error the target hid (a slip after an unclosed bracket)
        # may now show, so the count may stay; nothing may be left in the repaired region
        if len(after) <= len(before) and not any(start <= i.start < fixed_end for i in after):
            out.append(replace(cand, text=repaired, edits=edits))
    return out


def repair_document(
    engine: RepairEngine,
    text: str,
    *,
    deadline: Deadline,
    k: int | None = None,
    settings: LocalSettings = LocalSettings(),
) -> list[Candidate]:
    """Top-k repairs of every error of ``text`` (the CLI's ``lastfix repair FILE``), all within ``deadline``.

    A large document is repaired one error at a time around it, first error first, all under the one
    ``deadline`` as their safety cap, each judged as its quick fix is (its own error gone, none added). The
    best fix of the first error is carried on through the errors after it; the runner-ups stay
    alternatives when they leave a valid document. The result must parse: the CLI rewrites a file only
    into one that does.
    """
    grammar = engine.grammar
    if len(text) < settings.min_chars:
        return engine.repair(text, deadline=deadline, k=k)
    checker = IncrementalIssues(grammar)
    errors = checker.issues(text)
    if not errors:
        return []
    found = repair_around(
        engine,
        text,
        errors[0],
        deadline=deadline,
        k=k,
        settings=settings,
        checker=checker,
        scoped=True,
    )
    if not found:
        return []
    best = found[0]
    for _ in range(settings.max_steps):
        left = checker.issues(best.text)
        if not left or deadline.fires():
            break
        step = repair_around(
            engine,
            best.text,
            left[0],
            deadline=deadline,
            k=1,
            settings=settings,
            checker=checker,
            scoped=True,
        )
        if not step:
            break
        edits = tuple(compose_edits(text, best.edits, step[0].edits))
        best = replace(step[0], edits=edits, cost=best.cost + step[0].cost, rules=best.rules | step[0].rules)
    if not grammar.is_valid(best.text):
        return []  # the CLI rewrites a file only into one that parses
    return [best] + [c for c in found[1:] if grammar.is_valid(c.text)]


def _independent(grammar: Grammar) -> bool:
    """Does each statement of ``grammar``'s language mean the same alone (its ``independent_statements``)?"""
    try:
        return get_language(grammar.name).independent_statements
    except UnknownLanguageError:  # a grammar no language record names (a test's own)
        return False


def _one_error(engine: RepairEngine) -> Callable[..., list[Candidate]]:
    """The engine's repair of one error alone, where it has one (else its whole-document repair)."""
    return engine.repair_issue if isinstance(engine, IssueRepairEngine) else engine.repair


def _reproduced(errors: list[SyntaxIssue], at: int) -> SyntaxIssue | None:
    """The region's report of the error at ``at``: the same start, or a bracket left open before it."""
    same = next((e for e in errors if e.start == at), None)
    return same or next((e for e in errors if e.kind is IssueKind.UNCLOSED and e.start <= at), None)


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _next_line(text: str, offset: int) -> int:
    """Offset of the start of the line after the one holding ``offset`` (the end of the text if none)."""
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1

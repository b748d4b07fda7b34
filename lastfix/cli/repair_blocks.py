"""``lastfix repair`` on a large file: each error repaired on a small block around it, with progress.

Issue 17: a 5 MB Excel file took 168 s to repair with no output. A document's errors are the errors of
its chunks (top-level statements cut where one starts a line; ``IncrementalIssues``), so a large file
is cut into *blocks*: the chunk holding an error with one chunk on each side, blocks that overlap merged.
Each block is repaired on its own, as a small document (on a region of it where one reproduces the
error, as ``local_repair`` does), with the repair budget of each of its errors; the text between blocks
is never read again. The work is one check of the file, one repair per block and one check of the
result: linear in the number of errors and in the size of the file, where repairing each error on the
whole document re-read all of it per candidate.

The file is rewritten only into a text the language accepts: a block with no valid repair leaves the
whole file as it was, and the result is checked once more as a whole.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from lastfix.grammars import line_col
from lastfix.grammars.base import SyntaxIssue, TextEdit
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import RepairEngine
from lastfix.model_runtime.local_repair import LocalSettings, repair_document
from lastfix.model_runtime.repair_result import Candidate

__all__ = ["Block", "BlockOutcome", "Progress", "error_blocks", "repair_in_blocks"]

CONTEXT_CHUNKS = 1  # whole chunks of context on each side of an error's chunk
# A block is repaired on a region of its own when one reproduces the error, whatever the block's size: a
# bracket left open makes its chunk run to the end of the file, and the fix is on the bracket's line.
IN_BLOCKS = LocalSettings(min_chars=0)


@dataclass(frozen=True)
class Block:
    """Offsets [start, end) of a run of whole chunks and the errors of the document inside it."""

    start: int
    end: int
    issues: tuple[SyntaxIssue, ...]


@dataclass(frozen=True)
class BlockOutcome:
    """The repaired document (best first, alternatives after), or the errors no block repair was found for."""

    candidates: list[Candidate]
    unfixed: tuple[SyntaxIssue, ...]
    issues: tuple[SyntaxIssue, ...]  # the errors of the document


def error_blocks(starts: Sequence[int], length: int, issues: Sequence[SyntaxIssue]) -> list[Block]:
    """The blocks around ``issues`` given the chunk ``starts`` of a ``length``-long document: each error's
    chunk with :data:`CONTEXT_CHUNKS` on each side, merged where they overlap."""
    bounds = list(starts) + [length]
    blocks: list[Block] = []
    for issue in sorted(issues, key=lambda i: (i.start, i.end)):
        # the chunk holding the issue's start (an issue at the very end belongs to the last chunk)
        k = max(0, min(_chunk_of(bounds, issue.start), len(bounds) - 2))
        last = max(k, min(_chunk_of(bounds, max(issue.start, issue.end - 1)), len(bounds) - 2))
        a = bounds[max(0, k - CONTEXT_CHUNKS)]
        b = bounds[min(len(bounds) - 1, last + 1 + CONTEXT_CHUNKS)]
        if blocks and a < blocks[-1].end:
            prev = blocks[-1]
            blocks[-1] = Block(prev.start, max(prev.end, b), prev.issues + (issue,))
        else:
            blocks.append(Block(a, b, (issue,)))
    return blocks


def _chunk_of(bounds: Sequence[int], offset: int) -> int:
    """Index of the chunk holding ``offset`` (bisect over the chunk starts)."""
    lo, hi = 0, len(bounds) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if bounds[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


class Progress:
    """One status line on stderr: redrawn in place on a terminal, else at most one line per ``every_s``
    seconds (and the last one), so a log gets a few lines rather than one per error."""

    def __init__(self, name: str, total: int, stream: TextIO | None = None, every_s: float = 1.0) -> None:
        self.name, self.total = name, total
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.every_s = every_s if not self.live else 0.1
        self.started = time.monotonic()
        self._shown = -float("inf")

    def update(self, done: int, fixed: int, line: int | None, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._shown < self.every_s:
            return
        self._shown = now
        where = "" if line is None else f" (line {line})"
        message = (
            f"lastfix repair: {self.name}: {done}/{self.total} errors{where}, {fixed} repaired, "
            f"{now - self.started:.1f} s"
        )
        if self.live:
            self.stream.write("\r\x1b[K" + message + ("\n" if final else ""))
        else:
            self.stream.write(message + "\n")
        self.stream.flush()


def repair_in_blocks(
    engine: RepairEngine,
    text: str,
    *,
    budget_ms: float,
    k: int,
    progress: Callable[[int, int, int | None], None] | None = None,
    started: Callable[[int], None] | None = None,
) -> BlockOutcome:
    """Repair every error of ``text`` block by block (see the module doc). ``started(errors)`` hears how
    many errors the file has, then ``progress(done, fixed, line)`` after each block how many of them it
    has gone through and repaired, and the line of the last."""
    grammar = engine.grammar
    checker = IncrementalIssues(grammar)
    issues = checker.issues(text)
    if not issues:
        return BlockOutcome([], (), ())
    if started is not None:
        started(len(issues))
    blocks = error_blocks(checker.starts(text), len(text), issues)
    pieces: list[str] = []
    edits: list[TextEdit] = []
    fixes: list[Candidate] = []
    unfixed: list[SyntaxIssue] = []
    alternatives: list[Candidate] = []
    pos = done = fixed = 0
    for block in blocks:
        sub = text[block.start : block.end]
        deadline = Deadline.after_ms(budget_ms * len(block.issues))
        found = repair_document(
            engine, sub, deadline=deadline, k=k if len(blocks) == 1 else 1, settings=IN_BLOCKS
        )
        done += len(block.issues)
        pieces.append(text[pos : block.start])
        if found:
            fixed += len(block.issues)
            best = found[0]
            pieces.append(best.text)
            edits.extend(_shifted(best.edits, block.start))
            fixes.append(best)
            if len(blocks) == 1:
                alternatives = found[1:]
        else:
            unfixed.extend(block.issues)
            pieces.append(sub)
        pos = block.end
        if progress is not None:
            progress(done, fixed, line_col(text, block.issues[-1].start)[0] + 1)
    if unfixed:
        return BlockOutcome([], tuple(unfixed), issues)
    pieces.append(text[pos:])
    repaired = "".join(pieces)
    if not grammar.is_valid(repaired):  # the blocks' repairs must make a valid file together, too
        return BlockOutcome([], issues, issues)
    best = replace(
        fixes[0],
        text=repaired,
        edits=tuple(edits),
        cost=sum(f.cost for f in fixes),
        distance=sum(f.distance for f in fixes),
        rules=frozenset().union(*(f.rules for f in fixes)),
    )
    others = [_placed(c, text, blocks[0]) for c in alternatives]  # one block only: its runner-ups
    return BlockOutcome([best] + [c for c in others if grammar.is_valid(c.text)], (), issues)


def _placed(candidate: Candidate, text: str, block: Block) -> Candidate:
    """A repair of ``block`` as a repair of the whole ``text``."""
    return replace(
        candidate,
        text=text[: block.start] + candidate.text + text[block.end :],
        edits=_shifted(candidate.edits, block.start),
    )


def _shifted(edits: Sequence[TextEdit], by: int) -> tuple[TextEdit, ...]:
    """``edits`` of a block as edits of the document the block starts ``by`` code points into."""
    return tuple(TextEdit(e.start + by, e.end + by, e.new_text) for e in edits)

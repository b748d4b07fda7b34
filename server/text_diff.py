"""Small text edits that turn one text into another: how fix-all reports several fixes made in sequence.

Fix-all repairs one error after the other, each on the text the previous fix left, so the edits of
later fixes are not offsets into the original. Diffing the original against the final text gives edits
on the original that a client can apply in one step: lines first (difflib, cheap because almost every
line is equal), then the common prefix and suffix of each changed block, so an inserted ')' stays an
insertion of ')' instead of a rewritten line.
"""

from __future__ import annotations

import difflib

from lastfix.grammars import TextEdit

__all__ = ["diff_edits"]


def _trimmed(old: str, new: str, offset: int) -> TextEdit:
    """One edit replacing ``old`` (at ``offset``) by ``new``, minus their common prefix and suffix."""
    lo = 0
    while lo < len(old) and lo < len(new) and old[lo] == new[lo]:
        lo += 1
    hi = 0
    while hi < len(old) - lo and hi < len(new) - lo and old[-1 - hi] == new[-1 - hi]:
        hi += 1
    return TextEdit(offset + lo, offset + len(old) - hi, new[lo : len(new) - hi])


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """Non-overlapping edits on ``old`` whose application gives ``new`` (empty when they are equal)."""
    if old == new:
        return []
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    edits: list[TextEdit] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        edits.append(_trimmed("".join(a[i1:i2]), "".join(b[j1:j2]), starts[i1]))
    return [e for e in edits if e.start != e.end or e.new_text]

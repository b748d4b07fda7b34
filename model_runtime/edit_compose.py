"""Compose two rounds of text edits into one set on the original document.

Several errors are repaired window by window (DESIGN.md "Repair"): the second window's edits are made on
the text the first round produced, but a candidate's edits must apply to the document the user has.
"""

from __future__ import annotations

from collections.abc import Sequence

from lastfix.grammars.base import TextEdit, apply_edits

__all__ = ["compose_edits"]


def compose_edits(original: str, first: Sequence[TextEdit], second: Sequence[TextEdit]) -> list[TextEdit]:
    """Edits on ``original`` equivalent to applying ``first`` and then ``second`` (made on the result)."""
    blocks = []  # (t_start, t_end, o_start, o_end) of first's edits in intermediate coordinates
    shift = 0
    for e in sorted(first, key=lambda e: (e.start, e.end)):
        t_start = e.start + shift
        blocks.append((t_start, t_start + len(e.new_text), e.start, e.end))
        shift += len(e.new_text) - (e.end - e.start)

    def to_original(p: int) -> int:
        """Offset in the original of an intermediate offset ``p`` outside every first-round block."""
        return p - sum(t1 - t0 - (o1 - o0) for t0, t1, o0, o1 in blocks if t1 <= p)

    # Group first-round blocks and second-round edits whose intermediate ranges overlap or touch.
    items = [(t0, t1, "first", i) for i, (t0, t1, _, _) in enumerate(blocks)]
    items += [(e.start, e.end, "second", i) for i, e in enumerate(second)]
    items.sort(key=lambda it: (it[0], it[1]))
    groups: list[list[tuple[int, int, str, int]]] = []
    for it in items:
        if groups and it[0] <= max(g[1] for g in groups[-1]):
            groups[-1].append(it)
        else:
            groups.append([it])

    out: list[TextEdit] = []
    for group in groups:
        firsts = [blocks[i] for _, _, kind, i in group if kind == "first"]
        seconds = [second[i] for _, _, kind, i in group if kind == "second"]
        a = min(it[0] for it in group)
        b = max(it[1] for it in group)
        if not seconds:
            out.extend(TextEdit(o0, o1, _slice_new(first, o0, o1)) for _, _, o0, o1 in firsts)
            continue
        o_a = next((o0 for t0, _, o0, _ in firsts if t0 == a), None)
        o_b = next((o1 for _, t1, _, o1 in firsts if t1 == b), None)
        o_a = to_original(a) if o_a is None else o_a
        o_b = to_original(b) if o_b is None else o_b
        # The group's intermediate text is what the first round wrote there plus untouched original text.
        local_first = [TextEdit(o0 - o_a, o1 - o_a, _slice_new(first, o0, o1)) for _, _, o0, o1 in firsts]
        middle = apply_edits(original[o_a:o_b], local_first)
        local_second = [TextEdit(e.start - a, e.end - a, e.new_text) for e in seconds]
        out.append(TextEdit(o_a, o_b, apply_edits(middle, local_second)))
    return sorted(out, key=lambda e: (e.start, e.end))


def _slice_new(first: Sequence[TextEdit], o0: int, o1: int) -> str:
    return next(e.new_text for e in first if e.start == o0 and e.end == o1)

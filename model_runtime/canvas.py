"""How a symbol sequence sits on the model's fixed canvas, and where blank slots go.

Shared by training (pre-training blanks, repair fine-tuning pairs) and the repair engine, so that the
model is trained on exactly the layouts it is asked to repair. Pure Python/numpy.

DESIGN "Blank slots": a continuous model on a fixed canvas can substitute a token in place but cannot
shift the sequence; a ``<blank>`` slot between the tokens of the error window lets an insertion be a
blank turning into a token and a deletion a token turning into a blank.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
from lastfix.grammars.vocab import BLANK

__all__ = ["layout", "with_slots", "diff_span", "align", "strip_blanks"]


def layout(ids: Sequence[int], canvas: int, *, eos_id: int = 1, pad_id: int = 0) -> np.ndarray:
    """``ids`` + EOS, padded to ``canvas`` -> int64 [canvas]; ValueError when they do not fit."""
    if len(ids) + 1 > canvas:
        raise ValueError(f"{len(ids)} tokens + EOS do not fit a canvas of {canvas}; cut a smaller window")
    out = np.full(canvas, pad_id, dtype=np.int64)
    out[: len(ids)] = np.asarray(ids, dtype=np.int64)
    out[len(ids)] = eos_id
    return out


def with_slots(symbols: Sequence[str], start: int, end: int, slots: int = 1) -> list[str]:
    """``symbols`` with ``slots`` blanks in every gap of the window [start, end] (gap i is before token i).

    The window's gaps include the one before ``start`` and the one after ``end - 1``, so a token missing
    at either edge of the window can still be inserted.
    """
    start, end = max(0, start), min(len(symbols), end)
    out: list[str] = list(symbols[:start])
    for i in range(start, end + 1):
        out.extend([BLANK] * slots)
        if i < end:
            out.append(symbols[i])
    out.extend(symbols[end:])
    return out


def diff_span(broken: Sequence[str], fixed: Sequence[str]) -> tuple[int, int]:
    """[start, end) of the broken tokens that any difference touches (start == end for a pure insertion)."""
    ops = [
        op
        for op in difflib.SequenceMatcher(a=list(broken), b=list(fixed), autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    if not ops:
        return 0, 0
    return ops[0][1], ops[-1][2]


def align(
    broken: Sequence[str], fixed: Sequence[str], *, margin: int = 1, slots: int = 1
) -> tuple[list[str], list[str]]:
    """(input, target) of equal length: ``broken`` with blank slots around its differing window, and
    ``fixed`` aligned to it so that insertions fill blank slots and deletions become blanks.

    The window is the differing span grown by ``margin`` tokens each side, laid out exactly as
    :func:`with_slots` (and so the repair engine) lays out an error window. Tokens are aligned with
    difflib; within a differing stretch the fixed tokens take the broken tokens' places first
    (substitutions), then the stretch's blank slots (insertions). Should a stretch need more room than
    it has, extra blanks are added to it on the input side rather than losing a token.
    """
    broken, fixed = list(broken), list(fixed)
    if broken == fixed:
        return broken, fixed
    lo, hi = diff_span(broken, fixed)
    w0, w1 = max(0, lo - margin), min(len(broken), hi + margin)
    cells: list[tuple[bool, int]] = []  # (is a token, broken index / gap index), in canvas order
    for i in range(len(broken) + 1):
        if w0 <= i <= w1:
            cells.extend([(False, i)] * slots)
        if i < len(broken):
            cells.append((True, i))
    target = [broken[i] if is_tok else BLANK for is_tok, i in cells]
    overflow: dict[int, list[str]] = {}  # cell -> tokens that found no room, added after it
    matcher = difflib.SequenceMatcher(a=broken, b=fixed, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        # the stretch owns its tokens, the gaps before each of them, and the gap after the last one
        region = [c for c, (is_tok, i) in enumerate(cells) if (i1 <= i < i2) or (not is_tok and i == i2)]
        tokens = [c for c in region if cells[c][0]]
        gaps = [c for c in region if not cells[c][0]]
        new = fixed[j1:j2]
        chosen = (
            tokens[: len(new)] if len(new) <= len(tokens) else sorted(tokens + gaps[: len(new) - len(tokens)])
        )
        for c in region:
            target[c] = BLANK
        for c, s in zip(chosen, new, strict=False):
            target[c] = s
        if len(new) > len(chosen):
            overflow[region[-1]] = new[len(chosen) :]
    inp: list[str] = []
    tgt: list[str] = []
    for c, (is_tok, i) in enumerate(cells):
        inp.append(broken[i] if is_tok else BLANK)
        tgt.append(target[c])
        for s in overflow.get(c, []):
            inp.append(BLANK)
            tgt.append(s)
    return inp, tgt


def strip_blanks(symbols: Sequence[str]) -> list[str]:
    """The sequence a canvas decodes to: blank slots removed."""
    return [s for s in symbols if s != BLANK]

"""log P(fixed) from the masked diffusion model: how much more natural a candidate is than the input;
and, from a slip-trained one, log P(fixed | broken): how much more it believes the candidate than the input.

The learned ranking's language-model half (issue 16, point 2). For each candidate the tokens it changes,
plus ``margin`` tokens either side whose context changed, are scored by the model's pseudo-likelihood
(each cell masked alone, everything else visible) in a window of the document around the change, once in
the candidate and once in the input; the gain is the difference plus a per-token credit for the tokens
the candidate adds (without it a likelihood prefers deleting what the user typed: every token costs
probability). All rows go through the model in one batch per length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lastfix.grammars.base import Token, common_ends

from .canvas import align, with_slots
from .masked_repair import window_scores
from .masked_runtime import MaskedRuntime
from .ranking import same_token

__all__ = ["masked_gains", "reading_gains"]


def masked_gains(
    runtime: MaskedRuntime,
    base: Sequence[Token],
    candidates: Sequence[Sequence[Token]],
    *,
    margin: int = 2,
    context: int = 20,
) -> list[float | None]:
    """Per candidate, PLL(its changed stretch) - PLL(the input's) + credit * added tokens (None: the
    change does not fit the model's canvas)."""
    credit = float(runtime.config.get("repair", {}).get("length_credit", 0.0))
    room = runtime.canvas - 1  # cells for tokens (one for EOS)
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    plan: list[tuple[int, int] | None] = []  # per candidate: its two rows' indices in ``rows``
    vocab = runtime.vocab
    for cand in candidates:
        lo, hi_a, hi_b = common_ends(base, cand, same_token)
        a, b = max(0, lo - margin), min(len(base), hi_a + margin)  # scored stretch of the input
        b_c = min(len(cand), hi_b + margin)  # and of the candidate (same start, same tail)
        start = max(0, a - context)
        end_a, end_b = min(len(base), b + context), min(len(cand), b_c + context)
        if max(end_a, end_b) - start > room:  # trim the context, never the stretch
            over = max(end_a, end_b) - start - room
            start = min(a, start + over)
            end_a, end_b = min(end_a, start + room), min(end_b, start + room)
        if b_c - start > room or b - start > room or start > a:
            plan.append(None)
            continue
        plan.append((len(rows), len(rows) + 1))
        rows.append(vocab.symbols_of(base[start:end_a]))
        spans.append((a - start, b - start))
        rows.append(vocab.symbols_of(cand[start:end_b]))
        spans.append((a - start, b_c - start))
    if not rows:
        return [None] * len(candidates)
    scores = window_scores(runtime, rows, spans)
    out: list[float | None] = []
    for cand, p in zip(candidates, plan, strict=True):
        if p is None:
            out.append(None)
            continue
        added = len(cand) - len(base)
        out.append(float(scores[p[1]] - scores[p[0]]) + credit * added)
    return out


def reading_gains(
    runtime: MaskedRuntime,
    base: Sequence[Token],
    candidates: Sequence[Sequence[Token]],
    *,
    keep_bonus: float = 0.0,
    margin: int = 2,
    context: int = 20,
) -> list[float | None]:
    """Per candidate, log P(candidate | broken) - log P(broken kept | broken) under a slip-trained masked
    model's reading (masked_reading.py), plus ``keep_bonus`` per cell left as typed (None: the change
    does not fit the canvas, or needs two insertions in one gap, which one slot cannot hold).

    The changed stretch, ``margin`` tokens either side, is laid with a slot in every gap and read once
    with ``context`` input tokens around it; candidates that change the same stretch share the reading,
    and every reading goes through the model in one batch."""
    vocab = runtime.vocab
    symbols = vocab.symbols_of(base)
    rows: dict[tuple[int, int, int, int], int] = {}  # (start, a, b, end) -> its row
    laid: list[list[int]] = []
    plan: list[tuple[int, int, list[str], list[str]] | None] = []  # row, first stretch cell, cells
    for cand in candidates:
        lo, hi_a, hi_b = common_ends(base, cand, same_token)
        a, b = max(0, lo - margin), min(len(base), hi_a + margin)
        fixed = vocab.symbols_of(cand[a : hi_b + (b - hi_a)])
        inp, tgt = align(symbols[a:b], fixed, margin=len(symbols) + 1)
        start, end = max(0, a - context), min(len(base), b + context)
        while (a - start) + len(inp) + (end - b) + 1 > runtime.canvas and (start < a or end > b):
            start, end = min(a, start + 1), max(b, end - 1)  # trim the context, never the stretch
        if (
            inp != with_slots(symbols[a:b], 0, b - a)
            or (a - start) + len(inp) + (end - b) + 1 > runtime.canvas
        ):
            plan.append(None)
            continue
        key = (start, a, b, end)
        if key not in rows:
            rows[key] = len(laid)
            laid.append([vocab.id_of(s) for s in [*symbols[start:a], *inp, *symbols[b:end]]])
        plan.append((rows[key], a - start, inp, tgt))
    if not laid:
        return [None] * len(candidates)
    batch, _ = runtime.lay(laid)
    batch = np.where(batch == vocab.blank_id, runtime.mask_id, batch)  # the slots are read masked
    logp = runtime.log_probs(batch)
    out: list[float | None] = []
    for p in plan:
        if p is None:
            out.append(None)
            continue
        row, off, inp, tgt = p
        cells = np.arange(off, off + len(inp))
        got = logp[row, cells, [vocab.id_of(s) for s in tgt]]
        kept = logp[row, cells, [vocab.id_of(s) for s in inp]]
        same = sum(x == y for x, y in zip(inp, tgt, strict=True))
        out.append(float(got.sum() - kept.sum()) + keep_bonus * (same - len(inp)))
    return out

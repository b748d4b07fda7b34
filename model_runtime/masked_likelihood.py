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
from .masked_reading import channel_bonus, symbol_kinds
from .masked_repair import MaskedRepairSettings, window_scores
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
    settings: MaskedRepairSettings,
    *,
    margin: int = 2,
    context: int = 20,
) -> list[float | None]:
    """Per candidate, its reading score minus the input's under a slip-trained masked model, each cell
    scored as masked_reading.py scores a choice (its log-probability plus ``channel_bonus``); 0.0 when
    the model's symbols do not change, None when the change does not fit the canvas.

    The changed stretch, ``margin`` tokens either side, is laid with a slot in every gap and read with
    ``context`` input tokens around it; candidates that change the same stretch share the reading. A gap
    that takes several tokens has one slot: its later tokens are read at that slot too. Each reading is
    its own ONNX run: the int8 graph quantises its activations per batch, so a row read beside others
    would score differently with each set of neighbours. A retype (``Grammar.retype``) is priced as new
    content here: the gain sees symbols, not whether the candidate kept the typed characters."""
    vocab = runtime.vocab
    kinds = symbol_kinds(vocab)
    symbols = vocab.symbols_of(base)
    rows: dict[tuple[int, int, int, int], np.ndarray] = {}  # (start, a, b, end) -> its reading
    out: list[float | None] = []
    for cand in candidates:
        lo, hi_a, hi_b = common_ends(base, cand, same_token)
        a, b = max(0, lo - margin), min(len(base), hi_a + margin)
        if 2 * (b - a) + 2 > runtime.canvas:  # the stretch and its slots alone overflow: align nothing
            out.append(None)
            continue
        fixed = vocab.symbols_of(cand[a : hi_b + (b - hi_a)])
        if fixed == symbols[a:b]:
            out.append(0.0)  # the same symbols: nothing to read
            continue
        layout = with_slots(symbols[a:b], 0, b - a)
        inp, tgt = align(symbols[a:b], fixed, margin=len(symbols) + 1)
        start, end = max(0, a - context), min(len(base), b + context)
        while (a - start) + len(layout) + (end - b) + 1 > runtime.canvas:  # the context gives way
            start, end = min(a, start + 1), max(b, end - 1)
        key = (start, a, b, end)
        if key not in rows:
            ids = [vocab.id_of(s) for s in [*symbols[start:a], *layout, *symbols[b:end]]]
            row, _ = runtime.lay([ids])
            rows[key] = runtime.log_probs(np.where(row == vocab.blank_id, runtime.mask_id, row))[0]
        read, off = rows[key], a - start
        at = _cells_of(inp, layout)
        typed = np.array([vocab.id_of(layout[c]) for c in at])  # an overflow cell's: its slot's blank
        wrote = np.array([vocab.id_of(s) for s in tgt])
        got = read[[off + c for c in at], wrote] + channel_bonus(typed, wrote, kinds, settings)
        kept_ids = np.array([vocab.id_of(s) for s in layout])
        kept = read[np.arange(off, off + len(layout)), kept_ids] + settings.keep_bonus
        extra = len(inp) - len(layout)  # a gap's later insertions: each forgoes a keep bonus too
        out.append(float(got.sum() - kept.sum()) - settings.keep_bonus * extra)
    return out


def _cells_of(inp: Sequence[str], layout: Sequence[str]) -> list[int]:
    """Per cell of ``align``'s input, the layout cell it is read at: itself, or for an extra blank that
    align added after a full gap, the slot before it."""
    at: list[int] = []
    j = 0
    for s in inp:
        if j < len(layout) and s == layout[j]:
            at.append(j)
            j += 1
        else:  # an overflow blank: read at the slot it follows
            at.append(max(0, j - 1))
    return at

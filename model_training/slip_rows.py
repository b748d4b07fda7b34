"""Slip rows: the masked model's second forward process, a typing slip before the masking.

Absorbing-state diffusion alone only teaches the model to fill cells it is told are missing, so a repair
has to guess where to mask. Edit-based corruption (DiffusER, Reid et al. 2022; the uniform-noise half of
discrete diffusion, Austin et al. 2021) teaches it to find what is wrong too: a clean snippet gets one or
two typing slips from the rule-based corrupter (``corrupt.Corrupter``: only slips the oracle rejects; the
rules are general habits, none fitted on the benchmarks), is laid out with a blank slot in every gap of
a stretch around the slip (``canvas.align``, the layout the repair uses), and the model learns the fixed
snippet at every cell of that stretch: a typed token stays, changes or becomes a blank, and a slot stays
blank or takes the missing token. The stretch's slots are masked, as the repair masks them, and a few
random cells too (ratio up to ``slip_mask_t``), so the rows stay masked-diffusion rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lastfix.grammars.base import Grammar
from lastfix.grammars.vocab import Vocabulary
from lastfix.model_runtime.canvas import align

from .masked_data import MARGINS, MaskedBatch, MaskedDataConfig
from .repair_data import corrupted_pairs

__all__ = ["SlipRow", "slip_rows", "make_slip_batch"]

# (input ids with blank slots, target ids aligned to them): one broken snippet and its fix
SlipRow = tuple[list[int], list[int]]


def slip_rows(
    grammar: Grammar,
    vocab: Vocabulary,
    texts: Sequence[str],
    count: int,
    canvas: int,
    rng: np.random.Generator,
    margins: Sequence[int] = MARGINS,
    habit_share: float = 0.0,
) -> list[SlipRow]:
    """Up to ``count`` slipped snippets of ``texts`` (``habit_share`` of them habit slips where the
    language has some), each aligned with a stretch width drawn from ``margins`` (default
    ``masked_data.MARGINS``: a few tokens around the slip up to the whole snippet); those that do not fit
    the canvas with their EOS are dropped."""
    out: list[SlipRow] = []
    for broken, fixed in corrupted_pairs(grammar, vocab, texts, count, rng, habit_share):
        inp, tgt = align(broken, fixed, margin=int(rng.choice(list(margins))))
        if len(inp) + 1 <= canvas:
            out.append(([vocab.id_of(s) for s in inp], [vocab.id_of(s) for s in tgt]))
    return out


def make_slip_batch(
    rows: Sequence[SlipRow],
    picks: np.ndarray,
    config: MaskedDataConfig,
    *,
    blank: int,
    eos: int,
    pad: int,
    mask: int,
    rng: np.random.Generator,
) -> MaskedBatch:
    """One batch of the picked slip rows: x_t the broken row (its slots and a few random cells masked),
    x0 the fix aligned to it; scored: the slotted stretch and every masked cell."""
    picked = [rows[int(k)] for k in picks]
    B = len(picked)
    n = max(len(inp) for inp, _ in picked) + 1
    x_in = np.full((B, n), pad, dtype=np.int64)
    x0 = np.full((B, n), pad, dtype=np.int64)
    content = np.zeros((B, n), dtype=bool)
    stretch = np.zeros((B, n), dtype=bool)
    for b, (inp, tgt) in enumerate(picked):
        x_in[b, : len(inp)] = inp
        x0[b, : len(tgt)] = tgt
        x_in[b, len(inp)] = x0[b, len(tgt)] = eos
        content[b, : len(inp)] = True
        slots = np.flatnonzero(np.asarray(inp) == blank)
        if len(slots):  # align always slots the slip's stretch; the stretch runs slot to slot
            stretch[b, slots[0] : slots[-1] + 1] = True
    ratios = rng.random(B) * config.slip_mask_t
    masked = (content & (rng.random((B, n)) < ratios[:, None])) | (stretch & (x_in == blank))
    x_t = np.where(masked, mask, x_in)
    return MaskedBatch(x0, x_t, masked, content, stretch | masked)

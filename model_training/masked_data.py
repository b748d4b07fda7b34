"""Training batches of the masked diffusion model: clean canvases with blank slots, and their masking.

A clean row is a correct snippet laid out as the repair engine lays out a window (DESIGN "Blank slots"):
a few random ``<blank>`` cells anywhere, and, in some rows, a blank slot in every gap of a random stretch
of tokens (``canvas.with_slots``' layout), so the model learns that a slot stays blank when nothing is
missing and can fill one when something is. The forward process masks each content cell (tokens and
blanks, never EOS or PAD) with probability t; in some rows the whole slot stretch is masked too, the way
the repair masks an error window.

Rows are drawn length-bucketed (neighbours in length order) and each batch is trimmed to its longest row:
Excel formulas are 9 tokens on average on a 64-cell canvas, so a fixed full canvas would spend most of
the CPU on PAD. The batch holds about ``tokens`` cells, so short and long batches cost the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Blank-slot window sizes seen in training: the engine may slot a few tokens around the error or the
# whole statement (DESIGN "Repair" step 1), so the model learns all of them.
MARGINS = (0, 1, 2, 4, 1000)

__all__ = [
    "MARGINS",
    "MaskedDataConfig",
    "MaskedBatch",
    "LengthSampler",
    "clean_row",
    "mask_rows",
    "make_batch",
]


@dataclass(frozen=True)
class MaskedDataConfig:
    """How clean rows are laid out and masked."""

    tokens: int = 1536  # cells per batch (rows x trimmed canvas), about 64 rows of 24
    min_rows: int = 8
    max_rows: int = 256
    bucket: int = 4  # rows are drawn from a stretch of ``bucket`` x rows neighbours in length order
    max_blanks: int = 3  # random <blank> cells per row (DESIGN "Blank slots")
    blank_prob: float = 0.5  # share of rows that get any
    slot_prob: float = 0.5  # share of rows with a slot in every gap of a random stretch (repair layout)
    slot_max_width: int = 8  # tokens in that stretch
    window_mask_prob: float = 0.3  # of rows with a slot stretch: mask all of it, as a repair does
    min_t: float = 0.02  # masking ratios drawn from [min_t, 1]
    # slip rows (slip_rows.py): the share of batches made of them, the pool drawn from the training
    # snippets, and the highest ratio of extra random masking in them. 0: plain masked diffusion.
    slip_share: float = 0.0
    slip_pool: int = 100_000
    slip_mask_t: float = 0.2
    # tokens slotted either side of a slip, drawn per row; a language whose repair reads whole snippets
    # (Excel formulas fit the canvas) trains mostly on whole ones (1000)
    slip_margins: tuple[int, ...] = MARGINS
    # of the slip rows' tries, the share that write one of the language's habit slips (habit_slips.py)
    habit_share: float = 0.0


@dataclass(frozen=True)
class MaskedBatch:
    """One batch, trimmed to its longest row + EOS."""

    x0: np.ndarray  # [B, n] int64 clean ids
    x_t: np.ndarray  # [B, n] int64, masked cells set to the mask id
    masked: np.ndarray  # [B, n] bool
    content: np.ndarray  # [B, n] bool: cells before EOS (tokens and blanks), the maskable ones
    scored: np.ndarray  # [B, n] bool: cells the loss reads (the masked ones; a slip row's stretch too)


class LengthSampler:
    """Draws training rows in length buckets so that trimming saves most of the canvas."""

    def __init__(self, rows: Sequence[Sequence[int]], index: np.ndarray) -> None:
        lengths = np.array([len(rows[int(i)]) for i in index])
        order = np.argsort(lengths, kind="stable")
        self.sorted_index = index[order]
        self.sorted_lengths = lengths[order]

    def draw(self, config: MaskedDataConfig, rng: np.random.Generator) -> np.ndarray:
        """Indices of one batch: a random pivot, then rows from its neighbourhood in length order."""
        total = len(self.sorted_index)
        pivot = int(rng.integers(0, total))
        # about 1.6 cells per token once blanks and slots are in, + EOS
        est = int(self.sorted_lengths[pivot] * 1.6) + 4
        rows = int(np.clip(config.tokens // est, config.min_rows, config.max_rows))
        span = min(total, config.bucket * rows)
        lo = int(np.clip(pivot - span // 2, 0, total - span))
        pick = rng.choice(span, size=min(rows, span), replace=False)
        return np.asarray(self.sorted_index[lo + pick])


def _random_blanks(
    ids: list[int], room: int, config: MaskedDataConfig, blank: int, rng: np.random.Generator
) -> list[int]:
    """``ids`` with 1..max_blanks blanks at random gaps (for ``blank_prob`` of the rows)."""
    if room <= 0 or config.max_blanks <= 0 or rng.random() >= config.blank_prob:
        return ids
    k = int(rng.integers(1, min(config.max_blanks, room) + 1))
    out = list(ids)
    for g in sorted(rng.integers(0, len(ids) + 1, size=k).tolist(), reverse=True):
        out.insert(int(g), blank)
    return out


def clean_row(
    ids: Sequence[int], canvas: int, config: MaskedDataConfig, blank: int, rng: np.random.Generator
) -> tuple[list[int], tuple[int, int]]:
    """(content cells, [a, b) cells of the slot stretch or (0, 0)): random blanks, then maybe slots."""
    row = _random_blanks(list(ids), canvas - 1 - len(ids), config, blank, rng)
    room = canvas - 1 - len(row)  # cells left for slots (EOS takes one)
    if room < 2 or rng.random() >= config.slot_prob:
        return row, (0, 0)
    width = int(rng.integers(1, min(config.slot_max_width, len(row), room - 1) + 1))
    start = int(rng.integers(0, len(row) - width + 1))
    # canvas.with_slots' layout on ids: a blank in every gap of [start, start + width]
    out = row[:start]
    for i in range(start, start + width + 1):
        out.append(blank)
        if i < start + width:
            out.append(row[i])
    out.extend(row[start + width :])
    return out, (start, start + 2 * width + 1)


def mask_rows(
    rows: Sequence[Sequence[int]],
    windows: Sequence[tuple[int, int]],
    config: MaskedDataConfig,
    *,
    eos: int,
    pad: int,
    mask: int,
    rng: np.random.Generator,
    ratios: np.ndarray | None = None,
    window_mask: bool = True,
) -> MaskedBatch:
    """Lay rows out (+EOS, PAD to the longest), mask each content cell with its row's ratio t.

    ``ratios`` default: stratified draws over [min_t, 1] (MDLM's low-discrepancy sampler: one uniform
    offset, B evenly spaced ratios, so every batch covers the whole range).
    """
    B = len(rows)
    n = max(len(r) for r in rows) + 1
    x0 = np.full((B, n), pad, dtype=np.int64)
    content = np.zeros((B, n), dtype=bool)
    for b, r in enumerate(rows):
        x0[b, : len(r)] = r
        x0[b, len(r)] = eos
        content[b, : len(r)] = True
    if ratios is None:
        u = (rng.random() + np.arange(B) / B) % 1.0
        ratios = config.min_t + (1.0 - config.min_t) * rng.permutation(u)
    masked = content & (rng.random((B, n)) < np.asarray(ratios)[:, None])
    for b, (a, e) in enumerate(windows):
        if window_mask and e > a and rng.random() < config.window_mask_prob:
            masked[b, a:e] = True
        if not masked[b].any() and content[b].any():  # every row teaches something
            masked[b, int(rng.choice(np.flatnonzero(content[b])))] = True
    x_t = np.where(masked, mask, x0)
    return MaskedBatch(x0, x_t, masked, content, masked)


def make_batch(
    rows: Sequence[Sequence[int]],
    picks: np.ndarray,
    canvas: int,
    config: MaskedDataConfig,
    *,
    blank: int,
    eos: int,
    pad: int,
    mask: int,
    rng: np.random.Generator,
) -> MaskedBatch:
    """One training batch of the picked snippets."""
    laid = [clean_row(rows[int(k)], canvas, config, blank, rng) for k in picks]
    return mask_rows([r for r, _ in laid], [w for _, w in laid], config, eos=eos, pad=pad, mask=mask, rng=rng)

"""Diffusion candidates: embed the broken window, noise it to t, resume the reverse process (paper 3.2).

All seeds x noise levels go through ONE batched ``runtime.resume`` call. The canvas holds the window's
tokens (the statements around the error); a blank slot sits in every gap of the few tokens around the
error (``canvas.with_slots``, the layout the model was trained on), and only that stretch is noised:
everything else is clamped to its clean embedding at every step (localized noising, DESIGN "Repair").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from lastfix.grammars.base import Grammar, TextEdit, Token, apply_edits
from lastfix.grammars.vocab import UNK

from .canvas import layout, with_slots
from .windows import Window

if TYPE_CHECKING:  # the runtime imports onnxruntime; only its interface is needed here
    from .sampler import DiffusionRuntime

__all__ = [
    "DiffusionSettings",
    "DiffusionSample",
    "slot_span",
    "window_canvas",
    "sample_repairs",
    "encode_window",
]


@dataclass(frozen=True)
class DiffusionSettings:
    """Shape of the batched resume call."""

    levels: int = 3  # noise levels around the chosen one (paper table 1 pools over levels)
    step: float = 0.1  # spacing of those levels
    steps: int = 10  # respaced reverse steps (DESIGN: tens of steps at inference)
    slots_before: int = (
        4  # tokens before the error gap that get blank slots and noise (parsers see errors late)
    )
    slots_after: int = 2  # tokens after it


@dataclass(frozen=True)
class DiffusionSample:
    """One distinct repaired document from the sampler, with the samples that produced it."""

    text: str
    edits: tuple[TextEdit, ...]
    votes: int
    noise: float  # noise level of its first sample


def slot_span(window: Window, settings: DiffusionSettings) -> tuple[int, int]:
    """Token indices [a, b) (document indices) of the noised stretch with blank slots."""
    a = max(window.first, window.focus - settings.slots_before)
    b = min(window.last, window.focus + settings.slots_after)
    return a, max(a, b)


def slot_room(settings: DiffusionSettings) -> int:
    """Canvas cells the blank slots take (one per gap of the noised stretch)."""
    return settings.slots_before + settings.slots_after + 1


def window_canvas(
    runtime: DiffusionRuntime, symbols: Sequence[str], a: int, b: int
) -> tuple[np.ndarray, np.ndarray]:
    """(ids [n], keep [n]) for window symbols with slots in the gaps of [a, b) (window-relative indices)."""
    laid = with_slots(symbols, a, b)
    vocab = runtime.vocab
    ids = layout([vocab.id_of(s) for s in laid], runtime.canvas, eos_id=vocab.eos_id, pad_id=vocab.pad_id)
    keep = np.ones(runtime.canvas, dtype=bool)
    keep[a : a + 2 * (b - a) + 1] = False  # the stretch's tokens and its b-a+1 blank slots
    return ids, keep


def encode_window(runtime: DiffusionRuntime, symbols: Sequence[str]) -> np.ndarray | None:
    """Clean canvas ids of a symbol sequence (for naturalness), or None when it does not fit."""
    if len(symbols) + 1 > runtime.canvas:
        return None
    vocab = runtime.vocab
    return layout([vocab.id_of(s) for s in symbols], runtime.canvas, eos_id=vocab.eos_id, pad_id=vocab.pad_id)


def sample_repairs(
    grammar: Grammar,
    runtime: DiffusionRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    levels: Sequence[float],
    seeds: int,
    *,
    settings: DiffusionSettings = DiffusionSettings(),
    seed: int = 0,
) -> list[DiffusionSample]:
    """Distinct documents the resumed diffusion produced (votes = samples), before any validity check."""
    win_tokens = list(tokens[window.first : window.last])
    symbols = runtime.vocab.symbols_of(win_tokens)
    a, b = slot_span(window, settings)
    try:
        ids, keep = window_canvas(runtime, symbols, a - window.first, b - window.first)
    except ValueError:
        return []  # the window does not fit the canvas with its slots; the caller sized it, so this is rare
    rows = len(levels) * seeds
    noise = np.repeat(np.asarray(levels, dtype=np.float32), seeds)  # [B]
    result = runtime.resume(
        np.tile(ids, (rows, 1)), noise, np.tile(keep, (rows, 1)), steps=settings.steps, seed=seed
    )
    unk_before = symbols.count(UNK)
    found: dict[str, DiffusionSample] = {}
    for row, level in zip(result.ids, noise, strict=True):
        new = runtime.vocab.decode(row)
        if new.count(UNK) > unk_before:
            continue  # an <unk> the user did not write has no text to render
        edits = tuple(grammar.edits_for(text, win_tokens, symbols, new))
        if not edits:
            continue  # the sampler walked back to the broken input itself
        new_text = apply_edits(text, edits)
        prev = found.get(new_text)
        found[new_text] = (
            DiffusionSample(new_text, edits, 1, float(level))
            if prev is None
            else DiffusionSample(prev.text, prev.edits, prev.votes + 1, prev.noise)
        )
    return sorted(found.values(), key=lambda s: -s.votes)

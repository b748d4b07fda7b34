"""Repair of one error window by the masked diffusion model (DESIGN "The diffusion model of the product").

The window's tokens are laid on the canvas with a blank slot in every gap of the stretch around the error
(``canvas.with_slots``, the layout the model was trained on); the stretch's slots and a share ``ratio``
of its tokens (nearest the error first, with a random jitter so that samples differ) are masked; the
reverse process unmasks them, most confident first. Every sample is a row of one batched ONNX run. A
sample maps back to text edits with the grammar (``Grammar.edits_for``, as diffusion_candidates does):
kept tokens keep their text, a slot that became a token is an insertion, a token that became a blank a
deletion. Distinct results are ranked by the model's own pseudo-likelihood of the repaired stretch in
its window (plus a per-token credit), the log P(fixed) a noisy-channel ranking can reuse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.grammars.base import Grammar, TextEdit, Token, apply_edits
from lastfix.grammars.vocab import UNK

from .canvas import with_slots
from .masked_runtime import MaskedRuntime
from .windows import Window

__all__ = ["MaskedRepairSettings", "MaskedSample", "masked_stretch", "repair_window", "window_scores"]

RANKINGS = ("pll", "votes", "sample")


@dataclass(frozen=True)
class MaskedRepairSettings:
    """How a window is masked and sampled; ``ratios`` cycle over the samples."""

    samples: int = 16  # rows of the batched run
    # share of the stretch's tokens masked (0: only the slots, pure insertions). On the Excel dev set
    # (73 records, 5-fold cross-validated choice among 11 settings) the low ratios won every fold: a
    # masked token loses what the user typed, and most slips are one token.
    ratios: tuple[float, ...] = (0.0, 0.25)
    # every blank slot of the stretch masked: an insertion may land in any gap, and a slot the model
    # reads as empty stays empty (without it, the ratio picks slots and tokens alike)
    mask_slots: bool = True
    # nats added to the user's own token at a masked token cell (runtime.unmask's prior): the repair
    # is a noisy channel, and most of what was typed is right. 0: plain resumed diffusion.
    keep_bonus: float = 0.0
    slots_before: int = 4  # tokens before the error gap in the stretch (parsers see errors late)
    slots_after: int = 2  # tokens after it
    steps: int = 6  # unmasking steps
    temperature: float = 1.0
    jitter: float = 2.0  # random cells of distance added to each cell's nearness to the error
    ranking: str = "pll"  # "pll": model likelihood of the window; "votes": samples; "sample": its log p
    # nats credited per window token under "pll": a likelihood prefers shorter text, since every token
    # costs probability, so without it deleting what the user typed looks "more natural" by length alone
    # (the n-gram prior's token_nll, ngram.py). None: the model's own, its mean -PLL per token on
    # held-apart corpus text (config.json "repair", written by masked_measure --calibrate), else 0.
    length_credit: float | None = None


@dataclass(frozen=True)
class MaskedSample:
    """One distinct repaired document, how many samples made it, and its score (higher is better)."""

    text: str
    edits: tuple[TextEdit, ...]
    votes: int
    ratio: float  # masking ratio of its first sample
    score: float
    symbols: tuple[str, ...]  # the repaired window's symbols (blanks removed)


def masked_stretch(
    window: Window, settings: MaskedRepairSettings, canvas: int | None = None
) -> tuple[int, int]:
    """Token indices [a, b) (document indices) of the stretch that gets slots and masks.

    With ``canvas``, the stretch is narrowed (its far ends first, alternately) until the window, its
    slots (one per gap of the stretch) and EOS fit.
    """
    a = max(window.first, window.focus - settings.slots_before)
    b = max(a, min(window.last, window.focus + settings.slots_after))
    if canvas is not None:
        while a < b and window.size + (b - a + 1) + 1 > canvas:
            if window.focus - a >= b - window.focus:
                a += 1
            else:
                b -= 1
    return a, b


def _cell_distances(window: Window, a: int, b: int) -> np.ndarray:
    """Distance (in tokens) of each cell of the stretch's layout to the error's edges: slot, token, ..."""
    cells = []
    for g in range(a, b + 1):
        cells.append(window.gap_proximity(g))  # the slot of gap g
        if g < b:
            cells.append(window.token_proximity(g))  # token g
    return np.asarray(cells, dtype=np.float64)


def window_scores(
    runtime: MaskedRuntime,
    windows: Sequence[Sequence[str]],
    spans: Sequence[tuple[int, int]] | None = None,
) -> np.ndarray:
    """Pseudo-log-likelihood of each window's symbols (of ``spans`` of them, when given) under the model:
    the log P(fixed) of the ranking."""
    vocab = runtime.vocab
    rows = [[vocab.id_of(s) for s in w] for w in windows]
    fits = [i for i, r in enumerate(rows) if 0 < len(r) < runtime.canvas]
    out = np.full(len(rows), -np.inf)
    if fits:
        out[fits] = runtime.pseudo_log_likelihood(
            [rows[i] for i in fits], spans=None if spans is None else [spans[i] for i in fits]
        )
    return out


def repair_window(
    grammar: Grammar,
    runtime: MaskedRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: MaskedRepairSettings = MaskedRepairSettings(),
    *,
    seed: int = 0,
) -> list[MaskedSample]:
    """Distinct documents the masked model made of the window, best first (no validity check here)."""
    if settings.ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {settings.ranking!r}; valid names: {', '.join(RANKINGS)}")
    if window.last <= window.first or settings.samples < 1:
        return []
    win_tokens = list(tokens[window.first : window.last])
    vocab = runtime.vocab
    symbols = vocab.symbols_of(win_tokens)
    a, b = masked_stretch(window, settings, runtime.canvas)
    laid = with_slots(symbols, a - window.first, b - window.first)
    if len(laid) + 1 > runtime.canvas:
        return []  # the caller sizes the window to the canvas minus the slots, so this is rare
    ids = np.asarray([vocab.id_of(s) for s in laid], dtype=np.int64)
    c0 = a - window.first  # first cell of the stretch (the cells before it are the window's tokens)
    distances = _cell_distances(window, a, b)
    stretch = ids[c0 : c0 + len(distances)]
    maskable = stretch != vocab.id_of(UNK)  # an <unk> the user wrote is kept: the sampler cannot write it
    if not maskable.any():
        return []
    rng = np.random.default_rng(seed)
    ratios = [settings.ratios[s % len(settings.ratios)] for s in range(settings.samples)]
    slots = np.zeros(len(distances), dtype=bool)
    slots[::2] = settings.mask_slots  # the stretch's layout: slot, token, slot, ..., slot
    masks = _masks(distances, maskable & ~slots, ratios, settings.jitter, rng) | slots  # [S, M]
    canvas, _ = runtime.lay([ids.tolist()])
    batch = np.repeat(canvas, settings.samples, axis=0)  # [S, n]
    cells = batch[:, c0 : c0 + len(distances)]
    batch[:, c0 : c0 + len(distances)] = np.where(masks, runtime.mask_id, cells)
    prior = np.where(batch == runtime.mask_id, np.repeat(canvas, settings.samples, axis=0), -1)
    prior[prior == vocab.blank_id] = -1  # a slot has nothing typed to keep
    result = runtime.unmask(
        batch,
        steps=settings.steps,
        seed=seed,
        temperature=settings.temperature,
        prior=prior,
        prior_bonus=settings.keep_bonus,
    )
    found: dict[str, MaskedSample] = {}
    for row, ratio, logp in zip(result.ids, ratios, result.logp, strict=True):
        new = vocab.decode(row)
        edits = tuple(grammar.edits_for(text, win_tokens, symbols, new))
        if not edits:
            continue  # the sampler walked back to the broken input itself
        new_text = apply_edits(text, edits)
        prev = found.get(new_text)
        if prev is None:
            found[new_text] = MaskedSample(new_text, edits, 1, float(ratio), float(logp), tuple(new))
        else:
            found[new_text] = MaskedSample(
                prev.text, prev.edits, prev.votes + 1, prev.ratio, max(prev.score, float(logp)), prev.symbols
            )
    samples = list(found.values())
    if settings.ranking == "pll" and samples:
        # only the stretch changes: score its cells, with the window's other tokens as context
        head, tail = a - window.first, window.last - b
        spans = [(head, len(s.symbols) - tail) for s in samples]
        scores = window_scores(runtime, [s.symbols for s in samples], spans)
        credit = settings.length_credit
        if credit is None:
            credit = float(runtime.config.get("repair", {}).get("length_credit", 0.0))
        samples = [
            MaskedSample(
                s.text,
                s.edits,
                s.votes,
                s.ratio,
                float(sc) + credit * (hi - lo),
                s.symbols,
            )
            for s, sc, (lo, hi) in zip(samples, scores, spans, strict=True)
        ]
    key = (
        (lambda s: (-s.votes, -s.score)) if settings.ranking == "votes" else (lambda s: (-s.score, -s.votes))
    )
    return sorted(samples, key=key)


def _masks(
    distances: np.ndarray,
    maskable: np.ndarray,
    ratios: Sequence[float],
    jitter: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """[S, M] bool: per sample, its ratio's share (rounded up) of the maskable cells, nearest the error
    first, the nearness jittered by up to ``jitter`` cells so that samples mask different subsets."""
    out = np.zeros((len(ratios), len(distances)), dtype=bool)
    candidates = np.flatnonzero(maskable)
    for s, r in enumerate(ratios):
        k = min(len(candidates), math.ceil(r * len(candidates)))
        order = np.argsort(distances[candidates] + jitter * rng.random(len(candidates)), kind="stable")
        out[s, candidates[order[:k]]] = True
    return out

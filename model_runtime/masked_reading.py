"""Repair by reading a slip-trained masked model at every cell of the error's stretch.

A masked model trained with slip rows (``model_training/slip_rows.py``) predicts the fixed snippet at
every cell of a slotted stretch: the typed token where it is right, another token or a blank where it
is wrong, a token in a slot where one is missing. So one run over the broken window, laid as the
training laid it (a blank slot in every gap of the stretch, the slots masked), gives per cell a
distribution over what the cell should hold. A repair is one choice per cell; its score, the sum of the
chosen log-probabilities, reads log P(fixed | broken) straight off the model (the noisy channel, learned
end to end). The best choices are enumerated in score order, the broken text itself skipped.

This is the reverse process of an edit-noise diffusion (the slip is the forward step, DiffusER-style)
taken in one step; with ``rounds`` > 1 it is resumed as the unmasking repair resumes
(``masked_repair.resumed_window``): when no choice is valid, the best ones whose first error moved on are
read again around their new error, and a second reading's score adds to the first's.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.grammars.base import Grammar, TextEdit, Token, apply_edits

from .masked_repair import (
    MaskedRepairSettings,
    MaskedSample,
    StretchLayout,
    lay_stretches,
    ranked,
    resumed_window,
    span_edit,
)
from .masked_runtime import MaskedRuntime
from .masked_stretches import fit_stretch
from .windows import Window

__all__ = ["read_window", "best_choices"]


@dataclass(frozen=True)
class _Read:
    """One choice: the document it makes, its edits, its window's symbols and its score."""

    text: str
    edits: tuple[TextEdit, ...]
    symbols: tuple[str, ...]
    score: float


def best_choices(options: Sequence[np.ndarray], k: int) -> list[tuple[float, tuple[int, ...]]]:
    """The ``k`` highest sums of one entry per list (each list sorted best first), best first, as
    (score, index per list). Lazy best-first search: a choice's successors raise the index of the list
    it raised last, or raise a later list from 0 to 1, so each choice is reached once."""
    if not options or k < 1:
        return []
    start = tuple(0 for _ in options)
    heap: list[tuple[float, tuple[int, ...], int]] = [(-float(sum(o[0] for o in options)), start, -1)]
    out: list[tuple[float, tuple[int, ...]]] = []
    while heap and len(out) < k:
        neg, choice, last = heapq.heappop(heap)
        out.append((-neg, choice))
        for c in range(max(last, 0), len(options)):
            j = choice[c]
            if (c == last or (c > last and j == 0)) and j + 1 < len(options[c]):
                raised = choice[:c] + (j + 1,) + choice[c + 1 :]
                step = float(options[c][j + 1] - options[c][j])
                heapq.heappush(heap, (neg - step, raised, c))
    return out


def _cell_options(
    logp: np.ndarray, typed: int, runtime: MaskedRuntime, width: int, keep_bonus: float
) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of the ``width`` likeliest symbols of one cell, best first, the typed one (a slot's:
    blank) always among them with ``keep_bonus`` added; never PAD or EOS, and ``<unk>`` only where the
    user typed a symbol the vocabulary lacks."""
    vocab = runtime.vocab
    scores = logp.astype(np.float64, copy=True)
    scores[[vocab.pad_id, vocab.eos_id]] = -np.inf
    if typed != vocab.unk_id:
        scores[vocab.unk_id] = -np.inf
    scores[typed] += keep_bonus
    top = np.argsort(-scores, kind="stable")[:width]
    if typed not in top:
        top = np.append(top, typed)
    top = top[np.argsort(-scores[top], kind="stable")]
    return top, scores[top]


def _read(
    grammar: Grammar,
    runtime: MaskedRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: MaskedRepairSettings,
    count: int,
    base: float,
) -> tuple[list[_Read], StretchLayout | None]:
    """The ``count`` best choices of one reading of the window (``base`` added to their scores)."""
    vocab = runtime.vocab
    win_tokens = list(tokens[window.first : window.last])
    symbols = vocab.symbols_of(win_tokens)
    focus = window.focus
    stretch = fit_stretch(
        window, focus - settings.slots_before, focus + settings.slots_after, focus, runtime.canvas
    )
    lay = lay_stretches(runtime, window, symbols, [stretch])
    if lay is None:
        return [], None
    row, _ = runtime.lay([lay.ids.tolist()])
    row[0, lay.cells[lay.slots]] = runtime.mask_id
    logp = runtime.log_probs(row)[0]
    # the prior that what was typed is right (a cost per edit: the noisy channel's log P(broken | fixed))
    bonus = settings.keep_bonus
    cells = [_cell_options(logp[c], int(lay.ids[c]), runtime, settings.options, bonus) for c in lay.cells]
    out: list[_Read] = []
    for score, choice in best_choices([lp for _, lp in cells], count + 1):
        filled = lay.ids.copy()
        filled[lay.cells] = [ids[j] for (ids, _), j in zip(cells, choice, strict=True)]
        new = vocab.decode(filled)
        edits = tuple(grammar.edits_for(text, win_tokens, symbols, new))
        if edits:  # else the choice keeps what was typed
            out.append(_Read(apply_edits(text, edits), edits, tuple(new), base + score))
    return out[:count], lay


def read_window(
    grammar: Grammar,
    runtime: MaskedRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: MaskedRepairSettings,
    *,
    seed: int = 0,
) -> list[MaskedSample]:
    """Distinct documents the model reads out of the window, best first (validity is only checked to
    decide whether to resume). ``seed`` is unused: a reading is deterministic."""
    del seed
    if window.last <= window.first or settings.samples < 1:
        return []
    reads, lay = _read(grammar, runtime, text, tokens, window, settings, settings.samples, 0.0)
    if lay is None:
        return []
    head, tail = lay.a - window.first, window.last - lay.b
    found: dict[str, MaskedSample] = {}
    _collect(found, reads)
    latest = reads
    for _ in range(1, settings.rounds):
        if any(grammar.is_valid(r.text) for r in latest):
            break
        resumable = []
        for r in latest:
            got = resumed_window(grammar, tokens, window, r.text)
            if got is not None:
                resumable.append((got[0], r, got[1], got[2]))
        resumable = sorted(resumable, key=lambda x: -x[0])[: max(1, settings.resume_from)]  # stable
        if not resumable:
            break
        rows = max(1, settings.samples // len(resumable))
        latest = []
        for _, parent, at_tokens, at_window in resumable:
            more, used = _read(
                grammar, runtime, parent.text, at_tokens, at_window, settings, rows, parent.score
            )
            more = [
                _Read(m.text, (span_edit(text, m.text),), m.symbols, m.score) for m in more if m.text != text
            ]
            _collect(found, more)
            latest.extend(more)
            if used is not None:
                head, tail = min(head, used.a - window.first), min(tail, at_window.last - used.b)
    return ranked(runtime, list(found.values()), head, tail, settings)


def _collect(found: dict[str, MaskedSample], reads: Sequence[_Read]) -> None:
    """Add choices to the distinct documents: one vote per reading that made it, the best score."""
    for r in reads:
        prev = found.get(r.text)
        if prev is None:
            found[r.text] = MaskedSample(r.text, r.edits, 1, 0.0, r.score, r.symbols)
        else:
            found[r.text] = MaskedSample(
                prev.text, prev.edits, prev.votes + 1, 0.0, max(prev.score, r.score), prev.symbols
            )

"""Repair by reading a slip-trained masked model at every cell of the error's stretch.

A masked model trained with slip rows (``model_training/slip_rows.py``) predicts the fixed snippet at
every cell of a slotted stretch: the typed token where it is right, another token or a blank where it
is wrong, a token in a slot where one is missing. So one run over the broken window, laid as the
training laid it (a blank slot in every gap of the stretch, the slots masked), gives per cell a
distribution over what the cell should hold. A repair is one choice per cell; its score is the sum of
the chosen cells' log-probabilities, each cell read independently of the others' choices (an
approximation of log P(fixed | broken): two neighbouring cells may both want the same missing ``)``),
plus ``keep_bonus`` per cell left as typed, the prior that most of what was typed is right. The best
choices are enumerated in score order; the broken text itself is skipped, and choices that make the same
document count once, with their best score.

This is the reverse process of an edit-noise diffusion (the slip is the forward step, DiffusER-style)
taken in one step; with ``rounds`` > 1 it is resumed as the unmasking repair resumes
(``masked_repair.reverse_process``): when no document is valid, the best ones whose first error moved on
are read again around their new error, and a second reading's score adds to the first's.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
from collections.abc import Callable, Sequence

import numpy as np
from lastfix.grammars.base import Grammar, Token, apply_edits, is_placeholder
from lastfix.grammars.vocab import SPECIALS, UNK, Vocabulary

from .masked_repair import (
    Drawn,
    MaskedRepairSettings,
    MaskedSample,
    StretchLayout,
    collect,
    lay_stretches,
    masked_stretch,
    reverse_process,
)
from .masked_runtime import MaskedRuntime
from .windows import Window

__all__ = ["read_window", "best_choices", "cell_options", "channel_bonus", "SymbolKinds", "symbol_kinds"]


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


@dataclasses.dataclass(frozen=True, eq=False)
class SymbolKinds:
    """[V] masks of one vocabulary (and its language's retypes) that the noisy channel prices apart."""

    # words, names, numbers, strings, as opposed to punctuation, blanks and the other specials. Every
    # placeholder counts (Python's layout tokens ``<NEWLINE>``/``<INDENT>``/``<DEDENT>`` too: a line
    # break or an indent is structure, not a slip of the fingers), and so does ``<unk>``, the user's own
    # unknown word
    content: np.ndarray
    # [V] int: the placeholder a typed value symbol is one of (itself, or ``<NUMBER>`` for a promoted
    # ``10``, ``<STRING>`` for a promoted ``""``), else -1
    kind: np.ndarray
    # kind * V + written id of every (typed placeholder, written placeholder) pair the grammar retypes
    # (``Grammar.retype_pairs``: the user's characters stay)
    retypes: np.ndarray


@functools.lru_cache(maxsize=8)
def symbol_kinds(vocab: Vocabulary, retypes: frozenset[tuple[str, str]] = frozenset()) -> SymbolKinds:
    """The :class:`SymbolKinds` of ``vocab`` with the language's retype pairs (cached: one per
    vocabulary, read by every reading)."""
    symbols = vocab.symbols
    ids = {s: i for i, s in enumerate(symbols)}

    def kind_of(s: str) -> int:
        if s in SPECIALS:
            return -1
        if is_placeholder(s):
            return ids[s]
        stand_for = "<NUMBER>" if s[:1].isdigit() else "<STRING>" if s[:1] in "\"'" else None
        return ids.get(stand_for, -1) if stand_for is not None else -1

    pairs = [ids[a] * len(symbols) + ids[b] for a, b in sorted(retypes) if a in ids and b in ids]
    kinds = SymbolKinds(
        content=np.array(
            [
                s == UNK or is_placeholder(s) or (s not in SPECIALS and any(c.isalnum() for c in s))
                for s in symbols
            ],
            dtype=bool,
        ),
        kind=np.array([kind_of(s) for s in symbols], dtype=np.int64),
        retypes=np.array(pairs, dtype=np.int64),
    )
    for mask in (kinds.content, kinds.kind, kinds.retypes):
        mask.flags.writeable = False
    return kinds


def channel_bonus(
    typed: np.ndarray,
    wrote: np.ndarray,
    kinds: SymbolKinds,
    settings: MaskedRepairSettings,
    retypable: np.ndarray | None = None,
) -> np.ndarray:
    """What the reading adds to a cell's log-probability for writing ``wrote`` where ``typed`` was (a
    slot's: blank), element-wise: the noisy channel's log P(broken | fixed) as constants: the keep
    bonus where the cell stays as typed, minus the content cost where an edit touches content, or the
    retype cost (where set) where a typed value becomes a placeholder the language retypes it to
    (Excel: ``10`` a cell, ``"$A$1"`` a reference, ``yes`` a string): the user's characters stay.
    ``retypable`` (element-wise bool, where known): the grammar can write that retype with the typed
    characters in their context (``Grammar.retype``); where it cannot, the stand-in would be written,
    which is new content."""
    kept = wrote == typed
    touches = ~kept & (kinds.content[wrote] | kinds.content[typed])
    cost = np.full(np.shape(touches), settings.content_cost)
    if settings.retype_cost is not None and len(kinds.retypes):
        kind = kinds.kind[typed]
        retyped = ~kept & (kind >= 0) & np.isin(kind * len(kinds.kind) + wrote, kinds.retypes)
        if retypable is not None:
            retyped &= retypable
        cost = np.where(retyped, settings.retype_cost, cost)
    return np.where(kept, settings.keep_bonus, 0.0) - cost * touches


def cell_options(
    logp: np.ndarray,
    typed: int,
    vocab: Vocabulary,
    kinds: SymbolKinds,
    settings: MaskedRepairSettings,
    retypes_to: Sequence[int] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of the ``options`` likeliest symbols of one cell by log-probability plus
    :func:`channel_bonus`, best first, the typed one (a slot's: blank) always among them; never PAD or
    EOS, and ``<unk>`` only where the user typed a symbol the vocabulary lacks. ``retypes_to``: the
    placeholders the grammar can retype the cell's typed token to, keeping its characters."""
    width = settings.options
    every = np.arange(len(logp))
    retypable = np.zeros(len(logp), dtype=bool)
    retypable[list(retypes_to)] = True
    bonus = channel_bonus(np.full(len(logp), typed), every, kinds, settings, retypable)
    scores = logp.astype(np.float64) + bonus
    scores[[vocab.pad_id, vocab.eos_id]] = -np.inf
    if typed != vocab.unk_id:
        scores[vocab.unk_id] = -np.inf
    top = np.argsort(-scores, kind="stable")[:width]
    if typed not in top:
        top = np.append(top, typed)
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[np.isfinite(scores[top])]  # the typed symbol always is; an impossible one is no option
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
) -> tuple[list[Drawn], list[StretchLayout]]:
    """The ``count`` best distinct documents of one reading of the window (``base`` added to their
    scores), and the layout read ([] when none fits)."""
    vocab = runtime.vocab
    window = _room_for_stretch(window, tokens, settings, runtime.canvas)
    win_tokens = list(tokens[window.first : window.last])
    symbols = vocab.symbols_of(win_tokens)
    lay = lay_stretches(runtime, window, symbols, [masked_stretch(window, settings, runtime.canvas)])
    if lay is None:
        return [], []
    row, _ = runtime.lay([lay.ids.tolist()])
    row[0, lay.cells[lay.slots]] = runtime.mask_id
    logp = runtime.log_probs(row)[0]
    # the prior that what was typed is right (a cost per edit: the noisy channel's log P(broken | fixed))
    retypes = grammar.retype_pairs()
    kinds = symbol_kinds(vocab, retypes)
    to = _retypes_to(
        grammar, text, win_tokens, lay.a - window.first, lay, sorted({w for _, w in retypes}), vocab
    )
    cells = [
        cell_options(logp[c], int(lay.ids[c]), vocab, kinds, settings, r)
        for c, r in zip(lay.cells, to, strict=True)
    ]
    out: dict[str, Drawn] = {}
    # choices that make the same document (either "(" of "((" deleted) share a place; a few spare ones
    for score, choice in best_choices([lp for _, lp in cells], 4 * count + 1):
        filled = lay.ids.copy()
        filled[lay.cells] = [ids[j] for (ids, _), j in zip(cells, choice, strict=True)]
        new = vocab.decode(filled)
        edits = tuple(grammar.edits_for(text, win_tokens, symbols, new))
        if edits:  # else the choice keeps what was typed
            doc = apply_edits(text, edits)
            if doc not in out:  # best first: the first choice of a document is its best
                out[doc] = Drawn(doc, edits, tuple(new), 0.0, base + score)
                if len(out) == count:
                    break
    return list(out.values()), [lay]


def _retypes_to(
    grammar: Grammar,
    text: str,
    win_tokens: Sequence[Token],
    first: int,
    lay: StretchLayout,
    targets: Sequence[str],
    vocab: Vocabulary,
) -> list[list[int]]:
    """Per cell of the layout, the ids of the ``targets`` placeholders the grammar can write over its
    typed token keeping the characters (none for a slot), judged on the window's tokens as ``edits_for``
    writes them. The reading lays one stretch: its token cells are ``win_tokens[first:]`` in order."""
    out: list[list[int]] = []
    i = first
    for slot in lay.slots:
        if slot:
            out.append([])
            continue
        out.append(
            [vocab.id_of(w) for w in targets if grammar.retype(text, win_tokens, i, i + 1, w) is not None]
        )
        i += 1
    return out


def _room_for_stretch(
    window: Window, tokens: Sequence[Token], settings: MaskedRepairSettings, canvas: int
) -> Window:
    """The window narrowed (its farther side first) until the settings' stretch around the error fits the
    canvas whole with its slots: a window sized for a model without slots gives way in its context, not
    in the stretch the settings were chosen with. Unchanged when it fits or has no context to give."""
    a = max(window.first, window.focus - settings.slots_before)
    b = min(window.last, window.focus + settings.slots_after)
    first, last = window.first, window.last
    if b <= a:
        return window
    while (last - first) + (b - a + 1) + 1 > canvas and (first < a or last > b):
        if first < a and (a - first >= last - b or last == b):
            first += 1
        else:
            last -= 1
    if (first, last) == (window.first, window.last):
        return window
    return dataclasses.replace(
        window,
        first=first,
        last=last,
        start=tokens[first].start,
        end=tokens[last - 1].end,
        focus_end=min(window.focus_end, last),
    )


def read_window(
    grammar: Grammar,
    runtime: MaskedRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: MaskedRepairSettings,
    *,
    seed: int = 0,
    accept: Callable[[str], bool] | None = None,
) -> list[MaskedSample]:
    """Distinct documents the model reads out of the window, best score first (``accept``, default
    validity, is only asked to decide whether to resume). ``seed`` is unused: a reading is deterministic."""
    del seed

    def draw(
        parent: Drawn | None,
        at: str,
        at_tokens: Sequence[Token],
        at_window: Window,
        rows: int,
        r: int,
        j: int,
    ) -> tuple[list[Drawn], list[StretchLayout]]:
        base = 0.0 if parent is None else parent.logp
        return _read(grammar, runtime, at, at_tokens, at_window, settings, rows, base)

    done = reverse_process(grammar, text, tokens, window, settings, draw, accept)
    if done is None:
        return []
    return sorted(collect(done[0]), key=lambda s: (-s.score, -s.votes))

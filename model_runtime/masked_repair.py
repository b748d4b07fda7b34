"""Repair of one error window by the masked diffusion model (DESIGN "The diffusion model of the product").

The window's tokens are laid on the canvas with a blank slot in every gap of the stretch around the error
(``canvas.with_slots``, the layout the model was trained on); the stretch's slots and a share ``ratio``
of its tokens (nearest the error first, with a random jitter so that samples differ) are masked; the
reverse process unmasks them, most confident first. Every sample is a row of one batched ONNX run. A
sample maps back to text edits with the grammar (``Grammar.edits_for``, as diffusion_candidates does):
kept tokens keep their text, a slot that became a token is an insertion, a token that became a blank a
deletion. Distinct results are ranked by the model's own pseudo-likelihood of the repaired stretch in
its window (plus a per-token credit), the log P(fixed) a noisy-channel ranking can reuse.

Where to mask is settings data (``masked_stretches``): the stretch around the error point, the end of the
error's statement, the end of scope of each open bracket; the samples are split over these layouts in
the same batched run. With ``rounds`` > 1 the reverse process is resumed when no sample is valid: the
samples whose first error moved furthest on are masked again around their new error (the paper's repair,
resumed; :func:`reverse_process`, which the read decoder of ``masked_reading`` shares). Everything is
bounded by work (samples x rounds) and deterministic for a seed. A model's own defaults are its
config.json "repair" section (:func:`settings_for`, which also says which decoder a model is repaired
with), chosen by ``benchmarks.masked_cv``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from lastfix.grammars.base import Grammar, TextEdit, Token, apply_edits, common_ends
from lastfix.grammars.vocab import BLANK, UNK

from .masked_runtime import MaskedRuntime
from .masked_stretches import fit_stretch, stretches
from .windows import Window

__all__ = [
    "Drawn",
    "MaskedRepairSettings",
    "MaskedSample",
    "StretchLayout",
    "lay_stretches",
    "collect",
    "masked_stretch",
    "ranked",
    "repair_window",
    "reverse_process",
    "resumed_window",
    "settings_for",
    "span_edit",
    "window_scores",
]

RANKINGS = ("pll", "votes", "sample")
DECODERS = ("unmask", "read")


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
    # where to mask (masked_stretches.ANCHORS): the samples are split over the distinct stretches, row s
    # on stretch s mod their number, so every stretch gets every ratio
    anchors: tuple[str, ...] = ("error",)
    end_before: int = 3  # tokens before a scope's end in an "end" / "closers" stretch
    end_after: int = 0  # tokens after it
    most_stretches: int = 4  # at most this many stretches per window (bounds the split)
    # every stretch in one layout (a fix in two places at once: a stray opener early and the closer
    # at the end), instead of the samples split over the stretches
    together: bool = False
    # rounds of the reverse process: a later round runs only when no sample of the last one is valid,
    # on the ``resume_from`` samples whose first error moved furthest on, ``samples`` rows among them
    rounds: int = 1
    resume_from: int = 2
    # "unmask": mask the stretch and unmask it (any masked model); "read": read a slip-trained model at
    # every cell of the stretch, its slots masked, and enumerate the best choices (masked_reading.py).
    # "read" uses samples (choices), keep_bonus, content_cost, options, slots_before/after, rounds and
    # resume_from, and ranks by its own score; the masking fields (ratios, anchors, steps, ...) and
    # ``ranking`` are the unmasker's.
    decoder: str = "unmask"
    options: int = 3  # "read": the most likely symbols considered per cell
    # "read": nats more for an edit that writes, removes or replaces a word, name, number or string than
    # for one of punctuation (people slip on brackets, separators and quotes far more than on names)
    content_cost: float = 0.0
    # "read": nats for an edit that writes a placeholder of another kind over a typed value, keeping
    # its characters (``10`` -> ``A10``, ``"$A$1"`` -> ``$A$1``, ``7:00`` -> ``"7:00"``: Grammar.retype);
    # None: the content cost, as for any other edit of content
    retype_cost: float | None = None
    # "read": the hybrid engine adds the reading to its candidate sources (measured per language with
    # `lastfix bench --folds`: on when its cross-validated top-1 is higher with it)
    hybrid_source: bool = False

    def __post_init__(self) -> None:
        if self.decoder not in DECODERS:
            raise ValueError(f"unknown masked decoder {self.decoder!r}; valid names: {', '.join(DECODERS)}")
        if self.options < 1:
            raise ValueError(f"masked repair options must be at least 1 (got {self.options})")
        if self.hybrid_source and self.decoder != "read":
            raise ValueError('hybrid_source needs the "read" decoder (a slip-trained model)')

    def with_overrides(self, overrides: Mapping[str, Any]) -> MaskedRepairSettings:
        """These settings with ``overrides`` (field -> value, lists as tuples); ValueError naming an
        unknown field and the valid ones."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ValueError(
                f"unknown masked repair setting {unknown[0]!r}; valid names: {', '.join(sorted(names))}"
            )
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        return dataclasses.replace(self, **values)


def settings_for(runtime: MaskedRuntime) -> MaskedRepairSettings:
    """The model's own repair settings: the defaults with its config.json "repair" section."""
    base = MaskedRepairSettings()
    names = {f.name for f in dataclasses.fields(base)}
    section = runtime.config.get("repair", {})
    return base.with_overrides({k: v for k, v in section.items() if k in names})


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
    """Token indices [a, b) (document indices) of the stretch around the error that gets slots and masks.

    With ``canvas``, the stretch is narrowed (its far ends first, alternately) until the window, its
    slots (one per gap of the stretch) and EOS fit.
    """
    focus = window.focus
    return fit_stretch(window, focus - settings.slots_before, focus + settings.slots_after, focus, canvas)


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


@dataclass(frozen=True)
class StretchLayout:
    """The window laid with a blank slot in every gap of its stretches, and the stretches' cells."""

    a: int  # first token of the first stretch
    b: int  # end of the last one
    ids: np.ndarray  # the laid row
    cells: np.ndarray  # indices of the stretches' cells in the row: slot, token, ..., slot per stretch
    distances: np.ndarray  # per cell, its distance (in tokens) to the error's edges
    slots: np.ndarray  # per cell: a blank slot (else a token the user typed)
    maskable: np.ndarray  # per cell: not an <unk> the user wrote (the sampler cannot write it)


def lay_stretches(
    runtime: MaskedRuntime, window: Window, symbols: Sequence[str], spans: Sequence[tuple[int, int]]
) -> StretchLayout | None:
    """The window's symbols with a slot in every gap of each (disjoint, sorted) stretch, as
    ``canvas.with_slots`` lays one; None when it does not fit the canvas or nothing can be masked."""
    vocab = runtime.vocab
    blank = vocab.id_of(BLANK)
    ids: list[int] = []
    cells: list[int] = []
    distances: list[int] = []
    slots: list[bool] = []
    for g in range(window.first, window.last + 1):
        inside = any(a <= g <= b for a, b in spans)
        if inside:  # the slot of gap g
            cells.append(len(ids))
            distances.append(window.gap_proximity(g))
            slots.append(True)
            ids.append(blank)
        if g < window.last:
            if inside and any(a <= g < b for a, b in spans):  # token g, inside a stretch
                cells.append(len(ids))
                distances.append(window.token_proximity(g))
                slots.append(False)
            ids.append(vocab.id_of(symbols[g - window.first]))
    if len(ids) + 1 > runtime.canvas:
        return None  # the caller sizes the window to the canvas minus the slots, so this is rare
    row = np.asarray(ids, dtype=np.int64)
    at = np.asarray(cells, dtype=np.int64)
    maskable = row[at] != vocab.id_of(UNK)
    if not maskable.any():
        return None
    return StretchLayout(
        spans[0][0],
        spans[-1][1],
        row,
        at,
        np.asarray(distances, dtype=np.float64),
        np.asarray(slots, dtype=bool),
        maskable,
    )


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches sorted, those that share a gap merged into one."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass(frozen=True)
class Drawn:
    """One sample: the document it makes, its edits of the document it was drawn on, its window's
    symbols, the masking ratio it was drawn with and its score (the unmasker's log-probability of what it
    chose; a reading's also holds its keep bonuses and content costs)."""

    text: str
    edits: tuple[TextEdit, ...]
    symbols: tuple[str, ...]
    ratio: float
    logp: float


def _layouts(
    grammar: Grammar,
    runtime: MaskedRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    symbols: Sequence[str],
    settings: MaskedRepairSettings,
) -> list[StretchLayout]:
    """The window laid once per distinct stretch of the settings' anchors that fits the canvas (or once
    with all of them, ``together``)."""
    found = stretches(
        grammar,
        text,
        tokens,
        window,
        symbols,
        settings.anchors,
        (settings.slots_before, settings.slots_after),
        (settings.end_before, settings.end_after),
        runtime.canvas,
        settings.most_stretches,
    )
    if settings.together:  # every stretch at once; the later ones dropped while they do not fit
        for keep in range(len(found), 0, -1):
            laid = lay_stretches(runtime, window, symbols, _merged(found[:keep]))
            if laid is not None:
                return [laid]
        return []
    return [laid for s in found if (laid := lay_stretches(runtime, window, symbols, [s])) is not None]


def _draw(
    grammar: Grammar,
    runtime: MaskedRuntime,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: MaskedRepairSettings,
    rows: int,
    seed: int,
) -> tuple[list[Drawn], list[StretchLayout]]:
    """``rows`` samples of one batched run, split over the window's stretches; the layouts used."""
    vocab = runtime.vocab
    win_tokens = list(tokens[window.first : window.last])
    symbols = vocab.symbols_of(win_tokens)
    layouts = _layouts(grammar, runtime, text, tokens, window, symbols, settings)
    if not layouts or rows < 1:
        return [], []
    rng = np.random.default_rng(seed)
    n = len(layouts)
    row_layout = np.arange(rows) % n
    ratios = [settings.ratios[(s // n) % len(settings.ratios)] for s in range(rows)]
    laid, _ = runtime.lay([lay.ids.tolist() for lay in layouts])  # [L, cells], padded to the longest
    original = laid[row_layout]  # [S, cells]
    batch = original.copy()
    for li, lay in enumerate(layouts):
        members = np.flatnonzero(row_layout == li)
        slots = lay.slots & settings.mask_slots
        member_ratios = [ratios[s] for s in members]
        masks = _masks(lay.distances, lay.maskable & ~slots, member_ratios, settings.jitter, rng) | slots
        cells = batch[np.ix_(members, lay.cells)]
        batch[np.ix_(members, lay.cells)] = np.where(masks, runtime.mask_id, cells)
    prior = np.where(batch == runtime.mask_id, original, -1)
    prior[prior == vocab.blank_id] = -1  # a slot has nothing typed to keep
    result = runtime.unmask(
        batch,
        steps=settings.steps,
        seed=seed,
        temperature=settings.temperature,
        prior=prior,
        prior_bonus=settings.keep_bonus,
    )
    drawn: list[Drawn] = []
    for row, ratio, logp in zip(result.ids, ratios, result.logp, strict=True):
        new = vocab.decode(row)
        edits = tuple(grammar.edits_for(text, win_tokens, symbols, new))
        if edits:  # else the sampler walked back to the broken input itself
            drawn.append(Drawn(apply_edits(text, edits), edits, tuple(new), float(ratio), float(logp)))
    return drawn, layouts


def span_edit(old: str, new: str) -> TextEdit:
    """The one edit replacing the stretch where ``old`` and ``new`` differ (common prefix and suffix kept)."""
    lo, hi_old, hi_new = common_ends(old, new)
    return TextEdit(lo, hi_old, new[lo:hi_new])


def resumed_window(
    grammar: Grammar, tokens: Sequence[Token], window: Window, text: str
) -> tuple[int, list[Token], Window] | None:
    """(how far the first error moved on, in tokens from the end; the sample's tokens; its window: the
    same tokens as the original one, around the new error) of an invalid sample, or None when its first
    error did not move on, left the window, or the sample changed tokens outside the window."""
    issues = grammar.errors(text)
    if not issues:
        return None
    new_tokens = list(grammar.tokenize(text))
    last = window.last + len(new_tokens) - len(tokens)
    same = [(t.kind, t.text) for t in tokens[: window.first]] == [
        (t.kind, t.text) for t in new_tokens[: window.first]
    ] and [(t.kind, t.text) for t in tokens[window.last :]] == [(t.kind, t.text) for t in new_tokens[last:]]
    if not same or last <= window.first:
        return None
    at, until = issues[0].repair_span
    ends = [t.end for t in new_tokens]
    focus = int(np.searchsorted(ends, at, side="right"))
    focus_end = max(focus, int(np.searchsorted(ends, max(at, until), side="right")))
    moved = (len(tokens) - window.focus) - (len(new_tokens) - focus)
    if moved <= 0 or not window.first <= focus <= last:
        return None
    resumed = Window(
        window.first,
        last,
        new_tokens[window.first].start,
        new_tokens[last - 1].end,
        focus,
        min(focus_end, last),
        (issues[0],),
    )
    return moved, new_tokens, resumed


# one draw of a reverse process: (the sample it resumes, None at first; its text, tokens and window;
# rows; round; index of the sample among those resumed) -> (samples, the layouts they were drawn on)
DrawRound = Callable[
    [Drawn | None, str, Sequence[Token], Window, int, int, int], tuple[list[Drawn], list[StretchLayout]]
]


def reverse_process(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: MaskedRepairSettings,
    draw: DrawRound,
    accept: Callable[[str], bool] | None = None,
) -> tuple[list[Drawn], int, int] | None:
    """Every sample of every round, its edits of ``text`` (None: nothing to draw, or nothing could be
    laid), and the window
    tokens before and after every stretch drawn on (the context of a "pll" score: edits of later rounds
    stay inside the stretches).

    A later round runs only while no sample of the last one is accepted (``accept``, default: the document
    is valid; a quick fix's: its own error is gone, so it never resumes into another error), on the
    ``resume_from`` samples whose first error moved furthest on, ``samples`` rows among them: the paper's
    repair, resumed."""
    if window.last <= window.first or settings.samples < 1:
        return None
    first, layouts = draw(None, text, tokens, window, settings.samples, 0, 0)
    if not layouts:
        return None
    head = min(lay.a for lay in layouts) - window.first
    tail = min(window.last - lay.b for lay in layouts)
    drawn = list(first)
    latest = _distinct(first)
    for r in range(1, settings.rounds):
        if any((accept or grammar.is_valid)(d.text) for d in latest):
            break
        resumable = []
        for d in latest:
            got = resumed_window(grammar, tokens, window, d.text)
            if got is not None:
                resumable.append((got[0], d, got[1], got[2]))
        resumable = sorted(resumable, key=lambda x: -x[0])[: max(1, settings.resume_from)]  # stable
        if not resumable:
            break
        rows = max(1, settings.samples // len(resumable))
        latest = []
        for j, (_, parent, at_tokens, at_window) in enumerate(resumable):
            more, used = draw(parent, parent.text, at_tokens, at_window, rows, r, j)
            more = [dataclasses.replace(d, edits=(span_edit(text, d.text),)) for d in more if d.text != text]
            drawn.extend(more)
            seen = {d.text for d in latest}
            latest.extend(d for d in _distinct(more) if d.text not in seen)
            for lay in used:
                head = min(head, lay.a - window.first)
                tail = min(tail, at_window.last - lay.b)
    return drawn, head, tail


def _distinct(drawn: Sequence[Drawn]) -> list[Drawn]:
    """The first sample of each document, in order."""
    seen: set[str] = set()
    out = []
    for d in drawn:
        if d.text not in seen:
            seen.add(d.text)
            out.append(d)
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
    accept: Callable[[str], bool] | None = None,
) -> list[MaskedSample]:
    """Distinct documents the masked model made of the window, best first (no validity check here, but
    ``accept``'s, default validity, for deciding whether to resume)."""
    if settings.ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {settings.ranking!r}; valid names: {', '.join(RANKINGS)}")

    def draw(
        parent: Drawn | None,
        at: str,
        at_tokens: Sequence[Token],
        at_window: Window,
        rows: int,
        r: int,
        j: int,
    ) -> tuple[list[Drawn], list[StretchLayout]]:
        at_seed = seed + 7919 * r + 104729 * j
        return _draw(grammar, runtime, at, at_tokens, at_window, settings, rows, at_seed)

    done = reverse_process(grammar, text, tokens, window, settings, draw, accept)
    if done is None:
        return []
    drawn, head, tail = done
    return ranked(runtime, collect(drawn), head, tail, settings)


def ranked(
    runtime: MaskedRuntime,
    samples: Sequence[MaskedSample],
    head: int,
    tail: int,
    settings: MaskedRepairSettings,
) -> list[MaskedSample]:
    """Distinct samples best first by the settings' ranking; ``head`` and ``tail``: window tokens before
    and after every changed stretch (the context of a "pll" score)."""
    samples = list(samples)
    if settings.ranking == "pll" and samples:
        # only the stretches change: score their cells, with the window's other tokens as context
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


def collect(drawn: Sequence[Drawn]) -> list[MaskedSample]:
    """The distinct documents of the samples, in first-drawn order: a document's votes count its samples,
    its score is the best."""
    found: dict[str, MaskedSample] = {}
    for d in drawn:
        prev = found.get(d.text)
        if prev is None:
            found[d.text] = MaskedSample(d.text, d.edits, 1, d.ratio, d.logp, d.symbols)
        else:
            found[d.text] = MaskedSample(
                prev.text, prev.edits, prev.votes + 1, prev.ratio, max(prev.score, d.logp), prev.symbols
            )
    return list(found.values())


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

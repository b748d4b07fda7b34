"""Token edit distance, its weighted form, and the ranking score of repair candidates (DESIGN.md "Repair", 4).

Last-mile repair looks for the valid program closest to what the user wrote (paper 3: c* = argmin d(c, ĉ)),
so the edit distance leads. Plain token distance ties too often to rank on its own (in Python, inserting
``not`` or ``-`` before a name is as short as closing a bracket), so the distance is weighted by what
human last-mile errors usually are (LaMirage, Bavishi et al. 2022; BIFI's error classes): a missing or
extra bracket, comma, colon or quote is cheap, a new keyword or name dear, and deleting what the user
typed dearer than inserting punctuation. Among close candidates the models decide: votes among the
diffusion samples (the paper's vote pooling, table 1), the diffusion model's naturalness (its denoising
loss at low noise), and the corpus n-gram prior over the same symbols (``ngram.py``), which is what
actually tells ``=SUM(A1:A10)`` from ``=SUM(A1,10)`` at the CPU training budget (EXPERIMENTS.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from lastfix.grammars.base import TextEdit, Token, TokenClass, common_ends
from lastfix.grammars.vocab import Vocabulary

from .hints import NO_HINTS, EditHints
from .ngram import NgramModel

__all__ = [
    "same_token",
    "token_distance",
    "EditCosts",
    "DEFAULT_COSTS",
    "weighted_distance",
    "insert_cost",
    "delete_cost",
    "substitute_cost",
    "RankingWeights",
    "hybrid_score",
    "edits_score",
    "ngram_gain",
    "redundant_parens",
    "edit_shape",
    "diversify",
]

# The punctuation of most last-mile errors: unbalanced brackets, missing separators, unclosed quotes.
_LAST_MILE = frozenset({"(", ")", "[", "]", "{", "}", ",", ":", ";", '"', "'"})


def same_token(a: Token, b: Token) -> bool:
    """The same token for every comparison of repairs: same text, same lexical class."""
    return a.text == b.text and a.cls == b.cls


def token_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences (insert, delete, substitute cost 1)."""
    lo, hi_a, hi_b = common_ends(a, b)
    x, y = a[lo:hi_a], b[lo:hi_b]
    if not x or not y:
        return max(len(x), len(y))
    prev = list(range(len(y) + 1))
    for i, xi in enumerate(x, 1):
        cur = [i] + [0] * len(y)
        for j, yj in enumerate(y, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (xi != yj))
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class EditCosts:
    """Cost of one token edit by the token's class: a prior over the errors people make."""

    last_mile: float = 1.0  # inserting a bracket, comma, colon, semicolon or quote
    punct: float = 1.2  # other punctuation
    operator: float = 1.5
    keyword: float = 2.5
    content: float = 2.0  # a name, string, number or reference (a placeholder the user completes)
    layout: float = 1.0  # Python NEWLINE / INDENT / DEDENT
    delete_extra: float = 0.2  # deleting what the user typed costs this much more than inserting it
    substitute_discount: float = 0.8  # of insert + delete: replacing ';' by ',' is one slip, not two
    hinted: float = 0.4  # factor for doing what the syntax issue asks (hints.py)
    # per pair of parentheses a repair adds around a single operand, a call or the whole formula:
    # people do not write =(IF(...)) or MATCH(J2,(LEFT(A1,6)),0); a repair that does is guessing
    redundant_parens: float = 1.0


DEFAULT_COSTS = EditCosts()


def insert_cost(
    text: str, cls: TokenClass, costs: EditCosts = EditCosts(), hints: EditHints = NO_HINTS
) -> float:
    """Cost of inserting a token of class ``cls`` whose text is ``text``."""
    return _base_cost(text, cls, costs) * (costs.hinted if text in hints.insert else 1.0)


def _base_cost(text: str, cls: TokenClass, costs: EditCosts) -> float:
    if text in _LAST_MILE:
        return costs.last_mile
    if cls is TokenClass.PUNCT:
        return costs.punct
    if cls is TokenClass.OPERATOR:
        return costs.operator
    if cls is TokenClass.KEYWORD:
        return costs.keyword
    if cls is TokenClass.LAYOUT:
        return costs.layout
    return costs.content


def delete_cost(
    text: str, cls: TokenClass, costs: EditCosts = EditCosts(), hints: EditHints = NO_HINTS
) -> float:
    """Cost of deleting a token the user typed."""
    return (_base_cost(text, cls, costs) + costs.delete_extra) * (
        costs.hinted if text in hints.delete else 1.0
    )


def substitute_cost(
    old: tuple[str, TokenClass],
    new: tuple[str, TokenClass],
    costs: EditCosts = EditCosts(),
    hints: EditHints = NO_HINTS,
) -> float:
    """Cost of replacing one token by another: one slip, cheaper than a deletion plus an insertion."""
    return costs.substitute_discount * (delete_cost(*old, costs, hints) + insert_cost(*new, costs, hints))


def weighted_distance(
    a: Sequence[Token], b: Sequence[Token], costs: EditCosts = EditCosts(), hints: EditHints = NO_HINTS
) -> float:
    """Edit distance between token sequences (compared by text) with per-class costs and the issues' hints."""
    lo, hi_a, hi_b = common_ends(a, b, same_token)
    x = [(t.text, t.cls) for t in a[lo:hi_a]]
    y = [(t.text, t.cls) for t in b[lo:hi_b]]
    prev = [0.0]
    for yj in y:
        prev.append(prev[-1] + insert_cost(*yj, costs, hints))
    for xi in x:
        d = delete_cost(*xi, costs, hints)
        cur = [prev[0] + d]
        for j, yj in enumerate(y, 1):
            sub = 0.0 if xi == yj else substitute_cost(xi, yj, costs, hints)
            cur.append(min(prev[j] + d, cur[j - 1] + insert_cost(*yj, costs, hints), prev[j - 1] + sub))
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class RankingWeights:
    """Weights of the hybrid score; higher score is better."""

    distance: float = 1.0  # per unit of weighted edit cost: the last-mile prior
    votes: float = 0.5  # per log2(1 + votes): agreement among diffusion samples
    # per nat of the diffusion model's mean cross-entropy above the most natural candidate. Off by default:
    # on Excel dev, weight 1 vs 0 changed top-1 by at most one record while its batch took a fifth of the
    # budget; the n-gram prior below does this job (EXPERIMENTS.md). A better-trained model may earn it back.
    naturalness: float = 0.0
    both_sources: float = 0.25  # found by the diffusion sampler and by the symbolic search alike
    # per nat of n-gram log-probability gained over the input: 0.1-0.3 all lifted dev top-1 in the three
    # languages (Excel sketch +7 points, PowerShell +4, Python exact +3-5); one weight for all of them
    ngram: float = 0.2
    # the prior reorders repairs within about one edit of each other; it must not let a frequent token
    # replace a rare one the user typed (=TEXTJOIN(...) -> =name(...)), so its gain is clipped to this
    ngram_cap: float = 5.0


def hybrid_score(
    cost: float,
    votes: int,
    naturalness: float | None,
    best_naturalness: float | None,
    both: bool,
    weights: RankingWeights = RankingWeights(),
    proximity: int = 0,
    ngram: float = 0.0,
) -> float:
    """Score of one candidate; naturalness is relative to the most natural candidate so scores compare.

    ``ngram`` is the candidate's n-gram log-probability gain over the input (:func:`ngram_gain`).
    """
    # Nearness to the error breaks ties as in the edits engine, so the model never ranks below it by chance.
    score = -weights.distance * cost + weights.votes * math.log2(1 + votes) - 1e-4 * min(proximity, 9_999)
    score += weights.ngram * max(-weights.ngram_cap, min(weights.ngram_cap, ngram))
    if naturalness is not None and best_naturalness is not None and math.isfinite(naturalness):
        score -= weights.naturalness * (naturalness - best_naturalness)
    if both:
        score += weights.both_sources
    return score


def edits_score(cost: float, proximity: int) -> float:
    """Model-free score of the `edits` engine: weighted distance first, then nearness to the error."""
    # One float, so every engine ranks by the same "higher is better" field; proximity only breaks ties.
    return -(round(cost, 3) * 10_000 + min(proximity, 9_999))


def ngram_gain(ngram: NgramModel, vocab: Vocabulary, base: Sequence[Token], cand: Sequence[Token]) -> float:
    """log P(candidate) - log P(input) under the n-gram prior, computed around the change only, plus the
    corpus's mean token surprise per token the candidate adds (so a deletion is not natural by length).

    Tokens before the change have the same history in both; so do those more than order - 1 tokens after
    it. Scoring the changed middle plus that tail on each side gives the whole-document difference at the
    cost of a few tokens, however long the file.
    """
    lo, hi_a, hi_b = common_ends(base, cand, same_token)
    reach = ngram.order - 1
    start = max(0, lo - reach)

    def around_change(tokens: Sequence[Token], hi: int) -> float:
        end = min(len(tokens), hi + reach)
        symbols = vocab.symbols_of(tokens[start:end])
        # the end marker counts only when the slice reaches the end of the document
        return ngram.logprob(symbols, lo - start, None if end == len(tokens) else end - start)

    length = ngram.token_nll * ((hi_b - lo) - (hi_a - lo))
    return around_change(cand, hi_b) - around_change(base, hi_a) + length


_OPERANDS = frozenset({TokenClass.NAME, TokenClass.REFERENCE, TokenClass.NUMBER, TokenClass.STRING})


def redundant_parens(tokens: Sequence[Token]) -> int:
    """Parenthesis pairs that group nothing: around one operand ``(A1)``, one call ``(LEFT(A1,6))``,
    another pair ``((x))``, or a whole Excel formula ``=(...)``. A call's own parentheses never count."""
    close_of: dict[int, int] = {}
    stack: list[int] = []
    for i, t in enumerate(tokens):
        if t.text == "(" and t.cls is TokenClass.PUNCT:
            stack.append(i)
        elif t.text == ")" and t.cls is TokenClass.PUNCT and stack:
            close_of[stack.pop()] = i
    count = 0
    for o, c in close_of.items():
        if o > 0 and tokens[o - 1].cls is TokenClass.NAME:
            continue  # f(x): the call's own parentheses
        inner = c - o - 1
        if (
            (inner == 1 and tokens[o + 1].cls in _OPERANDS)
            or (inner >= 3 and tokens[o + 1].cls is TokenClass.NAME and close_of.get(o + 2) == c - 1)
            or (inner >= 2 and close_of.get(o + 1) == c - 1)
            or (o == 1 and tokens[0].text == "=" and c == len(tokens) - 1)
        ):
            count += 1
    return count


T = TypeVar("T")
_OPERATOR_TEXT = re.compile(r"\s*[-+*/^&|=<>!%~]+\s*")


def edit_shape(edits: Sequence[TextEdit]) -> tuple[tuple[int, int, str], ...]:
    """Where ``edits`` change the text and how, with any one operator standing for all of them:
    ``A1& AND(`` and ``A1* AND(`` have one shape."""
    return tuple(
        (e.start, e.end, "<op>" if _OPERATOR_TEXT.fullmatch(e.new_text) else e.new_text) for e in edits
    )


def diversify(ranked: Sequence[T], shape: Callable[[T], object], per_shape: int) -> list[T]:
    """``ranked`` with at most ``per_shape`` of one shape before every other shape had its turn: twelve
    operators inserted at one place are one idea, and would fill a top 5 where another idea ranks 6th."""
    first: list[T] = []
    later: list[T] = []
    seen: dict[object, int] = {}
    for item in ranked:
        key = shape(item)
        seen[key] = seen.get(key, 0) + 1
        (first if seen[key] <= per_shape else later).append(item)
    return first + later

"""Rule-based corruptions that imitate last-mile syntax errors, over any grammar's tokens.

The classic way to make (broken, fixed) pairs (Yasunaga & Liang 2020; paper 3.3 contrasts it with
pairs from the diffusion process): drop, duplicate, swap or insert a bracket, quote, comma, colon,
operator or keyword; misspell a word; drop an argument; move a bracket or quote a few tokens (a
parenthesis closed too early); type a look-alike separator (``;`` for ``,``, ``[`` for ``(``); or make
two of these slips at once, as people often do. ``corrupt`` works on model symbols and is
seeded; :class:`Corrupter` renders a corruption onto the real text and keeps it only when the
language's oracle rejects the result, so every pair is a real syntax error with a known fix. Asked to
(``habit_share``), it first tries one of the language's habit slips (``habit_slips.py``), mistakes made
on purpose that no single-token slip writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from lastfix.grammars.base import Grammar, Token, apply_edits, common_ends, is_placeholder
from lastfix.grammars.vocab import SPECIALS, Vocabulary

from .habit_slips import HabitSlip, habit_slip

__all__ = ["RULES", "corrupt", "Corruption", "Corrupter"]

BRACKETS = frozenset("()[]{}")
SEPARATORS = frozenset({",", ";", ":", ".", "|", "!"})
QUOTES = frozenset({'"', "'", "`"})
INSERTABLE = ("(", ")", ",", ":", '"', "+", "*", "=")
# separators and brackets people type for one another (locale habits, neighbouring keys, other languages)
LOOKALIKES: dict[str, tuple[str, ...]] = {
    ",": (";", ".", ":"),
    ";": (",", ":"),
    ":": (";", ","),
    ".": (",",),
    "(": ("[", "{"),
    ")": ("]", "}"),
    "[": ("(",),
    "]": (")",),
    "{": ("(",),
    "}": (")",),
}
MOVABLE = BRACKETS | QUOTES
MAX_MOVE = 3  # tokens a bracket or quote strays from its place


def _is_punct(s: str) -> bool:
    """Brackets, separators, quotes and operators: short symbols that are not words or placeholders."""
    return (
        s in BRACKETS
        or s in SEPARATORS
        or s in QUOTES
        or (not is_placeholder(s) and s not in SPECIALS and len(s) <= 3 and not any(c.isalnum() for c in s))
    )


def _is_word(s: str) -> bool:
    """Keywords, function names, cmdlets: closed symbols made of letters."""
    return not is_placeholder(s) and s not in SPECIALS and len(s) >= 2 and s[0].isalpha()


# A rule returns an edit (i1, i2, replacement): symbols[i1:i2] becomes replacement; None if it cannot apply.
Edit = tuple[int, int, list[str]]


def _pick(rng: np.random.Generator, positions: Sequence[int]) -> int | None:
    return int(positions[int(rng.integers(len(positions)))]) if positions else None


def _drop(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = _pick(rng, [k for k, x in enumerate(s) if _is_punct(x)])
    return None if i is None else (i, i + 1, [])


def _duplicate(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = _pick(rng, [k for k, x in enumerate(s) if _is_punct(x)])
    return None if i is None else (i, i + 1, [s[i], s[i]])


def _swap(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = _pick(
        rng, [k for k in range(len(s) - 1) if s[k] != s[k + 1] and (_is_punct(s[k]) or _is_punct(s[k + 1]))]
    )
    return None if i is None else (i, i + 2, [s[i + 1], s[i]])


def _insert(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = int(rng.integers(1, len(s) + 1)) if len(s) > 1 else len(s)
    return (i, i, [INSERTABLE[int(rng.integers(len(INSERTABLE)))]])


def _misspell(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = _pick(rng, [k for k, x in enumerate(s) if _is_word(x) and len(x) >= 3])
    if i is None:
        return None
    w = s[i]
    j = int(rng.integers(len(w)))
    kind = int(rng.integers(3))
    if kind == 0:  # a letter dropped
        new = w[:j] + w[j + 1 :]
    elif kind == 1:  # a letter doubled
        new = w[: j + 1] + w[j:]
    else:  # two letters swapped
        j = min(j, len(w) - 2)
        new = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return None if new == w else (i, i + 1, [new])


def _drop_keyword(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = _pick(rng, [k for k, x in enumerate(s) if _is_word(x)])
    return None if i is None else (i, i + 1, [])


def _drop_argument(s: list[str], rng: np.random.Generator) -> Edit | None:
    """Remove one comma and the argument after it, up to the next comma or closing bracket at its depth."""
    i = _pick(rng, [k for k, x in enumerate(s) if x == ","])
    if i is None:
        return None
    depth, j = 0, i + 1
    while j < len(s):
        if s[j] in "([{":
            depth += 1
        elif s[j] in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif s[j] == "," and depth == 0:
            break
        j += 1
    return (i, j, [])


def _move(s: list[str], rng: np.random.Generator) -> Edit | None:
    """A bracket or quote typed 1..MAX_MOVE tokens away from its place."""
    i = _pick(rng, [k for k, x in enumerate(s) if x in MOVABLE])
    if i is None or len(s) < 2:
        return None
    j = _pick(rng, [k for k in range(max(0, i - MAX_MOVE), min(len(s), i + MAX_MOVE + 1)) if k != i])
    if j is None:
        return None
    rest = s[:i] + s[i + 1 :]
    moved = rest[:j] + [s[i]] + rest[j:]
    lo, hi = min(i, j), max(i, j) + 1
    return (lo, hi, moved[lo:hi])


def _lookalike(s: list[str], rng: np.random.Generator) -> Edit | None:
    i = _pick(rng, [k for k, x in enumerate(s) if x in LOOKALIKES])
    if i is None:
        return None
    options = LOOKALIKES[s[i]]
    return (i, i + 1, [options[int(rng.integers(len(options)))]])


def _twice(s: list[str], rng: np.random.Generator) -> Edit | None:
    """Two single slips in one snippet, as one edit over the span between them."""
    first = _corrupt_edit(s, rng, SINGLE_RULES)
    if first is None:
        return None
    i1, i2, new = first
    once = [*s[:i1], *new, *s[i2:]]
    second = _corrupt_edit(once, rng, SINGLE_RULES)
    if second is None:
        return first
    j1, j2, new2 = second
    twice = [*once[:j1], *new2, *once[j2:]]
    lo, hi_s, hi_twice = common_ends(s, twice)
    return (lo, hi_s, twice[lo:hi_twice])


RULES: dict[str, Callable[[list[str], np.random.Generator], Edit | None]] = {
    "drop": _drop,
    "duplicate": _duplicate,
    "swap": _swap,
    "insert": _insert,
    "misspell": _misspell,
    "drop_keyword": _drop_keyword,
    "drop_argument": _drop_argument,
    "move": _move,
    "lookalike": _lookalike,
}
SINGLE_RULES = tuple(RULES)
RULES["twice"] = _twice


def _corrupt_edit(symbols: Sequence[str], rng: np.random.Generator, rules: Sequence[str]) -> Edit | None:
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ValueError(f"unknown corruption rule(s) {unknown}; valid names: {', '.join(RULES)}")
    s = list(symbols)
    if not s:
        return None
    for k in rng.permutation(len(rules)):
        edit = RULES[rules[int(k)]](s, rng)
        if edit is not None and s[edit[0] : edit[1]] != edit[2]:
            return edit
    return None


def corrupt(
    symbols: Sequence[str], rng: np.random.Generator, rules: Sequence[str] = tuple(RULES)
) -> list[str] | None:
    """One random rule applied to ``symbols``; None when no rule changes them. Deterministic under ``rng``."""
    edit = _corrupt_edit(symbols, rng, rules)
    if edit is None:
        return None
    i1, i2, new = edit
    return [*symbols[:i1], *new, *symbols[i2:]]


@dataclass(frozen=True)
class Corruption:
    """A rejected-by-the-oracle broken text and both sides as model symbols."""

    broken_text: str
    broken: list[str]  # symbols of the broken text, as the model will see it (re-tokenized)
    fixed: list[str]


class Corrupter:
    """Corrupts real snippets of one language, keeping only corruptions its oracle rejects."""

    def __init__(
        self,
        grammar: Grammar,
        vocab: Vocabulary,
        rules: Sequence[str] = tuple(RULES),
        habits: Sequence[HabitSlip] = (),
        habit_share: float = 0.0,
    ) -> None:
        self.grammar = grammar
        self.vocab = vocab
        self.rules = tuple(rules)
        self.habits = tuple(habits)
        self.habit_share = habit_share  # of the calls that try one of ``habits`` first

    def __call__(self, text: str, rng: np.random.Generator, tries: int = 4) -> Corruption | None:
        tokens = self.grammar.tokenize(text)
        fixed = self.vocab.symbols_of(tokens)
        if self.habits and self.habit_share > 0 and rng.random() < self.habit_share:
            broken_text = habit_slip(self.habits, text, tokens, rng)
            if broken_text is not None and broken_text.strip() and not self.grammar.is_valid(broken_text):
                broken = self.vocab.symbols_of(self.grammar.tokenize(broken_text))
                return Corruption(broken_text, broken, fixed)
        for _ in range(tries):
            edit = _corrupt_edit(fixed, rng, self.rules)
            if edit is None:
                return None
            # Written onto the real text around the edit only (one neighbour each side anchors it), so the
            # other tokens keep their exact text, as the user would have it.
            i1, i2, new = edit
            lo, hi = max(0, i1 - 1), min(len(tokens), i2 + 1)
            local_new = [*fixed[lo:i1], *new, *fixed[i2:hi]]
            edits = self.grammar.edits_for(text, tokens[lo:hi], fixed[lo:hi], local_new)
            broken_text = apply_edits(text, edits)
            if not broken_text.strip() or self.grammar.is_valid(broken_text):
                continue
            broken_tokens = self.grammar.tokenize(broken_text)
            broken = self.vocab.symbols_of(broken_tokens)
            if self._lost_user_text(tokens, broken_tokens, broken):
                continue
            return Corruption(broken_text, broken, fixed)
        return None

    def _lost_user_text(
        self, tokens: Sequence[Token], broken_tokens: Sequence[Token], broken: Sequence[str]
    ) -> bool:
        """A moved name or constant the text mapping could only render as its placeholder's stand-in
        (``Sheet1`` for the user's ``Matrix``): the pair would teach a fix that invents text."""
        typed = {t.text for t in tokens}
        return any(
            is_placeholder(sym) and tok.text not in typed and tok.text == self.grammar.render(sym)
            for tok, sym in zip(broken_tokens, broken, strict=True)
        )

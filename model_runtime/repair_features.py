"""The error model's features of one repair: which token edits it makes, to which tokens, and where.

The learned ranking (``learned_ranking.py``) is a noisy-channel score, log P(fixed) from the language's
model plus log P(broken | fixed) from an error model fitted on real (broken, fixed) pairs (issue 16,
DESIGN.md "Repair"). This module is the error model's half: it aligns the broken tokens with the
candidate's and describes each token edit by

- what it does to which kind of token (insert ``)``, delete ``,``, replace an operator by an operator),
- where it is: before, at or after the point where the parser saw the error, and whether it is at the end
  of its line (an Excel formula is one line): people forget the last closer of a nested formula more often
  than one in the middle,
- whether it does what the issue's message asks (``missing ')'``).

Feature names are the same in every language; each language's weights are fitted on its own records
(``benchmarks/ranker_fit.py``: fitting the three together was measured and did not help).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lastfix.grammars.base import SyntaxIssue, Token, TokenClass, common_ends

from .hints import NO_HINTS, EditHints
from .ranking import DEFAULT_COSTS, RankingWeights, delete_cost, insert_cost, same_token, substitute_cost

__all__ = [
    "MASKED_FEATURE",
    "READ_FEATURE",
    "TokenEdit",
    "align_tokens",
    "candidate_features",
    "edit_features",
    "token_category",
]

MASKED_FEATURE = "masked"  # the masked diffusion model's gain (masked_likelihood.py)
READ_FEATURE = "read"  # a slip-trained masked model's reading gain (masked_likelihood.reading_gains)

# Tokens common enough in last-mile fixes to be a category of their own; the rest go by lexical class.
_OWN_CATEGORY = frozenset({"(", ")", "[", "]", "{", "}", ",", ";", ":", "."})
_QUOTES = frozenset({'"', "'"})
_CLOSERS = frozenset({")", "]", "}"})


@dataclass(frozen=True)
class TokenEdit:
    """One token edit of an alignment: ``op`` at broken-token index ``at`` (an insertion goes before it)."""

    op: str  # "ins" | "del" | "sub"
    at: int
    old: Token | None  # the broken token deleted or replaced
    new: Token | None  # the candidate token inserted or put in its place


def token_category(tok: Token) -> str:
    """The edit model's name for a token: the bracket or separator itself, else its lexical class."""
    if tok.text in _OWN_CATEGORY and tok.cls in (TokenClass.PUNCT, TokenClass.OPERATOR):
        return tok.text
    if tok.text in _QUOTES:
        return "quote"
    return tok.cls.value


def align_tokens(base: Sequence[Token], cand: Sequence[Token]) -> list[TokenEdit]:
    """The cheapest token edits (``ranking.EditCosts`` prices, no hints) turning ``base`` into ``cand``."""
    lo, hi_a, hi_b = common_ends(base, cand, same_token)
    x, y = base[lo:hi_a], cand[lo:hi_b]
    costs = DEFAULT_COSTS
    ins = [insert_cost(t.text, t.cls, costs) for t in y]
    dele = [delete_cost(t.text, t.cls, costs) for t in x]
    # d[i][j]: cheapest edit of x[:i] into y[:j]
    d = [[0.0] * (len(y) + 1) for _ in range(len(x) + 1)]
    for j in range(1, len(y) + 1):
        d[0][j] = d[0][j - 1] + ins[j - 1]
    for i in range(1, len(x) + 1):
        d[i][0] = d[i - 1][0] + dele[i - 1]
        for j in range(1, len(y) + 1):
            a, b = x[i - 1], y[j - 1]
            sub = 0.0 if same_token(a, b) else substitute_cost((a.text, a.cls), (b.text, b.cls), costs)
            d[i][j] = min(d[i - 1][j] + dele[i - 1], d[i][j - 1] + ins[j - 1], d[i - 1][j - 1] + sub)
    out: list[TokenEdit] = []
    i, j = len(x), len(y)
    while i > 0 or j > 0:  # walk back, preferring a replacement, then an insertion, on equal cost
        if i > 0 and j > 0:
            a, b = x[i - 1], y[j - 1]
            sub = 0.0 if same_token(a, b) else substitute_cost((a.text, a.cls), (b.text, b.cls), costs)
            if abs(d[i][j] - (d[i - 1][j - 1] + sub)) < 1e-9:
                if sub:
                    out.append(TokenEdit("sub", lo + i - 1, a, b))
                i, j = i - 1, j - 1
                continue
        if j > 0 and abs(d[i][j] - (d[i][j - 1] + ins[j - 1])) < 1e-9:
            out.append(TokenEdit("ins", lo + i, None, y[j - 1]))
            j -= 1
            continue
        out.append(TokenEdit("del", lo + i - 1, x[i - 1], None))
        i -= 1
    out.reverse()
    return out


def _error_index(base: Sequence[Token], issue: SyntaxIssue | None) -> int:
    """The broken token where the parser saw the error (len(base): at the end of the text)."""
    if issue is None:
        return len(base)
    for n, t in enumerate(base):
        if t.end > issue.start:
            return n
    return len(base)


# Where an edit is, relative to the error point, in tokens: (last offset of the bucket, its name), in order.
_WHERE = ((-4, "before4"), (-2, "before2"), (-1, "before1"), (0, "at"), (2, "after1"))


def _where(rel: int) -> str:
    """Bucket of an edit's position relative to the error point, in tokens."""
    return next((name for upto, name in _WHERE if rel <= upto), "after3")


def _line_rest(text: str, base: Sequence[Token], edit: TokenEdit) -> str:
    """What follows the edit on its line: "eol" (nothing but layout), "closers" (only closing brackets),
    or "more"."""
    first_after = edit.at + (0 if edit.op == "ins" else 1)
    if first_after >= len(base):
        return "eol"
    if edit.op == "ins" and edit.at > 0:
        anchor = base[edit.at - 1].end
    else:
        anchor = base[min(edit.at, len(base) - 1)].start
    newline = text.find("\n", anchor)
    line_end = len(text) if newline < 0 else newline
    rest = [t for t in base[first_after:] if t.start < line_end and t.cls is not TokenClass.LAYOUT]
    if not rest:
        return "eol"
    return "closers" if all(t.text in _CLOSERS for t in rest) else "more"


def edit_features(
    text: str,
    base: Sequence[Token],
    cand: Sequence[Token],
    issue: SyntaxIssue | None,
    hints: EditHints = NO_HINTS,
) -> Mapping[str, float]:
    """The error model's features of turning ``base`` (the broken ``text``'s tokens) into ``cand``."""
    edits = align_tokens(base, cand)
    feats: dict[str, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        feats[name] = feats.get(name, 0.0) + value

    error_at = _error_index(base, issue)
    for e in edits:
        if e.op == "ins":
            assert e.new is not None
            what = f"ins:{token_category(e.new)}"
            hinted = e.new.text in hints.insert
        elif e.op == "del":
            assert e.old is not None
            what = f"del:{token_category(e.old)}"
            hinted = e.old.text in hints.delete
        else:
            assert e.old is not None and e.new is not None
            old, new = token_category(e.old), token_category(e.new)
            what = f"sub:{old}>{new}" if old != new else f"sub:{old}~"
            hinted = e.new.text in hints.insert or e.old.text in hints.delete
        add(what)
        add(f"{e.op}@{_where(e.at - error_at)}")
        rest = _line_rest(text, base, e)
        if rest != "more":
            add(f"{e.op}@{rest}")
        if hinted:
            add("hinted")
    add("edits", len(edits))
    if edits:
        add("span", min(8.0, float(edits[-1].at - edits[0].at)))  # a pair's halves far apart
    return feats


def candidate_features(
    text: str,
    base: Sequence[Token],
    cand: Sequence[Token],
    issue: SyntaxIssue | None,
    hints: EditHints,
    *,
    cost: float,
    votes: int,
    sources: frozenset[str],
    rules: frozenset[str],
    lm_gain: float | None,
    masked_gain: float | None = None,
    read_gain: float | None = None,
) -> dict[str, float]:
    """Every feature the learned ranking reads: the error model's (:func:`edit_features`), the language
    models' gains (log P(candidate) - log P(broken) under the n-gram prior and the masked diffusion model,
    and log P(candidate | broken) - log P(broken | broken) under a slip-trained masked model's reading;
    None: no such model), and what made the candidate."""
    feats = dict(edit_features(text, base, cand, issue, hints))
    feats["cost"] = cost  # the hand-set prior (ranking.EditCosts), kept as one fitted feature
    if lm_gain is not None:
        feats["lm"] = max(-_LM_CLIP, min(_LM_CLIP, lm_gain))
    if masked_gain is not None:
        feats[MASKED_FEATURE] = max(-_LM_CLIP, min(_LM_CLIP, masked_gain))
    if read_gain is not None:
        feats[READ_FEATURE] = max(-_LM_CLIP, min(_LM_CLIP, read_gain))
    if votes:
        feats["votes"] = math.log2(1 + votes)
    if len(sources) > 1:
        feats["both"] = 1.0
    elif sources == {"diffusion"}:
        feats["diffusion_only"] = 1.0
    for rule in rules:
        if rule not in PROVENANCES:
            feats[f"rule:{rule}"] = 1.0
    return feats


# The language models' gains are clipped like the hand-set ranking's n-gram gain: a frequent token must
# not outweigh a rare one the user typed.
_LM_CLIP = RankingWeights().ngram_cap
# what the sources tag their candidates with, which are not named rules one can switch off
PROVENANCES = frozenset({"search", "diffusion", "masked", "edits", "rewrite"})

"""One token-level change mapped onto the user's text: what every proposal of the symbolic search is built on.

The grammar's ``edits_for`` keeps the user's spacing and renders inserted symbols; these helpers give it
the neighbouring tokens that anchor an insertion point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lastfix.grammars.base import Grammar, TextEdit, Token, TokenClass

__all__ = ["EDITABLE", "edit_for", "two_edits", "span_edits", "constant_edits"]

# Token classes the search may delete, substitute or move (names and constants are content the user owns).
EDITABLE = frozenset({TokenClass.PUNCT, TokenClass.OPERATOR, TokenClass.KEYWORD})


def edit_for(
    grammar: Grammar, text: str, tokens: Sequence[Token], i: int, j: int, new: Sequence[str]
) -> TextEdit | None:
    """The one text edit replacing tokens[i:j] by symbols ``new`` (the grammar's mapping keeps spacing)."""
    lo, hi = max(0, i - 1), min(len(tokens), j + 1)  # a neighbour each side anchors the insertion point
    ctx = tokens[lo:hi]
    if not ctx:
        return TextEdit(len(text), len(text), "".join(grammar.render(s) for s in new)) if new else None
    old = [t.kind for t in ctx]
    new_syms = old[: i - lo] + list(new) + old[j - lo :]
    edits = grammar.edits_for(text, ctx, old, new_syms)
    if len(edits) != 1:
        return None
    return edits[0]


def two_edits(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    first: tuple[int, int, Sequence[str]],
    second: tuple[int, int, Sequence[str]],
) -> tuple[TextEdit, ...] | None:
    """Two separate token changes (i, j, new), the first before the second, as two text edits."""
    a, b = edit_for(grammar, text, tokens, *first), edit_for(grammar, text, tokens, *second)
    return (a, b) if a is not None and b is not None and a.end <= b.start else None


def span_edits(
    grammar: Grammar, text: str, tokens: Sequence[Token], i: int, j: int, new: Sequence[str]
) -> tuple[TextEdit, ...] | None:
    """Text edits replacing tokens[i:j] by symbols ``new``, however many the grammar's mapping needs."""
    lo, hi = max(0, i - 1), min(len(tokens), j + 1)
    ctx = tokens[lo:hi]
    old = [t.kind for t in ctx]
    edits = tuple(grammar.edits_for(text, ctx, old, old[: i - lo] + list(new) + old[j - lo :]))
    return edits or None


def constant_edits(edits: tuple[TextEdit, ...]) -> Callable[[], tuple[TextEdit, ...]]:
    """A proposal's builder for edits known up front (rewrites, argument swaps)."""
    return lambda: edits

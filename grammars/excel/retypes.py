"""Text for a placeholder written over what the user typed, keeping their characters.

When a repair writes ``<CELL>`` where the user typed the number ``10`` (``A1:10``, a range end that lost
its column), the placeholder's stand-in (``A1``) would invent a reference; the user's own characters say
which one was meant (``A10``). Each retype is named data: the placeholder it writes, the habit it undoes
(the habits the masked model learns, ``model_training/habit_slips.py``), and the text it keeps, or None
where the typed tokens do not read that way (the stand-in is written then, as for any insertion).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..base import Token, TokenClass
from .lexer import cell_column, is_cell_text

__all__ = ["Retype", "RETYPES", "retype_text", "retype_pairs"]


@dataclass(frozen=True)
class Retype:
    """Placeholder ``symbol`` written over ``tokens[i1:i2]`` of ``text``: the text that keeps them."""

    name: str
    symbol: str
    typed: tuple[str, ...]  # the placeholders (token kinds) it may be written over
    habit: str
    text: Callable[[str, Sequence[Token], int, int], str | None]


def _cell_from_row(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``A1:10`` -> ``A10``: the row, in the column of the range's other end."""
    if i2 - i1 != 1 or i1 < 2 or tokens[i1 - 1].text != ":" or not tokens[i1].text.isdigit():
        return None
    column = cell_column(tokens[i1 - 2].text)
    cell = None if column is None else column + tokens[i1].text
    return cell if cell is not None and is_cell_text(cell) else None


def _reference_from_text(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``"$A$1"`` -> ``$A$1``: the reference inside the quotes."""
    if i2 - i1 != 1 or tokens[i1].cls is not TokenClass.STRING:
        return None
    inside = tokens[i1].text[1:-1]
    return inside if is_cell_text(inside) else None


def _text_from_typed(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``7:00`` -> ``"7:00"``, ``yes`` -> ``"yes"``: what was typed, quoted. Only values (numbers, names
    that are no function) and the colons of a time: a bracket or a separator in the span is the formula's
    own, and quoting it would hide a slip inside the text."""
    span = tokens[i1:i2]
    if not span or span[0].text == ":" or span[-1].text == ":":
        return None
    if not all(t.kind in _TYPED_VALUES or (t.text == ":" and t.cls is TokenClass.OPERATOR) for t in span):
        return None
    return '"' + text[span[0].start : span[-1].end] + '"'


_TYPED_VALUES = frozenset({"<NUMBER>", "<NAME>"})


RETYPES: tuple[Retype, ...] = (
    Retype("cell-from-row", "<CELL>", ("<NUMBER>",), "a range's end written by its row", _cell_from_row),
    Retype(
        "reference-from-text", "<CELL>", ("<STRING>",), "a reference written as text", _reference_from_text
    ),
    Retype(
        "text-from-typed",
        "<STRING>",
        tuple(sorted(_TYPED_VALUES)),
        "a time or a word typed as into a cell",
        _text_from_typed,
    ),
)


def retype_pairs() -> frozenset[tuple[str, str]]:
    """(typed placeholder, written placeholder) of every retype: what the reading's channel prices as one."""
    return frozenset((typed, r.symbol) for r in RETYPES for typed in r.typed)


def retype_text(text: str, tokens: Sequence[Token], i1: int, i2: int, symbol: str) -> str | None:
    """The first retype of ``symbol`` that reads ``tokens[i1:i2]``, or None."""
    for retype in RETYPES:
        if retype.symbol == symbol and (kept := retype.text(text, tokens, i1, i2)) is not None:
            return kept
    return None

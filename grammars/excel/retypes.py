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
    """``"$A$1":"$B$1"`` -> ``$A$1:$B$1``: the reference inside the quotes, at an end of a range (a lone
    ``INDIRECT("B2")`` is text on purpose)."""
    if i2 - i1 != 1 or tokens[i1].cls is not TokenClass.STRING:
        return None
    if not ((i1 > 0 and tokens[i1 - 1].text == ":") or (i2 < len(tokens) and tokens[i2].text == ":")):
        return None
    inside = tokens[i1].text[1:-1]
    return inside if is_cell_text(inside) else None


def _time_from_typed(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``7:00`` -> ``"7:00"``: a time typed as into a cell, quoted. Only numbers joined by colons: a lone
    number or name is as likely meant as it stands, and a bracket or separator is the formula's own."""
    span = tokens[i1:i2]
    if len(span) < 3 or len(span) % 2 == 0:
        return None
    numbers, colons = span[::2], span[1::2]
    if not all(t.kind == "<NUMBER>" for t in numbers) or not all(t.text == ":" for t in colons):
        return None
    return '"' + text[span[0].start : span[-1].end] + '"'


RETYPES: tuple[Retype, ...] = (
    Retype("cell-from-row", "<CELL>", ("<NUMBER>",), "a range's end written by its row", _cell_from_row),
    Retype(
        "reference-from-text", "<CELL>", ("<STRING>",), "a reference written as text", _reference_from_text
    ),
    Retype("time-from-typed", "<STRING>", ("<NUMBER>",), "a time typed as into a cell", _time_from_typed),
)


# (typed placeholder, written placeholder) of every retype: what the reading's channel prices as one
_PAIRS = frozenset((typed, r.symbol) for r in RETYPES for typed in r.typed)


def retype_pairs() -> frozenset[tuple[str, str]]:
    """(typed placeholder, written placeholder) of every retype (built once: every reading asks)."""
    return _PAIRS


def retype_text(text: str, tokens: Sequence[Token], i1: int, i2: int, symbol: str) -> str | None:
    """The first retype of ``symbol`` over a token of its ``typed`` kinds that reads ``tokens[i1:i2]``,
    or None."""
    if i2 <= i1:
        return None
    for retype in RETYPES:
        if retype.symbol != symbol or tokens[i1].kind not in retype.typed:
            continue
        if (kept := retype.text(text, tokens, i1, i2)) is not None:
            return kept
    return None

"""Text for a placeholder written over what the user typed, keeping their characters.

When a repair writes ``<CELL>`` where the user typed the number ``10`` (``A1:10``, a range end that lost
its column), the placeholder's stand-in (``A1``) would invent a reference; the user's own characters say
which one was meant (``A10``). Each retype is named data: the placeholder it writes, the habit it undoes
(the habits the masked model learns, ``model_training/habit_slips.py``), and the text it keeps, or None
where the typed tokens do not read that way (the stand-in is written then, as for any insertion).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..base import Token, TokenClass

__all__ = ["Retype", "RETYPES", "retype_text"]

_CELL = re.compile(r"(\$?[A-Za-z]{1,3}\$?)(\d+)")


@dataclass(frozen=True)
class Retype:
    """Placeholder ``symbol`` written over ``tokens[i1:i2]`` of ``text``: the text that keeps them."""

    name: str
    symbol: str
    habit: str
    text: Callable[[str, Sequence[Token], int, int], str | None]


def _cell_from_row(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``A1:10`` -> ``A10``: the row, in the column of the range's other end."""
    if i2 - i1 != 1 or i1 < 2 or tokens[i1 - 1].text != ":" or not tokens[i1].text.isdigit():
        return None
    partner = _CELL.fullmatch(tokens[i1 - 2].text)
    return partner.group(1) + tokens[i1].text if partner else None


def _reference_from_text(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``"$A$1"`` -> ``$A$1``: the reference inside the quotes."""
    if i2 - i1 != 1 or tokens[i1].cls is not TokenClass.STRING:
        return None
    inside = tokens[i1].text[1:-1]
    return inside if _CELL.fullmatch(inside) else None


def _text_from_typed(text: str, tokens: Sequence[Token], i1: int, i2: int) -> str | None:
    """``7:00`` -> ``"7:00"``, ``yes`` -> ``"yes"``: what was typed, quoted."""
    if i2 <= i1 or any(t.cls is TokenClass.STRING or '"' in t.text for t in tokens[i1:i2]):
        return None
    return '"' + text[tokens[i1].start : tokens[i2 - 1].end] + '"'


RETYPES: tuple[Retype, ...] = (
    Retype("cell-from-row", "<CELL>", "a range's end written by its row", _cell_from_row),
    Retype("reference-from-text", "<CELL>", "a reference written as text", _reference_from_text),
    Retype("text-from-typed", "<STRING>", "a time or a word typed as into a cell", _text_from_typed),
)


def retype_text(text: str, tokens: Sequence[Token], i1: int, i2: int, symbol: str) -> str | None:
    """The first retype of ``symbol`` that reads ``tokens[i1:i2]``, or None."""
    for retype in RETYPES:
        if retype.symbol == symbol and (kept := retype.text(text, tokens, i1, i2)) is not None:
            return kept
    return None

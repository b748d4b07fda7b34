"""What the parser's own error messages say to insert or delete ("missing ')'", "unexpected ';'").

Every grammar words its issues the same way (DESIGN.md "Languages": "missing ')'", "unexpected ','");
CPython adds "expected ':'", "'(' was never closed", "Perhaps you forgot a comma?", "Missing parentheses
in call to 'print'". An edit that does what the message asks is far more likely than any other edit of
the same length, so the weighted distance (ranking.py) makes it cheaper. A message without hints changes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["EditHints", "hints_from_messages", "NO_HINTS"]

_CLOSERS = {"(": ")", "[": "]", "{": "}", "${": "}", "@(": ")", "$(": ")", "@{": "}", '"': '"', "'": "'"}
_QUOTED = re.compile(r"'([^'\s]{1,3})'|\"([^\"\s]{1,3})\"")
_INSERT_WORDS = ("expected", "missing", "uses", "forgot", "did you mean")
_DELETE_WORDS = ("unexpected", "extra", "stray", "unmatched", "invalid")
_OPEN_WORDS = ("unclosed", "never closed", "not closed")
_QUOTES = ('"', "'")
_NAMED = {"comma": ",", "colon": ":", "semicolon": ";", "parenthes": "()", "bracket": "[]", "brace": "{}"}


@dataclass(frozen=True)
class EditHints:
    """Symbols the messages ask to insert, and symbols they call unexpected (cheap to delete or replace)."""

    insert: frozenset[str] = frozenset()
    delete: frozenset[str] = frozenset()
    extra_argument: bool = False  # "too many arguments": dropping one whole argument is one slip
    argument_order: bool = False  # "needs a range as argument 2": two arguments may be swapped


NO_HINTS = EditHints()


def _kind_before(message: str, pos: int) -> str | None:
    """ "insert", "delete" or "open": what the words nearest before ``pos`` say about the quoted symbol."""
    before = message[:pos].lower()
    best: tuple[int, str] | None = None
    for kind, words in (("insert", _INSERT_WORDS), ("delete", _DELETE_WORDS), ("open", _OPEN_WORDS)):
        for w in words:
            i = before.rfind(w)
            if i < 0:
                continue
            if w == "expected" and before[max(0, i - 2) : i] == "un":
                continue  # "unexpected" is a delete word
            if best is None or i > best[0]:
                best = (i, kind)
    return best[1] if best else None


def hints_from_messages(messages: Iterable[str]) -> EditHints:
    """Collect insertion and deletion hints from issue messages (see the module doc)."""
    insert: set[str] = set()
    delete: set[str] = set()
    extra_argument = argument_order = False
    for message in messages:
        low = message.lower()
        extra_argument |= "too many arguments" in low
        argument_order |= "needs a range" in low and "as argument" in low
        for m in _QUOTED.finditer(message):
            sym = m.group(1) or m.group(2)
            after = low[m.end() : m.end() + 20]
            if re.search(r"(after|before|to|of|on)\s*$", low[: m.start()]):
                continue  # the quoted symbol is where, not what: "missing operand after '='"
            if "never closed" in after or "not closed" in after:
                kind: str | None = "open"
            else:
                kind = _kind_before(message, m.start())
            if kind == "insert":
                insert.add(sym)
            elif kind == "delete":
                delete.add(sym)
            elif kind == "open" and sym in _CLOSERS:
                insert.add(_CLOSERS[sym])
        asks = any(w in low.replace("unexpected", "") for w in _INSERT_WORDS)
        for word, syms in _NAMED.items():
            if word in low and asks:
                insert.update(syms)
        if "unterminated string" in low or "unclosed string" in low:
            insert.update(_QUOTES)
    return EditHints(frozenset(insert), frozenset(delete), extra_argument, argument_order)

"""Drop a token edit that leaves the brackets unnested before the oracle judges it (DESIGN "Repair" 5).

Where the grammar promises that its oracle rejects every text whose brackets do not nest
(``Grammar.nesting_brackets``: Python, whose tokenizer refuses them), a proposal's token-level change
tells, without building its text, whether the result can be valid: about two in five proposals of the
Python search cannot (an opener inserted where nothing closes it, a closer deleted from a balanced line).
Exact for the grammar's own verdict, so there it changes no verdict, only how far the search's work
bound reaches; that is where the search runs it (``EditSearch``: an acceptance that lets other errors
stay, a quick fix's or a window's among several, may rightly keep another error's bracket unnested), and
as a pruning of the two-step repair's partial steps. Where the brackets outside the window cannot nest
around it (an opener left open after it, a closer failing before it), it says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from lastfix.grammars.base import Token

__all__ = ["Change", "NestingFilter"]

# A proposal as token edits: tokens[i:j] replaced by the symbols ``new``, in document order, apart.
Change = tuple[tuple[int, int, tuple[str, ...]], ...]

_BROKEN = None  # a bracket run that no surrounding text can make nest (a closer meeting the wrong opener)
# The brackets a run leaves to its surroundings: closers it needs opened before it (in order), openers it
# leaves open after it (outermost first).
_Reduced = tuple[tuple[str, ...], tuple[str, ...]] | None


class NestingFilter:
    """Tells whether a change of the window ``first..last`` of ``tokens`` leaves the brackets unnested."""

    def __init__(
        self,
        tokens: Sequence[Token],
        first: int,
        last: int,
        nesting: Mapping[str, str],
        render: Callable[[str], str],
    ) -> None:
        self._close = dict(nesting)
        self._open = {c: o for o, c in nesting.items()}
        self._render = render
        self._quoting: dict[str, bool] = {}  # symbol -> its text holds a quote
        kinds = [t.kind if t.kind in self._close or t.kind in self._open else "" for t in tokens]
        self._kinds = kinds
        self._first, self._last = first, last
        # the openers left open before each gap of the window (None: a closer there already fails)
        stack: list[str] | None = []
        for k in kinds[:first]:
            stack = self._step(stack, k)
        self._before: dict[int, tuple[str, ...] | None] = {}
        for g in range(first, last + 1):
            self._before[g] = None if stack is None else tuple(stack)
            if g < len(kinds):
                stack = self._step(stack, kinds[g])
        # what the tokens after each gap of the window ask of what comes before them
        self._after: dict[int, _Reduced] = {}
        reduced: _Reduced = ((), ())
        for g in range(len(kinds), first - 1, -1):
            if g < len(kinds):
                reduced = self._prepend(kinds[g], reduced)
            if g <= last:
                self._after[g] = reduced
        outside = self._after[last]
        # some window content makes the whole text nest: otherwise another error owns a bracket outside
        self._outside_nests = self._before[first] is not None and outside is not _BROKEN and not outside[1]

    def _step(self, stack: list[str] | None, kind: str) -> list[str] | None:
        """``stack`` after one more token of bracket ``kind`` ('' for none); None once it fails."""
        if stack is None or not kind:
            return stack
        if kind in self._close:
            stack.append(kind)
            return stack
        if stack and stack[-1] == self._open[kind]:
            stack.pop()
            return stack
        return None

    def _prepend(self, kind: str, reduced: _Reduced) -> _Reduced:
        """The reduced run of one token of bracket ``kind`` followed by the run ``reduced``."""
        if reduced is _BROKEN or not kind:
            return reduced
        needs, opens = reduced
        if kind in self._open:
            return (kind, *needs), opens
        if needs:
            return (needs[1:], opens) if self._close[kind] == needs[0] else _BROKEN
        return needs, (kind, *opens)

    def _quotes(self, symbol: str) -> bool:
        """Does inserting ``symbol`` write a quote (a quote, a string placeholder's filler)?"""
        quoting = self._quoting.get(symbol)
        if quoting is None:
            text = self._render(symbol)
            quoting = self._quoting[symbol] = '"' in text or "'" in text
        return quoting

    def rejects(self, change: Change | None) -> bool:
        """True when ``change`` surely leaves the brackets unnested (False when it cannot tell: no change
        given, a quote written, which re-reads the strings after it)."""
        if not self._outside_nests or not change or any(self._quotes(s) for _, _, new in change for s in new):
            return False
        i0 = change[0][0]
        if not (self._first <= i0 and change[-1][1] <= self._last):
            return False
        before = self._before[i0]
        if before is None:
            return True
        stack: list[str] | None = list(before)
        pos = i0
        for i, j, new in change:
            for k in self._kinds[pos:i]:
                stack = self._step(stack, k)
            for s in new:
                stack = self._step(stack, s if s in self._close or s in self._open else "")
            pos = j
        after = self._after[pos]
        if stack is None or after is _BROKEN:
            return True
        needs, opens = after
        if opens or len(needs) != len(stack):
            return True
        return any(self._close[o] != c for o, c in zip(reversed(stack), needs, strict=True))

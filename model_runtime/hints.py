"""What the parser's issues ask to insert or delete (``missing ')'``, ``unexpected ';'``), from their fields.

Every grammar fills a syntax issue's structured fields where it creates it (grammars/base.py
``SyntaxIssue``): its kind, the symbols that would fit there, the symbol it blames. An edit that does what
the issue asks is far more likely than any other edit of the same length, so the weighted distance
(ranking.py) makes it cheaper. The kinds of the window's issues also decide which rules of the search run
(``Rule.triggers``: an argument is dropped only where the parser counted too many). Messages are for
people: rewording one changes nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lastfix.grammars.base import IssueKind, SyntaxIssue

__all__ = ["EditHints", "hints_from_issues", "NO_HINTS"]

_QUOTES = ('"', "'")
# What each kind of issue asks for: insert one of its ``expected`` symbols, delete its ``found`` one.
# A mismatched closer, an operand of the wrong kind or CPython's "Maybe you meant" guess ask for neither:
# which of two brackets is the slip is unknown, and guesses were never measured as hints.
_INSERTS_EXPECTED = frozenset(
    {IssueKind.MISSING, IssueKind.UNEXPECTED, IssueKind.UNCLOSED}  # UNCLOSED: ``expected`` is its closer
)
_DELETES_FOUND = frozenset({IssueKind.UNEXPECTED, IssueKind.UNMATCHED})
# Hinted symbols are short: brackets, separators, operators, short words (``in``, ``if``). A longer one
# (``'return'``, ``'$req'``) is content or a keyword a user rarely types by mistake; as measured on the
# dev benchmarks with the hints of issue 14, which read at most three characters.
_MAX_HINTED = 3


@dataclass(frozen=True)
class EditHints:
    """Symbols the issues ask to insert, symbols they blame (cheap to delete or replace), and their kinds."""

    insert: frozenset[str] = frozenset()
    delete: frozenset[str] = frozenset()
    kinds: frozenset[IssueKind] = frozenset()  # the kinds of the issues: what triggers rules

    @property
    def extra_argument(self) -> bool:
        """The parser counted too many arguments: dropping one whole argument is one slip."""
        return IssueKind.TOO_MANY_ARGUMENTS in self.kinds

    @property
    def argument_order(self) -> bool:
        """An argument has the wrong kind ("needs a range as argument 2"): two may be swapped."""
        return IssueKind.ARGUMENT_KIND in self.kinds


NO_HINTS = EditHints()


def _hinted(symbol: str) -> bool:
    return 0 < len(symbol) <= _MAX_HINTED and not any(c.isspace() for c in symbol)


def hints_from_issues(issues: Iterable[SyntaxIssue]) -> EditHints:
    """Collect insertion and deletion hints and the issue kinds from issues' fields (see the module doc)."""
    insert: set[str] = set()
    delete: set[str] = set()
    kinds: set[IssueKind] = set()
    for issue in issues:
        kinds.add(issue.kind)
        if issue.kind in _INSERTS_EXPECTED:
            insert.update(s for s in issue.expected if _hinted(s))
        found = issue.found
        if issue.kind in _DELETES_FOUND and found is not None and _hinted(found):
            delete.add(found)
        if issue.kind is IssueKind.UNCLOSED_STRING:
            insert.update(_QUOTES)  # which quote closes it, the issue does not say
    return EditHints(frozenset(insert), frozenset(delete), frozenset(kinds))

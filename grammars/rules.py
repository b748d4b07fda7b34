"""Named repair and parsing rules: one ``Rule`` record for every rewrite, slip, tolerance and check.

A rule is data: its name, its language, what kind of knowledge it is, one line on the habit it encodes,
the issue kinds it fires on, its price and the function that does the work. Rules of a language live in
its folder (``grammars/<language>/rewrites.py``, ``checks.py``, ``tolerances.py``) as module-level
tuples and are reachable from its :class:`~lastfix.grammars.base.Grammar` (``grammar.rules()``); the
language-independent slips of the edit search live in ``model_runtime.slip_proposals``. Every rule can
be switched off by name (``EditSearchSettings.without_rules``, ``Grammar.without``), counted and traced
(``Rewrite.rule``, ``EditCandidate.rules``).
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from .base import IssueKind, Rewrite, Token

__all__ = [
    "RuleKind",
    "Rule",
    "TokenRewrite",
    "WindowRewrite",
    "ANY_LANGUAGE",
    "SEARCH_PREFIX",
    "rules_of",
    "rule_names",
    "check_rule_names",
    "run_rewrites",
    "enabled",
]

ANY_LANGUAGE = "*"  # the language of the edit search's own slips: they run for every language
SEARCH_PREFIX = "search"  # their names start "search.", as a language's start with the language's name
# where the language-independent slips live: search code (they price edits with ranking's costs), so
# model_runtime; named here, imported on demand like a language's grammar (registry), never at import
_SEARCH_RULES = "lastfix.model_runtime.slip_proposals:SEARCH_RULES"
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*")


class RuleKind(str, enum.Enum):
    """What a rule knows."""

    REWRITE = "rewrite"  # a one-slip text proposal of a language folder (``A1:10`` -> ``A1:A10``)
    SLIP = "slip"  # a token-level proposal of the edit search (moves, pair deletion, argument drop/swap...)
    TOLERANCE = "tolerance"  # valid code the underlying parser rejects, made acceptable to it
    CHECK = "check"  # invalid code the underlying parser accepts, reported as an issue


W = TypeVar("W", bound=Callable[..., Any])

# The work of a rewrite rule: (text, tokens, i, last) for one token's rewrites, or (text, tokens, first,
# last) for the window's (a habit repeated across the window is one rewrite).
TokenRewrite = Callable[[str, Sequence[Token], int, int], list[Rewrite]]
WindowRewrite = Callable[[str, Sequence[Token], int, int], list[Rewrite]]


@dataclass(frozen=True)
class Rule(Generic[W]):
    """One named piece of repair or parsing knowledge; ``work``'s signature depends on ``kind``."""

    name: str  # "<language>.<kebab-case>" ("excel.decimal-comma"), "search.<kebab-case>" for the search's
    language: str  # the language it belongs to, or ANY_LANGUAGE
    kind: RuleKind
    doc: str  # one line: the habit (or the parser gap) and where it comes from
    work: W  # the function that does the work
    triggers: frozenset[IssueKind] = frozenset()  # issue kinds it fires on; empty: every window
    cost: float = 0.0  # its price in ranking.EditCosts units where it proposes edits (tolerance/check: 0)

    def __post_init__(self) -> None:
        prefix = SEARCH_PREFIX if self.language == ANY_LANGUAGE else self.language
        if not _NAME.fullmatch(self.name) or not self.name.startswith(prefix + "."):
            raise ValueError(
                f"rule name {self.name!r} must be '{prefix}.<kebab-case>' (lower-case words joined by '-')"
            )
        if not self.doc.strip() or "\n" in self.doc.strip():
            raise ValueError(f"rule {self.name}: doc must be one line")

    def fires_on(self, kinds: Iterable[IssueKind]) -> bool:
        """Does the rule look at a window whose issues have these kinds?"""
        return not self.triggers or not self.triggers.isdisjoint(kinds)


def _search_rules() -> tuple[Rule[Any], ...]:
    module, _, name = _SEARCH_RULES.partition(":")
    rules: tuple[Rule[Any], ...] = getattr(importlib.import_module(module), name)
    return rules


def rules_of(language: str) -> tuple[Rule[Any], ...]:
    """Every named rule that can run for ``language``: its own, then the edit search's (``"*"``)."""
    from .registry import get_grammar  # the registry imports the grammars, which import this module

    return tuple(get_grammar(language).rules()) + _search_rules()


def rule_names(rules: Iterable[Rule[Any]]) -> tuple[str, ...]:
    """The names of ``rules``, in order."""
    return tuple(r.name for r in rules)


def check_rule_names(language: str, names: Iterable[str]) -> frozenset[str]:
    """``names`` as a set, or a ValueError naming the unknown ones and listing the valid names."""
    wanted = frozenset(names)
    valid = rule_names(rules_of(language))
    unknown = sorted(wanted - set(valid))
    if unknown:
        raise ValueError(
            f"unknown rule(s) for {language}: {', '.join(unknown)}; valid names are {', '.join(valid)}"
        )
    return wanted


def enabled(rules: Sequence[Rule[W]], off: Iterable[str]) -> tuple[Rule[W], ...]:
    """``rules`` without those named in ``off``, in order."""
    skip = frozenset(off)
    return tuple(r for r in rules if r.name not in skip)


def run_rewrites(
    token_rules: Sequence[Rule[TokenRewrite]],
    window_rules: Sequence[Rule[WindowRewrite]],
    text: str,
    tokens: Sequence[Token],
    first: int,
    last: int,
) -> list[Rewrite]:
    """Every rewrite of ``tokens[first:last]``: token by token each token rule in order, then each window
    rule; every rewrite carries the name of its rule."""
    out: list[Rewrite] = []
    for i in range(first, last):
        for rule in token_rules:
            out.extend(replace(rw, rule=rule.name) for rw in rule.work(text, tokens, i, last))
    for rule in window_rules:
        out.extend(replace(rw, rule=rule.name) for rw in rule.work(text, tokens, first, last))
    return out

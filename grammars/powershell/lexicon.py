"""PowerShell's closed lexicon: keywords, operators, punctuation and automatic variables.

Sources: about_Reserved_Words, about_Operators, about_Comparison_Operators, about_Redirection and
about_Automatic_Variables (PowerShell 7.4 documentation). PowerShell is case-insensitive, so every
lookup here folds case and returns the canonical spelling that the vocabulary stores.
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = [
    "KEYWORDS",
    "RESERVED_KEYWORDS",
    "DASH_OPERATORS",
    "SYMBOL_OPERATORS",
    "PUNCTUATION",
    "DASHES",
    "SINGLE_QUOTES",
    "DOUBLE_QUOTES",
    "automatic_variables",
    "canonical_variable",
]

# Statement keywords (about_Reserved_Words). ``default`` is a keyword only inside a switch body and
# ``in`` only inside ``foreach (...)``; the lexer decides by position.
KEYWORDS: frozenset[str] = frozenset(
    """begin break catch class clean continue data do dynamicparam else elseif end enum exit filter
    finally for foreach function hidden if in param process return static switch throw trap try until
    using while workflow parallel sequence inlinescript configuration default from define var""".split()
)
# Reserved for future use: the PowerShell parser reports "The 'from' keyword is not supported in this
# version of the language" (ParserStrings.ReservedKeywordNotAllowed) when one starts a statement.
RESERVED_KEYWORDS: frozenset[str] = frozenset({"from", "define", "var"})

_COMPARISON = "eq ne gt ge lt le like notlike match notmatch replace contains notcontains in notin split"
# Comparison operators have case-sensitive (c) and explicitly insensitive (i) forms (-ceq, -ilike, ...).
DASH_OPERATORS: frozenset[str] = frozenset(
    [f"-{p}{op}" for op in _COMPARISON.split() for p in ("", "c", "i")]
    + [f"-{op}" for op in "is isnot as and or xor not band bor bxor bnot shl shr join f".split()]
)
# Longest first so a regex alternation takes ``??=`` before ``??`` before ``?``.
SYMBOL_OPERATORS: tuple[str, ...] = tuple(
    sorted(
        """??= += -= *= /= %= ++ -- ?? && || .. :: = + - * / % ! | & . ? :""".split(), key=len, reverse=True
    )
)
PUNCTUATION: frozenset[str] = frozenset("( ) { } [ ] , ; @( @{ $(".split())

# The PowerShell tokenizer treats typographic dashes and quotes as their ASCII forms
# (CharExtensions.IsDash / IsSingleQuote / IsDoubleQuote in System.Management.Automation).
DASHES = "-\u2013\u2014\u2015"
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'


@functools.cache
def automatic_variables() -> dict[str, str]:
    """Case-folded name -> canonical spelling of the automatic variables kept as closed symbols."""
    text = (
        resources.files("lastfix.grammars.powershell").joinpath("variables.txt").read_text(encoding="utf-8")
    )
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {n.lower(): n for n in names}


def canonical_variable(text: str) -> str | None:
    """The canonical spelling of an automatic variable (``$True`` -> ``$true``), else None."""
    return automatic_variables().get(text.lower())

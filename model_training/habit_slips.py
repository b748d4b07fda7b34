"""Habit slips: mistakes people make on purpose, because another tool or language taught them, written
onto correct text so the masked model learns to undo them.

The corrupter's slips (``corrupt.py``) are slips of the fingers over single tokens: a dropped bracket, a
neighbouring key. A habit is a different kind of noise: one intention that the lexer sees as several
tokens or as a token of another class (a cell typed as ``10``, a reference typed as text, a time typed as
in a cell). Each habit here is the inverse of one of the language's named rewrites
(``grammars/<language>/rewrites.py``), and says where the habit comes from. None was fitted on the benchmarks:
they are applied to corpus text, and the oracle keeps only the slips it rejects (``Corrupter``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from lastfix.grammars.base import Token, TokenClass
from lastfix.grammars.brackets import bracket_arguments
from lastfix.grammars.excel.lexer import cell_column, is_cell_text

__all__ = ["HabitSlip", "HABIT_SLIPS", "habit_slip"]

# the broken text, or None where the habit has nothing to apply to in this text
SlipText = Callable[[str, Sequence[Token], np.random.Generator], "str | None"]


@dataclass(frozen=True)
class HabitSlip:
    """One named habit: where it comes from, and how it is written onto correct text."""

    name: str
    habit: str
    apply: SlipText


_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")
_CRITERION = re.compile(r"(<=|>=|<>|<|>|=)(\d+(\.\d+)?)")
_CRITERIA_FUNCTIONS = frozenset({"COUNTIF", "COUNTIFS", "SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS"})
_C_COMPARISONS = {">=": "=>", "<=": "=<", "<>": "!="}


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _choose(rng: np.random.Generator, options: Sequence[int]) -> int | None:
    return int(options[int(rng.integers(len(options)))]) if options else None


def _range_ends(tokens: Sequence[Token]) -> list[int]:
    """Indices of references that end a ``cell:cell`` range."""
    return [
        i
        for i in range(2, len(tokens))
        if tokens[i].cls is TokenClass.REFERENCE
        and tokens[i - 1].text == ":"
        and tokens[i - 2].cls is TokenClass.REFERENCE
    ]


def _row_only_range_end(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``A1:A10`` -> ``A1:10``."""

    def letters(cell: str) -> str | None:
        column = cell_column(cell)
        return None if column is None else column.replace("$", "").upper()

    ends = [i for i in _range_ends(tokens) if letters(tokens[i].text) is not None]
    ends = [i for i in ends if letters(tokens[i].text) == letters(tokens[i - 2].text)]
    end = _choose(rng, ends)
    if end is None:
        return None
    cell = tokens[end].text
    row = cell[len(cell_column(cell) or "") :].lstrip("$")
    return _replace(text, tokens[end].start, tokens[end].end, row)


def _quoted_reference(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``$A$1:$B$1`` -> ``"$A$1":"$B$1"`` (both ends, or one)."""
    i = _choose(
        rng,
        [
            i
            for i in _range_ends(tokens)
            if is_cell_text(tokens[i - 2].text)
            and is_cell_text(tokens[i].text)
            and (i < 3 or not tokens[i - 3].text.endswith("!"))  # a sheet's cells are not typed as text
        ],
    )
    if i is None:
        return None
    first, last = tokens[i - 2], tokens[i]
    which = int(rng.integers(3))  # both, the first, the last
    out = text
    if which in (0, 2):
        out = _replace(out, last.start, last.end, f'"{last.text}"')
    if which in (0, 1):
        out = _replace(out, first.start, first.end, f'"{first.text}"')
    return out


def _unquoted_time(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``"7:00"`` -> ``7:00``."""
    i = _choose(
        rng, [i for i, t in enumerate(tokens) if t.cls is TokenClass.STRING and _TIME.fullmatch(t.text[1:-1])]
    )
    if i is None:
        return None
    return _replace(text, tokens[i].start, tokens[i].end, tokens[i].text[1:-1])


def _criterion_comparison(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``COUNTIF(C2:C25,">24")`` -> ``COUNTIF(C2:C25>24)``."""
    spots = []
    for i in range(len(tokens) - 1):
        if tokens[i].text.upper() not in _CRITERIA_FUNCTIONS or tokens[i + 1].text != "(":
            continue
        for a, b in bracket_arguments(tokens, i + 1):
            if (
                b - a == 1
                and tokens[a].cls is TokenClass.STRING
                and _CRITERION.fullmatch(tokens[a].text[1:-1])
            ):
                if a >= 2 and tokens[a - 1].text == "," and tokens[a - 2].cls is TokenClass.REFERENCE:
                    spots.append(a)
    at = _choose(rng, spots)
    if at is None:
        return None
    return _replace(text, tokens[at - 1].start, tokens[at].end, tokens[at].text[1:-1])


def _semicolon_separators(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """Every argument separator ``,`` -> ``;`` (in an array constant ``;`` is a row break: valid, no slip)."""
    commas, depth = [], 0
    for t in tokens:
        depth += (t.text == "{") - (t.text == "}")
        if t.text == "," and t.cls is TokenClass.PUNCT and depth == 0:
            commas.append(t)
    out = text
    for t in reversed(commas):
        out = _replace(out, t.start, t.end, ";")
    return out if commas else None


def _c_comparison(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``>=`` -> ``=>``, ``<=`` -> ``=<``, ``<>`` -> ``!=``."""
    i = _choose(rng, [i for i, t in enumerate(tokens) if t.text in _C_COMPARISONS])
    if i is None:
        return None
    return _replace(text, tokens[i].start, tokens[i].end, _C_COMPARISONS[tokens[i].text])


def _infix_logic(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``AND(A1>5,B1<3)`` -> ``A1>5 AND B1<3``."""
    spots = []
    for i in range(len(tokens) - 1):
        if tokens[i].text.upper() in ("AND", "OR") and tokens[i + 1].text == "(":
            args = bracket_arguments(tokens, i + 1)
            close = args[-1][1] if args else None
            if len(args) == 2 and close is not None and close < len(tokens) and tokens[close].text == ")":
                spots.append((i, args, close))
    k = _choose(rng, range(len(spots)))
    if k is None:
        return None
    i, ((a1, b1), (a2, b2)), close = spots[k]
    left = text[tokens[a1].start : tokens[b1 - 1].end]
    right = text[tokens[a2].start : tokens[b2 - 1].end]
    return _replace(text, tokens[i].start, tokens[close].end, f"{left} {tokens[i].text} {right}")


EXCEL_HABITS: tuple[HabitSlip, ...] = (
    HabitSlip(
        "row-only-range-end",
        "a range's end written by its row, the column taken as said",
        _row_only_range_end,
    ),
    HabitSlip(
        "quoted-reference", "references written as text, as INDIRECT and ADDRESS take them", _quoted_reference
    ),
    HabitSlip("unquoted-time", "a time typed into a formula as it is typed into a cell", _unquoted_time),
    HabitSlip(
        "criterion-comparison",
        "the comparison meant, instead of COUNTIF's criterion string",
        _criterion_comparison,
    ),
    HabitSlip("semicolon-separators", "a European locale's ';' between arguments", _semicolon_separators),
    HabitSlip("c-comparison", "comparisons written reversed or the C-family way", _c_comparison),
    HabitSlip("infix-logic", "AND / OR between operands, as in most languages", _infix_logic),
)

# ("-not" -> "!" is no slip: PowerShell accepts "!")
_PS_C_OPERATORS = {"-eq": "==", "-ne": "!=", "-and": "&&", "-or": "||"}
_PS_PIPED_MEMBER = re.compile(r"ForEach-Object\s*\{\s*(\$_(?:\.\w+)+)\s*\}", re.IGNORECASE)


def _ps_c_operators(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``$a -eq 1 -and $b`` -> ``$a == 1 && $b`` (one operator or all of them)."""
    spots = [t for t in tokens if t.text.lower() in _PS_C_OPERATORS and t.cls is TokenClass.OPERATOR]
    if not spots:
        return None
    chosen = spots if rng.random() < 0.5 else [spots[int(rng.integers(len(spots)))]]
    out = text
    for t in sorted(chosen, key=lambda t: -t.start):
        out = _replace(out, t.start, t.end, _PS_C_OPERATORS[t.text.lower()])
    return out


def _ps_method_call_space(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``[Math]::Sqrt(9)`` -> ``[Math]::Sqrt (9)``."""
    spots = [
        i
        for i in range(1, len(tokens) - 1)
        if tokens[i - 1].text in (".", "::")
        and tokens[i + 1].text == "("
        and tokens[i].end == tokens[i + 1].start
    ]
    i = _choose(rng, spots)
    return None if i is None else _replace(text, tokens[i].end, tokens[i].end, " ")


def _ps_unclosed_string(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``$n = "Administrator"`` -> ``$n = "Administrator``: the closing quote forgotten at the line's end
    (where the rewrite ``powershell.unclosed-string`` closes it)."""
    i = _choose(
        rng,
        [
            i
            for i, t in enumerate(tokens)
            if t.cls is TokenClass.STRING
            and len(t.text) >= 2
            and t.text[-1] in "\"'"
            and text[t.end : t.end + 1] in ("", "\n", "\r")
        ],
    )
    if i is None:
        return None
    return _replace(text, tokens[i].end - 1, tokens[i].end, "")


def _ps_call_operator(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``& "C:\\a b\\x.exe" -i`` -> ``"C:\\a b\\x.exe" -i``."""
    i = _choose(
        rng,
        [
            i
            for i in range(len(tokens) - 1)
            if tokens[i].text == "&" and tokens[i + 1].cls is TokenClass.STRING
        ],
    )
    return None if i is None else _replace(text, tokens[i].start, tokens[i + 1].start, "")


def _ps_unescaped_quotes(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``"He said `"hi`""`` -> ``"He said "hi""``."""
    i = _choose(rng, [i for i, t in enumerate(tokens) if t.cls is TokenClass.STRING and '`"' in t.text])
    if i is None:
        return None
    t = tokens[i]
    return _replace(text, t.start, t.end, t.text.replace('`"', '"'))


def _ps_piped_member(text: str, tokens: Sequence[Token], rng: np.random.Generator) -> str | None:
    """``gci | ForEach-Object { $_.Name }`` -> ``gci | $_.Name``."""
    found = list(_PS_PIPED_MEMBER.finditer(text))
    if not found:
        return None
    m = found[int(rng.integers(len(found)))]
    return _replace(text, m.start(), m.end(), m.group(1))


POWERSHELL_HABITS: tuple[HabitSlip, ...] = (
    HabitSlip("c-operators", "comparison and logic written the C-family way", _ps_c_operators),
    HabitSlip(
        "method-call-space", "a blank before a method's '(', as most languages allow", _ps_method_call_space
    ),
    HabitSlip("unclosed-string", "a string's closing quote forgotten", _ps_unclosed_string),
    HabitSlip(
        "call-operator", "a quoted program run without &, as cmd.exe and bash run it", _ps_call_operator
    ),
    HabitSlip(
        "unescaped-quotes",
        "quotes inside a string left unescaped (PowerShell escapes with `)",
        _ps_unescaped_quotes,
    ),
    HabitSlip("piped-member", "$_ used after a pipe outside a script block", _ps_piped_member),
)

# per language name (a language added by a plug-in has none: only the corrupter's slips of the fingers)
HABIT_SLIPS: Mapping[str, tuple[HabitSlip, ...]] = MappingProxyType(
    {"excel": EXCEL_HABITS, "powershell": POWERSHELL_HABITS}
)


def habit_slip(
    habits: Sequence[HabitSlip], text: str, tokens: Sequence[Token], rng: np.random.Generator
) -> str | None:
    """The text with one of ``habits`` written onto it (tried in a random order), or None if none applies.
    A habit that fits most snippets (a string to close) makes most of the habit rows, as it is most of the
    chances to make that mistake."""
    for k in rng.permutation(len(habits)):
        broken = habits[int(k)].apply(text, tokens, rng)
        if broken is not None and broken != text:
            return broken
    return None

"""Proposals that are one slip to the user but several token edits: a bracket or separator typed in the
wrong place, a bracket pair that groups nothing, one argument too many, two arguments in each other's place,
the same separator missing before each of several errors.

Token edit distance prices these as two or more edits, so a plain search ranks them behind two unrelated
insertions (``=(IF(ISERROR(A1),""))`` before ``=IF(ISERROR(A1),"")``). Each is priced as the one slip it
undoes. Each is a named rule (``SLIPS``, grammars.rules); the argument edits are triggered by the kinds of
the parser's issues (``Rule.triggers``), so they never fire on a plain missing bracket.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lastfix.grammars.base import Grammar, IssueKind, TextEdit, Token, TokenClass
from lastfix.grammars.brackets import bracket_arguments
from lastfix.grammars.rules import ANY_LANGUAGE, Rule, RuleKind

from .hints import EditHints
from .ranking import EditCosts, delete_cost, insert_cost
from .token_edits import EDITABLE, constant_edits, edit_for, span_edits, two_edits
from .windows import Window

__all__ = [
    "SlipSettings",
    "SlipContext",
    "Slip",
    "SLIPS",
    "INSERT_PAIR",
    "SEARCH_RULES",
    "PAIRS",
    "plan_slips",
    "plan_pairs",
]

# Tokens people put in the wrong place: a bracket closed too early or too late, a separator misplaced.
_MOVABLE = frozenset({"(", ")", "[", "]", "{", "}", ",", ";"})
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_SEPARATORS = (";", ",")

# add(cost, proximity, build the edits, is priced as a slip, try before cheaper proposals, rule name,
#     change=its token edits (i, j, new symbols), which lets the search drop it unbuilt: nesting_filter)
Add = Callable[..., None]
# Paired insertions (DESIGN "Repair": "common two-token: paired brackets, quotes").
PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ('"', '"'), ("'", "'"))


@dataclass(frozen=True)
class SlipSettings:
    """Which one-slip proposals the search makes, how far they reach and what they cost."""

    moves: bool = True  # try moving a bracket or separator, and deleting a bracket pair
    max_move: int = 8  # tokens a moved bracket or separator may travel
    max_pair_span: int = 24  # tokens between the two brackets of a pair that groups nothing
    # of a move's two token edits: one slip, priced like a substitution (Excel dev: 0.7..1.0 alike)
    move_discount: float = 0.8
    max_dropped_argument: int = 4  # tokens of an extra argument the search may drop with its comma
    drop_argument_cost: float = 1.5  # one slip, but it deletes what the user wrote
    max_swapped_argument: int = 8  # tokens of each of two arguments the search may swap
    swap_arguments_cost: float = 1.5  # one slip: the user knew both arguments, not their order
    # the same separator missing at every error of the window (``$a = 1 $b = 2 $c = 3``): the first
    # costs a slip, each repeat this much more (one habit, as Excel's locale separators)
    repeat_cost: float = 0.5


@dataclass(frozen=True)
class SlipContext:
    """The window being searched and what prices an edit in it."""

    grammar: Grammar
    text: str
    tokens: Sequence[Token]
    window: Window
    costs: EditCosts
    hints: EditHints


def plan_slips(
    ctx: SlipContext, settings: SlipSettings, add: Add, without: frozenset[str] = frozenset()
) -> None:
    """Add every one-slip proposal of the window to the search's plan: each rule of ``SLIPS`` in order,
    but those named in ``without`` and those whose trigger the window's issues lack."""
    for rule in SLIPS:
        if rule.name not in without and rule.fires_on(ctx.hints.kinds):
            rule.work(ctx, settings, functools.partial(add, rule=rule.name))


def plan_pairs(ctx: SlipContext, max_span: int, add: Add) -> None:
    """A bracket or quote pair inserted around up to ``max_span`` tokens (both halves forgotten, or one
    forgotten where the other was never typed either)."""
    window, costs, hints = ctx.window, ctx.costs, ctx.hints
    first, last = window.first, window.last
    for p in range(first, last + 1):
        for q in range(p, min(last, p + max_span) + 1):
            prox = min(window.gap_proximity(p), window.gap_proximity(q))
            for open_, close in PAIRS:
                c = insert_cost(open_, TokenClass.PUNCT, costs, hints) + insert_cost(
                    close, TokenClass.PUNCT, costs, hints
                )
                build = functools.partial(_paired, ctx.grammar, ctx.text, ctx.tokens, p, q, (open_, close))
                change = ((p, p, (open_, close)),) if p == q else ((p, p, (open_,)), (q, q, (close,)))
                add(c, prox, build, rule=INSERT_PAIR.name, change=change)


def _paired(
    grammar: Grammar, text: str, tokens: Sequence[Token], p: int, q: int, pair: tuple[str, str]
) -> tuple[TextEdit, ...] | None:
    """A bracket or quote pair inserted at gaps p <= q."""
    if p == q:
        e = edit_for(grammar, text, tokens, p, p, pair)
        return (e,) if e is not None else None
    return two_edits(grammar, text, tokens, (p, p, pair[:1]), (q, q, pair[1:]))


def _plan_repeated_separators(ctx: SlipContext, settings: SlipSettings, add: Add) -> None:
    """One separator inserted before every token the parser did not expect: statements run together on
    one line (``{$z = 1 $End = 20}``) or list items without their commas. One token edit per error, so
    the search would need one round per error; to the user it is one habit."""
    tokens, window = ctx.tokens, ctx.window
    if len(window.issues) < 2:
        return
    starts = {t.start: i for i, t in enumerate(tokens)}
    gaps = sorted({starts[i.start] for i in window.issues if i.start in starts})
    if len(gaps) < 2:
        return
    for sep in _SEPARATORS:
        cost = insert_cost(sep, TokenClass.PUNCT, ctx.costs, ctx.hints) * (
            1 + settings.repeat_cost * (len(gaps) - 1)
        )
        # tried first: a handful of parses, where its cost would put it behind every two-edit proposal
        change = tuple((g, g, (sep,)) for g in gaps)
        add(cost, 0, functools.partial(_insert_before, ctx, gaps, sep), True, True, change=change)


def _insert_before(ctx: SlipContext, gaps: Sequence[int], sep: str) -> tuple[TextEdit, ...] | None:
    edits = [edit_for(ctx.grammar, ctx.text, ctx.tokens, g, g, (sep,)) for g in gaps]
    return None if any(e is None for e in edits) else tuple(e for e in edits if e is not None)


def _movable(ctx: SlipContext) -> list[int]:
    """Indices of the window's brackets and separators a slip may have misplaced."""
    tokens, window = ctx.tokens, ctx.window
    # A call's own '(' stays: moving or dropping it glues the function name to its argument (MOD(A1/3)).
    return [
        i
        for i in range(window.first, window.last)
        if tokens[i].text in _MOVABLE
        and tokens[i].cls in EDITABLE
        and not (tokens[i].text == "(" and i > 0 and tokens[i - 1].cls is TokenClass.NAME)
    ]


def _plan_moves(ctx: SlipContext, settings: SlipSettings, add: Add) -> None:
    """A bracket or separator typed a few tokens from its place (``=IF(ISERROR(A1,""))``): one slip to the
    user, two token edits to the distance, so priced as ``move_discount`` of its two edits, like a
    substitution."""
    if not settings.moves:
        return
    grammar, text, tokens, window, costs, hints = (
        ctx.grammar,
        ctx.text,
        ctx.tokens,
        ctx.window,
        ctx.costs,
        ctx.hints,
    )
    first, last = window.first, window.last
    for i in _movable(ctx):
        tok = tokens[i]
        two = delete_cost(tok.text, tok.cls, costs, hints) + insert_cost(tok.text, tok.cls, costs, hints)
        cost = two * settings.move_discount
        for g in range(max(first, i - settings.max_move), min(last, i + 1 + settings.max_move) + 1):
            if g in (i, i + 1):
                continue  # back where it was
            lo, hi = min(i, g), max(i + 1, g)
            # an insertion at gap g lands right after token g-1 (edit_for anchors it there)
            at = tokens[g - 1].end if g > 0 else 0
            if "\n" in (text[at : tok.start] if g < i else text[tok.end : at]):
                continue  # a slip of the pen stays on its line (in Excel a line is a formula of its own)
            kept = [t.kind for t in tokens[lo:hi] if t is not tok]
            new = [tok.kind, *kept] if g < i else [*kept, tok.kind]
            prox = min(window.token_proximity(i), window.gap_proximity(g))
            build = functools.partial(span_edits, grammar, text, tokens, lo, hi, tuple(new))
            add(cost, prox, build, True, change=((lo, hi, tuple(new)),))


def _plan_pair_deletions(ctx: SlipContext, settings: SlipSettings, add: Add) -> None:
    """A bracket pair that groups nothing (``=IF((A1="",1,2))``): one slip, priced as ``move_discount``
    of its two deletions."""
    if not settings.moves:
        return
    grammar, text, tokens, window, costs, hints = (
        ctx.grammar,
        ctx.text,
        ctx.tokens,
        ctx.window,
        ctx.costs,
        ctx.hints,
    )
    last = window.last
    opens = [i for i in _movable(ctx) if tokens[i].text in _OPENERS]
    for o in opens:
        closer = _OPENERS[tokens[o].text]
        for c in range(o + 1, min(last, o + 1 + settings.max_pair_span)):
            if (
                tokens[c].text != closer
                or tokens[c].cls not in EDITABLE
                or "\n" in text[tokens[o].end : tokens[c].start]  # a pair that groups nothing: one line
            ):
                continue
            two = delete_cost(tokens[o].text, tokens[o].cls, costs, hints) + delete_cost(
                closer, tokens[c].cls, costs, hints
            )
            prox = min(window.token_proximity(o), window.token_proximity(c))
            add(
                two * settings.move_discount,
                prox,
                functools.partial(two_edits, grammar, text, tokens, (o, o + 1, ()), (c, c + 1, ())),
                True,
                change=((o, o + 1, ()), (c, c + 1, ())),
            )


def _plan_argument_drops(ctx: SlipContext, settings: SlipSettings, add: Add) -> None:
    """One argument too many (``=IF(B4="Y",F4-1,"",IF(...))``): a short argument and the comma before
    it, dropped together as one slip when the parser says there are too many."""
    tokens, window = ctx.tokens, ctx.window
    for o in _calls(tokens, window):
        for a0, a1 in bracket_arguments(tokens, o, window.last)[1:]:
            if 0 < a1 - a0 <= settings.max_dropped_argument:
                prox = min(window.token_proximity(a0 - 1), window.token_proximity(a1 - 1))
                build = functools.partial(span_edits, ctx.grammar, ctx.text, tokens, a0 - 1, a1, ())
                add(settings.drop_argument_cost, prox, build, True, change=((a0 - 1, a1, ()),))


def _plan_argument_swaps(ctx: SlipContext, settings: SlipSettings, add: Add) -> None:
    """Two neighbouring arguments in each other's place (``=COUNTIF("dog",A1:A9)``), proposed when the
    parser says an argument has the wrong kind. Text-level, so every token keeps the user's spelling."""
    text, tokens, window = ctx.text, ctx.tokens, ctx.window
    for o in _calls(tokens, window):
        args = bracket_arguments(tokens, o, window.last)
        for (a0, a1), (b0, b1) in zip(args, args[1:], strict=False):
            if not (
                0 < a1 - a0 <= settings.max_swapped_argument and 0 < b1 - b0 <= settings.max_swapped_argument
            ):
                continue
            start, end = tokens[a0].start, tokens[b1 - 1].end
            first_arg, second_arg = text[start : tokens[a1 - 1].end], text[tokens[b0].start : end]
            between = text[tokens[a1 - 1].end : tokens[b0].start]
            edit = TextEdit(start, end, second_arg + between + first_arg)
            prox = min(window.token_proximity(a0), window.token_proximity(b1 - 1))
            add(settings.swap_arguments_cost, prox, constant_edits((edit,)), True)


def _calls(tokens: Sequence[Token], window: Window) -> list[int]:
    """Indices of the window's opening parentheses (calls and groups alike)."""
    return [
        o for o in range(window.first, window.last) if tokens[o].text == "(" and tokens[o].cls in EDITABLE
    ]


# The work of a slip: (the window and its prices, the search's slip settings, add to the plan).
Slip = Callable[[SlipContext, SlipSettings, Add], None]


def _slip(name: str, doc: str, work: Slip, cost: float, *triggers: IssueKind) -> Rule[Slip]:
    return Rule(f"search.{name}", ANY_LANGUAGE, RuleKind.SLIP, doc, work, frozenset(triggers), cost)


_DEFAULTS = SlipSettings()
# In the order they join the plan (proposals of equal cost and nearness are tried in this order).
SLIPS: tuple[Rule[Slip], ...] = (
    _slip(
        "move-bracket",
        'a bracket or separator typed a few tokens from its place (=IF(ISERROR(A1,"")))',
        _plan_moves,
        2.2 * _DEFAULTS.move_discount,  # delete + insert a last-mile symbol, discounted
    ),
    _slip(
        "delete-pair",
        'a bracket pair that groups nothing (=IF((A1="",1,2)))',
        _plan_pair_deletions,
        2.4 * _DEFAULTS.move_discount,  # two deletions of last-mile symbols, discounted
    ),
    _slip(
        "drop-argument",
        "one argument too many, dropped with its comma (the parser counted too many)",
        _plan_argument_drops,
        _DEFAULTS.drop_argument_cost,
        IssueKind.TOO_MANY_ARGUMENTS,
    ),
    _slip(
        "swap-arguments",
        'two neighbouring arguments in each other\'s place (=COUNTIF("dog",A1:A9))',
        _plan_argument_swaps,
        _DEFAULTS.swap_arguments_cost,
        IssueKind.ARGUMENT_KIND,
    ),
    _slip(
        "repeated-separator",
        "the same separator missing before each of several errors ($a = 1 $b = 2 $c = 3)",
        _plan_repeated_separators,
        1.0,  # a last-mile insertion; each repeat adds repeat_cost of it
    ),
)
INSERT_PAIR: Rule[Callable[[SlipContext, int, Add], None]] = Rule(
    "search.insert-pair",
    ANY_LANGUAGE,
    RuleKind.SLIP,
    "a bracket or quote pair forgotten around a few tokens (DESIGN 'Repair': paired brackets, quotes)",
    plan_pairs,
    cost=2.0,  # two last-mile insertions
)
# Every rule of the edit search, whatever the language (grammars.rules.rules_of lists them).
SEARCH_RULES: tuple[Rule[Any], ...] = (INSERT_PAIR, *SLIPS)

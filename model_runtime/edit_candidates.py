"""Grammar-guided edit candidates: single-token and paired insertions, deletions and substitutions,
bracket moves, and argument drops and swaps when the parser asks for them.

The symbolic half of the hybrid search (DESIGN.md "Repair", step 3), in the spirit of LaMirage
(Bavishi et al. 2022): last-mile errors are mostly one or two tokens away from a valid program, so try
every such edit inside the error window, nearest the error first, and keep what the oracle accepts.
Edits are enumerated in order of weighted token distance (``ranking.EditCosts``: a missing bracket is
cheaper than a new keyword) and of nearness to where the parser saw the error, traded against each other
by ``EditSearchSettings.nearness``, so a bound on the proposals checked (the search's work, the same on any
machine) cuts the least likely ones.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from lastfix.grammars.base import Grammar, TextEdit, Token, TokenClass, apply_edits, is_placeholder

from .deadline import Deadline
from .hints import NO_HINTS, EditHints
from .nesting_filter import Change, NestingFilter
from .ranking import DEFAULT_COSTS, EditCosts, delete_cost, insert_cost, substitute_cost, weighted_distance
from .slip_proposals import INSERT_PAIR, SlipContext, SlipSettings, plan_pairs, plan_slips
from .token_edits import EDITABLE, constant_edits, edit_for
from .windows import Window

__all__ = [
    "EditCandidate",
    "EditSearchSettings",
    "EditSearch",
    "edit_alphabet",
    "propose_edits",
]

# Punctuation and operators common to the three languages; each grammar keeps those it lexes as one
# closed token (see edit_alphabet), so this list only has to be broad, not exact.
_GENERIC_SYMBOLS = (
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ":",
    ".",
    "=",
    "==",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "<>",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "&",
    "|",
    "!",
    "@",
    "$",
    "#",
    "~",
    "->",
    "**",
    "//",
    "+=",
    "-=",
    "::",
    "..",
    "|>",
    "&&",
    "||",
    "=>",
)
_QUOTES = ('"', "'")
SEARCH = "search"  # the provenance of a plain single-token edit of the search (no named rule)
UNNAMED_REWRITE = "rewrite"  # the provenance of a rewrite whose grammar did not name its rule
_FILLABLE = frozenset({TokenClass.STRING, TokenClass.NUMBER, TokenClass.NAME, TokenClass.REFERENCE})


@dataclass(frozen=True)
class EditCandidate:
    """One accepted edit: the repaired document and how far it is from the original, in tokens."""

    text: str
    edits: tuple[TextEdit, ...]
    cost: float  # weighted token edit distance (ranking.EditCosts) of the re-tokenized result
    proximity: int  # tokens between the edit and the error
    # names of the rules that proposed it (grammars.rules), or "search" for the plain token-edit search
    rules: frozenset[str] = frozenset({"search"})


@dataclass(frozen=True)
class EditSearchSettings:
    """Limits of the symbolic search."""

    pairs: bool = True  # try paired bracket/quote insertions after all single edits
    max_pair_span: int = 24  # tokens between the two halves of a pair
    max_accepted: int = 48  # stop once this many candidates are accepted (they come cheapest first)
    within: float = 1.5  # once a repair is found, try only proposals at most this much dearer
    slips: SlipSettings = field(default_factory=SlipSettings)  # moves, pair and argument edits
    without_rules: frozenset[str] = frozenset()  # named rules switched off (``lastfix bench --without-rule``)
    # proposals the oracle judges in a window's first pass (a work bound: DESIGN "Repair" 5): 60% of the
    # repair's checks (SearchSettings.repair_checks), as the old time share left the first pass 60% of the
    # budget; going on when nothing was found, and the search for a partial step, take what is left
    checks: int = 1800
    # of what the repair has left once a first pass found nothing: the checks that pass may go on with
    # (edit_source; None: all that is left). A two-step repair's partial steps take what is left after it.
    resume_checks: int | None = None
    # partial steps may insert a bracket pair (``print x`` -> ``print(x)`` moves the error to the next
    # slip); off, they are single edits
    progress_pairs: bool = False
    # cost units a token of distance from the error adds to a proposal's place in the order (not to its
    # cost): people slip where the parser stops, so a one-slip edit at the error is tried before a cheaper
    # one far from it. 0: cost first, nearness breaks ties
    nearness: float = 0.0


@functools.cache
def _grammar_alphabet(grammar: Grammar) -> tuple[str, ...]:
    return _filter_alphabet(grammar, tuple(grammar.closed_symbols()) + _GENERIC_SYMBOLS)


def _filter_alphabet(grammar: Grammar, symbols: Sequence[str]) -> tuple[str, ...]:
    """Symbols the grammar lexes back as exactly one punctuation, operator or keyword token of that kind."""
    out: list[str] = []
    seen: set[str] = set()
    for s in symbols:
        if not s or s in seen or is_placeholder(s) or (s.startswith("<") and s.endswith(">") and s.islower()):
            continue
        seen.add(s)
        toks = [t for t in grammar.tokenize(s) if t.cls is not TokenClass.LAYOUT]  # Python adds NEWLINE
        if len(toks) == 1 and toks[0].cls in EDITABLE and toks[0].text == s:
            out.append(s)
    return tuple(out)


def edit_alphabet(grammar: Grammar, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Punctuation, operators and keywords the edits may insert or substitute (``extra``: vocabulary)."""
    base = _grammar_alphabet(grammar)
    if not extra:
        return base
    more = _filter_alphabet(grammar, [s for s in extra if s not in set(base)])
    return base + more


@dataclass(frozen=True)
class _Proposal:
    edits: tuple[TextEdit, ...]
    cost: float  # weighted token edit distance planned (ranking.EditCosts)
    proximity: int
    # a grammar rewrite or a one-slip proposal (slip_proposals): its cost is the slip's, not the
    # re-tokenized distance
    rewrite: bool = False
    rule: str = SEARCH  # the name of the rule that proposed it (grammars.rules), or SEARCH
    # no proposal from this one on costs less (the order trades cost against nearness, so the search
    # may end only once this floor is out of reach; equal to ``cost`` when the order is by cost)
    floor: float = 0.0


@functools.cache
def _symbol_class(grammar: Grammar, symbol: str) -> TokenClass:
    """Lexical class of a symbol the search inserts (quotes count as punctuation)."""
    if symbol in _QUOTES:
        return TokenClass.PUNCT
    toks = [t for t in grammar.tokenize(symbol) if t.cls is not TokenClass.LAYOUT]
    return toks[0].cls if len(toks) == 1 else TokenClass.OTHER


def propose_edits(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    alphabet: Sequence[str],
    settings: EditSearchSettings = EditSearchSettings(),
    costs: EditCosts = DEFAULT_COSTS,
    hints: EditHints = NO_HINTS,
    out_of_reach: Callable[[float], bool] | None = None,
    prefilter: bool = True,
) -> Iterator[_Proposal]:
    """Every single edit, paired insertion, bracket move and bracket-pair deletion in the window, and the
    grammar's rewrites, cheapest (EditCosts) and nearest first (``settings.nearness`` trades one against
    the other); rules named in ``settings.without_rules``
    propose nothing. ``out_of_reach(cost)``, asked as each comes due, drops a proposal unbuilt that the
    order put early for its nearness but that can no longer rank (the search's bound). ``prefilter``: drop
    a proposal that leaves the brackets unnested, where the grammar promises its oracle rejects such a text
    (Grammar.nesting_brackets; see EditSearch for where that is exact)."""
    first, last = window.first, window.last
    # Typed constants/names the window already uses, inserted as fillers the user completes; layout
    # tokens (Python NEWLINE/INDENT) are not edits a user would recognise.
    placeholders = sorted(
        {t.kind for t in tokens[first:last] if is_placeholder(t.kind) and t.cls in _FILLABLE}
    )
    ins = {s: insert_cost(s, _symbol_class(grammar, s), costs, hints) for s in (*alphabet, *_QUOTES)}
    ins.update({p: costs.content for p in placeholders})
    # (tried later, cost, proximity, order, build the edits, is a rewrite, rule, its token edits);
    # ``order`` keeps the sort stable and total. A few proposals go first whatever their cost: cheap to
    # check, dear to reach in order.
    plan: list[
        tuple[bool, float, int, int, Callable[[], tuple[TextEdit, ...] | None], bool, str, Change | None]
    ] = []
    off = settings.without_rules

    def add(
        cost: float,
        prox: int,
        build: Callable[[], tuple[TextEdit, ...] | None],
        rewrite: bool = False,
        first: bool = False,
        rule: str = SEARCH,
        change: Change | None = None,
    ) -> None:
        plan.append((not first, cost, prox, len(plan), build, rewrite, rule, change))

    def single(i: int, j: int, new: tuple[str, ...]) -> Callable[[], tuple[TextEdit, ...] | None]:
        def build() -> tuple[TextEdit, ...] | None:
            e = edit_for(grammar, text, tokens, i, j, new)
            return (e,) if e is not None else None

        return build

    for g in range(first, last + 1):  # insertion at gap g (before token g)
        prox = window.gap_proximity(g)
        for s, c in ins.items():
            add(c, prox, single(g, g, (s,)), change=((g, g, (s,)),))
    for i in range(first, last):
        tok = tokens[i]
        prox = window.token_proximity(i)
        add(
            delete_cost(tok.text, tok.cls, costs, hints), prox, single(i, i + 1, ()), change=((i, i + 1, ()),)
        )
        if tok.cls not in EDITABLE and tok.cls is not TokenClass.OTHER:
            continue  # a name or constant replaced by punctuation is a deletion plus an insertion
        for s in alphabet:
            if s != tok.kind:
                c = substitute_cost((tok.text, tok.cls), (s, _symbol_class(grammar, s)), costs, hints)
                add(c, prox, single(i, i + 1, (s,)), change=((i, i + 1, (s,)),))
    ctx = SlipContext(grammar, text, tokens, window, costs, hints)
    if settings.pairs and INSERT_PAIR.name not in off:
        plan_pairs(ctx, settings.max_pair_span, add)
    plan_slips(ctx, settings.slips, add, off)
    # The grammar's own one-slip rewrites (Excel: a range end without its column), priced by the slip and
    # tried first: a few known slips, where a slow parser may not get through the blind edits in time.
    for rw in grammar.rewrites(text, tokens, first, last):
        if rw.rule not in off:
            prox = window.token_proximity(rw.at)
            add(rw.cost, prox, constant_edits(rw.edits), True, True, rw.rule or UNNAMED_REWRITE)
    near = settings.nearness
    plan.sort(key=lambda entry: (entry[0], entry[1] + near * entry[2], *entry[1:4]))
    floors = _floors(plan)
    nesting = grammar.nesting_brackets(text) if prefilter else None
    unnested = NestingFilter(tokens, first, last, nesting, grammar.render) if nesting else None
    for (_, cost, prox, _, build, rewrite, rule, change), floor in zip(plan, floors, strict=True):
        if out_of_reach is not None and out_of_reach(cost) and not out_of_reach(floor):
            continue  # too dear to rank, but cheaper ones follow: not built
        if unnested is not None and unnested.rejects(change):
            continue  # the oracle would reject it: not built, not judged, not counted as work
        edits = build()
        if edits:
            yield _Proposal(edits, cost, prox, rewrite=rewrite, rule=rule, floor=floor)


def _floors(plan: Sequence[tuple[Any, ...]]) -> list[float]:
    """For each entry of the sorted plan, the least cost from it on among the proposals not tried first;
    a proposal tried first is its own floor (it comes before cheaper ones whatever the order)."""
    floors = [0.0] * len(plan)
    least = float("inf")
    for n in range(len(plan) - 1, -1, -1):
        tried_later, cost = plan[n][0], plan[n][1]
        if tried_later:
            least = min(least, cost)
            floors[n] = least
        else:
            floors[n] = cost
    return floors


class EditSearch:
    """A resumable search: :meth:`run` for a number of oracle checks, and again later to go on from there.

    Proposals come cheapest (and nearest) first; the search ends for good once no later proposal can rank
    among the ``k`` cheapest accepted ones (a result never costs less than planned; a proposal's floor
    bounds every later one's cost), give or take ``slack``, or once proposals cost ``settings.within``
    more than the cheapest repair found; a dearer one the order puts early for its nearness is skipped.
    """

    def __init__(
        self,
        grammar: Grammar,
        text: str,
        tokens: Sequence[Token],
        window: Window,
        accept: Callable[[str], bool],
        *,
        alphabet: Sequence[str] | None = None,
        settings: EditSearchSettings = EditSearchSettings(),
        hints: EditHints = NO_HINTS,
        k: int | None = None,
        slack: float = 0.0,
        prefilter: bool | None = None,
    ) -> None:
        alphabet = edit_alphabet(grammar) if alphabet is None else alphabet
        # The nesting filter is exact for the grammar's own verdict: an acceptance that lets other errors
        # stay (a quick fix's, a window's among several) may rightly accept a text whose brackets do not
        # nest, since another error holds one. So it runs there only when the caller says so (None: only
        # under the grammar's own verdict).
        nesting = accept == grammar.is_valid if prefilter is None else prefilter
        self._grammar, self._text, self._tokens, self._accept = grammar, text, tokens, accept
        self._cost_base = grammar.cost_tokens(tokens)
        self._settings, self._hints, self._k, self._slack = settings, hints, k, slack
        self._proposals = propose_edits(
            grammar,
            text,
            tokens,
            window,
            alphabet,
            settings,
            hints=hints,
            out_of_reach=self._out_of_reach,
            prefilter=nesting,
        )
        self._pending: _Proposal | None = None
        self._seen: set[str] = {text}
        self._accepted: dict[str, int] = {}  # text -> its index in found (a text found again adds its rule)
        self._costs: list[float] = []
        self.found: list[EditCandidate] = []
        self.checked = 0  # proposals the oracle judged, over every run (the work bound counts these)
        self.done = False

    def _out_of_reach(self, cost: float) -> bool:
        """Can a repair of this cost no longer rank among the k cheapest, or is it far dearer than one in
        hand (not a last-mile fix any more)?"""
        costs, k = self._costs, self._k
        if k is not None and len(costs) >= k and cost > costs[k - 1] + self._slack:
            return True
        return bool(costs) and cost > costs[0] + self._settings.within + self._slack

    def run(self, deadline: Deadline | None = None, checks: int | None = None) -> list[EditCandidate]:
        """Accepted candidates so far, after at most ``checks`` more proposals judged by the oracle (None: to
        the end) or until ``deadline`` fires (a safety cap); a later run goes on where this one stopped."""
        n = 0
        while not self.done:
            prop = self._pending if self._pending is not None else next(self._proposals, None)
            self._pending = None
            if prop is None or self._out_of_reach(prop.floor):
                self.done = True
                break
            new_text = apply_edits(self._text, prop.edits)
            if new_text in self._seen:
                self._also_proposed_by(new_text, prop.rule)
                continue
            if (checks is not None and n >= checks) or (deadline is not None and deadline.fires()):
                self._pending = prop
                break
            n += 1
            self.checked += 1
            self._seen.add(new_text)
            if self._accept(new_text):
                # The planned cost can understate: an inserted '[' may re-lex a function name as a table name.
                toks = self._grammar.tokenize(new_text)
                cost = (
                    prop.cost
                    if prop.rewrite
                    else max(
                        prop.cost,
                        weighted_distance(
                            self._cost_base, self._grammar.cost_tokens(toks), hints=self._hints
                        ),
                    )
                )
                self._accepted[new_text] = len(self.found)
                self.found.append(
                    EditCandidate(new_text, prop.edits, cost, prop.proximity, frozenset({prop.rule}))
                )
                bisect.insort(self._costs, cost)
                if len(self.found) >= self._settings.max_accepted:
                    self.done = True
        return list(self.found)

    def _also_proposed_by(self, text: str, rule: str) -> None:
        """A candidate found again keeps the names of every rule whose proposal made it."""
        k = self._accepted.get(text)
        if k is not None and rule not in self.found[k].rules:
            self.found[k] = replace(self.found[k], rules=self.found[k].rules | {rule})

"""Grammar-guided edit candidates: single-token and paired insertions, deletions and substitutions.

The symbolic half of the hybrid search (DESIGN.md "Repair", step 3), in the spirit of LaMirage
(Bavishi et al. 2022): last-mile errors are mostly one or two tokens away from a valid program, so try
every such edit inside the error window, nearest the error first, and keep what the oracle accepts.
Edits are enumerated in order of weighted token distance (``ranking.EditCosts``: a missing bracket is
cheaper than a new keyword) and of nearness to where the parser saw the error, so a time budget cuts the
least likely ones.
"""

from __future__ import annotations

import bisect
import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from grammars.base import Grammar, TextEdit, Token, TokenClass, apply_edits, is_placeholder

from .hints import NO_HINTS, EditHints
from .ranking import DEFAULT_COSTS, EditCosts, delete_cost, insert_cost, substitute_cost, weighted_distance
from .windows import Window

__all__ = [
    "EditCandidate",
    "EditSearchSettings",
    "EditSearch",
    "edit_alphabet",
    "propose_edits",
    "search_edits",
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
_EDITABLE = frozenset({TokenClass.PUNCT, TokenClass.OPERATOR, TokenClass.KEYWORD})
# Paired insertions (DESIGN "Repair": "common two-token: paired brackets, quotes").
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ('"', '"'), ("'", "'"))
_QUOTES = ('"', "'")
# Tokens people put in the wrong place: a bracket closed too early or too late, a separator misplaced.
_MOVABLE = frozenset({"(", ")", "[", "]", "{", "}", ",", ";"})
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_OPENERS.values())
_FILLABLE = frozenset({TokenClass.STRING, TokenClass.NUMBER, TokenClass.NAME, TokenClass.REFERENCE})


@dataclass(frozen=True)
class EditCandidate:
    """One accepted edit: the repaired document and how far it is from the original, in tokens."""

    text: str
    edits: tuple[TextEdit, ...]
    cost: float  # weighted token edit distance (ranking.EditCosts) of the re-tokenized result
    proximity: int  # tokens between the edit and the error


@dataclass(frozen=True)
class EditSearchSettings:
    """Limits of the symbolic search."""

    pairs: bool = True  # try paired bracket/quote insertions after all single edits
    max_pair_span: int = 24  # tokens between the two halves of a pair
    max_accepted: int = 48  # stop once this many candidates are accepted (they come cheapest first)
    within: float = 1.5  # once a repair is found, try only proposals at most this much dearer
    moves: bool = True  # try moving a bracket or separator, and deleting a bracket pair
    max_move: int = 8  # tokens a moved bracket or separator may travel
    # of a move's two token edits: one slip, priced like a substitution (Excel dev: 0.7..1.0 alike)
    move_discount: float = 0.8
    max_dropped_argument: int = 4  # tokens of an extra argument the search may drop with its comma
    drop_argument_cost: float = 1.5  # one slip, but it deletes what the user wrote
    max_swapped_argument: int = 8  # tokens of each of two arguments the search may swap
    swap_arguments_cost: float = 1.5  # one slip: the user knew both arguments, not their order


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
        if len(toks) == 1 and toks[0].cls in _EDITABLE and toks[0].text == s:
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
    rewrite: bool = False  # a grammar rewrite: its cost is the slip's, not the re-tokenized distance


def _edit(
    grammar: Grammar, text: str, tokens: Sequence[Token], i: int, j: int, new: Sequence[str]
) -> TextEdit | None:
    """The one text edit replacing tokens[i:j] by symbols ``new`` (the grammar's mapping keeps spacing)."""
    lo, hi = max(0, i - 1), min(len(tokens), j + 1)  # a neighbour each side anchors the insertion point
    ctx = tokens[lo:hi]
    if not ctx:
        return TextEdit(len(text), len(text), "".join(grammar.render(s) for s in new)) if new else None
    old = [t.kind for t in ctx]
    new_syms = old[: i - lo] + list(new) + old[j - lo :]
    edits = grammar.edits_for(text, ctx, old, new_syms)
    if len(edits) != 1:
        return None
    return edits[0]


@functools.cache
def _symbol_class(grammar: Grammar, symbol: str) -> TokenClass:
    """Lexical class of a symbol the search inserts (quotes count as punctuation)."""
    if symbol in _QUOTES:
        return TokenClass.PUNCT
    toks = [t for t in grammar.tokenize(symbol) if t.cls is not TokenClass.LAYOUT]
    return toks[0].cls if len(toks) == 1 else TokenClass.OTHER


def _span_edits(
    grammar: Grammar, text: str, tokens: Sequence[Token], i: int, j: int, new: Sequence[str]
) -> tuple[TextEdit, ...] | None:
    """Text edits replacing tokens[i:j] by symbols ``new``, however many the grammar's mapping needs."""
    lo, hi = max(0, i - 1), min(len(tokens), j + 1)
    ctx = tokens[lo:hi]
    old = [t.kind for t in ctx]
    edits = tuple(grammar.edits_for(text, ctx, old, old[: i - lo] + list(new) + old[j - lo :]))
    return edits or None


def propose_edits(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    alphabet: Sequence[str],
    settings: EditSearchSettings = EditSearchSettings(),
    costs: EditCosts = DEFAULT_COSTS,
    hints: EditHints = NO_HINTS,
) -> Iterator[_Proposal]:
    """Every single edit, paired insertion, bracket move and bracket-pair deletion in the window, and the
    grammar's rewrites, cheapest (EditCosts) and nearest first."""
    first, last = window.first, window.last
    # Typed constants/names the window already uses, inserted as fillers the user completes; layout
    # tokens (Python NEWLINE/INDENT) are not edits a user would recognise.
    placeholders = sorted(
        {t.kind for t in tokens[first:last] if is_placeholder(t.kind) and t.cls in _FILLABLE}
    )
    ins = {s: insert_cost(s, _symbol_class(grammar, s), costs, hints) for s in (*alphabet, *_QUOTES)}
    ins.update({p: costs.content for p in placeholders})
    # (cost, proximity, order, build the edits, is a rewrite); ``order`` keeps the sort stable and total
    plan: list[tuple[float, int, int, Callable[[], tuple[TextEdit, ...] | None], bool]] = []

    def add(
        cost: float, prox: int, build: Callable[[], tuple[TextEdit, ...] | None], rewrite: bool = False
    ) -> None:
        plan.append((cost, prox, len(plan), build, rewrite))

    def single(i: int, j: int, new: tuple[str, ...]) -> Callable[[], tuple[TextEdit, ...] | None]:
        def build() -> tuple[TextEdit, ...] | None:
            e = _edit(grammar, text, tokens, i, j, new)
            return (e,) if e is not None else None

        return build

    for g in range(first, last + 1):  # insertion at gap g (before token g)
        prox = window.gap_proximity(g)
        for s, c in ins.items():
            add(c, prox, single(g, g, (s,)))
    for i in range(first, last):
        tok = tokens[i]
        prox = window.token_proximity(i)
        add(delete_cost(tok.text, tok.cls, costs, hints), prox, single(i, i + 1, ()))
        if tok.cls not in _EDITABLE and tok.cls is not TokenClass.OTHER:
            continue  # a name or constant replaced by punctuation is a deletion plus an insertion
        for s in alphabet:
            if s != tok.kind:
                c = substitute_cost((tok.text, tok.cls), (s, _symbol_class(grammar, s)), costs, hints)
                add(c, prox, single(i, i + 1, (s,)))
    if settings.pairs:
        for p in range(first, last + 1):
            for q in range(p, min(last, p + settings.max_pair_span) + 1):
                prox = min(window.gap_proximity(p), window.gap_proximity(q))
                for open_, close in _PAIRS:
                    c = insert_cost(open_, TokenClass.PUNCT, costs, hints) + insert_cost(
                        close, TokenClass.PUNCT, costs, hints
                    )
                    add(c, prox, functools.partial(_paired, grammar, text, tokens, p, q, (open_, close)))
    if settings.moves:
        _plan_moves(grammar, text, tokens, window, settings, costs, hints, add)
    if hints.extra_argument:
        _plan_argument_drops(grammar, text, tokens, window, settings, add)
    if hints.argument_order:
        _plan_argument_swaps(text, tokens, window, settings, add)
    # The grammar's own one-slip rewrites (Excel: a range end without its column), priced by the slip.
    for rw in grammar.rewrites(text, tokens, first, last):
        add(rw.cost, window.token_proximity(rw.at), functools.partial(lambda e: e, rw.edits), True)
    plan.sort(key=lambda entry: entry[:3])
    for cost, prox, _, build, rewrite in plan:
        edits = build()
        if edits:
            yield _Proposal(edits, cost, prox, rewrite=rewrite)


def _paired(
    grammar: Grammar, text: str, tokens: Sequence[Token], p: int, q: int, pair: tuple[str, str]
) -> tuple[TextEdit, ...] | None:
    """A bracket or quote pair inserted at gaps p <= q."""
    if p == q:
        e = _edit(grammar, text, tokens, p, p, pair)
        return (e,) if e is not None else None
    a, b = _edit(grammar, text, tokens, p, p, pair[:1]), _edit(grammar, text, tokens, q, q, pair[1:])
    return (a, b) if a is not None and b is not None and a.end <= b.start else None


def _plan_moves(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: EditSearchSettings,
    costs: EditCosts,
    hints: EditHints,
    add: Callable[..., None],
) -> None:
    """A bracket or separator typed a few tokens from its place (``=IF(ISERROR(A1,""))``), and a bracket
    pair that groups nothing (``=IF((A1="",1,2))``): one slip each to the user, two token edits to the
    distance, so they are priced as ``move_discount`` of their two edits, like a substitution."""
    first, last = window.first, window.last
    # A call's own '(' stays: moving or dropping it glues the function name to its argument (MOD(A1/3)).
    movable = [
        i
        for i in range(first, last)
        if tokens[i].text in _MOVABLE
        and tokens[i].cls in _EDITABLE
        and not (tokens[i].text == "(" and i > 0 and tokens[i - 1].cls is TokenClass.NAME)
    ]
    for i in movable:
        tok = tokens[i]
        two = delete_cost(tok.text, tok.cls, costs, hints) + insert_cost(tok.text, tok.cls, costs, hints)
        cost = two * settings.move_discount
        for g in range(max(first, i - settings.max_move), min(last, i + 1 + settings.max_move) + 1):
            if g in (i, i + 1):
                continue  # back where it was
            lo, hi = min(i, g), max(i + 1, g)
            # an insertion at gap g lands right after token g-1 (_edit anchors it there)
            at = tokens[g - 1].end if g > 0 else 0
            if "\n" in (text[at : tok.start] if g < i else text[tok.end : at]):
                continue  # a slip of the pen stays on its line (in Excel a line is a formula of its own)
            kept = [t.kind for t in tokens[lo:hi] if t is not tok]
            new = [tok.kind, *kept] if g < i else [*kept, tok.kind]
            prox = min(window.token_proximity(i), window.gap_proximity(g))
            add(cost, prox, functools.partial(_span_edits, grammar, text, tokens, lo, hi, tuple(new)), True)
    opens = [i for i in movable if tokens[i].text in _OPENERS]
    for o in opens:
        closer = _OPENERS[tokens[o].text]
        for c in range(o + 1, min(last, o + 1 + settings.max_pair_span)):
            if (
                tokens[c].text != closer
                or tokens[c].cls not in _EDITABLE
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
                functools.partial(_two_deletions, grammar, text, tokens, o, c),
                True,
            )


def _plan_argument_drops(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    settings: EditSearchSettings,
    add: Callable[..., None],
) -> None:
    """One argument too many (``=IF(B4="Y",F4-1,"",IF(...))``): a comma and the short argument after
    it, dropped together as one slip when the parser says there are too many."""
    first, last = window.first, window.last
    for c in range(first, last):
        if tokens[c].text != "," or tokens[c].cls not in _EDITABLE:
            continue
        depth, end = 0, c + 1
        while end < last and end - c <= settings.max_dropped_argument + 1:
            t = tokens[end].text
            if t in _OPENERS:
                depth += 1
            elif t in _CLOSERS:
                if depth == 0:
                    break
                depth -= 1
            elif t == "," and depth == 0:
                break
            end += 1
        if depth != 0 or end - c > settings.max_dropped_argument + 1 or end >= last:
            continue  # unbalanced, too long, or running past the window
        prox = min(window.token_proximity(c), window.token_proximity(end - 1))
        add(
            settings.drop_argument_cost,
            prox,
            functools.partial(_span_edits, grammar, text, tokens, c, end, ()),
            True,
        )


def _plan_argument_swaps(
    text: str, tokens: Sequence[Token], window: Window, settings: EditSearchSettings, add: Callable[..., None]
) -> None:
    """Two neighbouring arguments in each other's place (``=COUNTIF("dog",A1:A9)``), proposed when the
    parser says an argument has the wrong kind. Text-level, so every token keeps the user's spelling."""
    first, last = window.first, window.last
    for o in range(first, last):
        if tokens[o].text != "(" or tokens[o].cls not in _EDITABLE:
            continue
        args = _top_level_arguments(tokens, o, last)
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
            add(settings.swap_arguments_cost, prox, functools.partial(lambda e: (e,), edit), True)


def _top_level_arguments(tokens: Sequence[Token], open_: int, last: int) -> list[tuple[int, int]]:
    """Token ranges [a, b) of the arguments of the bracket opened at ``open_`` (complete ones only)."""
    args: list[tuple[int, int]] = []
    depth, start = 0, open_ + 1
    for k in range(open_ + 1, last):
        t = tokens[k].text
        if t in _OPENERS:
            depth += 1
        elif t in _CLOSERS:
            if depth == 0:
                args.append((start, k))
                return args
            depth -= 1
        elif t == "," and depth == 0:
            args.append((start, k))
            start = k + 1
    return args


def _two_deletions(
    grammar: Grammar, text: str, tokens: Sequence[Token], o: int, c: int
) -> tuple[TextEdit, ...] | None:
    a, b = _edit(grammar, text, tokens, o, o + 1, ()), _edit(grammar, text, tokens, c, c + 1, ())
    return (a, b) if a is not None and b is not None and a.end <= b.start else None


class EditSearch:
    """A resumable search: :meth:`run` until a deadline, and again later to go on where it stopped.

    Proposals come cheapest first; the search ends for good once no later proposal can rank among the
    ``k`` cheapest accepted ones (a result never costs less than planned), give or take ``slack``, or
    once proposals cost ``settings.within`` more than the cheapest repair found.
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
    ) -> None:
        alphabet = edit_alphabet(grammar) if alphabet is None else alphabet
        self._grammar, self._text, self._tokens, self._accept = grammar, text, tokens, accept
        self._settings, self._hints, self._k, self._slack = settings, hints, k, slack
        self._proposals = propose_edits(grammar, text, tokens, window, alphabet, settings, hints=hints)
        self._pending: _Proposal | None = None
        self._seen: set[str] = {text}
        self._costs: list[float] = []
        self.found: list[EditCandidate] = []
        self.done = False

    def _exhausted_by(self, prop: _Proposal) -> bool:
        costs, k = self._costs, self._k
        if k is not None and len(costs) >= k and prop.cost > costs[k - 1] + self._slack:
            return True
        # far dearer than a repair already in hand: not a last-mile fix any more
        return bool(costs) and prop.cost > costs[0] + self._settings.within + self._slack

    def run(
        self, deadline: float | None = None, cancel: threading.Event | None = None
    ) -> list[EditCandidate]:
        """Accepted candidates so far, after searching until ``deadline`` (time.monotonic) or the end."""
        n = 0
        while not self.done:
            prop = self._pending if self._pending is not None else next(self._proposals, None)
            self._pending = None
            if prop is None or self._exhausted_by(prop):
                self.done = True
                break
            if n % 32 == 0 and (
                (deadline is not None and time.monotonic() > deadline)
                or (cancel is not None and cancel.is_set())
            ):
                self._pending = prop
                break
            n += 1
            new_text = apply_edits(self._text, prop.edits)
            if new_text in self._seen:
                continue
            self._seen.add(new_text)
            if self._accept(new_text):
                # The planned cost can understate: an inserted '[' may re-lex a function name as a table name.
                toks = self._grammar.tokenize(new_text)
                cost = (
                    prop.cost
                    if prop.rewrite
                    else max(prop.cost, weighted_distance(self._tokens, toks, hints=self._hints))
                )
                self.found.append(EditCandidate(new_text, prop.edits, cost, prop.proximity))
                bisect.insort(self._costs, cost)
                if len(self.found) >= self._settings.max_accepted:
                    self.done = True
        return list(self.found)


def search_edits(
    grammar: Grammar,
    text: str,
    tokens: Sequence[Token],
    window: Window,
    accept: Callable[[str], bool],
    *,
    alphabet: Sequence[str] | None = None,
    deadline: float | None = None,
    cancel: threading.Event | None = None,
    settings: EditSearchSettings = EditSearchSettings(),
    hints: EditHints = NO_HINTS,
    k: int | None = None,
    slack: float = 0.0,
) -> list[EditCandidate]:
    """Proposals ``accept`` takes, in proposal order, until the deadline (see :class:`EditSearch`)."""
    search = EditSearch(
        grammar,
        text,
        tokens,
        window,
        accept,
        alphabet=alphabet,
        settings=settings,
        hints=hints,
        k=k,
        slack=slack,
    )
    return search.run(deadline, cancel)

"""The shape every language shares: tokens with spans, syntax issues, text edits, and the Grammar interface.

Offsets everywhere in this package are indices into the Python ``str`` (code points), never bytes or
UTF-16 units; ``server.positions`` is the one place that converts to what an LSP client speaks.
"""

from __future__ import annotations

import difflib
import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .language import Language

if TYPE_CHECKING:
    from .rules import Rule

T = TypeVar("T")

__all__ = [
    "common_ends",
    "TokenClass",
    "Token",
    "IssueKind",
    "SyntaxIssue",
    "TextEdit",
    "Rewrite",
    "Grammar",
    "line_col",
    "offset_of",
    "apply_edits",
    "is_placeholder",
    "placeholder",
]


class TokenClass(str, enum.Enum):
    """Lexical class of a token; decides whether it is closed (kept as itself) or anonymisable."""

    KEYWORD = "keyword"
    PUNCT = "punct"
    OPERATOR = "operator"
    NAME = "name"  # identifiers, function names, cmdlets, parameters, variables
    STRING = "string"
    NUMBER = "number"
    REFERENCE = "reference"  # Excel cell/range references
    LAYOUT = "layout"  # Python NEWLINE / INDENT / DEDENT
    OTHER = "other"  # anything the lexer could not classify (stray characters)


# Classes the sketch metric anonymises (paper: constants and cell references).
SKETCH_ANONYMISED = frozenset({TokenClass.STRING, TokenClass.NUMBER, TokenClass.REFERENCE})


def placeholder(name: str) -> str:
    """The vocabulary symbol of a typed placeholder, e.g. ``placeholder("STRING") == "<STRING>"``."""
    return f"<{name}>"


def is_placeholder(symbol: str) -> bool:
    """Typed placeholders are upper-case in angle brackets; special tokens (``<pad>``) are lower-case."""
    return len(symbol) > 2 and symbol[0] == "<" and symbol[-1] == ">" and symbol[1:-1].isupper()


@dataclass(frozen=True, slots=True)
class Token:
    """One lexer token: ``kind`` is the closed symbol or typed placeholder, ``text`` the exact source."""

    kind: str  # "(" / "IF" / "def" for closed classes; "<STRING>", "<NAME>", ... for open ones
    text: str  # exactly the source text of the span
    start: int  # code-point offset of the first character
    end: int  # code-point offset one past the last character
    cls: TokenClass


class IssueKind(str, enum.Enum):
    """What a syntax issue is, as the parser knows it; rules and edit hints read this, never the message."""

    MISSING = "missing"  # something is missing here: ``expected`` names the symbols that would fit
    UNEXPECTED = "unexpected"  # the parser refused ``found`` (None: the end of the text or a blank)
    UNCLOSED = "unclosed"  # ``found`` opened and nothing closes it; ``expected``: its closer, when known
    UNCLOSED_STRING = "unclosed-string"  # a string without its closing quote (either quote may close it)
    UNMATCHED = "unmatched"  # the closer ``found`` has no opener
    MISMATCHED = "mismatched"  # the closer ``found`` does not match the open bracket (closed by ``expected``)
    OPERAND_KIND = "operand-kind"  # the operator ``found`` got an operand that is not ``expected_argument``
    TOO_MANY_ARGUMENTS = "too-many-arguments"  # ``function`` got more arguments than it takes
    TOO_FEW_ARGUMENTS = "too-few-arguments"  # ``function`` got fewer arguments than it needs
    ARGUMENT_KIND = "argument-kind"  # argument ``argument`` of ``function`` must be ``expected_argument``
    OTHER = "other"  # anything else (an indentation error, a reserved word, a check's own finding)


@dataclass(frozen=True, slots=True)
class SyntaxIssue:
    """A syntax error: where (code-point offsets, end exclusive; may be empty at a point) and what.

    ``message`` is for people; everything a program acts on is in the structured fields, which carry
    the symbols the message names (so rewording a message changes no repair).
    """

    start: int
    end: int
    message: str  # human words: "missing ')'", "unexpected ','"
    kind: IssueKind = IssueKind.OTHER
    expected: tuple[str, ...] = ()  # symbols the parser would take here ("missing ')'": ")")
    found: str | None = None  # the symbol it blames ("unexpected ';'": ";"; "'(' was never closed": "(")
    argument: int | None = None  # 1-based position of the argument concerned (Excel's entry checks)
    expected_argument: str | None = None  # what belongs there, in words: "reference", "operand"
    function: str | None = None  # the function whose call is wrong ("IF")
    # Where a repair should look when that is not where the message points, as (start, end) offsets from
    # ``start``, so that moving the issue moves it too. Python: CPython points at an unclosed call's
    # ``(``, while the slip lies where tree-sitter's error is (issue 17, point 5). None: the issue's span.
    focus: tuple[int, int] | None = None

    @property
    def repair_span(self) -> tuple[int, int]:
        """(start, end) in the text that a repair centres on: the focus when set, else the issue's span."""
        if self.focus is None:
            return self.start, self.end
        return self.start + self.focus[0], self.start + self.focus[1]

    def moved(self, offset: int) -> SyntaxIssue:
        """The same issue ``offset`` code points further on (dataclasses.replace is slow on a hot path:
        the edit search checks tens of thousands of texts)."""
        return SyntaxIssue(
            self.start + offset,
            self.end + offset,
            self.message,
            self.kind,
            self.expected,
            self.found,
            self.argument,
            self.expected_argument,
            self.function,
            self.focus,
        )


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``new_text`` (code-point offsets into the original text)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class Rewrite:
    """A repair proposal in text, not tokens: what a user slipped on, at the cost of one slip."""

    edits: tuple[TextEdit, ...]
    at: int  # index of the (first) token it rewrites, for nearness to the error
    cost: float = 1.0  # in ranking.EditCosts units: one last-mile slip by default
    rule: str = ""  # the name of the rule that proposed it (grammars.rules); the grammar fills it in


def line_col(text: str, offset: int) -> tuple[int, int]:
    """0-based (line, column in code points) of ``offset``; lines end at \\n (a \\r before it is content)."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start


def offset_of(text: str, line: int, col: int) -> int:
    """Inverse of :func:`line_col`; clamps past-the-end lines and columns to the text."""
    start = 0
    for _ in range(line):
        nl = text.find("\n", start)
        if nl < 0:
            return len(text)
        start = nl + 1
    nl = text.find("\n", start)
    line_end = len(text) if nl < 0 else nl
    return min(start + col, line_end)


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping edits (any order) to ``text``."""
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            raise ValueError(f"overlapping edits at offset {e.start}")
        out.append(text[pos : e.start])
        out.append(e.new_text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


class Grammar(ABC):
    """One language: error detection, the validity oracle, tokens, edits and sketches.

    Subclasses implement the abstract methods; the token-to-edit mapping is shared so that every
    language keeps untouched tokens byte-for-byte (DESIGN.md "Tokens").
    """

    language: ClassVar[Language]  # the language folder's record; the five facts below come from it
    name: ClassVar[str]
    language_ids: ClassVar[tuple[str, ...]]
    extensions: ClassVar[tuple[str, ...]]
    canvas: ClassVar[int]
    case_sensitive: ClassVar[bool]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        language = cls.__dict__.get("language")
        if language is not None:
            cls.name = language.name
            cls.language_ids = language.language_ids
            cls.extensions = language.extensions
            cls.canvas = language.canvas
            cls.case_sensitive = language.case_sensitive

    # ----- what each language provides -------------------------------------------------------

    @abstractmethod
    def errors(self, text: str) -> list[SyntaxIssue]:
        """Syntax errors in document order; empty exactly when :meth:`is_valid` is true."""

    @abstractmethod
    def is_valid(self, text: str) -> bool:
        """The validity oracle: does the language accept ``text``?"""

    @abstractmethod
    def tokenize(self, text: str) -> list[Token]:
        """Lexer tokens with spans (comments and insignificant whitespace dropped); never raises."""

    @abstractmethod
    def filler(self, symbol: str) -> str:
        """Text written for an inserted placeholder, e.g. ``"<STRING>" -> '""'`` (user completes it)."""

    @abstractmethod
    def statements(self, text: str) -> list[tuple[int, int]]:
        """Spans of the top-level statements (formula, command/pipeline, statement/def/class)."""

    def closed_symbols(self) -> tuple[str, ...]:
        """Closed symbols the vocabulary always holds, seen in the corpus or not (e.g. Excel's functions)."""
        return ()

    def rewrites(self, text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
        """Language-specific one-slip repairs of ``tokens[first:last]`` that no single token insertion,
        deletion or substitution expresses (Excel: ``A1:10`` -> ``A1:A10``); none by default. Each
        names its rule (``Rewrite.rule``)."""
        return []

    def rules(self) -> tuple[Rule[Any], ...]:
        """The language's own named rules this grammar runs (rewrites, tolerances, checks; grammars.rules)."""
        return ()

    def without(self, names: Iterable[str]) -> Grammar:
        """A grammar of the same language with the named rules of its own switched off (names of other
        rules, such as the edit search's, are ignored); ``self`` when none of them is its own."""
        off = frozenset(names) & {r.name for r in self.rules()}
        if not off:
            return self
        return self._without(off)

    def _without(self, off: frozenset[str]) -> Grammar:
        """A new instance without the rules ``off`` (all of them this grammar's own)."""
        raise NotImplementedError(f"{type(self).__name__} cannot switch its rules off")

    def cost_tokens(self, tokens: Sequence[Token]) -> Sequence[Token]:
        """``tokens`` as an edit's cost counts them: where the lexer fuses a valid construct into one token
        that a slip leaves in pieces (PowerShell's ``[System.IO.Path]``), the pieces; by default as is."""
        return tokens

    def nesting_brackets(self, text: str) -> Mapping[str, str] | None:
        """Brackets (opener -> closer) that nest in every text the oracle accepts, as this grammar's tokens
        of ``text``, and of any token edit of them that inserts no quote, show them: the edit search then
        drops a proposal that leaves them unnested before judging it. None (the default): no such promise."""
        return None

    def retype(self, text: str, tokens: Sequence[Token], i1: int, i2: int, symbol: str) -> str | None:
        """Text for placeholder ``symbol`` written over ``tokens[i1:i2]`` that keeps what the user typed
        (Excel: ``<CELL>`` over the ``10`` of ``A1:10`` is ``A10``), or None (the default) to write the
        symbol's stand-in (:meth:`filler`). The shared :meth:`edits_for` asks it (a language that
        overrides ``edits_for``, as Python does, has no retypes)."""
        return None

    def retype_pairs(self) -> frozenset[tuple[str, str]]:
        """(typed placeholder, written placeholder) pairs :meth:`retype` may keep characters for: what a
        reading's noisy channel prices as a retype rather than new content; none by default."""
        return frozenset()

    def layout_symbols(self) -> tuple[str, str, str] | None:
        """(newline, indent, dedent) symbols where lines and indentation are tokens of empty text (Python):
        text made from symbols writes them as line breaks and indentation; None by default."""
        return None

    # ----- shared behaviour -------------------------------------------------------------------

    def render(self, symbol: str) -> str:
        """Text for an inserted symbol: closed symbols and promoted lexemes are written as themselves."""
        return self.filler(symbol) if is_placeholder(symbol) else symbol

    def separator(self, left: str, right: str) -> str:
        """Whitespace to put between two texts when one of them is inserted: a space between words."""
        if left and right and _is_word_char(left[-1]) and _is_word_char(right[0]):
            return " "
        return ""

    def normalize(self, text: str) -> str:
        """Case-fold closed symbols/lexemes for comparison in case-insensitive languages."""
        return text if self.case_sensitive else text.upper()

    def exact(self, text: str) -> list[str]:
        """Token texts, whitespace and comments ignored: the exact-match metric compares these."""
        return [t.text for t in self.tokenize(text)]

    def sketch(self, text: str) -> list[str]:
        """Token texts with strings, numbers and references anonymised (the paper's sketch metric)."""
        return [
            placeholder(t.cls.name) if t.cls in SKETCH_ANONYMISED else self.normalize(t.text)
            for t in self.tokenize(text)
        ]

    def edits_for(
        self, text: str, tokens: Sequence[Token], old: Sequence[str], new: Sequence[str]
    ) -> list[TextEdit]:
        """Minimal text edits that turn ``tokens`` (whose model symbols are ``old``) into symbols ``new``.

        Tokens the alignment keeps keep their exact text; deleted tokens lose their span (and the
        whitespace run after it, so no double spaces remain); inserted ones are rendered.
        """
        if len(tokens) != len(old):
            raise ValueError("tokens and old symbols differ in length")
        edits: list[TextEdit] = []
        for op, i1, i2, j1, j2 in symbol_opcodes(old, new):
            if op == "equal":
                continue
            inserted = [self.render(s) for s in new[j1:j2]]
            if i1 < i2:  # replace or delete: the span of the old tokens
                inserted = self._retyped(text, tokens, i1, i2, new[j1:j2], inserted)
                start, end = tokens[i1].start, tokens[i2 - 1].end
                if not inserted:
                    end = _skip_spaces(text, end) if _space_before(text, start) or start == 0 else end
            else:  # insert after the previous token (or before the first)
                start = end = tokens[i1 - 1].end if i1 > 0 else (tokens[0].start if tokens else len(text))
            left = text[:start]
            right = text[end:]
            edits.append(TextEdit(start, end, self._join(left, inserted, right)))
        return edits

    def _retyped(
        self, text: str, tokens: Sequence[Token], i1: int, i2: int, new: Sequence[str], rendered: list[str]
    ) -> list[str]:
        """``rendered`` with the placeholders written over ``tokens[i1:i2]`` that :meth:`retype` can write
        with the typed characters: one placeholder over the whole span (a time quoted), else the first
        and the last written over the first and the last typed token (the alignment merges ``10`` ->
        ``<CELL>`` with a ``)`` inserted after it into one replacement)."""
        if not new:
            return rendered
        if len(new) == 1 and is_placeholder(new[0]):
            kept = self.retype(text, tokens, i1, i2, new[0])
            if kept is not None:
                return [kept]
        out = list(rendered)
        for k, i in dict.fromkeys([(0, i1), (len(new) - 1, i2 - 1)]):
            if is_placeholder(new[k]) and tokens[i].kind != new[k]:
                kept = self.retype(text, tokens, i, i + 1, new[k])
                out[k] = out[k] if kept is None else kept
        return out

    def _join(self, left: str, pieces: Sequence[str], right: str) -> str:
        """Concatenate inserted pieces with the separators the language needs on both sides."""
        if not pieces:
            return ""
        out = ""
        prev = left
        for piece in pieces:
            sep = self.separator(prev, piece) if not (prev and prev[-1].isspace()) else ""
            out += sep + piece
            prev = piece
        if right and not right[0].isspace():
            out += self.separator(prev, right)
        return out


def _space_before(text: str, offset: int) -> bool:
    return offset > 0 and text[offset - 1] in " \t"


Opcode = tuple[str, int, int, int, int]


def common_ends(
    a: Sequence[T], b: Sequence[T], same: Callable[[T, T], bool] | None = None
) -> tuple[int, int, int]:
    """(common prefix length, end of a's differing middle, end of b's): repairs touch few tokens, so
    most of two sequences compared here is shared at either end. The suffix never overlaps the prefix."""
    eq = same if same is not None else (lambda x, y: x == y)
    lo = 0
    while lo < len(a) and lo < len(b) and eq(a[lo], b[lo]):
        lo += 1
    hi_a, hi_b = len(a), len(b)
    while hi_a > lo and hi_b > lo and eq(a[hi_a - 1], b[hi_b - 1]):
        hi_a -= 1
        hi_b -= 1
    return lo, hi_a, hi_b


def symbol_opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """difflib's opcodes turning ``old`` into ``new``, with a fast path for the repair search's edits.

    The search maps tens of thousands of one-token edits per repair; when the two sequences differ in
    at most one token on each side after their common prefix and suffix, that single change is the
    alignment (SequenceMatcher's too, except which of two equal neighbours it touches: ``aab`` -> ``ab``
    drops the second ``a`` here, the first there), found by a linear scan instead of a matcher.
    """
    n, m = len(old), len(new)
    lo, hi_a, hi_b = common_ends(old, new)
    if hi_a - lo > 1 or hi_b - lo > 1:
        return list(difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False).get_opcodes())
    ops: list[Opcode] = []
    if lo > 0:
        ops.append(("equal", 0, lo, 0, lo))
    if hi_a > lo or hi_b > lo:
        kind = "replace" if hi_a > lo and hi_b > lo else ("delete" if hi_a > lo else "insert")
        ops.append((kind, lo, hi_a, lo, hi_b))
    if hi_a < n:
        ops.append(("equal", hi_a, n, hi_b, m))
    return ops


def _skip_spaces(text: str, offset: int) -> int:
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    return offset

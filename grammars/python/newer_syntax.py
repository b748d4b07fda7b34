"""Python newer than the running interpreter: a target version, and tolerances that let CPython judge it.

The oracle is the running CPython (3.11 here); code written for 3.12 (``type X = int``, ``def f[T]()``,
``class A[T]:``, PEP 701 f-strings such as ``f'{d['k']}'``) is valid for its user. tree-sitter-python
knows that syntax, so where tree-sitter parses a newer construct without error its verdict stands: each
tolerance rewrites such a construct into same-length syntax the running CPython takes (``type X = int``
-> ``type=X = int``, ``[T]`` -> blanks, an f-string -> a blank string), and CPython judges the rest of
the text. Lengths and line breaks never change, so every offset CPython reports on the rewritten text
is an offset of the user's text. A target version (like ruff's ``target-version``) says how new the
code may be; it only ever allows syntax, it never forbids what the running interpreter accepts.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import tree_sitter

from ..rules import Rule, RuleKind
from .parse import LANGUAGE, ByteOffsets

__all__ = [
    "PythonVersion",
    "NEWEST",
    "RUNNING",
    "NewerSyntax",
    "NEWER_SYNTAX",
    "TOLERANCES",
    "Shim",
    "parse_version",
    "applicable",
    "needed",
    "may_hold",
    "tolerate",
]

PythonVersion = tuple[int, int]
RUNNING: PythonVersion = (sys.version_info.major, sys.version_info.minor)

# (start, end, replacement) in str offsets of the user's text; the replacement has the same length.
Span = tuple[int, int, str]
# A tolerance's work: the spans that turn one tree-sitter node of a newer construct into older syntax.
Shim = Callable[[str, tree_sitter.Node, ByteOffsets], list[Span]]


def parse_version(value: str | PythonVersion) -> PythonVersion:
    """``"3.12"``, ``"py312"``, ``"312"`` or ``(3, 12)`` as a version; ValueError otherwise."""
    if isinstance(value, tuple):
        return (int(value[0]), int(value[1]))
    m = re.fullmatch(r"(?:py)?(\d)\.?(\d{1,2})", value.strip().lower())
    if m is None:
        raise ValueError(f"not a Python version: {value!r} (write it as 3.12 or py312)")
    return int(m[1]), int(m[2])


def _blank(text: str, start: int, end: int) -> Span:
    """``text[start:end]`` as blanks; a line break inside keeps its line, continued by a backslash."""
    chars = [c if c in "\r\n" else " " for c in text[start:end]]
    for i, c in enumerate(chars):  # the character before each line break (never the first: a bracket)
        if c in "\r\n" and i > 0 and chars[i - 1] not in "\r\n":
            chars[i - 1] = "\\"
    return start, end, "".join(chars)


def _span(offsets: ByteOffsets, node: tree_sitter.Node) -> tuple[int, int]:
    return offsets.to_str(node.start_byte), offsets.to_str(node.end_byte)


def _type_parameters(text: str, node: tree_sitter.Node, offsets: ByteOffsets) -> list[Span]:
    """``def f[T](...)``, ``class A[T]:``: the type parameter list as blanks (PEP 695)."""
    return [] if node.has_error else [_blank(text, *_span(offsets, node))]


def _type_alias(text: str, node: tree_sitter.Node, offsets: ByteOffsets) -> list[Span]:
    """``type X[T] = v`` -> ``type=X    = v``: a chained assignment (PEP 695)."""
    keyword, left = node.children[0], node.child_by_field_name("left")
    if node.has_error or left is None or keyword.type != "type":
        return []
    gap = offsets.to_str(keyword.end_byte)
    if gap >= len(text) or text[gap] not in " \t\f":
        return []
    spans: list[Span] = [(gap, gap + 1, "=")]
    generic = next((c for c in left.children if c.type == "generic_type"), None)
    params = next((c for c in (generic.children if generic else []) if c.type == "type_parameter"), None)
    if params is not None:
        spans.append(_blank(text, *_span(offsets, params)))
    return spans


def _fstring(text: str, node: tree_sitter.Node, offsets: ByteOffsets) -> list[Span]:
    """An f-string the running CPython cannot read (PEP 701: nested quotes, comments, backslashes, line
    breaks in its fields) as a blank string of the same length; the others stay as they are."""
    if node.has_error:
        return []
    start, end = _span(offsets, node)
    literal = text[start:end]
    prefix = re.match(r"[A-Za-z]*", literal)
    if prefix is None or "f" not in prefix.group().lower() or "{" not in literal:
        return []
    try:
        compile(f"(\n{literal}\n)", "<f-string>", "eval", dont_inherit=True)
        return []
    except SyntaxError:
        pass
    except Exception:  # noqa: BLE001 - anything else the compiler says: leave it to CPython's verdict
        return []
    inner = "".join(c if c in "\r\n" else " " for c in literal)
    if "\n" not in literal and "\r" not in literal:
        return [(start, end, "'" + inner[1:-1] + "'")]
    if len(literal) < 6:
        return []
    return [(start, end, "'''" + inner[3:-3] + "'''")]


@dataclass(frozen=True)
class NewerSyntax:
    """A construct newer than some interpreters: the version it arrived in, the tree-sitter query that
    finds it (one capture), and the tolerance that rewrites each captured node for an older CPython."""

    since: PythonVersion
    query: str
    rule: Rule[Shim]
    # a cheap look at the line CPython stopped on, before any parsing: can the construct be what failed?
    hint: re.Pattern[str]
    what: str  # in words, plural, for a target older than it: "type alias statements"
    point: str | None = None  # the type of the child an error points at ("type"); None: the whole node
    # text that every match of ``hint`` holds one of (empty: no such shortcut): the oracle asks whether a
    # rejected candidate may hold the construct anywhere, thousands of times a repair, and a substring
    # test is ten times cheaper than the pattern
    quick: tuple[str, ...] = ()


NEWER_SYNTAX: tuple[NewerSyntax, ...] = (
    NewerSyntax(
        (3, 12),
        "(type_alias_statement) @alias",
        Rule(
            "python.type-alias",
            "python",
            RuleKind.TOLERANCE,
            "a 3.12 type alias (type X = int, PEP 695) under an older CPython, as tree-sitter parses it",
            _type_alias,
        ),
        re.compile(r"^[ \t]*type\s", re.M),
        "type alias statements",
        point="type",
        quick=("type",),
    ),
    NewerSyntax(
        (3, 12),
        "(function_definition type_parameters: (_) @params) (class_definition type_parameters: (_) @params)",
        Rule(
            "python.type-parameters",
            "python",
            RuleKind.TOLERANCE,
            "3.12 type parameters (def f[T](), class A[T]:, PEP 695) under an older CPython",
            _type_parameters,
        ),
        re.compile(r"\b(?:def|class)\s+\w+\s*\["),
        "type parameter lists",
        quick=("[",),
    ),
    NewerSyntax(
        (3, 12),
        "(string) @string",
        Rule(
            "python.pep701-fstring",
            "python",
            RuleKind.TOLERANCE,
            "a 3.12 f-string (quotes, comments, backslashes in its fields; PEP 701) under an older CPython",
            _fstring,
        ),
        re.compile(r"(?<![\w'\"])(?:[fF][rR]?|[rR][fF])['\"]"),
        "f-strings with quotes, backslashes or comments in their fields",
        quick=tuple(p + q for p in "fFrR" for q in "'\""),  # fr" holds r", rf" holds f"
    ),
)

TOLERANCES: tuple[Rule[Shim], ...] = tuple(s.rule for s in NEWER_SYNTAX)
# The newest syntax these tolerances know: the default target, so that code for it is never an error.
NEWEST: PythonVersion = max(s.since for s in NEWER_SYNTAX)


@functools.cache
def applicable(
    target: PythonVersion, off: frozenset[str] = frozenset(), running: PythonVersion = RUNNING
) -> tuple[NewerSyntax, ...]:
    """The constructs that ``target`` allows and the running CPython lacks (none switched ``off``)."""
    return tuple(s for s in NEWER_SYNTAX if running < s.since <= target and s.rule.name not in off)


def needed(
    line: str, target: PythonVersion, off: frozenset[str] = frozenset(), running: PythonVersion = RUNNING
) -> tuple[NewerSyntax, ...]:
    """The :func:`applicable` constructs that ``line`` (where CPython stopped) may hold: the only ones
    that can explain its error."""
    return tuple(s for s in applicable(target, off, running) if s.hint.search(line))


def may_hold(text: str, constructs: Sequence[NewerSyntax]) -> bool:
    """Does any of ``constructs`` hint at itself anywhere in ``text`` (``hint``, after ``quick``)?"""
    for s in constructs:
        if s.quick and not any(q in text for q in s.quick):
            continue
        if s.hint.search(text) is not None:
            return True
    return False


@functools.cache
def _query(source: str) -> tree_sitter.Query:
    return tree_sitter.Query(LANGUAGE, source)


def tolerate(
    text: str, tree: tree_sitter.Tree, syntax: Sequence[NewerSyntax]
) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """``text`` with every error-free newer construct of ``tree`` rewritten for the running CPython, and
    the rewritten spans; None when there is none."""
    offsets = ByteOffsets(text)
    spans: list[Span] = []
    for s in syntax:
        for nodes in tree_sitter.QueryCursor(_query(s.query)).captures(tree.root_node).values():
            for node in nodes:
                spans.extend(s.rule.work(text, node, offsets))
    if not spans:
        return None
    out, pos = [], 0
    kept: list[tuple[int, int]] = []
    for start, end, new in sorted(spans):
        if start < pos:  # inside a span already rewritten (an f-string in a rewritten f-string's field)
            continue
        out += [text[pos:start], new]
        kept.append((start, end))
        pos = end
    out.append(text[pos:])
    return "".join(out), tuple(kept)

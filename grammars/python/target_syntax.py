"""Syntax newer than the target version: an error even where the running CPython accepts it.

The target version (``lastfix check --python-version 3.11``, the server's ``lastfix.python.targetVersion``,
like ruff's ``target-version``) says which Python the code must run on. Syntax up to the target that the
running CPython is too old for is judged by tree-sitter (:mod:`.newer_syntax`); syntax newer than the
target that the running CPython takes (``match`` under a 3.9 target on 3.11) is reported here, found by
tree-sitter queries. A text where none of a construct's cheap hints appear is never parsed for it, and a
target at least as new as the running CPython needs nothing from this module.

The constructs are the grammar changes tree-sitter-python names, from 3.8 on (the oldest target taken):
what a newer interpreter adds beyond them (3.13's type parameter defaults, 3.14's template strings) is
not known here yet, so no target newer than :data:`NEWEST` is taken.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import tree_sitter

from .newer_syntax import NEWER_SYNTAX, NEWEST, RUNNING, PythonVersion, parse_version
from .parse import LANGUAGE, ByteOffsets

__all__ = [
    "OLDEST_TARGET",
    "TARGET_VERSIONS",
    "parse_target",
    "TooNew",
    "TargetedSyntax",
    "TARGETED_SYNTAX",
    "forbidden",
    "beyond",
    "too_new",
    "explain",
    "needs_pep701",
    "version_name",
]

OLDEST_TARGET: PythonVersion = (3, 8)
# What the editor setting and ``--python-version`` take: up to the newest syntax known here, so that a
# verdict never depends on the running interpreter (client-vscode/package.json's enum repeats it; a test
# keeps them equal).
TARGET_VERSIONS: tuple[str, ...] = tuple(f"3.{minor}" for minor in range(OLDEST_TARGET[1], NEWEST[1] + 1))


def version_name(version: PythonVersion) -> str:
    """``(3, 12)`` as ``"3.12"``."""
    return f"{version[0]}.{version[1]}"


def parse_target(value: object) -> PythonVersion:
    """A target version the user gave (``"3.11"``, ``"py311"``), one of TARGET_VERSIONS; ValueError
    otherwise, saying which ones are known (the command line and the server both check with this)."""
    try:
        version = parse_version(value) if isinstance(value, str) else None
    except ValueError:
        version = None
    if version is None or version_name(version) not in TARGET_VERSIONS:
        raise ValueError(
            f"expected a Python version from {TARGET_VERSIONS[0]} to {TARGET_VERSIONS[-1]}, "
            f"as 3.11 or py311 (the newest syntax lastfix knows is {version_name(NEWEST)}'s)"
        )
    return version


@dataclass(frozen=True)
class TooNew:
    """A construct the target version does not have: where it is (str offsets) and what it is."""

    start: int
    end: int
    message: str


@dataclass(frozen=True)
class TargetedSyntax:
    """A construct that arrived in ``since``: the tree-sitter query that finds it (one capture), a cheap
    look at the text before any parse, and (optionally) a finer test of each captured node."""

    since: PythonVersion
    what: str  # in words, plural: "match statements"
    query: str
    hint: re.Pattern[str]
    keep: Callable[[str, tree_sitter.Node, ByteOffsets], bool] | None = None
    point: str | None = None  # the type of the child to point at ("match"); None: the whole node


# the parts of a replacement field around its expression; a format spec may hold '#' (``{x:#x}``)
_NOT_EXPRESSION = frozenset({"{", "}", "format_specifier", "type_conversion", "="})


def _fstring_fields(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    return [c for c in node.children if c.type == "interpolation"]


def needs_pep701(text: str, node: tree_sitter.Node, offsets: ByteOffsets) -> bool:
    """Does the f-string ``node`` need 3.12's f-strings (PEP 701): its own quotes, a backslash or a comment
    in a replacement field's expression, or a line break in a field of a single-quoted string?"""
    start = offsets.to_str(node.start_byte)
    literal = text[start : offsets.to_str(node.end_byte)]
    prefix = re.match(r"[A-Za-z]*", literal)
    if prefix is None or "f" not in prefix.group().lower():
        return False
    quotes = literal[prefix.end() :]
    quote = quotes[:3] if quotes[:3] in ('"""', "'''") else quotes[:1]
    for field in _fstring_fields(node):
        parts = [c for c in field.children if c.type not in _NOT_EXPRESSION]
        if not parts:
            continue
        inner = text[offsets.to_str(parts[0].start_byte) : offsets.to_str(parts[-1].end_byte)]
        if quote in inner or "\\" in inner or "#" in inner:
            return True
        whole = text[offsets.to_str(field.start_byte) : offsets.to_str(field.end_byte)]
        if len(quote) == 1 and ("\n" in whole or "\r" in whole):
            return True
    return False


# the constructs from 3.8 to 3.11, which no tolerance rewrites
_OLDER_SYNTAX: tuple[TargetedSyntax, ...] = (
    TargetedSyntax(
        (3, 8), "assignment expressions (:=)", "(named_expression) @x", re.compile(r":="), point=":="
    ),
    TargetedSyntax(
        (3, 8), "positional-only parameters (/)", "(positional_separator) @x", re.compile(r"/\s*[,)]")
    ),
    TargetedSyntax(
        (3, 10),
        "match statements",
        "(match_statement) @x",
        re.compile(r"^[ \t]*match\b", re.M),
        point="match",
    ),
    TargetedSyntax((3, 11), "except* clauses", '(except_clause "*" @x)', re.compile(r"\bexcept\s*\*")),
)
# The constructs the tolerances know (3.12's) come from their own table, with the finer test a target
# older than them needs: an f-string is 3.12's only when its fields use what PEP 701 added.
_FINER: Mapping[str, Callable[[str, tree_sitter.Node, ByteOffsets], bool]] = MappingProxyType(
    {"python.pep701-fstring": needs_pep701}
)
TARGETED_SYNTAX: tuple[TargetedSyntax, ...] = _OLDER_SYNTAX + tuple(
    TargetedSyntax(s.since, s.what, s.query, s.hint, _FINER.get(s.rule.name), s.point) for s in NEWER_SYNTAX
)


@functools.cache
def forbidden(target: PythonVersion, running: PythonVersion = RUNNING) -> tuple[TargetedSyntax, ...]:
    """The constructs newer than ``target`` that the running CPython accepts (it rejects the others)."""
    return tuple(s for s in TARGETED_SYNTAX if target < s.since <= running)


@functools.cache
def _query(source: str) -> tree_sitter.Query:
    return tree_sitter.Query(LANGUAGE, source)


def too_new(
    text: str,
    target: PythonVersion,
    parse: Callable[[str], tree_sitter.Tree],
    running: PythonVersion = RUNNING,
) -> TooNew | None:
    """The first construct of ``text`` that is newer than ``target`` and that the running CPython took
    (so only tree-sitter can tell), or None; ``parse`` is called at most once, and only when a hint hits."""
    return _first(text, target, parse, forbidden(target, running), 0, len(text))


def explain(
    text: str,
    target: PythonVersion,
    parse: Callable[[str], tree_sitter.Tree],
    start: int,
    end: int,
    running: PythonVersion = RUNNING,
) -> TooNew | None:
    """Why the running CPython rejected ``text[start:end]`` (the line it stopped on), when a construct
    newer than both it and the target is there: ``type X = int`` under a 3.11 target on 3.11 is
    "type alias statements need Python 3.12", not "unexpected 'X'"."""
    return _first(text, target, parse, beyond(target, running), start, end)


@functools.cache
def beyond(target: PythonVersion, running: PythonVersion = RUNNING) -> tuple[TargetedSyntax, ...]:
    """The constructs newer than both ``target`` and the running CPython (it rejects them)."""
    return tuple(s for s in TARGETED_SYNTAX if s.since > max(target, running))


def _first(
    text: str,
    target: PythonVersion,
    parse: Callable[[str], tree_sitter.Tree],
    constructs: Sequence[TargetedSyntax],
    start: int,
    end: int,
) -> TooNew | None:
    """The first of ``constructs`` that tree-sitter finds starting in ``text[start:end]``, without error."""
    suspects = [s for s in constructs if s.hint.search(text, start, end)]
    if not suspects:
        return None
    tree = parse(text)
    offsets = ByteOffsets(text)
    found: list[TooNew] = []
    for s in suspects:
        for nodes in tree_sitter.QueryCursor(_query(s.query)).captures(tree.root_node).values():
            for node in nodes:
                if node.has_error or (s.keep is not None and not s.keep(text, node, offsets)):
                    continue
                if not start <= offsets.to_str(node.start_byte) < max(end, start + 1):
                    continue
                at = next((c for c in node.children if c.type == s.point), node)
                message = f"{s.what} need Python {version_name(s.since)} (the target version is "
                found.append(
                    TooNew(
                        offsets.to_str(at.start_byte),
                        offsets.to_str(at.end_byte),
                        message + f"{version_name(target)})",
                    )
                )
    return min(found, key=lambda f: (f.start, f.end)) if found else None

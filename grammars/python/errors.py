"""Python syntax errors: CPython's parser is the oracle, tree-sitter-python locates the error regions.

Why two parsers: tree-sitter-python still knows Python 2 (``print x``, ``exec code``) and accepts 23% of
the StackOverflow dev errors, so validity must come from CPython (DESIGN.md "Languages and grammars").
But CPython reports only the first error, often far from the fix ("'(' was never closed" points at the
'(' while the ')' belongs at the end of the line). Measured on the 1,000 dev pairs (first issue within
2 tokens of the tokens the human fix changed / on them): CPython's location 83.2% / 69.5%; tree-sitter's
first (outermost) ERROR 98.4% but 11 tokens wide on average; the smallest tree-sitter node 95.5% / 86.7%;
the innermost ERROR/MISSING nodes in document order 97.2% / 88.3% at a median width of 2 tokens; and
those plus CPython's location when it lies before all of them (tree-sitter recovered past the mistake)
98.2% / 91.3%. That last rule is what :func:`issues_from_tree` does; CPython's message also replaces the
generic "unexpected 'x'" on the node that holds CPython's error line, and when tree-sitter sees nothing
wrong (Python 2 ``print x``) the one issue is CPython's SyntaxError.

The oracle compiles to an AST only (``ast.PyCF_ONLY_AST``): that is the grammar. Full compilation adds
the compiler's context checks ("'return' outside function"), which reject 1.2% of the human fixes in
the dev set because they are fragments of a function body.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from ..base import IssueKind, SyntaxIssue
from ..brackets import PAIRS
from .parse import ByteOffsets, PythonParser

__all__ = [
    "CPythonError",
    "IssueFields",
    "cpython_error",
    "is_valid_python",
    "find_issues",
    "issues_from_tree",
    "read_message",
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # CPython's universal newlines (str.splitlines splits on more)

# Names tree-sitter gives to MISSING nodes that are not punctuation, in words.
_MISSING_WORDS = {
    "identifier": "name",
    "string_end": "end of string",
    "string_start": "string",
    "_newline": "line break",
    "_indent": "indented block",
    "_dedent": "dedent",
    "block": "indented block",
}
_MAX_QUOTE = 24  # longest token quoted in a message
_BRACKET_MESSAGES = ("never closed", "does not match")


@dataclass(frozen=True)
class CPythonError:
    """CPython's verdict on a text that it rejects: str offsets of the reported range, its message and
    what the message says, read into an issue's fields (:func:`read_message`)."""

    start: int
    end: int
    message: str
    fields: IssueFields | None = None  # None: what read_message finds in the message

    def issue(self, start: int | None = None, end: int | None = None) -> SyntaxIssue:
        """The issue CPython reports, at its own span or at ``start``..``end``."""
        f = self.fields if self.fields is not None else read_message(self.message)
        return SyntaxIssue(
            self.start if start is None else start,
            self.end if end is None else end,
            self.message,
            f.kind,
            expected=f.expected,
            found=f.found,
            expected_argument=f.expected_argument,
            function=f.function,
        )


@dataclass(frozen=True)
class IssueFields:
    """What a CPython message says, as :class:`~lastfix.grammars.base.SyntaxIssue` fields."""

    kind: IssueKind = IssueKind.OTHER
    expected: tuple[str, ...] = ()
    found: str | None = None
    expected_argument: str | None = None
    function: str | None = None


MISSING, UNEXPECTED = IssueKind.MISSING, IssueKind.UNEXPECTED
_QUOTED = re.compile(r"'([^']+)'")


def _closer(opener: str) -> tuple[str, ...]:
    return (PAIRS[opener],) if opener in PAIRS else ()


# CPython's messages (Python 3.10+ pegen and tokenizer; Grammar/python.gram, Parser/pegen_errors.c), each
# read into fields by its own pattern: the only place lastfix reads English, because CPython gives
# nothing else. First match wins; a message none matches is OTHER (no symbols).
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], IssueFields]], ...] = (
    (
        re.compile(r"'(.{1,3})' was never closed"),
        lambda m: IssueFields(IssueKind.UNCLOSED, _closer(m[1]), m[1]),
    ),
    (re.compile(r"unmatched '(.)'"), lambda m: IssueFields(IssueKind.UNMATCHED, found=m[1])),
    (
        re.compile(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'"),
        lambda m: IssueFields(IssueKind.MISMATCHED, _closer(m[2]), m[1]),
    ),
    (
        re.compile(r"Missing parentheses in call to '(\w+)'"),
        lambda m: IssueFields(MISSING, ("(", ")"), function=m[1]),
    ),
    (re.compile(r"invalid syntax\. Perhaps you forgot a comma\?"), lambda m: IssueFields(MISSING, (",",))),
    (re.compile(r"unterminated string literal"), lambda m: IssueFields(IssueKind.UNCLOSED_STRING)),
    # one quote does not close a triple-quoted string
    (re.compile(r"unterminated triple-quoted string literal"), lambda m: IssueFields(IssueKind.UNCLOSED)),
    (
        re.compile(r"expected an indented block"),
        lambda m: IssueFields(MISSING, expected_argument="indented block"),
    ),
    # "':' expected after dictionary key": CPython's guess from its error rules (invalid_kvpair), kept
    # as fields but not as MISSING: the search never acted on it (the message hints of issue 14 did not
    # read it); as MISSING it moves the human fix up in 3 of the 19 dev records with it (python 11,
    # 161, 288) and changes the proposals of all 19: a change to measure on its own
    (re.compile(r"'([^']+)' expected after "), lambda m: IssueFields(IssueKind.OTHER, (m[1],))),
    (
        re.compile(r"expression expected after "),
        lambda m: IssueFields(MISSING, expected_argument="expression"),
    ),
    # "expected ':'", "expected 'except' or 'finally' block", "expected 'else' after 'if' expression"
    (
        re.compile(r"expected ('[^']+'(?: or '[^']+')*)"),
        lambda m: IssueFields(MISSING, tuple(_QUOTED.findall(m[1]))),
    ),
    (re.compile(r"invalid character '(.)'"), lambda m: IssueFields(UNEXPECTED, found=m[1])),
    # "Maybe you meant '==' or ':=' instead of '='?": CPython's guess, kept as fields but not a kind the
    # search acts on (the messages' hints never did)
    (
        re.compile(r".*Maybe you meant ('[^']+'(?: or '[^']+')*) instead of '([^']+)'"),
        lambda m: IssueFields(IssueKind.OTHER, tuple(_QUOTED.findall(m[1])), m[2]),
    ),
    (re.compile(r"f-string: expecting '(.)'"), lambda m: IssueFields(MISSING, (m[1],))),
    (re.compile(r"unexpected indent"), lambda m: IssueFields(UNEXPECTED)),
)


def read_message(message: str) -> IssueFields:
    """The fields of one of CPython's messages (see ``_MESSAGES``); OTHER when none of them matches."""
    for pattern, fields in _MESSAGES:
        m = pattern.match(message)
        if m is not None:
            return fields(m)
    return IssueFields()


def cpython_error(text: str) -> CPythonError | None:
    """None when CPython parses ``text``; else where and why it does not. Never raises."""
    if "\0" in text:  # CPython 3.11 raises ValueError without a position; say where
        at = text.index("\0")
        return CPythonError(at, at + 1, "null byte in the source")
    try:
        with warnings.catch_warnings():
            # SyntaxWarning/DeprecationWarning (``x is 1``, ``"\d"``) must not print, nor become errors
            # under ``-W error``: the oracle judges syntax only.
            warnings.simplefilter("ignore")
            if _compiles(text):
                return None
            compile(text, "<snippet>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        return None
    except SyntaxError as e:  # includes IndentationError and TabError
        return _located(text, e)
    except ValueError:  # 3.11: "source code string cannot contain null bytes"
        at = text.find("\0")
        return CPythonError(max(at, 0), max(at, 0) + (at >= 0), "null byte in the source")
    except (RecursionError, MemoryError):
        return CPythonError(0, len(text), "too deeply nested for the Python parser")
    except Exception as e:  # noqa: BLE001 - the oracle must answer, whatever the input
        return CPythonError(0, len(text), f"the Python parser failed ({type(e).__name__})")


def _compiles(text: str) -> bool:
    """Fast path: full compilation skips building Python AST objects (about 2x faster on a valid file);
    whatever it rejects (also "'return' outside function") is judged again on the AST alone."""
    try:
        compile(text, "<snippet>", "exec", dont_inherit=True)
        return True
    except Exception:  # noqa: BLE001 - any failure means: ask the AST-only parser
        return False


def is_valid_python(text: str) -> bool:
    """The validity oracle: CPython's own parser accepts ``text``."""
    return cpython_error(text) is None


def _located(text: str, e: SyntaxError) -> CPythonError:
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def offset(line: int | None, col: int | None) -> int:
        if not line:
            return len(text)
        line = min(max(line, 1), len(starts))
        line_end = starts[line] if line < len(starts) else len(text)
        return min(starts[line - 1] + max((col or 1) - 1, 0), line_end, len(text))

    start = offset(e.lineno, e.offset)
    end = offset(e.end_lineno or e.lineno, e.end_offset) if e.end_offset else start
    # "(detected at line 7)" and "Did you mean ...?" are kept: they are the advice a user needs. The
    # bare "invalid syntax" (a third of the dev errors) says less than the token CPython points at.
    message = e.msg or "invalid syntax"
    culprit = text[start:end].strip()
    if message == "invalid syntax" and culprit:
        shown = _quote(culprit)
        return CPythonError(
            start, max(start, end), f"unexpected {shown!r}", IssueFields(UNEXPECTED, found=shown)
        )
    return CPythonError(start, max(start, end), message)


def _quote(text: str) -> str:
    text = text.strip()
    first_line = text.splitlines()[0] if text else text
    return first_line if len(first_line) <= _MAX_QUOTE else first_line[: _MAX_QUOTE - 1] + "…"


def _first_leaf(node: tree_sitter.Node) -> tree_sitter.Node:
    """The first token of ``node`` (a whole string literal counts as one token)."""
    while node.type not in ("string", "concatenated_string"):
        child = next((c for c in node.children if c.end_byte > c.start_byte), None)
        if child is None:
            break
        node = child
    return node


def _innermost(node: tree_sitter.Node, out: list[tree_sitter.Node]) -> None:
    """Collect MISSING nodes and the ERROR nodes that contain no other error, in document order."""
    if node.is_missing:
        out.append(node)
        return
    before = len(out)
    for child in node.children:
        if child.has_error or child.is_missing:
            _innermost(child, out)
    if node.is_error and len(out) == before:
        out.append(node)


def issues_from_tree(text: str, tree: tree_sitter.Tree, cpy: CPythonError) -> list[SyntaxIssue]:
    """Issues from a tree of ``text`` that CPython rejected with ``cpy``; [] when tree-sitter saw none."""
    if not tree.root_node.has_error:
        return []
    nodes: list[tree_sitter.Node] = []
    _innermost(tree.root_node, nodes)
    offsets = ByteOffsets(text)
    cpy_line = _line_of(text, cpy.start)
    # CPython stops at the first point it cannot parse; when that lies before everything tree-sitter
    # flagged, tree-sitter recovered past the real mistake (``if x`` then "unexpected 'return'" on the
    # next line). Not for unclosed/mismatched brackets: CPython points at the opening one, far from the
    # fix. Measured on the dev pairs: first issue on the fixed tokens 88.3% -> 91.3%.
    first_start = offsets.to_str(nodes[0].start_byte) if nodes else len(text)
    cpython_first = (
        cpy.start < first_start
        and cpy.end <= first_start
        and not any(w in cpy.message for w in _BRACKET_MESSAGES)
    )
    issues = [cpy.issue()] if cpython_first else []
    used_cpython = cpython_first
    for node in nodes:
        start, end = offsets.to_str(node.start_byte), offsets.to_str(node.end_byte)
        if node.is_missing:
            issues.append(_missing(start, end, node.type))
            continue
        leaf = _first_leaf(node)
        token = text[offsets.to_str(leaf.start_byte) : offsets.to_str(leaf.end_byte)]
        if not used_cpython and _line_of(text, start) <= cpy_line <= _line_of(text, end):
            # CPython's words ("expected ':'", "'(' was never closed") beat "unexpected 'x'".
            issues.append(cpy.issue(start, end))
            used_cpython = True
        elif token.strip():
            shown = _quote(token)
            issues.append(SyntaxIssue(start, end, f"unexpected {shown!r}", UNEXPECTED, found=shown))
        else:
            issues.append(SyntaxIssue(start, end, "invalid syntax", IssueKind.OTHER))
    return sorted(set(issues), key=lambda i: (i.start, i.end, i.message))


def _missing(start: int, end: int, kind: str) -> SyntaxIssue:
    """A MISSING node of tree-sitter: a symbol (``')'``) or a construct in words ("missing name")."""
    word = _MISSING_WORDS.get(kind)
    if word is not None:
        return SyntaxIssue(start, end, f"missing {word}", MISSING, expected_argument=word)
    return SyntaxIssue(start, end, f"missing {kind!r}", MISSING, expected=(kind,))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def find_issues(text: str, parser: PythonParser, tree: tree_sitter.Tree | None = None) -> list[SyntaxIssue]:
    """All syntax issues of ``text``: [] exactly when CPython accepts it. Never raises."""
    cpy = cpython_error(text)
    if cpy is None:
        return []
    try:
        issues = issues_from_tree(text, tree if tree is not None else parser.parse(text), cpy)
    except Exception:  # noqa: BLE001 - tree-sitter trouble must not hide CPython's verdict
        issues = []
    return issues or [cpy.issue()]

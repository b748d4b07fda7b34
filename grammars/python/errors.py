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
from dataclasses import dataclass

import tree_sitter

from ..base import SyntaxIssue
from .parse import ByteOffsets, PythonParser

__all__ = ["CPythonError", "cpython_error", "is_valid_python", "find_issues", "issues_from_tree"]

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
    """CPython's verdict on a text that it rejects: str offsets of the reported range and its message."""

    start: int
    end: int
    message: str


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
        message = f"unexpected {_quote(culprit)!r}"
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
    issues = [SyntaxIssue(cpy.start, cpy.end, cpy.message)] if cpython_first else []
    used_cpython = cpython_first
    for node in nodes:
        start, end = offsets.to_str(node.start_byte), offsets.to_str(node.end_byte)
        if node.is_missing:
            kind = node.type
            message = f"missing {_MISSING_WORDS.get(kind, repr(kind))}"
        else:
            leaf = _first_leaf(node)
            token = text[offsets.to_str(leaf.start_byte) : offsets.to_str(leaf.end_byte)]
            message = f"unexpected {_quote(token)!r}" if token.strip() else "invalid syntax"
            if not used_cpython and _line_of(text, start) <= cpy_line <= _line_of(text, end):
                # CPython's words ("expected ':'", "'(' was never closed") beat "unexpected 'x'".
                message, used_cpython = cpy.message, True
        issues.append(SyntaxIssue(start, end, message))
    return sorted(set(issues), key=lambda i: (i.start, i.end, i.message))


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
    return issues or [SyntaxIssue(cpy.start, cpy.end, cpy.message)]

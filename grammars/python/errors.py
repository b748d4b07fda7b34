"""Python syntax errors: CPython's parser is the oracle and speaks first; tree-sitter-python confirms more.

Why two parsers: tree-sitter-python still knows Python 2 (``print x``, ``exec code``) and accepts 23% of
the StackOverflow dev errors, so validity must come from CPython (DESIGN.md "Languages and grammars").
A user compares the editor with CPython, so the first issue is CPython's: its position and its words
("'(' was never closed" at the bracket, "expected ':'" at the end of the header; a bare "invalid
syntax" names the token CPython points at). Issue 17, point 4: on the 1,000 dev records the first
issue sat on CPython's line and column for 51.8% of them before, 99.8% now (the other two: CPython's
column 0, reported as column 1).

One issue per slip: CPython stops at its first error, and what tree-sitter flags after it is mostly
the same slip seen again (``if x`` then "unexpected 'return'" on the next line). A later slip is
reported when both parsers see it: CPython, reading the text again from the next top-level statement
after the error's (everything before blanked, lines kept), stops on a line where tree-sitter has an
error too (after an unclosed bracket, only where tree-sitter closed its statement and CPython agrees).
Records with more than one issue: 163 of 1,000 before, 28 now.

The repair engine reads the issue's range to place its window: an unclosed bracket's issue therefore
runs from the opener (where CPython points) to the end of the first tree-sitter error after it, where
the closer usually belongs. Measured on the dev pairs, the first issue lies on the tokens the human fix
changed / within 2 of them: 83.3% / 95.9% (tree-sitter's innermost nodes, the rule before: 91.3% /
98.2%; CPython's point with its own range: 69.5% / 83.2%).

Code newer than the running interpreter (``type X = int`` under 3.11) is judged with the constructs
tree-sitter parses rewritten for it (:mod:`.newer_syntax`), up to the target version (``PythonSyntax``);
code newer than the target version is an error even where the running CPython takes it
(:mod:`.target_syntax`).

The oracle compiles to an AST only (``ast.PyCF_ONLY_AST``): that is the grammar. Full compilation adds
the compiler's context checks ("'return' outside function"), which reject 1.2% of the human fixes in
the dev set because they are fragments of a function body.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import tree_sitter

from ..base import IssueKind, SyntaxIssue
from ..brackets import PAIRS
from .newer_syntax import NEWEST, NewerSyntax, PythonVersion, applicable, may_hold, needed, tolerate
from .parse import ByteOffsets, PythonParser
from .target_syntax import beyond, explain, forbidden, too_new

__all__ = [
    "CPythonError",
    "IssueFields",
    "cpython_error",
    "is_valid_python",
    "is_valid_with",
    "find_issues",
    "PythonSyntax",
    "issues_from_tree",
    "read_message",
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # CPython's universal newlines (str.splitlines splits on more)

_MAX_QUOTE = 24  # longest token quoted in a message


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
    except UnicodeEncodeError as e:  # a lone surrogate (U+D800-U+DFFF) has no UTF-8 form to compile
        half = f"U+{ord(text[e.start]):04X}"
        return CPythonError(e.start, e.end, f"lone surrogate {half} in the source (half a UTF-16 pair)")
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


# Words that continue a compound statement: a line starting with one is no statement of its own.
_CONTINUATIONS = frozenset({"else", "elif", "except", "finally"})
_MAX_ISSUES = 8  # a file with more slips than this gets its first ones; fixing them shows the rest


def issues_from_tree(
    text: str, tree: tree_sitter.Tree, cpy: CPythonError, oracle_text: str | None = None
) -> list[SyntaxIssue]:
    """CPython's error first, then one issue for each later slip both parsers see; ``oracle_text`` is
    the text CPython judged (``text`` with newer syntax rewritten, same offsets), ``text`` by default."""
    judged = text if oracle_text is None else oracle_text
    if not tree.root_node.has_error:
        return [cpy.issue()]  # tree-sitter takes it (Python 2 ``print x``): CPython's one error
    nodes: list[tree_sitter.Node] = []
    _innermost(tree.root_node, nodes)
    offsets = ByteOffsets(text)
    spans = [(offsets.to_str(n.start_byte), offsets.to_str(n.end_byte)) for n in nodes]
    starts = _statement_starts(text, tree, offsets)
    slips: list[tuple[CPythonError, int]] = []  # each error and where the text its slip reaches ends
    err = cpy
    while True:
        cut = _next_statement(text, tree, offsets, starts, err)
        slips.append((err, len(text) if cut is None else cut))
        if cut is None or len(slips) >= _MAX_ISSUES or not any(s >= cut for s, _ in spans):
            break
        later = cpython_error(_masked(judged, cut))
        if later is None or later.start < cut or not _seen_by_tree_sitter(text, later, spans):
            break
        err = later
    points = sorted(set(spans))  # where tree-sitter stumbled: the repair's place before issue 17
    issues = []
    for i, (e, reach) in enumerate(slips):
        since = slips[i - 1][1] if i else 0
        issues.append(_focused(_reaching(e, reach, spans), [p for p in points if since <= p[0] < reach]))
    return issues


def _focused(issue: SyntaxIssue, points: list[tuple[int, int]]) -> SyntaxIssue:
    """``issue`` with its repair focus on the first of its slip's ``points`` (tree-sitter's innermost
    ERROR/MISSING nodes, where the statement-based detection before issue 17 pointed) when it is a
    bracket left open: CPython points at the inner ``(`` of an unclosed call, its closer belongs where
    tree-sitter stumbled. Only there: on the first 200 dev records (edits engine) a focus on every kind
    moved as many top-1s away from the human fix as towards it (CPython's point at an unmatched ``)``
    is where its fix is)."""
    if issue.kind is not IssueKind.UNCLOSED or not points or points[0] == (issue.start, issue.end):
        return issue
    start, end = points[0]
    return replace(issue, focus=(start - issue.start, end - issue.start))


def _reaching(err: CPythonError, reach: int, spans: list[tuple[int, int]]) -> SyntaxIssue:
    """CPython's issue; an unclosed bracket's runs on to the end of the first tree-sitter error after it,
    where its closer belongs (CPython points at the opener; the fix is usually at the end of the line)."""
    kind = (err.fields if err.fields is not None else read_message(err.message)).kind
    if kind is IssueKind.UNCLOSED:
        end = next((e for s, e in spans if e > err.end and s < reach), err.end)
        return err.issue(err.start, max(err.end, end))
    return err.issue()


def _statement_starts(text: str, tree: tree_sitter.Tree, offsets: ByteOffsets) -> list[tuple[int, int]]:
    """(start, end) of the top-level nodes that start a line at column 0 with a statement of their own."""
    out = []
    for child in tree.root_node.children:
        start, end = offsets.to_str(child.start_byte), offsets.to_str(child.end_byte)
        if child.type == "comment" or (start > 0 and text[start - 1] not in "\r\n"):
            continue
        word = re.match(r"\w+", text[start:end])
        if word is not None and word.group() in _CONTINUATIONS:
            continue
        out.append((start, end))
    return out


def _next_statement(
    text: str, tree: tree_sitter.Tree, offsets: ByteOffsets, starts: list[tuple[int, int]], err: CPythonError
) -> int | None:
    """Where the first top-level statement after ``err``'s line and its own statement begins."""
    at = max(err.start, err.end)
    line_end = _LINE_BREAK.search(text, at)
    after = line_end.end() if line_end else len(text)
    for child in tree.root_node.children:  # the statement holding the error, however far it reaches
        s, e = offsets.to_str(child.start_byte), offsets.to_str(child.end_byte)
        if s <= err.start < e:
            after = max(after, e)
    return next((s for s, _ in starts if s >= after), None)


def _masked(text: str, cut: int) -> str:
    """``text`` with everything before ``cut`` blanked, line breaks kept: CPython then reads on from
    ``cut`` with every line and column where it was."""
    head = "".join(c if c in "\r\n" else " " for c in text[:cut])
    return head + text[cut:]


def _seen_by_tree_sitter(text: str, err: CPythonError, spans: list[tuple[int, int]]) -> bool:
    """Does a tree-sitter error touch the line of CPython's error? Two parsers agreeing on a later slip
    is one; CPython alone, reading on after a blanked head, may stumble on what the head explained."""
    line = _line_of(text, err.start)
    return any(_line_of(text, s) <= line <= _line_of(text, max(s, e)) for s, e in spans)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


@dataclass(frozen=True)
class PythonSyntax:
    """Which Python the code is written for: syntax up to ``target`` is valid whatever CPython runs
    lastfix (newer_syntax); ``off`` names tolerances switched off."""

    target: PythonVersion = NEWEST
    off: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Verdict:
    """CPython's error on the text it judged (``judged``: the user's, or with newer syntax rewritten)."""

    error: CPythonError | None
    judged: str
    tree: tree_sitter.Tree | None


def _verdict(
    text: str, parser: PythonParser, syntax: PythonSyntax, tree: tree_sitter.Tree | None = None
) -> _Verdict:
    """CPython's verdict on ``text``; where the running CPython is older than the code, on the code with
    the newer constructs tree-sitter parses rewritten, and tree-sitter's when only they fail."""
    cpy = cpython_error(text)
    if cpy is None:
        return _newer_than_target(text, parser, syntax, tree)
    if not applicable(syntax.target, syntax.off):
        return _explained(text, parser, syntax, _Verdict(cpy, text, tree))
    used: tuple[NewerSyntax, ...] = ()
    err, judged = cpy, text
    while True:  # each round adds the constructs that can explain the error CPython stopped at
        newer = tuple(s for s in needed(_lines_of(text, err), syntax.target, syntax.off) if s not in used)
        if not newer:
            return _explained(text, parser, syntax, _Verdict(err, judged, tree))
        used += newer
        try:
            tree = tree if tree is not None else parser.parse(text)
            tolerated = tolerate(text, tree, used)
        except Exception:  # noqa: BLE001 - tree-sitter trouble must not hide CPython's verdict
            return _Verdict(err, judged, tree)
        if tolerated is None:
            continue
        judged, spans = tolerated
        again = cpython_error(judged)
        if again is None:
            return _Verdict(None, judged, tree)
        if any(s <= again.start <= e for s, e in spans):  # it fails in a rewritten construct: tree-sitter's
            return _Verdict(None if not tree.root_node.has_error else cpy, text, tree)  # verdict stands
        err = again


class _ParsedOnce:
    """The tree of one text, parsed on first need and at most once (``tree``: the one known so far)."""

    def __init__(self, parser: PythonParser, tree: tree_sitter.Tree | None) -> None:
        self._parser = parser
        self.tree = tree

    def __call__(self, text: str) -> tree_sitter.Tree:
        if self.tree is None:
            self.tree = self._parser.parse(text)
        return self.tree


def _newer_than_target(
    text: str, parser: PythonParser, syntax: PythonSyntax, tree: tree_sitter.Tree | None
) -> _Verdict:
    """The verdict on a text the running CPython accepts: valid, unless it uses syntax newer than the
    target version (a target older than the running CPython; :mod:`.target_syntax`)."""
    if not forbidden(syntax.target):
        return _Verdict(None, text, tree)
    parse = _ParsedOnce(parser, tree)
    try:
        found = too_new(text, syntax.target, parse)
    except Exception:  # noqa: BLE001 - tree-sitter trouble must not turn CPython's "valid" into an error
        found = None
    if found is None:
        return _Verdict(None, text, parse.tree)
    return _Verdict(CPythonError(found.start, found.end, found.message), text, parse(text))


def _explained(text: str, parser: PythonParser, syntax: PythonSyntax, verdict: _Verdict) -> _Verdict:
    """``verdict`` (an error), in the words of the target version when syntax newer than both it and the
    running CPython is what CPython stopped on."""
    err = verdict.error
    if err is None or not beyond(syntax.target):
        return verdict
    start = max(text.rfind("\n", 0, err.start), text.rfind("\r", 0, err.start)) + 1
    line_end = _LINE_BREAK.search(text, max(err.start, err.end))
    parse = _ParsedOnce(parser, verdict.tree)
    try:
        found = explain(text, syntax.target, parse, start, line_end.start() if line_end else len(text))
    except Exception:  # noqa: BLE001 - tree-sitter trouble must not hide CPython's verdict
        found = None
    if found is None:
        return verdict
    return _Verdict(CPythonError(found.start, found.end, found.message), text, parse.tree)


def _lines_of(text: str, err: CPythonError) -> str:
    """The whole line(s) of ``err``'s range."""
    start = max(text.rfind("\n", 0, err.start), text.rfind("\r", 0, err.start)) + 1
    end = _LINE_BREAK.search(text, max(err.start, err.end))
    return text[start : end.start() if end else len(text)]


def is_valid_with(text: str, parser: PythonParser, syntax: PythonSyntax) -> bool:
    """The validity oracle for code written for ``syntax.target``."""
    if _plainly_invalid(text, syntax):
        return False
    return _verdict(text, parser, syntax).error is None


def _plainly_invalid(text: str, syntax: PythonSyntax) -> bool:
    """True when CPython rejects ``text`` and no newer construct can explain it: :func:`_verdict`'s
    answer, for the repair search's many rejected candidates, at one AST-only parse and without locating
    the error (two parses and the location before: full compilation fails first on a rejected text).

    Exact: ``_verdict`` looks for newer constructs only on the error's lines (``needed``); none of their
    hints anywhere in the text means none on those lines (a lone '\\r' ends a line there too, so the
    search sees it as '\\n' for the hints' ``^``), and every other path of it ends in an error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<snippet>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        return False
    except SyntaxError:
        pass
    except Exception:  # noqa: BLE001 - null bytes, surrogates, deep nesting: the full verdict says
        return False
    lines = text.replace("\r", "\n") if "\r" in text else text
    return not may_hold(lines, applicable(syntax.target, syntax.off))


def find_issues(
    text: str,
    parser: PythonParser,
    tree: tree_sitter.Tree | None = None,
    syntax: PythonSyntax = PythonSyntax(),
) -> list[SyntaxIssue]:
    """All syntax issues of ``text``: [] exactly when CPython accepts it (for ``syntax``). Never raises."""
    verdict = _verdict(text, parser, syntax, tree)
    cpy = verdict.error
    if cpy is None:
        return []
    try:
        tree = verdict.tree if verdict.tree is not None else parser.parse(text)
        return issues_from_tree(text, tree, cpy, verdict.judged)
    except Exception:  # noqa: BLE001 - tree-sitter trouble must not hide CPython's verdict
        return [cpy.issue()]

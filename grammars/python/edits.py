"""Token edits to text edits for Python, where line breaks and indentation are tokens.

The model edits a token sequence; the user's file must change as little as possible (DESIGN.md "Tokens").
Kept tokens keep their exact text and, where their neighbours are kept too, the exact gap between them.
Only the gaps next to a change are rewritten:

* inserted tokens are spaced by :func:`separator` (``print x`` + '(' ... ')' gives ``print(x)``,
  ':' gets no space before it, keywords get one);
* comments and line breaks in a rewritten gap are carried over; an inserted ``<NEWLINE>`` reuses a line
  break the gap already has (a ')' inserted before a line break does not add a blank line);
* indentation is re-derived from the new INDENT/DEDENT structure for every line whose layout tokens or
  block depth changed: deleting an INDENT dedents its whole block, inserting ``<NEWLINE> <INDENT>``
  writes a line break and one indentation unit more than the enclosing block (the file's own unit,
  else four spaces).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..base import TextEdit, Token, symbol_opcodes
from .lexer import DEDENT, INDENT, NEWLINE

__all__ = ["separator", "python_edits", "indent_unit"]

_WORD_END = re.compile(r"[\w'\"]\Z")
_WORD_START = re.compile(r"[\w'\"]")
# Keywords after which '(' or '[' opens an expression, not a call: ``if (x)``, ``in [1]``.
_KEYWORD_BEFORE_BRACKET = frozenset(
    "and as assert async await del elif else except for from global if import in is lambda nonlocal "
    "not or raise return while with yield case match".split()
)
_TIGHT_RIGHT = frozenset(")]},:;.")
_TIGHT_LEFT = frozenset("([{.~")
_LOOSE_LEFT = frozenset(",;:")
_LAYOUT = frozenset({NEWLINE, INDENT, DEDENT})


def separator(left: str, right: str) -> str:
    """Whitespace between two texts when one of them is inserted (PEP 8 spacing, simplified)."""
    if not left or not right or left[-1].isspace() or right[0].isspace():
        return ""
    last, first = left[-1], right[0]
    if (first == "." and re.search(r"(?<![\w.])\d[\w.]*\Z", left)) or (
        last == "." and (first.isdigit() or first == ".")
    ):
        return " "  # ``1 .real``, ``x. 5``, ``. .`` must not lex as ``1.``, ``.5``, ``...``
    if first in _TIGHT_RIGHT or last in _TIGHT_LEFT:
        return ""
    if first in "([":
        if _WORD_END.search(left):  # a call or subscript, unless the word is a keyword
            word = re.search(r"\w+\Z", left)
            return " " if word and word.group() in _KEYWORD_BEFORE_BRACKET else ""
        return "" if last in ")]}" else " "
    if last in _LOOSE_LEFT:
        return " "
    if _WORD_END.search(left) and _WORD_START.match(right):
        return " "
    return " "  # operators, and words after a closing bracket (``) if``)


@functools.lru_cache(maxsize=16)  # the search maps thousands of edits of one text
def indent_unit(text: str) -> str:
    """The file's indentation step (the first indented line's whitespace), else four spaces."""
    m = re.search(r"^(?:[^\s#].*)(?:\r\n|\r|\n)(?:[ \t]*(?:#.*)?(?:\r\n|\r|\n))*([ \t]+)\S", text, re.M)
    return m.group(1) if m else "    "


@dataclass
class _Item:
    """One token of the new sequence: a kept old token (``old`` index) or an inserted symbol."""

    symbol: str
    text: str
    old: int | None
    before: str  # the text between the previous item and this one in the new document


def _structural(gap: str) -> bool:
    return any(c in gap for c in "\n\r#\\")


def _has_break(gap: str) -> bool:
    return "\n" in gap or "\r" in gap


def _trailing_indent(before: str) -> tuple[str, str]:
    """Split ``before`` into (everything up to the last line break, the indentation after it)."""
    m = re.search(r"[ \t\f]*\Z", before)
    assert m is not None
    cut = m.start()
    return before[:cut], before[cut:]


def python_edits(
    text: str,
    tokens: Sequence[Token],
    old: Sequence[str],
    new: Sequence[str],
    render: Callable[[str], str],
) -> list[TextEdit]:
    """Minimal edits turning ``tokens`` (symbols ``old``) into symbols ``new``; see the module doc."""
    if len(tokens) != len(old):
        raise ValueError("tokens and old symbols differ in length")
    if list(old) == list(new):
        return []
    if not tokens:
        pieces = [render(s) for s in new if s not in _LAYOUT or s == NEWLINE]
        joined = _join_pieces(pieces)
        return [TextEdit(len(text), len(text), joined)] if joined else []
    w0, w1 = tokens[0].start, tokens[-1].end
    if _starts_line(text, w0):  # own the first line's indentation, so that it can be re-derived too
        w0 = _line_start(text, w0)
    line_break = "\r\n" if "\r\n" in text else "\n"
    unit = indent_unit(text)

    def gap(k: int) -> str:  # text between old token k-1 and old token k (window edges: empty)
        lo = tokens[k - 1].end if k > 0 else w0
        hi = tokens[k].start if k < len(tokens) else w1
        return text[lo:hi]

    items: list[_Item] = []
    end_before = ""
    pending: str | None = None  # the composed gap before the next kept token, after a change
    for op, i1, i2, j1, j2 in symbol_opcodes(old, new):
        if op == "equal":
            for i in range(i1, i2):
                before = pending if (i == i1 and pending is not None) else gap(i)
                pending = None
                items.append(_Item(old[i], text[tokens[i].start : tokens[i].end], i, before))
            continue
        gaps = [gap(k) for k in range(i1, i2 + 1)]
        left_text = items[-1].text if items else ""
        at_line_start = (items and items[-1].symbol in _LAYOUT) or (not items and _starts_line(text, w0))
        right = tokens[i2] if i2 < len(tokens) else None
        right_text = text[right.start : right.end] if right is not None and old[i2] not in _LAYOUT else ""
        lead = gaps[0] if at_line_start else ""
        if (
            items
            and items[-1].symbol == NEWLINE
            and not items[-1].text
            and any(x not in _LAYOUT for x in new[j1:j2])
        ):
            lead = line_break + lead  # content after the zero-width NEWLINE at the end of the text
        carried = [g for g in (gaps[1:] if at_line_start else gaps) if _structural(g)]
        inserted = list(new[j1:j2])
        if not inserted:
            if carried:
                pending = _close_comment(lead + "".join(carried), right, old, i2, text, line_break)
            elif at_line_start:
                pending = lead
            else:
                sep = separator(left_text, right_text)
                simple = next((g for g in gaps if g), " ")
                pending = simple if sep == " " else ""
            continue
        prev = "" if at_line_start else left_text
        prefix = lead  # text owed before the next item: the line's lead, or the indentation after a break
        for sym in inserted:
            if sym == NEWLINE:
                k = next((n for n, g in enumerate(carried) if _has_break(g)), None)
                brk, indent = _trailing_indent(carried.pop(k)) if k is not None else (line_break, "")
                items.append(_Item(sym, brk, None, prefix))
                prefix, prev = indent, ""
            elif sym in (INDENT, DEDENT):
                items.append(_Item(sym, "", None, prefix))
                prefix = ""
            else:
                piece = render(sym)
                items.append(_Item(sym, piece, None, prefix + separator(prev, piece)))
                prefix, prev = "", piece or prev
        rest = "".join(carried)
        if right is None:
            end_before = prefix + rest
        elif rest:
            pending = prefix + (rest if rest[0].isspace() or prev == "" else separator(prev, "x") + rest)
            pending = _close_comment(pending, right, old, i2, text, line_break)
        else:
            pending = prefix + ("" if prev == "" or old[i2] in _LAYOUT else separator(prev, right_text))
    if pending is not None:
        end_before = pending
    _reindent(items, tokens, old, text, unit)
    return _diff(text, tokens, items, w0, w1, end_before)


def _close_comment(
    before: str, right: Token | None, old: Sequence[str], i: int, text: str, line_break: str
) -> str:
    """End a carried comment with a line break when a token would otherwise follow it on its line."""
    last_line = re.split(r"\r\n|\r|\n", before)[-1]
    if right is None or "#" not in last_line or old[i] == NEWLINE:
        return before
    # The token goes on a line of its own, at the indentation its line had (re-derived later if needed).
    indent = text[_line_start(text, right.start) : right.start]
    return before + line_break + (indent if not indent.strip() else "")


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _starts_line(text: str, offset: int) -> bool:
    return text[_line_start(text, offset) : offset].strip(" \t\f") == ""


def _join_pieces(pieces: Sequence[str]) -> str:
    """Rendered pieces spaced by :func:`separator` (an empty text has no gaps to reuse)."""
    out, prev = "", ""
    for p in pieces:
        out += separator(prev, p) + p
        prev = p
    return out


def _reindent(items: list[_Item], tokens: Sequence[Token], old: Sequence[str], text: str, unit: str) -> None:
    """Re-derive the indentation of every line whose layout run or block depth changed."""
    depth_old = []
    d = 0
    for s in old:
        depth_old.append(d)
        d += (s == INDENT) - (s == DEDENT)
    starts_line = _starts_line(text, tokens[0].start)
    # The block level the window starts at: column 0 when it opens with an INDENT (a text that starts
    # indented), else the indentation of its first line.
    base = "" if old[0] == INDENT else text[_line_start(text, tokens[0].start) : tokens[0].start]
    stack = [base if starts_line else ""]
    depth_new = 0
    run: list[_Item] = []
    in_run, new_break = starts_line, False
    for item in items:
        if item.symbol == NEWLINE:
            in_run, run, new_break = True, [], item.old is None
            continue
        if item.symbol in (INDENT, DEDENT):
            run.append(item)
            depth_new += 1 if item.symbol == INDENT else -1
            continue
        if not in_run:
            continue
        in_run = False
        seq = [*run, item]  # the line's indentation may sit before any of its (zero-width) layout tokens
        head, orig = _trailing_indent("".join(x.before for x in seq))
        olds = [r.old for r in run] + [item.old]
        changed = new_break or _run_changed(olds, old, item.old)
        for r in run:
            if r.symbol == DEDENT:
                if len(stack) > 1:
                    stack.pop()
            elif orig.startswith(stack[-1]) and len(orig) > len(stack[-1]) and not changed:
                stack.append(orig)
            else:
                stack.append(stack[-1] + unit)
        moved = item.old is not None and depth_new != depth_old[item.old]
        if (changed or moved) and orig != stack[-1]:
            for x in seq:
                x.before = ""
            seq[0].before = head + stack[-1]


def _run_changed(olds: list[int | None], old: Sequence[str], line_first: int | None) -> bool:
    """True when the layout tokens before a kept line-start token differ from the old ones."""
    if line_first is None:
        return True
    k = line_first - 1
    count = 0
    while k >= 0 and old[k] in (INDENT, DEDENT):
        k -= 1
        count += 1
    return count != len(olds) - 1 or any(o is None for o in olds)


def _diff(
    text: str, tokens: Sequence[Token], items: list[_Item], w0: int, w1: int, end_before: str
) -> list[TextEdit]:
    """Edits between consecutive kept tokens whose new in-between text differs from the old one."""
    edits: list[TextEdit] = []
    old_pos, buf = w0, ""
    for item in items:
        buf += item.before
        if item.old is None:
            buf += item.text
            continue
        t = tokens[item.old]
        _emit(edits, text, old_pos, t.start, buf)
        old_pos, buf = t.end, ""
    _emit(edits, text, old_pos, w1, buf + end_before)
    return edits


def _emit(edits: list[TextEdit], text: str, start: int, end: int, new_text: str) -> None:
    old_text = text[start:end]
    if old_text == new_text:
        return
    p = 0  # trim the common prefix and suffix so the edit touches only what changed
    while p < len(old_text) and p < len(new_text) and old_text[p] == new_text[p]:
        p += 1
    s = 0
    while s < len(old_text) - p and s < len(new_text) - p and old_text[-1 - s] == new_text[-1 - s]:
        s += 1
    edits.append(TextEdit(start + p, end - s, new_text[p : len(new_text) - s]))

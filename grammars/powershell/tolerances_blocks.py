"""PowerShell tolerances for statement layout: empty script blocks, param blocks, switch clauses, clean
blocks, ``else`` on a later line, and line breaks in a ``for`` header."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .lexer import SIGNIFICANT, Lexeme
from .tolerance_base import MaskBuffer, blank_lines, next_significant

__all__ = [
    "empty_script_block",
    "param_block_terminator",
    "switch_clauses_on_one_line",
    "clean_blocks",
    "else_on_next_line",
    "for_header_line_breaks",
]


def empty_script_block(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``{}`` as a value (``-ScriptBlock {}``, ``$x = {}``) is an empty script block; tree-sitter-powershell
    wants a statement inside. Shown as a quoted string of the same length: also a primary value."""
    for k, x in enumerate(lx):
        if x.cat == "punct" and x.text == "{" and not x.body and x.pair > k and x.problem is None:
            j = k + 1
            while j < x.pair and lx[j].cat in ("ws", "newline", "comment", "cont"):
                j += 1
            if j == x.pair:
                buf.put(x.start, "'", "empty_script_block")
                buf.put(lx[x.pair].start, "'", "empty_script_block")


def param_block_terminator(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """A ``param(...)`` block may end the script or share its line with the first statement
    (``{ param($x) $x }``, about_Functions); tree-sitter-powershell wants a statement terminator there.
    The blank after ``)`` becomes ``;`` (an empty statement), or ``;`` is appended at the very end."""
    for k, x in enumerate(lx):
        if x.cat == "keyword" and x.text.lower() == "param":
            j = next_significant(lx, k)
            if j < len(lx) and lx[j].text == "(" and lx[j].pair > j:
                close = lx[lx[j].pair]
                after = buf.chars[close.end] if close.end < len(buf.chars) else ""
                nxt = next_significant(lx, lx[j].pair)
                if nxt < len(lx) and lx[nxt].text == ";":
                    continue
                if after in (" ", "\t", "\r", "\n"):
                    buf.put(close.end, ";", "param_block_terminator")
                elif after == "":
                    buf.suffix = ";"
                    buf.fired.append("param_block_terminator")


def switch_clauses_on_one_line(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """Switch clauses may follow each other on one line (``switch ($x) { 1 {'a'} 2 {'b'} }``,
    about_Switch); tree-sitter-powershell wants a separator between them."""
    for k, x in enumerate(lx):
        if x.cat == "punct" and x.text == "}" and k + 2 < len(lx) and lx[k + 1].cat == "ws":
            j = next_significant(lx, k)
            if j < len(lx) and lx[j].mode == "switch" and lx[j].text != "}":
                buf.put(lx[k + 1].start, ";", "switch_clauses_on_one_line")


def clean_blocks(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``clean { }`` is a named block of a function or script since PowerShell 7.3 (about_Functions,
    "clean"); tree-sitter-powershell knows begin/process/end only. Shown as ``end`` and blanks."""
    for k, x in enumerate(lx):
        if x.cat == "keyword" and x.text.lower() == "clean" and x.mode == "start":
            j = next_significant(lx, k)
            if j < len(lx) and lx[j].text == "{" and lx[j].body:
                buf.put(x.start, "end  ", "clean_blocks")


def _gap_is_blank(lx: Sequence[Lexeme], a: int, b: int) -> bool:
    """Are the lexemes strictly between ``a`` and ``b`` only blanks, line breaks and comments?"""
    return all(lx[j].cat in ("ws", "newline", "comment", "cont") for j in range(a + 1, b))


def else_on_next_line(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``}`` then ``else``/``elseif`` on a later line continues the if statement (about_If), also where the
    if is a value (``@{ a = if ($x) { 1 } <newline> else { 2 } }``); tree-sitter-powershell accepts the
    line break only at statement level. The line breaks between them are shown as blanks."""
    for k, x in enumerate(lx):
        # in a hashtable the lexer reads a line's first word as a key: 'elseif' there is the keyword still
        if x.cat in ("keyword", "name") and x.text.lower() in ("else", "elseif"):
            j = k - 1
            while j >= 0 and lx[j].cat in ("ws", "newline", "comment", "cont"):
                j -= 1
            if j >= 0 and lx[j].text == "}" and _gap_is_blank(lx, j, k):
                start, end = lx[j].end, x.start
                buf.put(
                    start,
                    "".join(" " if c in "\r\n" else c for c in buf.chars[start:end]),
                    "else_on_next_line",
                )


def _continues_line(x: Lexeme) -> bool:
    """Does a line break after ``x`` continue the expression (``-lt``, ``|``, ``,`` at the end of a line)?"""
    return x.text == "," or x.cat == "operator" and not (x.text in ("++", "--") and x.mode == "expr")


def for_header_line_breaks(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``for (<newline> $i = 0 <newline> $i -lt 10 <newline> $i++ <newline>)``: a line break ends the
    initializer and the condition as ``;`` does, and blank lines may come before each part and before ``)``
    (about_For; spec 8.4.4: statement-terminator is ';' or a new line, new-lines:opt around the parts);
    tree-sitter-powershell takes neither. When at most two terminators are followed by a part, the line
    breaks that end the first two parts are shown as ``;`` and the header's other line breaks as blanks."""
    for k, x in enumerate(lx):
        if not (x.cat == "keyword" and x.text.lower() == "for"):
            continue
        p = k + 1
        while p < len(lx) and lx[p].cat in ("ws", "newline", "comment", "cont"):
            p += 1
        if p >= len(lx) or lx[p].text != "(" or lx[p].pair <= p:
            continue
        shape: list[Lexeme | None] = []  # each terminator (';' or a line break) and None for each part
        breaks: list[Lexeme] = []
        previous: Lexeme | None = None  # the last lexeme of the part being read
        j = p + 1
        while j < lx[p].pair:
            y = lx[j]
            if y.cat == "newline":
                breaks.append(y)
                if previous is not None and not _continues_line(previous):
                    shape.append(y)
                    previous = None
            elif y.cat == "punct" and y.text == ";":
                shape.append(y)
                previous = None
            elif y.cat in SIGNIFICANT:
                if previous is None:
                    shape.append(None)
                previous = y
            j = y.pair + 1 if y.pair > j else j + 1
        last_part = max((n for n, z in enumerate(shape) if z is None), default=-1)
        terminators = [z for z in shape[:last_part] if z is not None]
        if not breaks or len(terminators) > 2:
            continue  # more than two terminators before the last part: tree-sitter judges it as it is
        for y in breaks:
            blank_lines(buf, y.start, y.end, "for_header_line_breaks")
        for z in [z for z in shape if z is not None][:2]:
            if z.cat == "newline":
                buf.put(z.start, ";", "for_header_line_breaks")

"""Python's named one-slip rewrites: habits the token edits of the search price as more than one slip.

An unclosed string is one slip to the user (a closing quote forgotten) but the lexer reads the rest of the
line into the string, so the token edits of the search see a different line: they insert a quote before
the string, or a second string after it, as cheaply as the right quote at its end (issue 17: ``name =
"world`` got ``name = ' "world '`` first, the plain closing quote fifth). Like ``excel.unclosed-string``
and ``powershell.unclosed-string``, the string is closed at the end of its line, or before the closers
that end the line (``print("hello)`` -> ``print("hello")``), which a string rarely holds.

Text pasted from elsewhere brings what the code cannot hold, each removed as one slip: the interactive
session's prompts (``>>> `` and ``... `` at line starts), a statement keyword capitalised by autocorrect or
sentence case (``For i in x:``), an HTML line break (``<br>``) or markdown bold (``**name**``) from a web
page. Dev counts (1,000 Python records; fixes that remove it): prompts 13, capitalised keywords 12,
markdown bold 16, ``<br>`` 3.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from typing import Any

from ..base import Rewrite, TextEdit, Token, TokenClass
from ..rules import Rule, RuleKind, TokenRewrite, WindowRewrite
from .edits import _line_start, _starts_line

__all__ = ["REWRITES", "TOKEN_REWRITES", "WINDOW_REWRITES"]

_PREFIX = re.compile(r"[rRbBuUfF]{0,2}")
# what ends a line after a string in code: brackets closed, a header's colon, a separator
_TRAILING_CLOSERS = re.compile(r"[\s)\]}:,;]*[)\]}:,;][\s)\]}:,;]*\Z")


def _unclosed_body(token: Token) -> str | None:
    """The text of a one-line string ``token`` from its opening quote on, when its closing quote is
    missing; None for a closed, triple-quoted or continued string, or another token."""
    if token.cls is not TokenClass.STRING:
        return None
    body = token.text[_PREFIX.match(token.text).end() :]  # type: ignore[union-attr]
    if not body or body[0] not in "\"'" or body.startswith(body[0] * 3):
        return None
    quote = body[0]
    if len(body) > 1 and body.endswith(quote):
        backslashes = len(body[1:-1]) - len(body[1:-1].rstrip("\\"))
        if backslashes % 2 == 0:
            return None  # the last quote closes it
    if body.endswith("\\"):
        return None  # continued on the next line
    return body


def _unclosed_string(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``name = "world`` -> ``name = "world"``: a string left open is closed at the end of its line, or
    before the brackets, colon or comma that end the line (``print("hello)`` -> ``print("hello")``)."""
    tok = tokens[i]
    body = _unclosed_body(tok)
    if body is None:
        return []
    quote = body[0]
    content_start = tok.end - len(body) + 1
    end = content_start + len(text[content_start : tok.end].rstrip())
    if end <= content_start:
        return []  # nothing after the quote: which string was meant is anyone's guess
    out = [Rewrite((TextEdit(end, end, quote),), i)]
    closers = _TRAILING_CLOSERS.search(text, content_start, end)
    if closers is not None and closers.start() > content_start:
        at = content_start + len(text[content_start : closers.start()].rstrip())
        if at > content_start:
            out.append(Rewrite((TextEdit(at, at, quote),), i))
    return out


# the interactive interpreter's prompts (sys.ps1, sys.ps2), with the space it prints after them
_PROMPT = re.compile(r"^(?:>>>|\.\.\.)(?: |$)", re.M)


def _repl_prompts(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """``>>> x = f(1)`` -> ``x = f(1)``: a session pasted with the interpreter's prompts, every ``>>> ``
    and ``... `` at a line start of the window removed at once (one paste, one slip)."""
    code = [t for t in tokens[first:last] if t.cls is not TokenClass.LAYOUT]
    if not code:
        return []
    start, end = _line_start(text, code[0].start), code[-1].end
    prompts = list(_PROMPT.finditer(text, start, end))
    if not any(m.group().startswith(">>>") for m in prompts):
        return []  # a line starting '...' alone is an Ellipsis, not a session
    at = next((i for i in range(first, last) if tokens[i].start >= prompts[0].start()), first)
    return [Rewrite(tuple(TextEdit(m.start(), m.end(), "") for m in prompts), at)]


# statement keywords spelled as a sentence starts them (True, False, None are capitalised already)
_CAPITALISED = {k.capitalize(): k for k in keyword.kwlist if k.islower()}


def _capitalised_keyword(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``For i in x:`` -> ``for i in x:``: a keyword that starts a line capitalised, as autocorrect and
    sentence case write the first word of a line (an editor or a chat box, not a code editor)."""
    tok = tokens[i]
    kw = _CAPITALISED.get(tok.text)
    if tok.cls is not TokenClass.NAME or kw is None or not _starts_line(text, tok.start):
        return []
    return [Rewrite((TextEdit(tok.start, tok.end, kw),), i)]


_BREAK = re.compile(r"<br\s*/?>", re.I)


def _html_breaks(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """``while a:<br>`` -> ``while a:``: HTML line breaks copied with code from a web page, every one in
    the window's code (not its strings) removed at once, with the blanks before them."""
    edits: list[TextEdit] = []
    for i in range(first, last - 2):
        if (
            tokens[i].text != "<"
            or tokens[i + 1].text.lower() != "br"
            or tokens[i + 1].cls is not TokenClass.NAME
        ):
            continue
        m = _BREAK.match(text, tokens[i].start)
        if m is None:
            continue
        before = tokens[i - 1].end if i > 0 and tokens[i - 1].end <= tokens[i].start else tokens[i].start
        gap = text[before : tokens[i].start]
        start = before if gap.strip() == "" and "\n" not in gap else tokens[i].start
        edits.append(TextEdit(start, m.end(), ""))
    if not edits:
        return []
    at = next(i for i in range(first, last) if tokens[i].start >= edits[0].start)
    return [Rewrite(tuple(edits), at)]


def _markdown_bold(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``**name** = 1`` -> ``name = 1``: markdown bold around code on a web page (the author highlighting
    a line) copied as text; an opening ``**`` glued to what follows it, closed by the next ``**`` glued
    to what precedes it."""
    tok = tokens[i]
    if tok.text != "**" or i + 1 >= last or tokens[i + 1].start != tok.end:
        return []
    for c in range(i + 2, last):
        if tokens[c].text == "**" and tokens[c].cls is tok.cls:
            if tokens[c - 1].end != tokens[c].start:
                return []  # a power operator (x ** 2) or a dict/keyword unpacking, not the closer
            return [
                Rewrite((TextEdit(tok.start, tok.end, ""), TextEdit(tokens[c].start, tokens[c].end, "")), i)
            ]
    return []


TOKEN_REWRITES: tuple[Rule[TokenRewrite], ...] = (
    Rule(
        "python.unclosed-string",
        "python",
        RuleKind.REWRITE,
        'name = "world -> name = "world": a string left open, closed at its line end or before the closers '
        "ending the line",
        _unclosed_string,
        cost=1.0,
    ),
    Rule(
        "python.capitalised-keyword",
        "python",
        RuleKind.REWRITE,
        "For i in x: -> for i in x: a line's first keyword capitalised by autocorrect or sentence case",
        _capitalised_keyword,
        cost=1.0,
    ),
    Rule(
        "python.markdown-bold",
        "python",
        RuleKind.REWRITE,
        "**name** = 1 -> name = 1: markdown bold around code copied as text from a web page or chat",
        _markdown_bold,
        cost=1.0,
    ),
)
# a paste brings the habit to every line of it: one rewrite for the window
WINDOW_REWRITES: tuple[Rule[WindowRewrite], ...] = (
    Rule(
        "python.repl-prompt",
        "python",
        RuleKind.REWRITE,
        ">>> x = f(1) -> x = f(1): a session pasted with the interactive interpreter's prompts (>>>, ...)",
        _repl_prompts,
        cost=1.0,
    ),
    Rule(
        "python.html-break",
        "python",
        RuleKind.REWRITE,
        "while a:<br> -> while a: an HTML line break copied with the code from a web page",
        _html_breaks,
        cost=1.0,
    ),
)
REWRITES: tuple[Rule[Any], ...] = TOKEN_REWRITES + WINDOW_REWRITES

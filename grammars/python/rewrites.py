"""Python's named one-slip rewrites: habits the token edits of the search price as more than one slip.

An unclosed string is one slip to the user (a closing quote forgotten) but the lexer reads the rest of the
line into the string, so the token edits of the search see a different line: they insert a quote before
the string, or a second string after it, as cheaply as the right quote at its end (issue 17: ``name =
"world`` got ``name = ' "world '`` first, the plain closing quote fifth). Like ``excel.unclosed-string``
and ``powershell.unclosed-string``, the string is closed at the end of its line, or before the closers
that end the line (``print("hello)`` -> ``print("hello")``), which a string rarely holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..base import Rewrite, TextEdit, Token, TokenClass
from ..rules import Rule, RuleKind, TokenRewrite

__all__ = ["REWRITES"]

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


REWRITES: tuple[Rule[TokenRewrite], ...] = (
    Rule(
        "python.unclosed-string",
        "python",
        RuleKind.REWRITE,
        'name = "world -> name = "world": a string left open, closed at its line end or before the closers '
        "ending the line",
        _unclosed_string,
        cost=1.0,
    ),
)

"""The toy language's lexer: a regex that never raises, every character lands in some lexeme."""

from __future__ import annotations

import re

from lastfix.grammars.base import Token, TokenClass, placeholder

__all__ = ["KEYWORDS", "PUNCTUATION", "lex"]

KEYWORDS = ("true", "false", "null")
PUNCTUATION = ("[", "]", "{", "}", ",", ":")

# Order matters: the first alternative that matches at a position wins. A string may lack its closing
# quote (the parser reports it), so that an unterminated string is one token, not a run of stray words.
_LEXEME = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*"?)
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[\[\]{},:])
  | (?P<other>.)
    """,
    re.VERBOSE,
)


def _token(group: str, text: str, start: int, end: int) -> Token:
    """The model's view of one lexeme: closed symbols as themselves, open ones as typed placeholders."""
    if group == "string":
        return Token(placeholder("STRING"), text, start, end, TokenClass.STRING)
    if group == "number":
        return Token(placeholder("NUMBER"), text, start, end, TokenClass.NUMBER)
    if group == "word":
        if text in KEYWORDS:
            return Token(text, text, start, end, TokenClass.KEYWORD)
        return Token(placeholder("NAME"), text, start, end, TokenClass.NAME)  # a bare word is an error
    if group == "punct":
        return Token(text, text, start, end, TokenClass.PUNCT)
    return Token(text, text, start, end, TokenClass.OTHER)


def lex(text: str) -> list[Token]:
    """Tokens with spans, whitespace dropped."""
    tokens = []
    for m in _LEXEME.finditer(text):
        group = m.lastgroup or "other"
        if group != "space":
            tokens.append(_token(group, m.group(), m.start(), m.end()))
    return tokens

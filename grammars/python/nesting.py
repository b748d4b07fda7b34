"""When Python's brackets must nest, as the lexer shows them: the promise behind the search's bracket filter.

CPython's tokenizer rejects a text whose brackets do not nest ("unmatched ')'", "'(' was never closed",
"closing parenthesis ']' does not match ..."), so a repair that leaves them unnested need not be judged by
the oracle. That is only exact where the lenient lexer (``lexer.py``) sees the brackets CPython sees. The
promise (``Grammar.nesting_brackets``) is therefore made for a text only when:

* the standard ``tokenize`` module (the reference tokenizer, regex-based like the lexer) finds its
  brackets at the lexer's very offsets (an unterminated string, which the lexer runs to the end of its
  line, makes them differ as soon as a bracket follows it on that line);
* no construct newer than the running CPython may be judged there by tree-sitter (``newer_syntax``: a
  3.12 f-string with nested quotes shows brackets to an older tokenizer that its rewrite blanks);
* its lines end in ``\\n`` (``tokenize`` does not split a lone ``\\r``).

A token edit that inserts no quote keeps every other token's extent (edits never glue a string prefix or
open a comment: ``python_edits`` spaces them), so the edited text's brackets are the edit's token-level view.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize
from collections.abc import Mapping

from ..brackets import PAIRS
from .lexer import lex
from .newer_syntax import NewerSyntax, may_hold

__all__ = ["NESTING", "brackets_nest_as_lexed"]

NESTING: Mapping[str, str] = PAIRS  # the brackets CPython's tokenizer pairs
_BRACKETS = frozenset("()[]{}")


@functools.lru_cache(maxsize=16)  # one repair asks again for each window and pass of the same text
def brackets_nest_as_lexed(text: str, newer: tuple[NewerSyntax, ...]) -> bool:
    """Does CPython see ``text``'s brackets where the lexer does, whatever token edit (no quote) is made?
    ``newer``: the constructs tree-sitter may judge instead (``newer_syntax.applicable``)."""
    if "\r" in text or may_hold(text, newer):
        return False
    lexed = [t.start for t in lex(text) if t.kind in _BRACKETS]
    starts = [0] + [m.end() for m in re.finditer("\n", text)]  # where tokenize's rows begin
    found: list[int] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in _BRACKETS:
                row, col = tok.start
                found.append(starts[row - 1] + col)
    except tokenize.TokenError:
        pass  # EOF inside brackets or a triple-quoted string: every token before it was read
    except (SyntaxError, ValueError):  # inconsistent dedent, a null byte: no promise
        return False
    return found == lexed

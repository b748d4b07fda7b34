"""PowerShell rewrites for habits brought from other shells and languages, each a short rewrite.

Every rule here names where its habit comes from: PowerShell's own parser messages and about_* help
topics say what the language wants, and the habit is what bash, cmd.exe, C#, JavaScript/JSON or Python
write in its place. None is a pattern of one benchmark record; each is judged cross-validated
(``lastfix bench --folds``) like every named rule, and the validity oracle has the last word.

* A program path in a variable (``$exe /quiet``, ``$exe -arg``): a variable starts an expression, so
  its arguments are operators to PowerShell; the call operator ``&`` runs it (about_Operators).
* A comparison or logical operator without its dash (``$i le 2``, ``$a and $b``): bash's ``test`` and
  SQL/Python words; every such PowerShell operator starts with '-' (about_Comparison_Operators).
* A script block or a parenthesized command as a later pipeline stage (``gc f | { $_ }``,
  ``gc f | (Set-Content g)``): "Expressions are only allowed as the first element of a pipeline" (the
  parser's message); a stage is a command, so the block goes to ForEach-Object and the parentheses go.
* JSON written as a hashtable literal (``@{ "a": 1, "b": [2] }``): about_Hash_Tables writes
  ``@{ a = 1; b = @(2) }``: keys take '=', entries ';', nested objects '@{' and arrays '@('.
* ``true``, ``false``, ``null`` (C#, JavaScript, JSON) or ``True``/``False``/``None`` (Python) as values:
  PowerShell's are the automatic variables ``$true``, ``$false``, ``$null`` (about_Automatic_Variables).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..base import Rewrite, TextEdit, Token, TokenClass
from ..brackets import closing_bracket
from ..rules import Rule, RuleKind, TokenRewrite
from .lexicon import DASH_OPERATORS

__all__ = ["HABITS"]

_OPENERS = {"{": "}", "[": "]", "(": ")", "@{": "}", "@(": ")", "$(": ")"}
_CLOSERS = frozenset({"}", "]", ")"})
_STATEMENT_BREAKS = frozenset({";", "|", "{", "(", "&&", "||"})  # a pipeline may start after them
# the dash operators as words: ``-f`` left out, a lone ``f`` is far more often a name than a format
_OPERATOR_WORDS = frozenset(op[1:] for op in DASH_OPERATORS) - {"f"}
# tokens that end an operand, so an operator may follow
_OPERAND_ENDS = frozenset({")", "]"})
_LITERALS = {"true": "$true", "false": "$false", "null": "$null", "none": "$null"}


def _starts_statement(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Does ``tokens[i]`` start a pipeline (first token, or after a break or a line end)?"""
    if i == 0:
        return True
    prev = tokens[i - 1]
    return (
        prev.cls is TokenClass.LAYOUT
        or prev.text in _STATEMENT_BREAKS
        or "\n" in text[prev.end : tokens[i].start]
    )


def _same_line_spaced(text: str, left: Token, right: Token) -> bool:
    """Are ``left`` and ``right`` on one line with a blank between?"""
    gap = text[left.end : right.start]
    return gap != "" and gap.isspace() and "\n" not in gap


def _is_operand(tok: Token) -> bool:
    return (
        tok.kind == "<VARIABLE>"
        or tok.text == "$_"
        or tok.cls in (TokenClass.NUMBER, TokenClass.STRING)
        or tok.text in _OPERAND_ENDS
    )


def _variable_program(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``$exe /Action:Publish`` or ``$exe -i a.mp3`` -> ``& $exe ...``: a program held in a variable runs
    behind the call operator."""
    tok = tokens[i]
    if tok.kind != "<VARIABLE>" or i + 1 >= len(tokens) or not _starts_statement(text, tokens, i):
        return []
    nxt = tokens[i + 1]
    if not _same_line_spaced(text, tok, nxt):
        return []
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    switch = nxt.text == "/" and after is not None and after.kind == "<NAME>" and after.start == nxt.end
    if not (nxt.kind == "<PARAMETER>" or switch):
        return []
    return [Rewrite((TextEdit(tok.start, tok.start, "& "),), i)]


def _dashless_operator(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``$i le 2`` -> ``$i -le 2``, ``$a and $b`` -> ``$a -and $b``: an operator word between operands."""
    tok = tokens[i]
    if tok.kind != "<NAME>" or tok.text.lower() not in _OPERATOR_WORDS or not 0 < i < len(tokens) - 1:
        return []
    prev, nxt = tokens[i - 1], tokens[i + 1]
    if not (_is_operand(prev) and _same_line_spaced(text, prev, tok) and _same_line_spaced(text, tok, nxt)):
        return []
    if not (_is_operand(nxt) or nxt.text in ("(", "@(", "$(") or nxt.cls is TokenClass.NAME):
        return []
    return [Rewrite((TextEdit(tok.start, tok.start, "-"),), i)]


def _pipeline_stage(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``gc f | { $_.Trim() } | (Set-Content g)`` -> ``gc f | ForEach-Object { $_.Trim() } | Set-Content g``:
    every expression stage on the line made a command, proposed once, at the first of them."""
    if not _expression_stage(tokens, i):
        return []
    lo, hi = _line_start(text, tokens[i].start), _line_end(text, tokens[i].start)
    stages = [k for k in range(len(tokens)) if lo <= tokens[k].start < hi and _expression_stage(tokens, k)]
    if stages[0] != i:
        return []
    return [Rewrite(tuple(e for k in stages for e in _stage_edits(tokens, k)), i + 1)]


def _expression_stage(tokens: Sequence[Token], i: int) -> bool:
    """Is ``tokens[i]`` a '|' followed by a script block, or by a command in parentheses?"""
    if tokens[i].text != "|" or i == 0 or i + 2 >= len(tokens):
        return False
    if tokens[i + 1].text == "{":
        return True
    return (
        tokens[i + 1].text == "("
        and tokens[i + 2].kind == "<COMMAND>"
        and closing_bracket(tokens, i + 1, _OPENERS) is not None
    )


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _stage_edits(tokens: Sequence[Token], i: int) -> list[TextEdit]:
    """The edits that make the stage after the '|' ``tokens[i]`` a command."""
    opened = tokens[i + 1]
    if opened.text == "{":
        return [TextEdit(opened.start, opened.start, "ForEach-Object ")]
    close = closing_bracket(tokens, i + 1, _OPENERS)
    assert close is not None  # _expression_stage checked it
    return [
        TextEdit(opened.start, tokens[i + 2].start, ""),
        TextEdit(tokens[close].start, tokens[close].end, ""),
    ]


def _json_hashtable(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``@{ "a": 1, "b": [2, {"c": null}] }`` -> ``@{ "a" = 1; "b" = @(2, @{"c" = $null}) }``."""
    if tokens[i].text != "@{" or not _json_entry(tokens, i + 1):
        return []
    close = closing_bracket(tokens, i, _OPENERS)
    if close is None:
        return []
    edits: list[TextEdit] = []
    stack = ["hash"]  # what each bracket open inside the literal is: hash, array or code
    for k in range(i + 1, close):
        tok, prev = tokens[k], tokens[k - 1]
        value_start = (stack[-1] == "hash" and prev.text == ":") or (
            stack[-1] == "array" and prev.text in ("[", ",")
        )
        if tok.text == ":" and stack[-1] == "hash" and _json_entry(tokens, k - 1):
            edits.append(TextEdit(prev.end, tokens[k + 1].start, " = "))
        elif tok.text == "," and stack[-1] == "hash":
            edits.append(TextEdit(tok.start, tok.end, ";"))
        elif tok.text in ("{", "[") and value_start:
            edits.append(TextEdit(tok.start, tok.end, "@{" if tok.text == "{" else "@("))
            stack.append("hash" if tok.text == "{" else "array")
        elif tok.text == "]" and stack[-1] == "array":
            edits.append(TextEdit(tok.start, tok.end, ")"))
            stack.pop()
        elif tok.text in _OPENERS:
            stack.append("code")
        elif tok.text in _CLOSERS and len(stack) > 1:
            stack.pop()
        elif value_start and tok.kind == "<NAME>" and tok.text.lower() in ("true", "false", "null"):
            edits.append(TextEdit(tok.start, tok.end, _LITERALS[tok.text.lower()]))
    return [Rewrite(tuple(edits), i)] if edits else []


def _json_entry(tokens: Sequence[Token], k: int) -> bool:
    """Is ``tokens[k]`` a key (a string or a name) followed by ':'?"""
    return (
        k + 1 < len(tokens)
        and tokens[k].cls in (TokenClass.STRING, TokenClass.NAME)
        and tokens[k].kind != "<VARIABLE>"
        and tokens[k + 1].text == ":"
    )


def _bare_literal(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``if ($a -eq null)`` -> ``if ($a -eq $null)``, ``$ok = True`` -> ``$ok = $true`` (after an operator
    or a comma, where a value is expected)."""
    tok = tokens[i]
    word = tok.text.lower()
    if tok.kind != "<NAME>" or word not in _LITERALS or i == 0:
        return []
    prev = tokens[i - 1]
    if not (prev.cls is TokenClass.OPERATOR and prev.text not in ("|", "&", ".", "::") or prev.text == ","):
        return []
    return [Rewrite((TextEdit(tok.start, tok.end, _LITERALS[word]),), i)]


def _rule(name: str, doc: str, work: TokenRewrite, cost: float = 1.0) -> Rule[TokenRewrite]:
    return Rule(f"powershell.{name}", "powershell", RuleKind.REWRITE, doc, work, cost=cost)


# Token by token in this order, after rewrites.REWRITES.
HABITS: tuple[Rule[TokenRewrite], ...] = (
    _rule(
        "call-operator-variable",
        "$exe /quiet -> & $exe /quiet: a program in a variable runs behind & (about_Operators)",
        _variable_program,
    ),
    _rule(
        "dashless-operator",
        "$i le 2 -> $i -le 2: bash test / SQL operator words; PowerShell's start with '-' (about_Operators)",
        _dashless_operator,
    ),
    _rule(
        "pipeline-stage-command",
        "x | { $_ } -> x | ForEach-Object { $_ }: 'Expressions are only allowed as the first element'",
        _pipeline_stage,
    ),
    _rule(
        "json-hashtable",
        '@{ "a": 1, "b": [2] } -> @{ "a" = 1; "b" = @(2) }: a JSON object written as a hashtable',
        _json_hashtable,
    ),
    _rule(
        "bare-literal",
        "$a -eq null -> $a -eq $null: C#/JSON/Python true, false, null, None (about_Automatic_Variables)",
        _bare_literal,
    ),
)

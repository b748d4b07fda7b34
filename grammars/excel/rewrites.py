"""Excel slips that are one mistake to the user but several tokens to the lexer.

The token search inserts, deletes and substitutes whole tokens, so it cannot say "this range end lost its
column" (``A1:10`` -> ``A1:A10``: the number becomes a cell), "this reference is not text"
(``"$A$1":"$B$1"`` -> ``$A$1:$B$1``) or "this time needs quotes" (``TIMEVALUE(7:00)`` ->
``TIMEVALUE("7:00")``: three tokens become one string), "this row lost its column's colon"
(``A:6`` -> ``A6``), "this decimal point was a comma" (``=IF(B3=5. "25")``), "this comma is inside
the quotes" (``"Decrease," "Increase"``) or "these semicolons are a locale's argument separators"
(``=IF(A2>7;7;A2)``: one habit, however many times it shows), and "a criterion is text, not a
comparison" (``=COUNTIF(C2:C25>24)`` -> ``=COUNTIF(C2:C25,">24")``), "that comma was the comparison"
(``(J3:J152,"henlow")`` -> ``(J3:J152="henlow")``: the same habit inside an array formula), "AND is a
function, not an operator" (``ISBLANK(L6) AND(ISBLANK(K6))`` -> ``AND(ISBLANK(L6),ISBLANK(K6))``) and
"this cell lost its column to a blank" (``B 20`` -> ``B20``), comparisons reversed or written the C way
(``=>`` -> ``>=``, ``!=`` -> ``<>``) and a string left open (``"Yes,1,0)`` -> ``"Yes",1,0)``).
Token edit distance also prices these as rewrites (a string replaced by a cell is a deletion plus an
insertion of content), so each proposal carries the cost of the one slip it undoes; the validity oracle
still has the last word. Each is a named rule (``TOKEN_REWRITES``, ``WINDOW_REWRITES``;
grammars.rules) that can be switched off and traced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..base import Rewrite, TextEdit, Token, TokenClass
from ..brackets import bracket_arguments, closing_bracket
from ..rules import Rule, RuleKind, TokenRewrite, WindowRewrite, run_rewrites

__all__ = ["excel_rewrites", "REWRITES", "TOKEN_REWRITES", "WINDOW_REWRITES"]

_CELL = re.compile(r"(\$?)([A-Za-z]{1,3})\$?(\d+)")
_REFERENCE_TEXT = re.compile(r"\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?")
_TIME_PART = re.compile(r"\d{1,2}")
_COLUMN = re.compile(r"[A-Za-z]{1,3}")
_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
_LOGIC = frozenset({"AND", "OR", "XOR"})
# two operator characters the lexer splits, read as one comparison: reversed or from C-family languages
_C_COMPARISONS = {"=>": ">=", "=<": "<=", "==": "="}
_OPERAND_ENDS = frozenset({TokenClass.REFERENCE, TokenClass.NUMBER, TokenClass.STRING, TokenClass.NAME})
CRITERIA_FUNCTIONS = frozenset(
    {"COUNTIF", "COUNTIFS", "SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS", "MAXIFS", "MINIFS"}
)
QUOTE_COST = 1.5  # two quotation marks, one slip: dearer than one missing character
# one key for its neighbour: a substitution (EditCosts.substitute_discount); cheaper than inserting a
# comma after "5.", which leaves a trailing point nobody types
SUBSTITUTE_COST = 0.8
REPEAT_COST = 0.5  # each further occurrence of a slip already made once in the formula


def excel_rewrites(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """The rewrites of ``tokens[first:last]``, token by token, then the window's; each names its rule."""
    return run_rewrites(TOKEN_REWRITES, WINDOW_REWRITES, text, tokens, first, last)


def _quoted_reference(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``"$A$1"`` -> ``$A$1``: a reference written as text."""
    tok = tokens[i]
    if tok.cls is TokenClass.STRING and _REFERENCE_TEXT.fullmatch(tok.text[1:-1]):
        return [Rewrite((TextEdit(tok.start, tok.end, tok.text[1:-1]),), i)]
    return []


def _quoted_references(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """``"$A$1":"$B$1"``: one misunderstanding (references as text) made twice, undone at once."""
    quoted = [
        (i, tokens[i])
        for i in range(first, last)
        if tokens[i].cls is TokenClass.STRING and _REFERENCE_TEXT.fullmatch(tokens[i].text[1:-1])
    ]
    if len(quoted) < 2:
        return []
    edits = tuple(TextEdit(t.start, t.end, t.text[1:-1]) for _, t in quoted)
    return [Rewrite(edits, quoted[0][0], 1.0 + REPEAT_COST * (len(quoted) - 1))]


def _unquoted_time(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``TIMEVALUE(7:00)`` -> ``TIMEVALUE("7:00")``: a time needs quotes (three tokens become one string)."""
    time = _time_span(tokens, i, last)
    if time is None:
        return []
    start, end = tokens[i].start, tokens[time - 1].end
    return [Rewrite((TextEdit(start, end, f'"{text[start:end]}"'),), i, QUOTE_COST)]


def _semicolons(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """``=IF(A2>7;7;A2)``: ';' as the argument separator (many European locales), one habit."""
    semicolons = [
        i for i in range(first, last) if tokens[i].text == ";" and tokens[i].cls is TokenClass.PUNCT
    ]
    if not semicolons:
        return []
    edits = tuple(TextEdit(tokens[i].start, tokens[i].end, ",") for i in semicolons)
    return [Rewrite(edits, semicolons[0], 1.0 + REPEAT_COST * (len(semicolons) - 1))]


def _criteria(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """``COUNTIF(C2:C25>24)`` -> ``COUNTIF(C2:C25,">24")``: the *IF(S) functions take a range and a
    criterion string, and people write the comparison they mean instead (every such argument of a call
    is the same misunderstanding)."""
    out: list[Rewrite] = []
    for i in range(first, min(last, len(tokens)) - 1):
        if tokens[i].text.upper() not in CRITERIA_FUNCTIONS or tokens[i + 1].text != "(":
            continue
        edits = [
            e for arg in bracket_arguments(tokens, i + 1) if (e := _criterion_edit(tokens, arg)) is not None
        ]
        if edits:
            out.append(Rewrite(tuple(edits), i, QUOTE_COST + REPEAT_COST * (len(edits) - 1)))
    return out


def _criterion_edit(tokens: Sequence[Token], arg: tuple[int, int]) -> TextEdit | None:
    """``range OP operand`` -> ``range,"OP…"``, or None when the argument is not such a comparison."""
    a, b = arg
    if b - a < 3 or tokens[b - 2].text not in _COMPARISONS or tokens[b - 2].cls is not TokenClass.OPERATOR:
        return None
    if any(t.cls is not TokenClass.REFERENCE and t.text != ":" for t in tokens[a : b - 2]):
        return None  # the left side must be a range, not an expression
    op, operand = tokens[b - 2], tokens[b - 1]
    if operand.cls is TokenClass.NUMBER:
        criterion = f'"{op.text}{operand.text}"'
    elif operand.cls is TokenClass.STRING and '"' not in operand.text[1:-1]:
        criterion = f'"{op.text}{operand.text[1:-1]}"'
    elif operand.cls is TokenClass.REFERENCE:
        criterion = f'"{op.text}"&{operand.text}'
    else:
        return None
    return TextEdit(tokens[b - 3].end, operand.end, "," + criterion)


def _criterion_groups(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """``SUMPRODUCT((J3:J152,"henlow")*(K3:K152,"e1"))`` -> ``(J3:J152="henlow")*(K3:K152="e1")``: a
    range and a value in plain parentheses is the criterion habit of COUNTIF, where the comparison was
    meant (a union joins references only); every such group in the window is one misunderstanding. A
    group that is a whole argument loses its parentheses: ``IF((C1,"-"),A1,"")`` -> ``IF(C1="-",A1,"")``."""
    edits: list[TextEdit] = []
    for i in range(max(first - 1, 1), min(last, len(tokens))):
        if tokens[i].text != "(" or tokens[i - 1].cls is TokenClass.NAME:
            continue  # a call's own parenthesis
        args = bracket_arguments(tokens, i)
        if len(args) != 2 or args[1][1] >= len(tokens) or tokens[args[1][1]].text != ")":
            continue
        (a, comma), (_, close) = args
        if any(t.cls is not TokenClass.REFERENCE and t.text != ":" for t in tokens[a:comma]):
            continue
        if close - comma != 2 or tokens[comma + 1].cls not in (TokenClass.STRING, TokenClass.NUMBER):
            continue
        comparison = f"{text[tokens[a].start : tokens[comma].start].rstrip()}={tokens[comma + 1].text}"
        whole = (
            tokens[i - 1].text in ("(", ",")
            and close + 1 < len(tokens)
            and tokens[close + 1].text in (",", ")")
        )
        span = (tokens[i].start, tokens[close].end) if whole else (tokens[a].start, tokens[close].start)
        edits.append(TextEdit(*span, comparison))
    if not edits:
        return []
    return [Rewrite(tuple(edits), first, 1.0 + REPEAT_COST * (len(edits) - 1))]


def _split_cell(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``B 20`` -> ``B20``: a blank typed between a cell's column and its row."""
    if i + 1 >= len(tokens):
        return []
    col, row = tokens[i], tokens[i + 1]
    gap = text[col.end : row.start]
    if (
        col.cls is TokenClass.NAME
        and _COLUMN.fullmatch(col.text)
        and row.cls is TokenClass.NUMBER
        and row.text.isdigit()
        and not row.text.startswith("0")
        and gap
        and gap.isspace()
        and "\n" not in gap
    ):
        return [Rewrite((TextEdit(col.end, row.start, ""),), i + 1)]
    return []


def _infix_logic(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``ISBLANK(L6) AND(ISBLANK(K6))`` or ``A1>5 AND B1<3`` -> ``AND(ISBLANK(L6),ISBLANK(K6))`` /
    ``AND(A1>5,B1<3)``: AND, OR and XOR written between their operands, as in most languages."""
    tok = tokens[i]
    if tok.cls is not TokenClass.NAME or tok.text.upper() not in _LOGIC or i < 2:
        return []
    prev = tokens[i - 1]
    if not (prev.cls in _OPERAND_ENDS or prev.text == ")"):
        return []  # "=AND(" or ",OR(": already a function
    start = _argument_start(tokens, i)
    if start >= i or tokens[start].text.upper() in _LOGIC:
        return []
    left = text[tokens[start].start : prev.end]
    if i + 1 < len(tokens) and tokens[i + 1].text == "(":
        close = closing_bracket(tokens, i + 1)
        if close is None:
            return []
        right, end = text[tokens[i + 2].start : tokens[close].start], tokens[close].end
    else:
        stop = _argument_end(tokens, i + 1)
        if stop == i + 1:
            return []
        right, end = text[tokens[i + 1].start : tokens[stop - 1].end], tokens[stop - 1].end
    joined = f"{tok.text}({left.strip()},{right.strip()})"
    return [Rewrite((TextEdit(tokens[start].start, end, joined),), i)]


def _argument_start(tokens: Sequence[Token], i: int) -> int:
    """Index of the first token of the argument (or formula) holding ``tokens[i]``."""
    depth = 0
    for k in range(i - 1, -1, -1):
        t = tokens[k].text
        if t in (")", "}"):
            depth += 1
        elif t in ("(", "{"):
            if depth == 0:
                return k + 1
            depth -= 1
        elif depth == 0 and (t == "," or (k == 0 and t == "=")):
            return k + 1
    return 0


def _argument_end(tokens: Sequence[Token], i: int) -> int:
    """Index one past the last token of the argument starting at ``tokens[i]``."""
    depth = 0
    for k in range(i, len(tokens)):
        t = tokens[k].text
        if t in ("(", "{"):
            depth += 1
        elif t in (")", "}"):
            if depth == 0:
                return k
            depth -= 1
        elif t == "," and depth == 0:
            return k
    return len(tokens)


def _stray_colon(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``A:6`` -> ``A6`` (and ``$Y:31``): a colon typed between a cell's column and its row."""
    if i + 2 >= len(tokens) or tokens[i + 1].text != ":":
        return []
    col, colon, row = tokens[i], tokens[i + 1], tokens[i + 2]
    if not (col.end == colon.start and colon.end == row.start):
        return []
    if col.cls is TokenClass.NAME and _COLUMN.fullmatch(col.text) and row.text.isdigit():
        return [Rewrite((TextEdit(colon.start, colon.end, ""),), i + 1)]
    return []


def _decimal_comma(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``=IF(B3=5. "25")`` -> ``5, "25"``: the key beside the comma, before the next argument."""
    tok = tokens[i]
    if tok.cls is not TokenClass.NUMBER or not tok.text.endswith(".") or i + 1 >= len(tokens):
        return []
    nxt = tokens[i + 1]
    if nxt.start == tok.end or nxt.cls in (TokenClass.OPERATOR, TokenClass.PUNCT):
        return []  # "5.)" or "5.+1": a trailing point is legal there, not a separator
    return [Rewrite((TextEdit(tok.end - 1, tok.end, ","),), i, SUBSTITUTE_COST)]


def _comma_in_quotes(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``"Decrease," "Increase"`` -> ``"Decrease", "Increase"``: the separator typed inside the quotes."""
    tok = tokens[i]
    if tok.cls is not TokenClass.STRING or len(tok.text) < 3 or i + 1 >= len(tokens):
        return []
    nxt = tokens[i + 1]
    if tok.text.endswith(',"') and nxt.text not in (",", ")") and nxt.cls is not TokenClass.OPERATOR:
        return [Rewrite((TextEdit(tok.end - 2, tok.end, '",'),), i)]
    return []


def _range_end(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``A1:10`` -> ``A1:A10`` and ``1:A10`` -> ``A1:A10``: a range end written without its column."""
    if i + 2 >= len(tokens) or tokens[i + 1].text != ":":
        return []
    left, colon, right = tokens[i], tokens[i + 1], tokens[i + 2]
    if not (left.end == colon.start and colon.end == right.start):
        return []
    # Only ranges that run down the sheet: people write A1:A10, and C34:C2 is more likely "C34,2" (a
    # separator slip) than a range typed upside down.
    if left.cls is TokenClass.REFERENCE and right.cls is TokenClass.NUMBER and right.text.isdigit():
        m = _CELL.fullmatch(left.text)
        if m and int(right.text) >= int(m.group(3)):
            return [Rewrite((TextEdit(right.start, right.start, m.group(1) + m.group(2)),), i + 2)]
    if left.cls is TokenClass.NUMBER and left.text.isdigit() and right.cls is TokenClass.REFERENCE:
        m = _CELL.fullmatch(right.text)
        if m and int(left.text) <= int(m.group(3)):
            return [Rewrite((TextEdit(left.start, left.start, m.group(1) + m.group(2)),), i)]
    return []


def _time_span(tokens: Sequence[Token], i: int, last: int) -> int | None:
    """End index of an unquoted time ``7:00`` / ``07:00:00`` starting at token ``i``, or None."""

    def part(k: int) -> bool:
        return tokens[k].cls is TokenClass.NUMBER and bool(_TIME_PART.fullmatch(tokens[k].text))

    if not part(i) or (i > 0 and tokens[i - 1].text == ":"):  # start at the first part only
        return None
    j = i
    end = min(last, len(tokens))
    while j + 2 < end and tokens[j + 1].text == ":" and part(j + 2):
        if not (tokens[j].end == tokens[j + 1].start and tokens[j + 1].end == tokens[j + 2].start):
            break
        j += 2
    return j + 1 if j > i else None


def _c_comparison(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``A1=>10`` -> ``A1>=10``, ``=<`` -> ``<=``, ``==`` -> ``=``, ``A1!=10`` -> ``A1<>10``: a comparison
    written reversed or the C way (Excel compares with ``>=``, ``<=``, ``=`` and ``<>``)."""
    if i + 1 >= len(tokens):
        return []
    tok, nxt = tokens[i], tokens[i + 1]
    if tok.end != nxt.start or (nxt.text != "=" and tok.text != "="):
        return []
    if tok.text == "=" and tok.cls is TokenClass.OPERATOR and nxt.cls is TokenClass.OPERATOR:
        excel_way = _C_COMPARISONS.get(tok.text + nxt.text)
        if excel_way is not None:
            return [Rewrite((TextEdit(tok.start, nxt.end, excel_way),), i)]
    # the lexer reads "A1!" as the start of a sheet reference, so "!=" is not one token
    if tok.cls is TokenClass.REFERENCE and tok.text.endswith("!") and nxt.text == "=" and len(tok.text) > 1:
        return [Rewrite((TextEdit(tok.end - 1, nxt.end, "<>"),), i)]
    return []


def _unclosed_string(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``=IF(A1="Yes,1,0)`` -> ``=IF(A1="Yes",1,0)``: a string left open is closed before the next ','
    or ')' of its line (the line would end inside the formula otherwise), else at the end of the line."""
    tok = tokens[i]
    if tok.text != '"' or tok.cls is TokenClass.STRING:
        return []
    end = text.find("\n", tok.end)
    end = len(text) if end < 0 else end
    out = []
    stop = next(
        (t for t in tokens[i + 1 :] if t.start < end and t.cls is TokenClass.PUNCT and t.text in (",", ")")),
        None,
    )
    # "'!A1)": text of a sheet reference (INDIRECT's address) is split by "&", not closed after the cell
    if stop is not None and "!" not in text[tok.end : stop.start]:
        at = len(text[: stop.start].rstrip())
        out.append(Rewrite((TextEdit(at, at, '"'),), i))
    if end > tok.end:  # blanks before the line end stay inside the string the user typed
        out.append(Rewrite((TextEdit(end, end, '"'),), i))
    return out


def _rule(name: str, doc: str, work: TokenRewrite, cost: float = 1.0) -> Rule[TokenRewrite]:
    return Rule(f"excel.{name}", "excel", RuleKind.REWRITE, doc, work, cost=cost)


# Token by token in this order, then the window rules (the order proposals of equal cost are tried in).
TOKEN_REWRITES: tuple[Rule[TokenRewrite], ...] = (
    _rule("range-end-column", "A1:10 -> A1:A10: a range end written without its column", _range_end),
    _rule("quoted-reference", '"$A$1" -> $A$1: a reference written as text', _quoted_reference),
    _rule(
        "unquoted-time",
        'TIMEVALUE(7:00) -> TIMEVALUE("7:00"): a time without its quotes',
        _unquoted_time,
        QUOTE_COST,
    ),
    _rule("stray-colon", "A:6 -> A6: a colon typed between a cell's column and its row", _stray_colon),
    _rule(
        "decimal-comma",
        '=IF(B3=5. "25") -> 5, "25": the point key for the comma beside it',
        _decimal_comma,
        SUBSTITUTE_COST,
    ),
    _rule(
        "comma-in-quotes",
        '"Decrease," "Increase" -> "Decrease", "Increase": the separator typed inside the quotes',
        _comma_in_quotes,
    ),
    _rule("split-cell", "B 20 -> B20: a blank typed between a cell's column and its row", _split_cell),
    _rule(
        "infix-logic",
        "A1>5 AND B1<3 -> AND(A1>5,B1<3): AND/OR/XOR written between operands, as in most languages",
        _infix_logic,
    ),
    _rule(
        "c-comparison",
        "A1=>10 -> A1>=10, =< -> <=, == -> =, != -> <>: comparisons written reversed or the C-family way",
        _c_comparison,
    ),
    _rule(
        "unclosed-string",
        '=IF(A1="Yes,1,0) -> "Yes",1,0: a string closed before the separator it cannot be meant to hold',
        _unclosed_string,
    ),
)
WINDOW_REWRITES: tuple[Rule[WindowRewrite], ...] = (
    Rule(
        "excel.quoted-references",
        "excel",
        RuleKind.REWRITE,
        '"$A$1":"$B$1" -> $A$1:$B$1: references written as text, more than once (one misunderstanding)',
        _quoted_references,
        cost=1.0,
    ),
    Rule(
        "excel.criteria-comparison",
        "excel",
        RuleKind.REWRITE,
        'COUNTIF(C2:C25>24) -> COUNTIF(C2:C25,">24"): the comparison meant instead of a criterion string',
        _criteria,
        cost=QUOTE_COST,
    ),
    Rule(
        "excel.criterion-group",
        "excel",
        RuleKind.REWRITE,
        '(J3:J152,"henlow") -> (J3:J152="henlow"): COUNTIF\'s criterion habit inside an array formula',
        _criterion_groups,
        cost=1.0,
    ),
    Rule(
        "excel.semicolon-separators",
        "excel",
        RuleKind.REWRITE,
        "=IF(A2>7;7;A2) -> =IF(A2>7,7,A2): a European locale's ';' as the argument separator",
        _semicolons,
        cost=1.0,
    ),
)
REWRITES: tuple[Rule[Any], ...] = TOKEN_REWRITES + WINDOW_REWRITES

"""PowerShell slips that are one mistake to the user but no single token edit to the search.

* A space between a method and its parenthesis (``[Math]::Sqrt (9)``: PowerShell then passes ``(9)`` as
  a command argument) is whitespace, which the token search never edits.
* A program path in quotes where a command starts (``"C:\\ffmpeg.exe" -i a.mp3``, ``echo a | "x.exe"``)
  is a string expression, not a command, until the call operator ``&`` says so.
* JSON pasted as a command argument (``-Body {"a": [1]}``) is a script block to PowerShell; the user
  meant the text, so it goes in single quotes.
* A cmd.exe command line pasted as is: ``mysql db < dump.sql`` (PowerShell reserves ``<``) or an
  external program whose arguments hold ``;`` or ``(`` (``sc.exe sdset bits D:(A;;CC;;;SY)``). Handing
  the line to cmd (``cmd /c "..."``) keeps it word for word; for ``<`` the PowerShell way is also
  offered: ``Get-Content dump.sql | mysql db``.
* A bare URL with ``&`` in its query (``curl http://x/?a=1&b=2``): PowerShell reserves ``&`` and its
  message asks to quote it; the whole word goes in quotes.
* Quotes inside a string not escaped (``$s = "He said "hi" there"``): three expressions in a row to
  PowerShell; the user meant one string, so the inner quotes get backticks.
* A script block opened nowhere: ``gci | Where-Object $_.Length -gt 0} | sort``. The '}' the user
  typed says where the block ends; cmdlets that take a script block where their arguments start say
  where it begins.
* Habits of other languages: C-family operators (``if ($n == 3 && $m != 2)`` -> ``-eq``, ``-and``,
  ``-ne``: one habit, however many times it shows) and a string left open, closed at its line end.

Each proposal costs the slip it undoes; the validity oracle still has the last word. Each is a named rule
(``REWRITES``; grammars.rules) that can be switched off and traced.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..base import Rewrite, TextEdit, Token, TokenClass
from ..brackets import closing_bracket, innermost_open, opening_bracket
from ..rules import Rule, RuleKind, TokenRewrite, run_rewrites

__all__ = ["powershell_rewrites", "REWRITES"]

_STATEMENT_BREAKS = frozenset({";", "|", "{", "(", "&&", "||", "="})  # a pipeline may start after them
_STATEMENT_ENDS = frozenset({";", "|", "&&", "||"})
_OPENERS = {"{": "}", "[": "]", "(": ")", "@{": "}", "@(": ")", "$(": ")"}
_CLOSERS = frozenset({"}", "]", ")"})
_LOOPS = frozenset({"foreach", "for", "while", "switch"})
# C-family operators and PowerShell's (``==`` -> ``-eq``): one habit, priced as the hinted edit (the
# issue points at the '='), so deleting that '=' (an assignment inside a condition) never ranks first
_C_OPERATOR_COST = 0.4
_REPEAT_COST = 0.2  # each further C-family operator of the same condition
_C_LOGIC = {"&&": "-and", "||": "-or"}
_PASTED_CMD_COST = 2.0  # the whole line changes hands: dearer than any one-token slip
# ``a < f``: what PowerShell's own message asks for, one habit from cmd; deleting the '<' (one token) would
# pass the file as an argument instead, so these go first
_INPUT_REDIRECT_COST = 1.0
_EXTERNAL_SUFFIXES = (".exe", ".cmd", ".bat", ".com")
# the price of a hinted edit (ranking.EditCosts.hinted): the message points at the '}', and inserting its
# '{' keeps what the user typed where deleting it (the hinted alternative) would not
_UNOPENED_BLOCK_COST = 0.4
# cmdlets (and their aliases) whose first positional parameter is a script block
_BLOCK_TAKERS = frozenset(
    {"where-object", "where", "?", "foreach-object", "foreach", "%", "invoke-command", "icm"}
    | {"measure-command", "start-job", "sajb"}
)


def powershell_rewrites(text: str, tokens: Sequence[Token], first: int, last: int) -> list[Rewrite]:
    """The rewrites of ``tokens[first:last]``, token by token; each names its rule."""
    return run_rewrites(REWRITES, (), text, tokens, first, last)


def _method_call_space(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``[Math]::Sqrt (9)`` -> ``[Math]::Sqrt(9)``: a blank between a method and its parenthesis."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if (
        nxt is not None
        and nxt.text == "("
        and tok.cls is TokenClass.NAME
        and i > 0
        and tokens[i - 1].text in (".", "::")
        and tok.end < nxt.start
        and text[tok.end : nxt.start].isspace()
        and "\n" not in text[tok.end : nxt.start]
    ):
        return [Rewrite((TextEdit(tok.end, nxt.start, ""),), i + 1)]
    return []


def _program_string(text: str, tokens: Sequence[Token], i: int) -> tuple[bool, bool] | None:
    """(piped, has arguments) of a string that starts a statement, or None when ``tokens[i]`` is not one."""
    tok = tokens[i]
    if tok.cls is not TokenClass.STRING or not _starts_statement(text, tokens, i):
        return None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    piped = i > 0 and tokens[i - 1].text == "|"
    has_arguments = (
        nxt is not None
        and nxt.cls is not TokenClass.LAYOUT
        and nxt.text not in _STATEMENT_ENDS
        and nxt.text not in _CLOSERS
        and "\n" not in text[tok.end : nxt.start]
    )
    return piped, has_arguments


def _call_operator(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``"C:\\ffmpeg.exe" -i a.mp3`` -> ``& "C:\\ffmpeg.exe" -i a.mp3``: a quoted program path runs only
    behind the call operator."""
    program = _program_string(text, tokens, i)
    if program is None or not any(program):
        return []
    return [Rewrite((TextEdit(tokens[i].start, tokens[i].start, "& "),), i)]


def _command_line_string(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``$s = "C:\\app.exe" /install``: a command line meant as a string."""
    program = _program_string(text, tokens, i)
    if program is None or not program[1] or i <= 1:
        return []
    if tokens[i - 1].text == "=" and tokens[i - 2].kind == "<VARIABLE>":
        return _quoted_command_line(text, tokens, i)
    return []


def _json(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    if tokens[i].text in ("{", "[") and _json_argument(tokens, i):
        return _quoted_json(text, tokens, i)
    return []


def _cmd_line(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    if tokens[i].kind == "<COMMAND>" and tokens[i].cls is TokenClass.NAME:
        return _pasted_cmd_line(text, tokens, i)
    return []


def _closed_early(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    return _closed_before_arguments(text, tokens, i) if tokens[i].text == ")" and i > 0 else []


def _block_opened_nowhere(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    return _unopened_block(text, tokens, i) if tokens[i].text == "}" and i > 0 else []


def _ampersand(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    if tokens[i].text == "&" and i > 0 and tokens[i - 1].kind == "<ARG>" and _touching(tokens, i - 1):
        return _ampersand_in_word(text, tokens, i - 1)
    return []


def _inner_quotes(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    tok = tokens[i]
    if tok.cls is TokenClass.STRING and tok.text.startswith('"') and _expression_expected(text, tokens, i):
        return _unescaped_quotes(text, tokens, i)
    return []


def _pipe_into_expression(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    if tokens[i].text == "|" and 0 < i < len(tokens) - 1 and tokens[i + 1].text == "$_":
        return _piped_into_expression(text, tokens, i)
    return []


def _pipe_after_statement(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    if tokens[i].text == "|" and 0 < i < len(tokens) - 1 and tokens[i - 1].text == "}":
        return _piped_statement(text, tokens, i)
    return []


def _statement_start(text: str, tokens: Sequence[Token], i: int) -> int:
    """Index of the first token of the pipeline holding ``tokens[i]`` (bracketed groups skipped)."""
    k = i
    while k > 0:
        prev = tokens[k - 1]
        if prev.text in _CLOSERS:
            opened = opening_bracket(tokens, k - 1, _OPENERS)
            k = opened if opened is not None else k - 1
        elif prev.text != "|" and _starts_statement(text, tokens, k):
            break
        else:
            k -= 1
    return k


def _element_end(text: str, tokens: Sequence[Token], i: int) -> int:
    """Index one past the last token of the pipeline element starting at ``tokens[i]``."""
    end = _line_end(text, tokens[i].start)
    k, depth = i, 0
    while k < len(tokens) and tokens[k].start < end:
        t = tokens[k].text
        if depth == 0 and (t in _STATEMENT_ENDS or t in _CLOSERS):
            break
        depth += (t in _OPENERS) - (t in _CLOSERS)
        k += 1
    return k


def _piped_into_expression(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``New-Object X("a") | $_.Translate(T)``: ``$_`` exists only inside a script block, and an expression
    cannot follow '|'. Either the command's result is the expression's object, ``$(New-Object
    X("a")).Translate(T)``, or every item is: ``New-Object X("a") | ForEach-Object { $_.Translate(T) }``."""
    first, end = _statement_start(text, tokens, i), _element_end(text, tokens, i + 1)
    if first >= i or end <= i + 1:
        return []
    left = text[tokens[first].start : tokens[i - 1].end]
    member = text[tokens[i + 1].end : tokens[end - 1].end]
    whole = (tokens[first].start, tokens[end - 1].end)
    subexpression = TextEdit(*whole, f"$({left}){member}")
    each = TextEdit(tokens[i + 1].start, tokens[end - 1].end, f"ForEach-Object {{ $_{member} }}")
    return [Rewrite((subexpression,), i), Rewrite((each,), i)]


def _piped_statement(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``foreach ($i in gci) { $i.Length } | measure``: a loop is a statement, not a pipeline element;
    PowerShell's message asks for ``$( )`` around it."""
    block = opening_bracket(tokens, i - 1, _OPENERS)
    if block is None or block < 2 or tokens[block - 1].text != ")":
        return []
    condition = opening_bracket(tokens, block - 1, _OPENERS)
    head = -1 if condition is None else condition - 1
    if head < 0 or tokens[head].text.lower() not in _LOOPS:
        return []
    start, end = tokens[head].start, tokens[i - 1].end
    return [Rewrite((TextEdit(start, start, "$("), TextEdit(end, end, ")")), i)]


def _touching(tokens: Sequence[Token], i: int) -> bool:
    """Is ``tokens[i]`` written against the next token, with no blank between?"""
    return i + 1 < len(tokens) and tokens[i].end == tokens[i + 1].start


def _ampersand_in_word(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``-Uri https://x/?a=1&b=2`` -> ``-Uri "https://x/?a=1&b=2"``: the word ``tokens[i]`` starts, up to
    the next blank, in quotes (single ones when it holds a double quote)."""
    last = i
    while _touching(tokens, last):
        last += 1
    start, end = tokens[i].start, tokens[last].end
    word = text[start:end]
    if '"' not in word:
        quoted = f'"{word}"'
    elif "'" not in word:
        quoted = f"'{word}'"
    else:
        return []
    return [Rewrite((TextEdit(start, end, quoted),), i)]


# before a string that starts an expression, not a command argument
_EXPRESSION_STARTS = frozenset({"=", "(", "{", ",", ";", "return"})


def _expression_expected(text: str, tokens: Sequence[Token], i: int) -> bool:
    if i == 0 or "\n" in text[tokens[i - 1].end : tokens[i].start]:
        return True
    prev = tokens[i - 1]
    return prev.text.lower() in _EXPRESSION_STARTS or prev.cls in (TokenClass.OPERATOR, TokenClass.LAYOUT)


def _unescaped_quotes(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``$s = "He said "hi" there"`` -> ``$s = "He said `"hi`" there"``: from the string ``tokens[i]`` to the
    last double-quoted string on its line with words or variables (and maybe strings) between, one string."""
    line_end = _line_end(text, tokens[i].start)
    last, k = None, i + 1
    while k < len(tokens) and tokens[k].start < line_end:
        t = tokens[k]
        if t.cls is TokenClass.STRING and t.text.startswith('"'):
            last = k
        elif t.cls not in (TokenClass.NAME, TokenClass.NUMBER, TokenClass.STRING) or t.kind == "<PARAMETER>":
            break
        k += 1
    if last is None or all(t.cls is TokenClass.STRING for t in tokens[i + 1 : last]):
        return []  # "a" "b": strings side by side miss a comma or an operator, not an escape
    start, end = tokens[i].start, tokens[last].end
    inner = text[start + 1 : end - 1]
    escaped = "".join(
        '`"' if c == '"' and (n == 0 or inner[n - 1] != "`") else c for n, c in enumerate(inner)
    )
    return [Rewrite((TextEdit(start, end, f'"{escaped}"'),), i)]


def _unopened_block(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``gci | Where-Object $_.Length -gt 0} | sort``: a '}' no '{' opens, in a pipeline element whose
    command takes a script block: the block starts with the command's arguments, spaced like its end."""
    opened = innermost_open(tokens, i, _OPENERS)
    if opened is not None and _OPENERS[tokens[opened].text] == "}":
        return []
    head = _element_start(text, tokens, i)
    if not (head + 1 < i and tokens[head].text.lower() in _BLOCK_TAKERS and tokens[head + 1].text != "{"):
        return []
    spaced = text[tokens[i - 1].end : tokens[i].start] != ""
    start = tokens[head + 1].start
    return [Rewrite((TextEdit(start, start, "{ " if spaced else "{"),), i, _UNOPENED_BLOCK_COST)]


def _element_start(text: str, tokens: Sequence[Token], i: int) -> int:
    """Index of the first token of the pipeline element holding ``tokens[i]``."""
    start = _statement_start(text, tokens, i)
    depth = 0
    for k in range(start, i):
        t = tokens[k].text
        depth += (t in _OPENERS) - (t in _CLOSERS)
        if depth == 0 and t == "|":
            start = k + 1
    return start


def _line_end(text: str, offset: int) -> int:
    """Offset of the end of the line holding ``offset``, trailing blanks left out."""
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    return len(text[:end].rstrip())


def _quoted_command_line(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``$s = "C:\\app.exe" /install /quiet``: a command line meant as a string, so the line after '='
    becomes one string, its quotes escaped with backticks."""
    start, end = tokens[i].start, _line_end(text, tokens[i].start)
    line = text[start:end]
    if any(t.text in _STATEMENT_ENDS for t in tokens if start <= t.start < end):
        return []  # a pipe or a second statement: code, not one command line
    body = line.replace("`", "``").replace('"', '`"')
    return [Rewrite((TextEdit(start, end, f'"{body}"'),), i, _PASTED_CMD_COST)]


def _closed_before_arguments(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``(gwmi Win32_ComputerSystem).Domain -ComputerName $pc``: the parenthesis closed before the
    command's parameters, which then follow a member access; it moves, with the member access, after
    them: ``(gwmi Win32_ComputerSystem -ComputerName $pc).Domain``."""
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].text == "." and tokens[j + 1].cls is TokenClass.NAME:
        j += 2
    if j == i + 1 or j >= len(tokens) or tokens[j].kind != "<PARAMETER>":
        return []
    last = _element_end(text, tokens, j) - 1  # the parameters run to the end of the command
    moved = text[tokens[i].start : tokens[j - 1].end]
    cut_end = tokens[j].start
    return [
        Rewrite(
            (TextEdit(tokens[i].start, cut_end, " "), TextEdit(tokens[last].end, tokens[last].end, moved)),
            i,
        )
    ]


def _starts_statement(text: str, tokens: Sequence[Token], i: int) -> bool:
    if i == 0:
        return True
    prev = tokens[i - 1]
    return (
        prev.cls is TokenClass.LAYOUT
        or prev.text in _STATEMENT_BREAKS
        or "\n" in text[prev.end : tokens[i].start]
    )


def _json_argument(tokens: Sequence[Token], i: int) -> bool:
    """``-Body {"key": ...`` or ``-Body [{"key": ...``: a bracket after a parameter or argument whose first
    entry is a quoted key and a colon, which no PowerShell script block or array starts with."""
    if i == 0 or tokens[i - 1].kind not in ("<PARAMETER>", "<ARG>", "<COMMAND>"):
        return False
    j = i + 1
    while j < len(tokens) and tokens[j].text in ("{", "["):
        j += 1
    return j + 1 < len(tokens) and tokens[j].cls is TokenClass.STRING and tokens[j + 1].text == ":"


def _quoted_json(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """The JSON from ``tokens[i]`` to its closing bracket, as one single-quoted string."""
    close = closing_bracket(tokens, i, _OPENERS)
    if close is None:
        return []
    start, end = tokens[i].start, tokens[close].end
    if "'" in text[start:end] or "\n" in text[start:end]:
        return []  # quotes inside would need doubling: no longer the user's text
    return [Rewrite((TextEdit(start, start, "'"), TextEdit(end, end, "'")), i)]


def _pasted_cmd_line(text: str, tokens: Sequence[Token], i: int) -> list[Rewrite]:
    """``mysql db < dump.sql`` -> ``cmd /c "mysql db < dump.sql"`` and ``Get-Content dump.sql | mysql db``;
    ``sc.exe sdset D:(A;;CC;;;SY)`` -> ``cmd /c "sc.exe sdset D:(A;;CC;;;SY)"``."""
    if not _starts_statement(text, tokens, i):
        return []
    line = text[tokens[i].start : _line_end(text, tokens[i].start)]
    if '"' in line or "$" in line or "|" in line:
        return []  # variables, pipes or quotes: PowerShell code, not a pasted cmd line
    rest = [t for t in tokens[i + 1 :] if t.start < tokens[i].start + len(line)]
    redirect = next((k for k, t in enumerate(rest) if t.text == "<"), None)
    external = tokens[i].text.lower().endswith(_EXTERNAL_SUFFIXES)
    if redirect is None and not (external and any(t.text in (";", "(") for t in rest)):
        return []
    start, end = tokens[i].start, tokens[i].start + len(line)
    out = []
    if redirect is not None and redirect + 2 == len(rest):  # one input file, the last word
        source = rest[redirect + 1]
        command = text[start : rest[redirect].start].rstrip()
        piped = f"Get-Content {text[source.start : source.end]} | {command}"
        out.append(Rewrite((TextEdit(start, end, piped),), i, _INPUT_REDIRECT_COST))
    cost = (
        _PASTED_CMD_COST if redirect is None else _INPUT_REDIRECT_COST + 0.2
    )  # cmd's way, after PowerShell's
    out.append(Rewrite((TextEdit(start, end, f'cmd /c "{line}"'),), i, cost))
    return out


def _c_operators(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``if ($a == 3 && $b != 2)`` -> ``if ($a -eq 3 -and $b -ne 2)``: comparison and logic operators of
    C-family languages; every one in the innermost bracket (or line) is the same habit, undone at once."""
    if _c_operator(text, tokens, i) not in ("-eq", "-ne"):
        return []  # '&&' and '||' alone chain pipelines, valid PowerShell 7
    opened = innermost_open(tokens, i, _OPENERS)
    close = None if opened is None else closing_bracket(tokens, opened, _OPENERS)
    if opened is None or close is None:
        lo, hi = _line_start(text, tokens[i].start), _line_end(text, tokens[i].start)
        span = [k for k in range(len(tokens)) if lo <= tokens[k].start < hi]
    else:
        span = list(range(opened + 1, close))
    found = [(k, op) for k in span if (op := _c_operator(text, tokens, k))]
    if found[0][0] != i:
        return []  # proposed once, at the first of them
    edits = []
    for k, op in found:
        start, end = tokens[k].start, tokens[k + (1 if op in ("-eq", "-ne") else 0)].end
        before = " " if start > 0 and not text[start - 1].isspace() else ""
        after = " " if end < len(text) and not text[end].isspace() else ""
        edits.append(TextEdit(start, end, f"{before}{op}{after}"))
    return [Rewrite(tuple(edits), i, _C_OPERATOR_COST + _REPEAT_COST * (len(edits) - 1))]


def _c_operator(text: str, tokens: Sequence[Token], k: int) -> str:
    """PowerShell's operator for the C-family operator starting at ``tokens[k]``, or ''."""
    tok = tokens[k]
    if tok.cls is not TokenClass.OPERATOR:
        return ""
    if tok.text in _C_LOGIC:
        return _C_LOGIC[tok.text]
    nxt = tokens[k + 1] if k + 1 < len(tokens) else None
    if tok.text not in ("=", "!") or nxt is None or nxt.text != "=" or nxt.start != tok.end:
        return ""
    if tok.text == "=" and (
        k + 2 < len(tokens) and tokens[k + 2].text == "=" or k > 0 and tokens[k - 1].text == "="
    ):
        return ""  # '===' or the second '=' of a pair: not one C operator
    return "-eq" if tok.text == "=" else "-ne"


def _line_start(text: str, offset: int) -> int:
    """Offset of the start of the line holding ``offset``."""
    return text.rfind("\n", 0, offset) + 1


def _unclosed_string(text: str, tokens: Sequence[Token], i: int, last: int) -> list[Rewrite]:
    """``$name = "Administrator`` -> ``$name = "Administrator"``: a string that runs on to the end of the
    script without its closing quote ends where its line ends."""
    tok = tokens[i]
    if tok.cls is not TokenClass.STRING or tok.text[0] not in "\"'" or tok.end < len(text.rstrip()):
        return []
    if len(tok.text) > 1 and tok.text[-1] == tok.text[0] and tok.text[-2:] != "`" + tok.text[0]:
        return []  # closed: the last string of the script
    end = _line_end(text, tok.start)
    if end <= tok.start + 1:
        return []
    return [Rewrite((TextEdit(end, end, tok.text[0]),), i)]


def _rule(name: str, doc: str, work: TokenRewrite, cost: float = 1.0) -> Rule[TokenRewrite]:
    return Rule(f"powershell.{name}", "powershell", RuleKind.REWRITE, doc, work, cost=cost)


# Token by token in this order (the order proposals of equal cost are tried in).
REWRITES: tuple[Rule[TokenRewrite], ...] = (
    _rule(
        "method-call-space",
        "[Math]::Sqrt (9) -> [Math]::Sqrt(9): a blank before a method's '('",
        _method_call_space,
    ),
    _rule(
        "call-operator",
        '"C:\\x.exe" -i a -> & "C:\\x.exe" -i a: a quoted program runs behind &',
        _call_operator,
    ),
    _rule(
        "quoted-command-line",
        '$s = "C:\\app.exe" /q -> one string: a command line meant as text',
        _command_line_string,
        _PASTED_CMD_COST,
    ),
    _rule("quoted-json", '-Body {"a": 1} -> -Body \'{"a": 1}\': JSON pasted as an argument is text', _json),
    _rule(
        "pasted-cmd-line",
        'mysql db < dump.sql -> cmd /c "..." or Get-Content dump.sql | mysql db: a cmd.exe line',
        _cmd_line,
        _INPUT_REDIRECT_COST,
    ),
    _rule(
        "closed-before-arguments",
        "(gwmi X).Domain -ComputerName $pc -> (gwmi X -ComputerName $pc).Domain",
        _closed_early,
    ),
    _rule(
        "unopened-block",
        "gci | Where-Object $_.Length -gt 0} -> Where-Object {$_...}: a block opened nowhere",
        _block_opened_nowhere,
        _UNOPENED_BLOCK_COST,
    ),
    _rule(
        "ampersand-in-url",
        'curl http://x/?a=1&b=2 -> curl "http://x/?a=1&b=2": PowerShell reserves &',
        _ampersand,
    ),
    _rule(
        "unescaped-quotes",
        '$s = "He said "hi"" -> "He said `"hi`"": quotes inside a string not escaped',
        _inner_quotes,
    ),
    _rule(
        "piped-into-expression",
        "x | $_.Name -> $(x).Name or x | ForEach-Object { $_.Name }: $_ outside a block",
        _pipe_into_expression,
    ),
    _rule(
        "wrap-piped-statement",
        "foreach (...) { } | measure -> $(foreach (...) { }) | measure: a statement piped",
        _pipe_after_statement,
    ),
    _rule(
        "c-operators",
        "if ($a == 1 && $b != 2) -> if ($a -eq 1 -and $b -ne 2): C-family comparison and logic operators",
        _c_operators,
        _C_OPERATOR_COST,
    ),
    _rule(
        "unclosed-string",
        '$name = "Administrator -> $name = "Administrator": a string left open, closed at its line end',
        _unclosed_string,
    ),
)

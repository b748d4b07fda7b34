"""Tolerances: valid PowerShell that tree-sitter-powershell 0.26.4 rejects, rewritten before parsing.

tree-sitter-powershell covers only part of PowerShell's argument mode and of PowerShell 7, so as
shipped it rejects about one human fix in seven on the dev benchmark (DESIGN.md "Languages"). Rather
than fork the grammar, each rule below finds one construct that PowerShell accepts (citing why) and
rewrites it, **length-preserving**, into a form that tree-sitter parses the same way structurally
(a bare-word argument becomes a number of the same length, a comment becomes spaces). Offsets in
the rewritten text are therefore offsets in the original, and anything a rule does not touch is
still checked by tree-sitter. Rules fire only on lexemes the mode-aware lexer proved well formed
(no unclosed quote inside), so broken code stays broken. Only ``param_block_terminator`` may append
one character at the very end of the text, which moves no earlier offset.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..rules import Rule, RuleKind
from .lexer import SIGNIFICANT, Lexeme
from .lexicon import DASHES, DOUBLE_QUOTES, KEYWORDS, SINGLE_QUOTES

__all__ = ["Masked", "TOLERANCES", "Tolerance", "mask"]

_NUMBER_SUFFIX = re.compile(r"(?:[uU]?[lLyYsSnN]|[dD])?(?:[kKmMgGtTpP][bB])?$")
_HEX_SUFFIX = re.compile(r"(?:[uU]?[lLyYsSnN])?(?:[kKmMgGtTpP][bB])?$")  # d and b are hex digits
_QUOTE_MAP = str.maketrans({**{q: "'" for q in SINGLE_QUOTES[1:]}, **{q: '"' for q in DOUBLE_QUOTES[1:]}})


@dataclass(frozen=True)
class Masked:
    """The text tree-sitter parses and the names of the tolerances that changed it."""

    text: str
    rules: tuple[str, ...]


class _Buffer:
    """The characters being rewritten, plus which rules fired."""

    def __init__(self, text: str) -> None:
        self.chars = list(text)
        self.fired: list[str] = []
        self.suffix = ""

    def put(self, start: int, replacement: str, rule: str) -> None:
        if "".join(self.chars[start : start + len(replacement)]) != replacement:
            self.chars[start : start + len(replacement)] = list(replacement)
            if rule not in self.fired:
                self.fired.append(rule)


def _next_significant(lexemes: Sequence[Lexeme], k: int) -> int:
    k += 1
    while k < len(lexemes) and lexemes[k].cat not in SIGNIFICANT:
        k += 1
    return k


def _switch_headers(lexemes: Sequence[Lexeme]) -> set[int]:
    """Indices of the lexemes between a ``switch`` keyword and its body."""
    inside: set[int] = set()
    for k, x in enumerate(lexemes):
        if x.cat == "keyword" and x.text.lower() == "switch":
            j = k + 1
            while j < len(lexemes) and not (lexemes[j].text == "{" and lexemes[j].cat == "punct"):
                inside.add(j)
                j = lexemes[j].pair + 1 if lexemes[j].text == "(" and lexemes[j].pair > j else j + 1
    return inside


def comments_are_blank(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """A comment is whitespace to PowerShell (spec 2.2.3); tree-sitter-powershell 0.26.4 rejects a
    document that is only a comment and a ``#`` comment right before the end of the text."""
    for x in lx:
        if x.cat == "comment" and x.problem is None:
            buf.put(x.start, "".join(c if c in "\r\n" else " " for c in x.text), "comments_are_blank")


def escaped_blank_is_blank(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """A backtick before a space or tab between tokens is skipped as whitespace by PowerShell's
    tokenizer (``a | ` Get-ChildItem``, what is left of a line continuation whose line break was
    lost); tree-sitter only knows the backtick-newline continuation."""
    for x in lx:
        if x.cat == "cont" and x.text[1:2] in (" ", "\t"):
            buf.put(x.start, " ", "escaped_blank_is_blank")


def bare_word_arguments(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """In argument mode any generic token is one string argument (about_Parsing): ``Name, Id``,
    ``/ca:'O:BAG:...'``, ``-pw=secret``, ``--password=x``, ``$env:TEMP\\x.txt``, ``10.0.0.1,10.0.0.2``,
    ``${From}`:${To}``. tree-sitter-powershell accepts only some shapes (not ``a,b``, not ``--x=y``), so
    the token is shown to it as a number of the same length, which it accepts wherever an argument is."""
    header = _switch_headers(lx)
    for k, x in enumerate(lx):
        if k in header:  # switch -Regex -File path ($x) { }: tree-sitter knows the switch options
            continue
        if x.cat == "arg" and x.problem is None:
            buf.put(x.start, "0" * len(x.text), "bare_word_arguments")
        elif x.cat == "name" and x.mode == "label":  # break outer / continue outer: a loop label
            buf.put(x.start, "0" * len(x.text), "bare_word_arguments")


def command_and_parameter_names(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """A command name is any generic token (``./Get-Report.ps1``, ``7z.exe``; about_Command_Precedence)
    and a parameter name any identifier (``-AsVT100EncodedString``); tree-sitter-powershell rejects
    relative script paths and parameter names with digits. Shown as plain letters of the same length."""
    header = _switch_headers(lx)
    for k, x in enumerate(lx):
        if k in header:
            continue
        if x.cat == "command" and x.problem is None:
            buf.put(x.start, "a" * len(x.text), "command_and_parameter_names")
        elif x.cat == "parameter" and x.mode == "arg" and len(x.text) > 1:
            buf.put(x.start, "-" + "a" * (len(x.text) - 1), "command_and_parameter_names")


def empty_here_string(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """A here-string may be empty (``@"`` line, ``"@`` line; spec 2.3.5.2); tree-sitter-powershell wants
    a content line. Shown as a quoted string of the same length spanning the same lines."""
    for x in lx:
        if x.cat == "string" and x.problem is None and x.text[:1] == "@" and not x.text[2:-2].strip():
            inner = "".join(c if c in "\r\n" else " " for c in x.text[1:-1])
            buf.put(x.start, "'" + inner + "'", "empty_here_string")


def keyword_member_names(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """After ``.`` a keyword is just a member name: ``$list.ForEach({...})`` and ``.Where()`` are the
    collection methods of PowerShell 4 (about_Arrays); tree-sitter-powershell reads ``foreach`` there
    as the loop keyword. Shown as letters of the same length."""
    for k, x in enumerate(lx):
        called = k + 1 < len(lx) and lx[k + 1].text == "("  # .ForEach{ } is fine as it is
        member = k > 0 and lx[k - 1].text in (".", "::", "?.")
        if x.cat == "name" and member and x.text.lower() in KEYWORDS and called:
            buf.put(x.start, "a" * len(x.text), "keyword_member_names")


def dotted_base_types(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``class C : System.Collections.CollectionBase`` names its base type with namespaces
    (about_Classes_Inheritance); tree-sitter-powershell takes only a simple name there."""
    for k, x in enumerate(lx):
        if not (x.cat == "keyword" and x.text.lower() == "class"):
            continue
        j = k + 1
        while j < len(lx) and not (lx[j].text == "{" and lx[j].cat == "punct"):
            y = lx[j]
            if (
                y.cat == "punct"
                and y.text == "."
                and lx[j - 1].cat == "name"
                and j + 1 < len(lx)
                and lx[j + 1].cat == "name"
                and lx[j - 1].end == y.start == lx[j + 1].start - 1
            ):
                buf.put(lx[j - 1].start, "a" * (lx[j + 1].end - lx[j - 1].start), "dotted_base_types")
            j += 1


def typographic_quotes_and_dashes(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """PowerShell's tokenizer reads curly quotes as quotes and en/em dashes as ``-`` (CharExtensions
    IsSingleQuote/IsDoubleQuote/IsDash), which text pasted from documents and web pages is full of."""
    for x in lx:
        if x.cat == "string" and x.problem is None:
            buf.put(x.start, x.text.translate(_QUOTE_MAP), "typographic_quotes_and_dashes")
        elif x.cat in ("parameter", "operator", "number") and x.text[:1] in DASHES[1:]:
            buf.put(x.start, "-", "typographic_quotes_and_dashes")


def number_suffixes(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """Numeric literals take type suffixes and multipliers (``10L``, ``1MB``, ``1.5gb``;
    about_Numeric_Literals); tree-sitter accepts them only in some positions (not after ``/``)."""
    for x in lx:
        if x.cat == "number":
            hexadecimal = x.text.lower().lstrip("-").startswith("0x")
            m = (_HEX_SUFFIX if hexadecimal else _NUMBER_SUFFIX).search(x.text)
            if m and m.start() < m.end():
                buf.put(x.start + m.start(), "0" * (m.end() - m.start()), "number_suffixes")


def empty_script_block(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
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


def param_block_terminator(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """A ``param(...)`` block may end the script or share its line with the first statement
    (``{ param($x) $x }``, about_Functions); tree-sitter-powershell wants a statement terminator there.
    The blank after ``)`` becomes ``;`` (an empty statement), or ``;`` is appended at the very end."""
    for k, x in enumerate(lx):
        if x.cat == "keyword" and x.text.lower() == "param":
            j = _next_significant(lx, k)
            if j < len(lx) and lx[j].text == "(" and lx[j].pair > j:
                close = lx[lx[j].pair]
                after = buf.chars[close.end] if close.end < len(buf.chars) else ""
                nxt = _next_significant(lx, lx[j].pair)
                if nxt < len(lx) and lx[nxt].text == ";":
                    continue
                if after in (" ", "\t", "\r", "\n"):
                    buf.put(close.end, ";", "param_block_terminator")
                elif after == "":
                    buf.suffix = ";"
                    buf.fired.append("param_block_terminator")


def switch_clauses_on_one_line(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """Switch clauses may follow each other on one line (``switch ($x) { 1 {'a'} 2 {'b'} }``,
    about_Switch); tree-sitter-powershell wants a separator between them."""
    for k, x in enumerate(lx):
        if x.cat == "punct" and x.text == "}" and k + 2 < len(lx) and lx[k + 1].cat == "ws":
            j = _next_significant(lx, k)
            if j < len(lx) and lx[j].mode == "switch" and lx[j].text != "}":
                buf.put(lx[k + 1].start, ";", "switch_clauses_on_one_line")


def powershell7_operators(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """PowerShell 7 added ``??``, ``??=``, ``a ? b : c`` and ``${a}?.b`` / ``$a?.b`` (about_Operators);
    tree-sitter-powershell predates them. Each is shown as a binary operator of the same shape."""
    pending_colon = 0
    for k, x in enumerate(lx):
        if x.cat == "operator" and x.text == "??=":
            buf.put(x.start, "+= ", "powershell7_operators")
        elif x.cat == "operator" and x.text == "??":
            buf.put(x.start, "+ ", "powershell7_operators")
        elif x.cat == "operator" and x.text == "?" and x.mode == "expr":
            buf.put(x.start, "+", "powershell7_operators")
            pending_colon += 1
        elif x.cat == "operator" and x.text == ":" and pending_colon:
            buf.put(x.start, "+", "powershell7_operators")
            pending_colon -= 1
        elif x.cat == "variable" and len(x.text) > 2 and x.text.endswith("?") and not x.text.startswith("${"):
            buf.put(x.end - 1, "_", "powershell7_operators")  # $a?.b: '?' is a name character
        elif (
            x.cat == "punct"
            and x.text in ("?.", "?[")
            and k
            and lx[k - 1].text.endswith("}")
            and lx[k - 1].cat == "variable"
        ):
            buf.put(lx[k - 1].end - 1, "_}", "powershell7_operators")  # ${a}?.b -> ${a_}.b


def method_chain_arguments(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """In argument mode ``$p.Split('.')[0]`` and ``"$a".Trim().Length`` are one expression argument
    (about_Parsing); tree-sitter-powershell stops after the first call. The chain is checked on its own
    by tree-sitter and, when valid, shown as a variable of the same length."""
    k = 0
    while k < len(lx):
        x = lx[k]
        if x.mode == "arg" and (x.cat in ("variable", "string") or x.text == "(" and x.pair > k):
            end_k = x.pair if x.text == "(" else k
            called = after_call = False
            j = end_k + 1
            while j < len(lx) and lx[j].start == lx[j - 1].end and lx[j].cat == "punct":
                member = j + 1 < len(lx) and lx[j + 1].cat in ("name", "variable")
                if lx[j].text in (".", "::", "?.") and member:
                    after_call |= called
                    end_k = j + 1
                elif lx[j].text in ("[", "(") and lx[j].pair > j:
                    after_call |= called
                    called |= lx[j].text == "("
                    end_k = lx[j].pair
                else:
                    break
                j = end_k + 1
            if after_call:
                start, end = x.start, lx[end_k].end
                chain = "".join(buf.chars[start:end])
                if check(chain):
                    buf.put(start, "$" + "a" * (end - start - 1), "method_chain_arguments")
            k = end_k + 1
            continue
        k += 1


def expandable_arguments(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``\\\\$($s.Name)\\C$`` is one argument: bare text and subexpressions joined (about_Parsing);
    tree-sitter-powershell cannot join them. Each ``$(...)`` is checked on its own, then the whole
    argument is shown as a number of the same length."""
    k = 0
    while k < len(lx):
        pieces: list[tuple[int, int]] = []  # (first, last) lexeme index of each adjacent piece
        j = k
        while (
            j < len(lx)
            and lx[j].mode == "arg"
            and (lx[j].cat == "arg" or lx[j].text == "$(" and lx[j].pair > j)
        ):
            last = lx[j].pair if lx[j].text == "$(" else j
            pieces.append((j, last))
            if last + 1 < len(lx) and lx[last + 1].start == lx[last].end:
                j = last + 1
            else:
                break
        groups = [lx[a] for a, _ in pieces if lx[a].text == "$("]
        if (
            len(pieces) > 1
            and groups
            and any(lx[a].cat == "arg" for a, _ in pieces)
            and all(lx[a].problem is None for a, _ in pieces)
            and all(check("".join(buf.chars[g.end : lx[g.pair].start])) for g in groups)
        ):
            end = lx[pieces[-1][1]].end
            buf.put(lx[k].start, "0" * (end - lx[k].start), "expandable_arguments")
        k = pieces[-1][1] + 1 if pieces else k + 1


Tolerance = Callable[[Sequence[Lexeme], _Buffer, Callable[[str], bool]], None]


def _tolerance(work: Tolerance, doc: str) -> Rule[Tolerance]:
    return Rule(f"powershell.{work.__name__.replace('_', '-')}", "powershell", RuleKind.TOLERANCE, doc, work)


# Order matters: later rules see earlier rewrites (method chains are checked after their inner
# arguments and comments were masked).
TOLERANCES: tuple[Rule[Tolerance], ...] = (
    _tolerance(comments_are_blank, "a comment is whitespace (spec 2.2.3), also alone or last in the text"),
    _tolerance(escaped_blank_is_blank, "a backtick before a blank between tokens is whitespace"),
    _tolerance(typographic_quotes_and_dashes, "curly quotes and en/em dashes read as quotes and '-'"),
    _tolerance(
        bare_word_arguments, "any generic token in argument mode is one string argument (about_Parsing)"
    ),
    _tolerance(
        command_and_parameter_names, "a command or parameter name is any generic token (7z.exe, ./a.ps1)"
    ),
    _tolerance(empty_here_string, "a here-string may be empty (spec 2.3.5.2)"),
    _tolerance(keyword_member_names, "after '.' a keyword is a member name ($list.ForEach, .Where())"),
    _tolerance(dotted_base_types, "a class's base type may be namespaced (class C : System.X.Y)"),
    _tolerance(number_suffixes, "numbers take type suffixes and multipliers (10L, 1MB, 1.5gb)"),
    _tolerance(empty_script_block, "{} as a value is an empty script block"),
    _tolerance(
        param_block_terminator, "a param(...) block may end the script or share a line with what follows"
    ),
    _tolerance(switch_clauses_on_one_line, "switch clauses may follow each other on one line"),
    _tolerance(powershell7_operators, "PowerShell 7's ??, ??=, a ? b : c and ?. (about_Operators)"),
    _tolerance(method_chain_arguments, "$p.Split('.')[0] in argument mode is one expression argument"),
    _tolerance(
        expandable_arguments, "bare text joined with $( ) subexpressions is one argument (about_Parsing)"
    ),
)


def mask(
    text: str,
    lexemes: Sequence[Lexeme],
    check: Callable[[str], bool],
    tolerances: Sequence[Rule[Tolerance]] = TOLERANCES,
) -> Masked:
    """Apply the tolerances in order; ``check`` says whether tree-sitter accepts a standalone snippet."""
    buf = _Buffer(text)
    for rule in tolerances:
        rule.work(lexemes, buf, check)
    return Masked("".join(buf.chars) + buf.suffix, tuple(buf.fired))

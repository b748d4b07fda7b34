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

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..rules import Rule, RuleKind
from .lexer import SIGNIFICANT, Lexeme
from .lexicon import DASHES, DOUBLE_QUOTES, KEYWORDS, SINGLE_QUOTES
from .scan import scan_subexpression

__all__ = ["Masked", "TOLERANCES", "Tolerance", "mask"]

_NUMBER_SUFFIX = re.compile(r"(?:[uU]?[lLyYsSnN]|[dD])?(?:[kKmMgGtTpP][bB])?$")
_HEX_SUFFIX = re.compile(r"(?:[uU]?[lLyYsSnN])?(?:[kKmMgGtTpP][bB])?$")  # d and b are hex digits
_COMPLEX_TYPE = re.compile(r"[+`,]|\[\s*\[")  # nested (+), arity (`1), assembly (,) or [[T]] arguments
_TYPE_ARGUMENTS = re.compile(r"\[\s*[\w.]+(?:\[\])?(?:\s*,\s*[\w.]+(?:\[\])?)*\s*\]")
_SUFFIXED_NUMBER = re.compile(r"(?<![\w.$])\d+(?:\.\d+)?([kKmMgGtTpP][bB])\b")
_BINARY = re.compile(r"-?0[bB][01]+" + _NUMBER_SUFFIX.pattern)  # ends with '$': use fullmatch
_VALUE_OPENERS = frozenset({"@{", "@(", "(", "$(", "{"})
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
            # a parenthesised value is a result like a call's: Cmd($x).Length passes ($x).Length
            called, after_call = x.text == "(", False
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


def _gap_is_blank(lx: Sequence[Lexeme], a: int, b: int) -> bool:
    """Are the lexemes strictly between ``a`` and ``b`` only blanks, line breaks and comments?"""
    return all(lx[j].cat in ("ws", "newline", "comment", "cont") for j in range(a + 1, b))


def _blank(buf: _Buffer, start: int, end: int, rule: str) -> None:
    """Spaces over ``start:end``, line breaks kept (so line numbers in tree-sitter's view do not move)."""
    buf.put(start, "".join(c if c in "\r\n" else " " for c in buf.chars[start:end]), rule)


def nested_type_names(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """Type literals name nested, generic and assembly-qualified types (about_Type_Literals, spec 7.1.10):
    ``[System.Environment+SpecialFolder]``, ``[list[[int]]]``, ``[List`1[string]]``,
    ``[Func[[IO.FileInfo], [string]]]``, ``[List[string], System.Private.CoreLib]``; tree-sitter-powershell
    takes only dotted names with simple generic arguments. Shown as a plain name of the same length."""
    for x in lx:
        if x.cat == "type" and _COMPLEX_TYPE.search(x.text[1:-1]):
            buf.put(x.start, "[" + "a" * (len(x.text) - 2) + "]", "nested_type_names")


def null_conditional_members(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``$a.b?.c()`` and ``(Get-Item x)?.Name``: PowerShell 7.1's null-conditional member access applies to
    any value (about_Operators); tree-sitter-powershell has no ``?.``. Shown as ``::`` (member access)."""
    for k, x in enumerate(lx):
        if (
            x.cat == "punct"
            and x.text == "?."
            and k
            and lx[k - 1].cat != "variable"  # $a?.b and ${a}?.b: powershell7_operators
            and k + 1 < len(lx)
            and lx[k + 1].cat in ("name", "variable")  # ?.$methodName(): a dynamic member name
        ):
            buf.put(x.start, "::", "null_conditional_members")


def attributes_on_statements(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """Attributes also stand before a class or enum (``[DscResource()]``, ``[Flags()] enum``), before a
    static property (``static [ValidateSet('a')][string]$x``) and on a variable outside a param block
    (``[ValidateSet('a','b')][string]$x = 'a'``; about_Classes, about_Enum, about_Variables);
    tree-sitter-powershell takes them only in param blocks and on class members. Shown as blanks; the
    lexer still checks their brackets and strings."""
    sig = [k for k, x in enumerate(lx) if x.cat in SIGNIFICANT]
    for n, k in enumerate(sig):
        x = lx[k]
        if not (x.cat == "punct" and x.text == "[" and x.pair > k and x.problem is None):
            continue
        inner = sig[n + 1 : bisect.bisect_left(sig, x.pair, n + 1)]
        dots = 0  # [System.Management.Automation.Cmdlet("Get", "Thing")]: a namespaced attribute name
        while dots + 2 < len(inner) and lx[inner[dots + 1]].text == "." and lx[inner[dots + 2]].cat == "name":
            dots += 2
        shaped = (
            len(inner) >= dots + 3
            and lx[inner[0]].cat == "name"
            and lx[inner[dots + 1]].text == "("
            and lx[inner[dots + 1]].pair == inner[-1]
        )
        before = lx[sig[n - 1]] if n else None
        after = next((lx[j] for j in sig[bisect.bisect_right(sig, x.pair) :] if lx[j].cat != "newline"), None)
        starts = (
            before is None
            or before.cat == "newline"
            or before.text in (";", "{", "}")
            or before.cat == "type"
            or before.text == "]"
            or before.cat == "keyword"
            and before.text.lower() in ("static", "hidden")
        )
        followed = after is not None and (
            after.cat in ("type", "variable")
            or after.text == "["
            or after.text.lower() in ("class", "enum", "static", "hidden")  # ']class' is read as a name
        )
        if shaped and starts and followed:
            _blank(buf, x.start, lx[x.pair].end, "attributes_on_statements")


def constructor_base_call(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``Dog([string]$name) : base($name) { }``: a constructor may call its base class's constructor
    (about_Classes_Constructors); tree-sitter-powershell has no such clause. The clause is blanked when its
    arguments parse on their own."""
    sig = [k for k, x in enumerate(lx) if x.cat in SIGNIFICANT and x.cat != "newline"]
    for n in range(len(sig) - 3):
        if lx[sig[n]].text != ")" or lx[sig[n + 1]].text != ":":
            continue
        close, colon, base, paren = (lx[sig[n + d]] for d in range(4))
        if (
            close.text == ")"
            and colon.text == ":"
            and base.text.lower() == "base"
            and paren.text == "("
            and paren.pair > sig[n + 3]
        ):
            after = next((lx[j] for j in sig[bisect.bisect_right(sig, paren.pair) :]), None)
            args = "".join(buf.chars[paren.end : lx[paren.pair].start])
            if after is not None and after.text == "{" and (not args.strip() or check(args)):
                _blank(buf, colon.start, lx[paren.pair].end, "constructor_base_call")


def enum_bases_and_values(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``enum E : long { }`` names the underlying type and a member's value is any constant expression
    (``e2 = [int]::MaxValue``, ``a = -1``, ``b = [E5]::e0 + 2``; about_Enum); tree-sitter-powershell takes
    neither. The base is blanked; a value that parses on its own is shown as a number of its length."""
    for k, x in enumerate(lx):
        if not (x.cat == "keyword" and x.text.lower() == "enum"):
            continue
        j = k + 1
        while j < len(lx) and not (lx[j].cat == "punct" and lx[j].text == "{"):
            j += 1
        if j >= len(lx) or lx[j].pair <= j:
            continue
        colon = next((c for c in range(k + 1, j) if lx[c].text == ":"), None)
        if colon is not None:
            _blank(buf, lx[colon].start, lx[j].start, "enum_bases_and_values")
        body_end = lx[j].pair
        c = j + 1
        while c < body_end:
            if lx[c].cat == "operator" and lx[c].text == "=" and lx[c].depth == lx[j].depth + 1:
                e = c + 1
                while e < body_end and not (
                    lx[e].depth == lx[c].depth and (lx[e].cat == "newline" or lx[e].text == ";")
                ):
                    e += 1
                pieces = [y for y in lx[c + 1 : e] if y.cat not in ("ws", "comment", "cont")]
                if pieces:
                    start, end = pieces[0].start, pieces[-1].end
                    value = "".join(buf.chars[start:end])
                    if not value.isdigit() and check(value):
                        buf.put(start, "0" * (end - start), "enum_bases_and_values")
                c = e
            c += 1


def clean_blocks(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``clean { }`` is a named block of a function or script since PowerShell 7.3 (about_Functions,
    "clean"); tree-sitter-powershell knows begin/process/end only. Shown as ``end`` and blanks."""
    for k, x in enumerate(lx):
        if x.cat == "keyword" and x.text.lower() == "clean" and x.mode == "start":
            j = _next_significant(lx, k)
            if j < len(lx) and lx[j].text == "{" and lx[j].body:
                buf.put(x.start, "end  ", "clean_blocks")


def background_operator(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``Get-Thing &`` runs the pipeline as a background job (PowerShell 6, about_Operators "Background
    operator"); tree-sitter-powershell reads ``&`` only as the call operator. Blanked at a pipeline's end.
    PowerShell 7 also takes ``cmd1 & cmd2`` on one line, but 5.1 rejects it ("The ampersand (&) character
    is not allowed") and it is the usual slip of cmd.exe's ``&`` (a dev record), so that stays flagged."""
    for k, x in enumerate(lx):
        if x.cat == "operator" and x.text == "&" and x.mode in ("arg", "expr"):
            j = _next_significant(lx, k)
            if j >= len(lx) or lx[j].cat == "newline" or lx[j].text in (";", ")", "}"):
                buf.put(x.start, " ", "background_operator")


def else_on_next_line(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
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


def parameter_as_command(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``-Guid $g`` starting a line, or a hashtable's value (``@{ Once = -Once }``, a value is a statement),
    is a command named ``-Guid`` to PowerShell's parser (a parameter token in command position is read as
    the command name; it fails only when run). tree-sitter-powershell rejects it. Shown as a command name
    of the same length."""
    previous = key = None
    for x in lx:
        # only at the start of a line (a continuation line whose backtick is missing) or as a hashtable
        # value (a value is a statement: @{ Once = -Once }); after ';' it is far likelier a slip the
        # repair should see
        value = previous is not None and previous.text == "=" and key is not None and key.mode == "key"
        if x.cat == "parameter" and x.mode == "start" and previous is not None and previous.cat == "newline":
            buf.put(x.start, "a" * len(x.text), "parameter_as_command")
        elif x.cat == "parameter" and x.mode == "start" and value:
            buf.put(x.start, "a" * len(x.text), "parameter_as_command")
        if x.cat in SIGNIFICANT:
            previous, key = x, previous


def generic_method_calls(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``$obj.GenericMethod[int]()`` passes type arguments to a method (PowerShell 7.3, about_Calling_Generic_
    Methods); tree-sitter-powershell reads the ``[...]`` as an index. Shown as a longer method name."""
    for k, x in enumerate(lx):
        if (
            x.cat == "name"
            and k
            and lx[k - 1].text in (".", "::")
            and k + 1 < len(lx)
            and lx[k + 1].start == x.end
            and lx[k + 1].text.startswith("[")
        ):
            close = lx[k + 1].pair if lx[k + 1].cat == "punct" else k + 1
            if (
                0 <= close < len(lx) - 1
                and lx[close + 1].text == "("
                and lx[close + 1].start == lx[close].end
            ):
                inner = "".join(c for y in lx[k + 1 : close + 1] for c in y.text)
                if _TYPE_ARGUMENTS.fullmatch(inner):
                    buf.put(lx[k + 1].start, "a" * len(inner), "generic_method_calls")


def literal_hash_in_strings(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``"$Repo#$PR"``, ``"a $# b"``: inside an expandable string ``#`` is a plain character (spec 2.3.5.2);
    tree-sitter-powershell starts a comment at a ``#`` after a variable there. Shown as a blank; a ``#``
    inside ``$( )`` is left alone (it starts a comment there)."""
    for x in lx:
        if x.cat != "string" or x.problem is not None or "#" not in x.text:
            continue
        opening = 2 if x.text[:1] == "@" else 1
        if x.text[opening - 1] not in DOUBLE_QUOTES:
            continue
        text, j = x.text, opening
        while j < len(text) - opening:
            c = text[j]
            if c == "`":
                j += 2
                continue
            if c == "$" and text[j + 1 : j + 2] == "(":
                j, _ = scan_subexpression(text, j + 2)
                continue
            if c == "#":
                buf.put(x.start + j, " ", "literal_hash_in_strings")
            j += 1


def generic_base_types(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``class MyIntList : System.Collections.Generic.List[int]`` derives from a generic type
    (about_Classes_Inheritance); tree-sitter-powershell takes only a plain name. The type arguments are
    shown as letters that lengthen the name."""
    for k, x in enumerate(lx):
        if not (x.cat == "keyword" and x.text.lower() == "class"):
            continue
        j = k + 1
        while j < len(lx) and not (lx[j].cat == "punct" and lx[j].text in ("{", "}")):
            y = lx[j]
            if y.text.startswith("[") and j and lx[j - 1].cat == "name" and lx[j - 1].end == y.start:
                close = y.pair if y.cat == "punct" else j
                if close >= j:
                    inner = "".join(z.text for z in lx[j : close + 1])
                    if _TYPE_ARGUMENTS.fullmatch(inner):
                        buf.put(y.start, "a" * len(inner), "generic_base_types")
                    j = close
            j += 1


def script_block_method_arguments(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``$list.Where{ $_ -gt 1 }``, ``$x.PSForEach{ }``: a script block right after a method name is its
    one argument (about_Arrays, "Where" and "ForEach" methods); tree-sitter-powershell takes this only for
    ForEach. When the block is one pipeline that parses on its own its braces are shown as parentheses."""
    for k, x in enumerate(lx):
        p = k - 1
        while p >= 0 and lx[p].cat in ("ws", "newline"):
            p -= 1
        if (
            x.cat == "name"
            and p >= 0
            and lx[p].text in (".", "::", "?.")
            and (x.text.lower() != "foreach" or lx[p].end < x.start)  # after a line break too
            and k + 1 < len(lx)
            and lx[k + 1].text == "{"
            and lx[k + 1].start == x.end
            and lx[k + 1].pair > k + 1
        ):
            close = lx[lx[k + 1].pair]
            inner = "".join(" " if c in "\r\n" else c for c in buf.chars[lx[k + 1].end : close.start])
            if not inner.strip() or ";" in inner or not check("(" + inner + ")"):
                continue
            buf.put(lx[k + 1].start, "(" + inner + ")", "script_block_method_arguments")


def member_on_next_line(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``$bytes.<newline> ForEach{ }``: after ``.`` the member name may follow on a later line (the
    tokenizer skips line breaks after a member-access operator); tree-sitter-powershell wants it on the
    same line. The line breaks are shown as blanks."""
    for k, x in enumerate(lx):
        if (
            x.cat in ("punct", "operator")
            and x.text in (".", "::")
            and 0 < k < len(lx) - 1
            and lx[k - 1].end == x.start
            and lx[k - 1].cat in ("punct", "name", "variable", "string", "type")
            and lx[k - 1].text not in ("(", "[", "{", ",", ";")
        ):
            j = k + 1
            while j < len(lx) and lx[j].cat in ("ws", "newline"):
                j += 1
            if j > k + 1 and j < len(lx) and lx[j].cat == "name" and "\n" in buf.chars[x.end : lx[j].start]:
                buf.put(x.end, "".join(" " for _ in range(lx[j].start - x.end)), "member_on_next_line")


def number_suffixes_in_strings(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``"$($_.Length/1KB) KB"``: numbers in a string's subexpressions take multipliers too
    (about_Numeric_Literals); the string is one lexeme, so :func:`number_suffixes` does not see them."""
    for x in lx:
        if x.cat != "string" or x.problem is not None or "$(" not in x.text:
            continue
        for m in _SUFFIXED_NUMBER.finditer(x.text):
            if "$(" in x.text[: m.start()]:
                buf.put(x.start + m.start(1), "00", "number_suffixes_in_strings")


def comma_continues_arguments(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``Select-Object Name,<newline> Id``: after a ``,`` in a command's arguments the parser skips line
    breaks, blank lines and comments to the next element of the array argument (about_Parsing;
    spec 8.2 "array-literal-expression", new-lines:opt after ','); tree-sitter-powershell ends the command
    at the line break. The line breaks up to the next argument are shown as blanks."""
    for k, x in enumerate(lx):
        if not (x.cat == "punct" and x.text == "," and x.mode == "arg"):
            continue
        j = k + 1
        while j < len(lx) and lx[j].cat in ("ws", "newline", "comment", "cont"):
            j += 1
        if j >= len(lx) or "\n" not in buf.chars[x.end : lx[j].start] or lx[j].mode != "arg":
            continue
        # the next element: a word, variable, string, number or an opened value; not '|', ')' or '-Name'
        if lx[j].cat not in ("operator", "parameter", "punct") or lx[j].text in _VALUE_OPENERS:
            _blank_lines(buf, x.end, lx[j].start, "comma_continues_arguments")


def _blank_lines(buf: _Buffer, start: int, end: int, rule: str) -> None:
    """Line breaks over ``start:end`` shown as blanks (what is there already, masked comments too, stays)."""
    buf.put(start, "".join(" " if c in "\r\n" else c for c in buf.chars[start:end]), rule)


def _continues_line(x: Lexeme) -> bool:
    """Does a line break after ``x`` continue the expression (``-lt``, ``|``, ``,`` at the end of a line)?"""
    return x.text == "," or x.cat == "operator" and not (x.text in ("++", "--") and x.mode == "expr")


def for_header_line_breaks(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
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
            _blank_lines(buf, y.start, y.end, "for_header_line_breaks")
        for z in [z for z in shape if z is not None][:2]:
            if z.cat == "newline":
                buf.put(z.start, ";", "for_header_line_breaks")


def binary_literals(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``0b1010`` is a binary integer literal since PowerShell 7.0, with the same suffixes and multipliers
    as the others (about_Numeric_Literals); tree-sitter-powershell knows only decimal and hexadecimal.
    Shown as a decimal number of the same length; ``0b102`` is not matched and stays an error."""
    for x in lx:
        if x.cat == "number" and _BINARY.fullmatch(x.text):
            at = x.text.lower().index("0b")
            buf.put(x.start + at, "0" * (len(x.text) - at), "binary_literals")


def variable_name_characters(lx: Sequence[Lexeme], buf: _Buffer, check: Callable[[str], bool]) -> None:
    """``$végösszeg``, ``$итог``: a variable name is made of Unicode letters and digits of any script
    (spec 2.3.6, classes Lu Ll Lt Lm Lo Nd); tree-sitter-powershell takes ASCII only. ``${...}`` names may
    hold any character escaped with a backtick (``${this`{value`}is}``, spec 2.3.6 braced-variable),
    which tree-sitter rejects too. The name is shown as ASCII letters of the same length."""
    for x in lx:
        if x.cat != "variable" or x.problem is not None:
            continue
        if x.text.startswith("${") and "`" in x.text:
            buf.put(x.start + 2, "a" * (len(x.text) - 3), "variable_name_characters")
        elif not x.text.isascii() and not x.text.startswith("${"):
            buf.put(x.start, "".join(c if c.isascii() else "a" for c in x.text), "variable_name_characters")


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
    _tolerance(nested_type_names, "[A+B], [list[[int]]], [List`1[T]], [T, Assembly]: full type names"),
    _tolerance(null_conditional_members, "?. after any value: $a.b?.c(), (x)?.Name (about_Operators)"),
    _tolerance(attributes_on_statements, "[Flags()] enum, [DscResource()] class, [ValidateSet()][T]$x = v"),
    _tolerance(constructor_base_call, "Dog($n) : base($n) { }: a constructor's base call (about_Classes)"),
    _tolerance(enum_bases_and_values, "enum E : long, and member values that are expressions (about_Enum)"),
    _tolerance(clean_blocks, "clean { } is a named block since PowerShell 7.3 (about_Functions)"),
    _tolerance(background_operator, "cmd & runs the pipeline as a background job (about_Operators)"),
    _tolerance(else_on_next_line, "} then else/elseif on a later line, also where if is a value"),
    _tolerance(parameter_as_command, "-Name starting a line or a hashtable value is a command name (parser)"),
    _tolerance(generic_method_calls, "$o.Method[int]() passes type arguments (PowerShell 7.3)"),
    _tolerance(generic_base_types, "class C : List[int]: a generic base type (about_Classes_Inheritance)"),
    _tolerance(member_on_next_line, "$x.<newline>Name: the member name may follow on the next line"),
    _tolerance(script_block_method_arguments, "$list.Where{ ... }: a script block as a method's argument"),
    _tolerance(number_suffixes_in_strings, '"$($n/1KB) KB": multipliers inside a string\'s subexpression'),
    _tolerance(
        literal_hash_in_strings, "'#' inside an expandable string is a plain character (spec 2.3.5.2)"
    ),
    _tolerance(
        comma_continues_arguments, "Cmd a,<newline> b: line breaks after ',' in arguments are skipped"
    ),
    _tolerance(for_header_line_breaks, "for (<nl> $i = 0 <nl> $i -lt 9 <nl> $i++ <nl>): line breaks as ';'"),
    _tolerance(binary_literals, "0b1010: binary integer literals (PowerShell 7, about_Numeric_Literals)"),
    _tolerance(variable_name_characters, "$végösszeg, ${a`{b`}}: variable names of any script (spec 2.3.6)"),
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

"""PowerShell tolerances for command mode: bare-word and expandable arguments, command and parameter
names, method chains as arguments, the background operator, and line breaks inside a command's arguments."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .lexer import SIGNIFICANT, Lexeme
from .tolerance_base import MaskBuffer, blank_lines, next_significant

__all__ = [
    "bare_word_arguments",
    "command_and_parameter_names",
    "method_chain_arguments",
    "expandable_arguments",
    "background_operator",
    "parameter_as_command",
    "comma_continues_arguments",
]

_VALUE_OPENERS = frozenset({"@{", "@(", "(", "$(", "{"})


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


def bare_word_arguments(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def command_and_parameter_names(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def method_chain_arguments(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def expandable_arguments(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def background_operator(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """``Get-Thing &`` runs the pipeline as a background job (PowerShell 6, about_Operators "Background
    operator"); tree-sitter-powershell reads ``&`` only as the call operator. Blanked at a pipeline's end.
    PowerShell 7 also takes ``cmd1 & cmd2`` on one line, but 5.1 rejects it ("The ampersand (&) character
    is not allowed") and it is the usual slip of cmd.exe's ``&`` (a dev record), so that stays flagged."""
    for k, x in enumerate(lx):
        if x.cat == "operator" and x.text == "&" and x.mode in ("arg", "expr"):
            j = next_significant(lx, k)
            if j >= len(lx) or lx[j].cat == "newline" or lx[j].text in (";", ")", "}"):
                buf.put(x.start, " ", "background_operator")


def parameter_as_command(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def comma_continues_arguments(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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
            blank_lines(buf, x.end, lx[j].start, "comma_continues_arguments")

"""PowerShell tolerances for member access: keywords as member names, PowerShell 7's ``??``, ``?:`` and
``?.``, a member name on the next line, and a script block as a method's argument."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .lexer import Lexeme
from .lexicon import KEYWORDS
from .tolerance_base import MaskBuffer

__all__ = [
    "keyword_member_names",
    "powershell7_operators",
    "null_conditional_members",
    "member_on_next_line",
    "script_block_method_arguments",
]


def keyword_member_names(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """After ``.`` a keyword is just a member name: ``$list.ForEach({...})`` and ``.Where()`` are the
    collection methods of PowerShell 4 (about_Arrays); tree-sitter-powershell reads ``foreach`` there
    as the loop keyword. Shown as letters of the same length."""
    for k, x in enumerate(lx):
        called = k + 1 < len(lx) and lx[k + 1].text == "("  # .ForEach{ } is fine as it is
        member = k > 0 and lx[k - 1].text in (".", "::", "?.")
        if x.cat == "name" and member and x.text.lower() in KEYWORDS and called:
            buf.put(x.start, "a" * len(x.text), "keyword_member_names")


def powershell7_operators(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def null_conditional_members(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def member_on_next_line(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def script_block_method_arguments(
    lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]
) -> None:
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

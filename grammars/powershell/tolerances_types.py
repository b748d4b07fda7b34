"""PowerShell tolerances for types, classes and attributes: full type names, generic arguments, base types
and constructors' base calls, enum bases and values, attributes before statements."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from .lexer import SIGNIFICANT, Lexeme
from .tolerance_base import MaskBuffer, blank

__all__ = [
    "dotted_base_types",
    "nested_type_names",
    "generic_method_calls",
    "generic_base_types",
    "attributes_on_statements",
    "constructor_base_call",
    "enum_bases_and_values",
]

_COMPLEX_TYPE = re.compile(r"[+`,]|\[\s*\[")  # nested (+), arity (`1), assembly (,) or [[T]] arguments
_TYPE_ARGUMENTS = re.compile(r"\[\s*[\w.]+(?:\[\])?(?:\s*,\s*[\w.]+(?:\[\])?)*\s*\]")


def dotted_base_types(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def nested_type_names(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
    """Type literals name nested, generic and assembly-qualified types (about_Type_Literals, spec 7.1.10):
    ``[System.Environment+SpecialFolder]``, ``[list[[int]]]``, ``[List`1[string]]``,
    ``[Func[[IO.FileInfo], [string]]]``, ``[List[string], System.Private.CoreLib]``; tree-sitter-powershell
    takes only dotted names with simple generic arguments. Shown as a plain name of the same length."""
    for x in lx:
        if x.cat == "type" and _COMPLEX_TYPE.search(x.text[1:-1]):
            buf.put(x.start, "[" + "a" * (len(x.text) - 2) + "]", "nested_type_names")


def generic_method_calls(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def generic_base_types(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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


def attributes_on_statements(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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
            blank(buf, x.start, lx[x.pair].end, "attributes_on_statements")


def constructor_base_call(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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
                blank(buf, colon.start, lx[paren.pair].end, "constructor_base_call")


def enum_bases_and_values(lx: Sequence[Lexeme], buf: MaskBuffer, check: Callable[[str], bool]) -> None:
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
            blank(buf, lx[colon].start, lx[j].start, "enum_bases_and_values")
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

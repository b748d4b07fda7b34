"""The checks Excel makes when a formula is entered, beyond the context-free grammar.

Excel refuses "=MOD(A1/3)" ("You've entered too few arguments for this function") and
"=COUNTIF("dog",A1:A9)" (a range parameter given a value) before computing anything; the LaMirage/RING
benchmark counts such formulas as broken, so the validity oracle must too. Built-in functions only: a
user-defined function's signature is unknown, so any call to one is accepted (as XLParser does).
"""

from __future__ import annotations

from collections.abc import Iterator

from lark import Token, Tree

from .functions import FunctionSpec, FunctionTable

__all__ = ["check_calls", "REFERENCE_NODES"]

# Parse-tree nodes (excel.lark aliases) whose value is a reference rather than a plain value.
REFERENCE_NODES = frozenset(
    {
        "ref_item",
        "sheet_ref",
        "ref_call",
        "udf_call",
        "ref_paren",
        "union_paren",
        "spill",
        "range",
        "intersection",
        "dde",
    }
)

Arg = tuple["Tree[Token] | None", int, int]  # (expression or None when empty, start, end)


def _tokens(node: Tree[Token]) -> Iterator[Token]:
    """Tokens under ``node`` in text order; iterative, so deeply nested formulas cannot overflow the stack."""
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            yield item
        elif isinstance(item, Tree):
            stack.extend(reversed(item.children))


def _arguments(arguments: Tree[Token]) -> list[Arg]:
    """Arguments of ``arguments: LPAR [expr] (COMMA [expr])*`` with spans (an empty one: its comma/paren)."""
    args: list[Arg] = []
    current: Tree[Token] | None = None
    sep: Token | None = None
    for child in arguments.children:
        if isinstance(child, Token) and child.type in ("LPAR", "COMMA"):
            if sep is not None:
                args.append(_arg(current, sep))
            sep, current = child, None
        elif isinstance(child, Tree):
            current = child
    if sep is not None:
        args.append(_arg(current, sep))
    if len(args) == 1 and args[0][0] is None:
        return []  # "F()" has no arguments, not one empty one
    return args


def _arg(node: Tree[Token] | None, sep: Token) -> Arg:
    if node is None:
        pos = sep.end_pos or 0
        return None, sep.start_pos or 0, pos
    toks = list(_tokens(node))
    return node, toks[0].start_pos or 0, toks[-1].end_pos or 0


def _count_words(spec: FunctionSpec) -> str:
    lo, hi = spec.min_args or 0, spec.max_args
    if lo == hi:
        return f"{lo} argument{'s' if lo != 1 else ''}"
    if hi is None or hi >= 255:
        return f"at least {lo} argument{'s' if lo != 1 else ''}"
    return f"{lo} to {hi} arguments"


def _check_call(
    name_tok: Token, arguments: Tree[Token], rpar: Token, table: FunctionTable
) -> tuple[int, int, str] | None:
    spec = table.get(str(name_tok))
    if spec is None:
        return None
    name = spec.name
    args = _arguments(arguments)
    if spec.max_args is not None and len(args) > spec.max_args:
        # An empty argument ("VLOOKUP(F:F,L:M,,2,0)") is the likeliest extra one; else the trailing ones.
        empty = [a for a in args if a[0] is None]
        start, end = (empty[0][1], empty[0][2]) if empty else (args[spec.max_args][1], args[-1][2])
        return start, end, (f"too many arguments for {name}: takes {_count_words(spec)}, got {len(args)}")
    if spec.min_args is not None and len(args) < spec.min_args:
        return (
            name_tok.start_pos or 0,
            rpar.end_pos or 0,
            (f"too few arguments for {name}: needs {_count_words(spec)}, got {len(args)}"),
        )
    for position, (node, start, end) in enumerate(args, 1):
        if spec.needs_reference(position) and (node is None or node.data not in REFERENCE_NODES):
            return start, end, f"{name} needs a range (reference) as argument {position}"
    return None


def check_calls(tree: Tree[Token], table: FunctionTable) -> tuple[int, int, str] | None:
    """The innermost call Excel would refuse (argument count, a value for a range): the most precise spot."""
    found: list[tuple[int, int, str]] = []
    for node in tree.iter_subtrees():
        if node.data in ("call", "ref_call"):
            name_tok, arguments, rpar = node.children
            if isinstance(name_tok, Token) and isinstance(arguments, Tree) and isinstance(rpar, Token):
                issue = _check_call(name_tok, arguments, rpar, table)
                if issue is not None:
                    found.append(issue)
    return min(found, key=lambda f: (f[1] - f[0], f[0])) if found else None

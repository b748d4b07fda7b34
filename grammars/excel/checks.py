"""The checks Excel makes when a formula is entered, beyond the context-free grammar.

Excel refuses "=MOD(A1/3)" ("You've entered too few arguments for this function") and
"=COUNTIF("dog",A1:A9)" (a range parameter given a value) before computing anything; the LaMirage/RING
benchmark counts such formulas as broken, so the validity oracle must too. Built-in functions only: a
user-defined function's signature is unknown, so any call to one is accepted (as XLParser does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from lark import Token, Tree

from ..base import IssueKind, SyntaxIssue
from ..rules import Rule, RuleKind
from .functions import FunctionSpec, FunctionTable

__all__ = ["check_calls", "CHECKS", "CallCheck", "REFERENCE_NODES"]

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


# One entry check of a call: (the function's name token, its arguments, its ')', its signature).
CallCheckWork = Callable[[Token, list[Arg], Token, FunctionSpec], "SyntaxIssue | None"]
CallCheck = Rule[CallCheckWork]


def _too_many_arguments(
    name_tok: Token, args: list[Arg], rpar: Token, spec: FunctionSpec
) -> SyntaxIssue | None:
    if spec.max_args is None or len(args) <= spec.max_args:
        return None
    # An empty argument ("VLOOKUP(F:F,L:M,,2,0)") is the likeliest extra one; else the trailing ones.
    empty = [k for k, a in enumerate(args) if a[0] is None]
    blamed = empty[0] if empty else spec.max_args
    start, end = (args[blamed][1], args[blamed][2]) if empty else (args[blamed][1], args[-1][2])
    message = f"too many arguments for {spec.name}: takes {_count_words(spec)}, got {len(args)}"
    return SyntaxIssue(
        start, end, message, IssueKind.TOO_MANY_ARGUMENTS, argument=blamed + 1, function=spec.name
    )


def _too_few_arguments(
    name_tok: Token, args: list[Arg], rpar: Token, spec: FunctionSpec
) -> SyntaxIssue | None:
    if spec.min_args is None or len(args) >= spec.min_args:
        return None
    message = f"too few arguments for {spec.name}: needs {_count_words(spec)}, got {len(args)}"
    return SyntaxIssue(
        name_tok.start_pos or 0,
        rpar.end_pos or 0,
        message,
        IssueKind.TOO_FEW_ARGUMENTS,
        argument=len(args) + 1,
        function=spec.name,
    )


def _range_argument(name_tok: Token, args: list[Arg], rpar: Token, spec: FunctionSpec) -> SyntaxIssue | None:
    for position, (node, start, end) in enumerate(args, 1):
        if spec.needs_reference(position) and (node is None or node.data not in REFERENCE_NODES):
            return SyntaxIssue(
                start,
                end,
                f"{spec.name} needs a range (reference) as argument {position}",
                IssueKind.ARGUMENT_KIND,
                argument=position,
                expected_argument="reference",
                function=spec.name,
            )
    return None


# In the order Excel reports them: the count first, then the kinds.
CHECKS: tuple[CallCheck, ...] = (
    Rule(
        "excel.too-many-arguments",
        "excel",
        RuleKind.CHECK,
        "a built-in function given more arguments than it takes (Excel: 'too many arguments')",
        _too_many_arguments,
    ),
    Rule(
        "excel.too-few-arguments",
        "excel",
        RuleKind.CHECK,
        "a built-in function given fewer arguments than it needs (=MOD(A1/3); Excel refuses it)",
        _too_few_arguments,
    ),
    Rule(
        "excel.range-argument",
        "excel",
        RuleKind.CHECK,
        'a value where a built-in function takes a range (=COUNTIF("dog",A1:A9); Excel refuses it)',
        _range_argument,
    ),
)


def _check_call(
    name_tok: Token, arguments: Tree[Token], rpar: Token, table: FunctionTable, checks: Sequence[CallCheck]
) -> SyntaxIssue | None:
    spec = table.get(str(name_tok))
    if spec is None:
        return None
    args = _arguments(arguments)
    for check in checks:
        issue = check.work(name_tok, args, rpar, spec)
        if issue is not None:
            return issue
    return None


def check_calls(
    tree: Tree[Token], table: FunctionTable, checks: Sequence[CallCheck] = CHECKS
) -> SyntaxIssue | None:
    """The innermost call Excel would refuse (argument count, a value for a range): the most precise spot."""
    found: list[SyntaxIssue] = []
    for node in tree.iter_subtrees():
        if node.data in ("call", "ref_call"):
            name_tok, arguments, rpar = node.children
            if isinstance(name_tok, Token) and isinstance(arguments, Tree) and isinstance(rpar, Token):
                issue = _check_call(name_tok, arguments, rpar, table, checks)
                if issue is not None:
                    found.append(issue)
    return min(found, key=lambda f: (f.end - f.start, f.start)) if found else None

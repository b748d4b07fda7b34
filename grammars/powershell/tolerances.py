"""Tolerances: valid PowerShell that tree-sitter-powershell 0.26.4 rejects, rewritten before parsing.

tree-sitter-powershell covers only part of PowerShell's argument mode and of PowerShell 7, so as
shipped it rejects about one human fix in seven on the dev benchmark (DESIGN.md "Languages"). Rather
than fork the grammar, each rule in the table below finds one construct that PowerShell accepts (citing
why) and rewrites it, **length-preserving**, into a form that tree-sitter parses the same way structurally
(a bare-word argument becomes a number of the same length, a comment becomes spaces). Offsets in
the rewritten text are therefore offsets in the original, and anything a rule does not touch is
still checked by tree-sitter. Rules fire only on lexemes the mode-aware lexer proved well formed
(no unclosed quote inside), so broken code stays broken. Only ``param_block_terminator`` may append
one character at the very end of the text, which moves no earlier offset.

This module is the one table the parser runs, in order; the rules live by topic beside it:
``tolerances_lexical`` (comments, strings, numbers, names), ``tolerances_arguments`` (command mode),
``tolerances_members`` (member access, PowerShell 7 operators), ``tolerances_blocks`` (statement layout)
and ``tolerances_types`` (types, classes, attributes), on the buffer of ``tolerance_base``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..rules import Rule, RuleKind
from .lexer import Lexeme
from .tolerance_base import MaskBuffer, Masked, Tolerance
from .tolerances_arguments import (
    background_operator,
    bare_word_arguments,
    comma_continues_arguments,
    command_and_parameter_names,
    expandable_arguments,
    method_chain_arguments,
    parameter_as_command,
)
from .tolerances_blocks import (
    clean_blocks,
    else_on_next_line,
    empty_script_block,
    for_header_line_breaks,
    param_block_terminator,
    switch_clauses_on_one_line,
)
from .tolerances_lexical import (
    binary_literals,
    comments_are_blank,
    empty_here_string,
    escaped_blank_is_blank,
    literal_hash_in_strings,
    number_suffixes,
    number_suffixes_in_strings,
    typographic_quotes_and_dashes,
    variable_name_characters,
)
from .tolerances_members import (
    keyword_member_names,
    member_on_next_line,
    null_conditional_members,
    powershell7_operators,
    script_block_method_arguments,
)
from .tolerances_types import (
    attributes_on_statements,
    constructor_base_call,
    dotted_base_types,
    enum_bases_and_values,
    generic_base_types,
    generic_method_calls,
    nested_type_names,
)

__all__ = ["Masked", "TOLERANCES", "Tolerance", "mask"]


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
    buf = MaskBuffer(text)
    for rule in tolerances:
        rule.work(lexemes, buf, check)
    return Masked("".join(buf.chars) + buf.suffix, tuple(buf.fired))

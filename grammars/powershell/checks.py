"""Errors PowerShell's own parser reports that tree-sitter-powershell lets through, plus lexical problems.

Each check is a small named rule over the lexemes, citing the PowerShell parser error it mirrors
(ParserStrings resource names of System.Management.Automation). They make the oracle stricter only
where real PowerShell is stricter, so a repair that tree-sitter would accept but PowerShell would
reject is never offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..base import IssueKind, SyntaxIssue
from ..rules import Rule, RuleKind
from .lexer import SIGNIFICANT, Lexeme
from .lexicon import RESERVED_KEYWORDS

__all__ = ["CHECKS", "Check", "lexical_issues", "strict_issues"]

MISSING, UNEXPECTED, OTHER = IssueKind.MISSING, IssueKind.UNEXPECTED, IssueKind.OTHER

# A console prompt pasted with the command ("PS C:\Users\me> Get-Date", "PS> dir"): transcript, not code.
_PROMPT = re.compile(r"(?m)^[ \t]*PS(?: [^\r\n>]*)?>(?!>)")
_COMMAND_ENDS = frozenset({"|", ";", "&&", "||", "{", "}", "(", ")"})
_ASSIGNMENTS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "??="})
_REDIRECTS = frozenset({">", ">>", "1>", "1>>", "2>", "2>>", "*>", "*>>", "2>&1", "1>&2", "<"})
_NO_STATEMENT_START = _ASSIGNMENTS | _REDIRECTS | {":", "::"}
_STATEMENT_ENDS = frozenset({";", "|", "&&", "||"})
_OUTPUT_REDIRECTS = {">": "1", ">>": "1", "1>": "1", "1>>": "1", "*>": "*", "*>>": "*"}


# The lexer's problems (lexer.py, scan.py) are a closed set of words: each with the fields it stands for.
_LEXICAL: dict[str, tuple[IssueKind, str | None]] = {  # problem -> (kind, found)
    "unclosed string": (IssueKind.UNCLOSED_STRING, None),
    "unclosed here-string": (IssueKind.UNCLOSED, None),  # one quote does not close it
    "unclosed comment '<#'": (IssueKind.UNCLOSED, "<#"),
    "a here-string header must end its line": (OTHER, None),
}


def _lexical_issue(start: int, end: int, problem: str) -> SyntaxIssue:
    """The issue of one lexer problem: "missing ')'" (an unclosed bracket), "unexpected '}'", or one of
    ``_LEXICAL``."""
    if problem.startswith("missing '"):
        return SyntaxIssue(start, end, problem, MISSING, expected=(problem[len("missing '") : -1],))
    if problem.startswith("unexpected '"):
        return SyntaxIssue(start, end, problem, UNEXPECTED, found=problem[len("unexpected '") : -1])
    kind, found = _LEXICAL.get(problem, (OTHER, None))
    return SyntaxIssue(start, end, problem, kind, found=found)


def lexical_issues(lexemes: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """Unclosed strings, here-strings, comments and brackets, and closers without an opener."""
    issues = []
    for x in lexemes:
        if x.problem is None:
            continue
        if x.problem.startswith("missing"):  # an unclosed bracket: point at its opener
            issues.append(_lexical_issue(x.start, x.end, x.problem))
        else:
            end = min(x.end, x.start + 1) if "unclosed" in x.problem else x.end
            issues.append(_lexical_issue(x.start, end, x.problem))
    return issues


def _significant(lexemes: Sequence[Lexeme]) -> list[int]:
    return [k for k, x in enumerate(lexemes) if x.cat in SIGNIFICANT]


def reserved_input_redirection(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``cmd < file``: "The '<' operator is reserved for future use." (RedirectionNotSupported)."""
    return [
        SyntaxIssue(
            x.start, x.end, "'<' is reserved in PowerShell: use Get-Content file | command", OTHER, found="<"
        )
        for x in lx
        if x.cat == "operator" and x.text == "<"
    ]


def duplicate_redirection(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``echo a > f >> g``: "The output stream for this command is already redirected."
    (StreamAlreadyRedirected)."""
    issues = []
    seen: set[str] = set()
    for x in lx:
        if x.cat == "newline" or x.cat in ("operator", "punct") and x.text in _COMMAND_ENDS:
            seen.clear()
        elif x.cat == "operator" and x.text in _OUTPUT_REDIRECTS:
            stream = _OUTPUT_REDIRECTS[x.text]
            # one slot per stream: '> f *> g' sends output to f and the other streams to g (the parser's
            # redirections[FromStream] test), so only the same stream twice is an error
            if stream in seen:
                message = "the output stream of this command is already redirected"
                issues.append(SyntaxIssue(x.start, x.end, message, OTHER, found=x.text))
            seen.add(stream)
    return issues


def space_before_method_call(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``[Math]::Sqrt (9)`` in expression mode: a method call takes no blank before '('; PowerShell
    reads ``(9)`` as a second expression ("Unexpected token '(9)'", UnexpectedToken)."""
    issues = []
    sig = _significant(lx)
    for a, b in zip(sig, sig[1:], strict=False):
        name, paren = lx[a], lx[b]
        if (
            paren.text == "("
            and paren.cat == "punct"
            and paren.mode == "expr"
            and name.cat == "name"
            and a > 0
            and lx[a - 1].text in (".", "::")
            and paren.start > name.end
        ):
            message = "unexpected space before '(' of a method call"
            issues.append(SyntaxIssue(name.end, paren.start, message, UNEXPECTED))  # a blank: no symbol
    return issues


def operator_starts_statement(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``$a; = 1``, ``$a =: 1``, ``a | :: b``, ``$a = >> f``: an assignment operator, the ternary ':',
    '::' or a redirection where a statement or pipeline element must start ("Unexpected token",
    UnexpectedToken; a redirection with no command). tree-sitter reads such a line as a command named
    ':' or '=' with the rest as its arguments, which no user meant; a line starting with '>' is a pasted
    console transcript."""
    issues = []
    previous = None
    headers = _type_headers(lx)
    for k, x in enumerate(lx):
        if (
            x.cat == "operator"
            and x.mode in ("start", "cmd")
            and k not in headers  # class C2b <newline> : Base: the base list may start a line
            and not (x.text == ":" and _next_word(lx, k) == "base")  # C() <newline> : base() { }
            and (
                x.text in _NO_STATEMENT_START
                # an empty pipe element (tree-sitter reports '| |' itself; a '|' leading a line continues
                # the pipeline above, PowerShell 7.4)
                or x.text == "|"
                and (previous is None or previous.text == ";")
            )
        ):
            message = f"unexpected '{x.text}' where a statement starts"
            issues.append(SyntaxIssue(x.start, x.end, message, UNEXPECTED, found=x.text))
        if x.cat in SIGNIFICANT:
            previous = x
    return issues


def expression_after_pipe(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``Get-Item x | $_.Name``, ``a | "C:\\b.exe"``: "Expressions are only allowed as the first element of
    a pipeline." (ExpressionsMustBeFirstInPipeline); a command, ``&`` or ``ForEach-Object { }`` must
    follow."""
    issues = []
    previous = None
    for x in lx:
        # after '&&'/'||' a whole pipeline starts, which may begin with an expression (about_Pipeline_Chain)
        if x.mode == "cmd" and x.cat in ("variable", "string", "number") and previous == "|":
            message = "an expression cannot follow '|': use ForEach-Object { } or &"
            issues.append(SyntaxIssue(x.start, x.end, message, OTHER))
        if x.cat in SIGNIFICANT and x.cat != "newline":
            previous = x.text
    return issues


def assignment_to_a_list(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``$a = 1, $b = 2``: the second '=' assigns to the list ``1, $b`` ("The assignment expression is not
    valid", InvalidLeftHandSide). Two statements run together on one line, not a chained assignment.
    Parameter lists and attribute arguments (``param($a = 1, $b = 2)``, ``[Parameter(A=1, B=2)]``) are
    lists of assignments, and exempt."""
    issues = []
    state: dict[int, str] = {}  # per bracket depth, in the current statement: "assigned" or "listed"
    exempt = [False]  # per open bracket
    previous = ""
    for k, x in enumerate(lx):
        if x.pair > k:  # an opener: what follows is another statement's, or a parameter list
            exempt.append(exempt[-1] or x.text == "[" or x.text == "(" and previous in ("param", "]"))
        elif 0 <= x.pair < k:
            state = {d: s for d, s in state.items() if d <= x.depth}
            if len(exempt) > 1:
                exempt.pop()
        if x.cat in SIGNIFICANT:
            previous = x.text.lower()
        if exempt[-1]:
            continue
        if x.cat == "newline" or x.text in _STATEMENT_ENDS and x.cat in ("punct", "operator"):
            state.pop(x.depth, None)
        elif x.cat == "operator" and x.text in _ASSIGNMENTS:
            if state.get(x.depth) == "listed":
                message = f"cannot assign to a list with '{x.text}'"
                issues.append(SyntaxIssue(x.start, x.end, message, OTHER, found=x.text))
            state[x.depth] = "assigned"
        elif x.cat == "punct" and x.text == "," and state.get(x.depth) == "assigned":
            state[x.depth] = "listed"
    return issues


def _next_word(lx: Sequence[Lexeme], k: int) -> str:
    """The next significant lexeme after ``k`` on any line, lower-cased ("" at the end)."""
    return next((y.text.lower() for y in lx[k + 1 :] if y.cat in SIGNIFICANT and y.cat != "newline"), "")


def _type_headers(lx: Sequence[Lexeme]) -> set[int]:
    """Indices of the lexemes between a ``class``/``enum`` keyword and its body's ``{``."""
    inside: set[int] = set()
    for k, x in enumerate(lx):
        if x.cat == "keyword" and x.text.lower() in ("class", "enum"):
            j = k + 1
            while j < len(lx) and not (lx[j].cat == "punct" and lx[j].text in "{}"):
                inside.add(j)
                j += 1
    return inside


def reserved_keyword(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``from``/``define``/``var`` starting a statement: "The 'from' keyword is not supported in this
    version of the language." (ReservedKeywordNotAllowed)."""
    return [
        SyntaxIssue(
            x.start, x.end, f"'{x.text.lower()}' is a reserved word, not a command", OTHER, found=x.text
        )
        for x in lx
        if x.cat == "keyword" and x.text.lower() in RESERVED_KEYWORDS
    ]


def piped_statement(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``foreach (...) { } | Export-Csv``: a statement is not a pipeline element ("An empty pipe element
    is not allowed.", EmptyPipeElement); wrap it in ``$( )`` or use ForEach-Object."""
    issues = []
    sig = _significant(lx)
    for a, b in zip(sig, sig[1:], strict=False):
        close, pipe = lx[a], lx[b]
        if (
            pipe.cat == "operator"
            and pipe.text == "|"
            and close.text == "}"
            and close.cat == "punct"
            and 0 <= close.pair < len(lx)
            and lx[close.pair].body
        ):
            message = "a statement cannot be piped: wrap it in $( )"
            issues.append(SyntaxIssue(pipe.start, pipe.end, message, OTHER, found="|"))
    return issues


def try_without_handler(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """``try { }`` alone: "The Try statement is missing its Catch or Finally block."
    (MissingCatchOrFinally)."""
    issues = []
    sig = [k for k in _significant(lx) if lx[k].cat != "newline"]
    for a, b in zip(sig, sig[1:], strict=False):
        if lx[a].cat == "keyword" and lx[a].text.lower() == "try" and lx[b].text == "{" and lx[b].pair > b:
            close = lx[lx[b].pair]
            after = next((lx[k] for k in sig if k > lx[b].pair), None)
            if after is None or after.cat != "keyword" or after.text.lower() not in ("catch", "finally"):
                message = "missing catch or finally after try"
                issues.append(
                    SyntaxIssue(close.end, close.end, message, MISSING, expected=("catch", "finally"))
                )
    return issues


def console_prompt(text: str, lx: Sequence[Lexeme]) -> list[SyntaxIssue]:
    """A pasted console prompt (``PS C:\\> ``) is transcript, not script: PowerShell would run ``PS``
    (Get-Process) and redirect into a file. Flagged so that documentation transcripts are not taken as
    code."""
    issues = []
    # comment-based help (.EXAMPLE) and strings quote transcripts: only a prompt where code is counts
    quoted = [(x.start, x.end) for x in lx if x.cat in ("comment", "string")]
    for m in _PROMPT.finditer(text):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if any(a <= start < b for a, b in quoted):
            continue
        issues.append(SyntaxIssue(start, m.end(), "console prompt 'PS ...>' is not PowerShell code", OTHER))
    return issues


Check = Callable[[str, Sequence[Lexeme]], list[SyntaxIssue]]


def _check(work: Check, doc: str) -> Rule[Check]:
    return Rule(f"powershell.{work.__name__.replace('_', '-')}", "powershell", RuleKind.CHECK, doc, work)


CHECKS: tuple[Rule[Check], ...] = (
    _check(reserved_input_redirection, "cmd < file: PowerShell reserves '<' (RedirectionNotSupported)"),
    _check(
        duplicate_redirection, "echo a > f >> g: one output stream redirected twice (StreamAlreadyRedirected)"
    ),
    _check(
        space_before_method_call, "[Math]::Sqrt (9): a blank before a method call's '(' (UnexpectedToken)"
    ),
    _check(operator_starts_statement, "$a; = 1: an assignment, ':' or redirection where a statement starts"),
    _check(expression_after_pipe, "a | $_.Name: an expression after '|' (ExpressionsMustBeFirstInPipeline)"),
    _check(assignment_to_a_list, "$a = 1, $b = 2: the second '=' assigns to a list (InvalidLeftHandSide)"),
    _check(
        reserved_keyword, "from/define/var starting a statement: reserved words (ReservedKeywordNotAllowed)"
    ),
    _check(piped_statement, "foreach (...) { } | x: a statement piped (EmptyPipeElement)"),
    _check(try_without_handler, "try { } alone: no catch or finally (MissingCatchOrFinally)"),
    _check(console_prompt, "PS C:\\> cmd: a pasted console prompt is transcript, not code"),
)


def strict_issues(
    text: str, lexemes: Sequence[Lexeme], checks: Sequence[Rule[Check]] = CHECKS
) -> list[SyntaxIssue]:
    """Every check's issues (unsorted)."""
    issues: list[SyntaxIssue] = []
    for check in checks:
        issues.extend(check.work(text, lexemes))
    return issues

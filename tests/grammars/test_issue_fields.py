"""Each grammar fills a syntax issue's structured fields where it creates the issue; the message stays
the people's."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import IssueKind as K
from lastfix.grammars.python.errors import read_message

CASES = [
    # (language, text, message, kind, expected, found, fields beyond those)
    (
        "excel",
        "=SUM(1;2)",
        "unexpected ';' (Excel uses ',' between arguments)",
        K.UNEXPECTED,
        (",",),
        ";",
        {},
    ),
    ("excel", "=SUM(A1", "missing ')'", K.MISSING, (")",), None, {}),
    ("excel", "=IF(1,2,3,4)", None, K.TOO_MANY_ARGUMENTS, (), None, {"function": "IF", "argument": 4}),
    ("excel", "=MOD(A1/3)", None, K.TOO_FEW_ARGUMENTS, (), None, {"function": "MOD", "argument": 2}),
    (
        "excel",
        '=COUNTIF("dog",A1:A9)',
        "COUNTIF needs a range (reference) as argument 1",
        K.ARGUMENT_KIND,
        (),
        None,
        {"function": "COUNTIF", "argument": 1, "expected_argument": "reference"},
    ),
    ("excel", "=SUM(1 2)", "missing ',' or operator before number 2", K.MISSING, (",",), None, {}),
    ("excel", "=1+", "missing operand after '+'", K.MISSING, (), None, {"expected_argument": "operand"}),
    ("excel", '="abc', "unclosed string", K.UNCLOSED_STRING, (), '"', {}),
    ("excel", "=SUM(1))", "unmatched ')'", K.UNMATCHED, (), ")", {}),
    ("powershell", "$a = (1", "missing ')'", K.MISSING, (")",), None, {}),
    ("powershell", "'abc", "unclosed string", K.UNCLOSED_STRING, (), None, {}),
    ("powershell", "$a = 1 }", "unexpected '}'", K.UNEXPECTED, (), "}", {}),
    (
        "powershell",
        "try { }",
        "missing catch or finally after try",
        K.MISSING,
        ("catch", "finally"),
        None,
        {},
    ),
    ("powershell", "$x = ", "missing value after '='", K.MISSING, (), None, {"expected_argument": "value"}),
    ("python", "print x\n", None, K.MISSING, ("(", ")"), None, {"function": "print"}),
    ("python", "f(1\n", "'(' was never closed", K.UNCLOSED, (")",), "(", {}),
    ("python", "x = )\n", "unmatched ')'", K.UNMATCHED, (), ")", {}),
    ("python", "if x\n    pass\n", "expected ':'", K.MISSING, (":",), None, {}),
    ("python", "a = (1]\n", None, K.MISMATCHED, (")",), "]", {}),
    ("python", "x = 1 2\n", "unexpected '2'", K.UNEXPECTED, (), "2", {}),
]


@pytest.mark.parametrize(("language", "text", "message", "kind", "expected", "found", "more"), CASES)
def test_first_issue_fields(language, text, message, kind, expected, found, more):
    issue = get_grammar(language).errors(text)[0]
    if message is not None:
        assert issue.message == message
    assert (issue.kind, issue.expected, issue.found) == (kind, expected, found)
    for name, value in more.items():
        assert getattr(issue, name) == value


@pytest.mark.parametrize(
    ("message", "kind", "expected", "found"),
    [
        ("expected 'except' or 'finally' block", K.MISSING, ("except", "finally"), None),
        ("expected 'else' after 'if' expression", K.MISSING, ("else",), None),
        ("':' expected after dictionary key", K.OTHER, (":",), None),
        (
            "closing parenthesis '}' does not match opening parenthesis '[' on line 2",
            K.MISMATCHED,
            ("]",),
            "}",
        ),
        ("invalid character '…' (U+2026)", K.UNEXPECTED, (), "…"),
        ("unterminated string literal (detected at line 3)", K.UNCLOSED_STRING, (), None),
        ("cannot assign to literal here. Maybe you meant '==' instead of '='?", K.OTHER, ("==",), "="),
        ("expected an indented block after 'if' statement on line 1", K.MISSING, (), None),
        ("invalid decimal literal", K.OTHER, (), None),
    ],
)
def test_cpython_messages_are_read_at_the_source(message, kind, expected, found):
    fields = read_message(message)
    assert (fields.kind, fields.expected, fields.found) == (kind, expected, found)


def test_fields_survive_the_incremental_issues_of_a_document():
    g = get_grammar("python")
    text = "x = 1\n\nprint y\n"
    doc = g.document()
    issues = g.errors_in(doc, text)
    assert [(i.kind, i.expected, i.function) for i in issues] == [(K.MISSING, ("(", ")"), "print")]

"""Python error regions (tree-sitter) and the oracle (CPython): real broken inputs, golden messages."""

import json
import os
from pathlib import Path

import pytest
from lastfix.grammars.base import IssueKind, line_col
from lastfix.grammars.python.errors import cpython_error, is_valid_python
from lastfix.grammars.registry import get_grammar

GOLDEN = Path(__file__).parent / "golden" / "python_errors.json"

# Real shapes of the StackOverflow dev errors, one per kind of mistake.
CASES = {
    "missing_colon": "for number in aString:\n    if number != '0'\n        return len(aString)\n",
    "missing_paren_at_end_of_line": "x = int(input('n: ')\ny = 2\n",
    "python2_print": "while i < 2:\n    print tankList[i].mode\n    i += 1\n",
    "python2_print_percent": "print 'hello %s' % name\n",
    "unexpected_indent": "x = 1\n    y = 2\n",
    "unindent_mismatch": "if x:\n    a = 1\n  b = 2\n",
    "expected_indented_block": "def f():\nreturn 1\n",
    "unmatched_paren": "val = range(1, 11))\n",
    "mismatched_bracket": "a = [1, 2, 3)\n",
    "unterminated_string": "s = 'abc\nt = 1\n",
    "unterminated_triple_quote": 'doc = """abc\n\nx = 1\n',
    "missing_comma": "f(a b)\n",
    "dict_missing_colon": "d = {'key4' 45, 'key5': 47}\n",
    "assignment_in_return": "def f():\n    return s = ''.join(x)\n",
    "keyword_as_name": "class = 1\n",
    "emoji_outside_string": "x = 1 😀\n",
    "emoji_before_error": "s = '😀😀'; f(\n",
    "crlf_missing_colon": "if x\r\n    y = 1\r\n",
    "tabs_and_spaces": "if x:\n\tif y:\n        pass\n",
    "lambda_typo": "f = lamba e: e + 1\n",
    "null_byte": "x = 1\0\n",
    "stray_else": "else:\n    pass\n",
}


def issues_as_json(text):
    grammar = get_grammar("python")
    issues = grammar.errors(text)
    return [[list(line_col(text, i.start)), list(line_col(text, i.end)), i.message] for i in issues]


def test_golden_error_messages_and_ranges():
    got = {name: {"text": text, "issues": issues_as_json(text)} for name, text in CASES.items()}
    if os.environ.get("LASTFIX_UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_every_case_is_flagged_and_rejected(text):
    grammar = get_grammar("python")
    issues = grammar.errors(text)
    assert issues and not grammar.is_valid(text)
    assert all(0 <= i.start <= i.end <= len(text) and i.message for i in issues)


@pytest.mark.parametrize("name", [n for n in CASES if n != "null_byte"])
def test_every_case_starts_where_cpython_points(name):
    text = CASES[name]
    err = _cpython(text)
    first = get_grammar("python").errors(text)[0]
    line, col = line_col(text.replace("\r\n", "\n"), first.start - text.count("\r\n", 0, first.start))
    assert (line + 1, col + 1) == (err.lineno, max(err.offset, 1))


def test_an_unclosed_parameter_list_is_reported_where_cpython_points():
    issues = get_grammar("python").errors("def f(:\n    pass\n")
    assert [(i.start, i.end, i.message) for i in issues] == [(6, 7, "unexpected ':'")]


def test_a_stray_closer_is_reported_at_the_closer_in_cpythons_words():
    text = "a = 1\nb = f(x))\nc = 3\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.start == text.index("))") + 1  # CPython's range: the point before the stray ')'
    assert issue.message == "unmatched ')'"


def test_a_missing_colon_is_one_error_at_the_end_of_the_header():
    text = CASES["missing_colon"]
    (issue,) = get_grammar("python").errors(text)  # no second, bogus "unexpected 'return'"
    assert issue.message == "expected ':'" and issue.start == text.index("\n        ")
    assert issue.end == issue.start  # a point, not the whole block (issue 18, point 7)


def test_a_missing_colon_on_a_def_does_not_span_the_function():
    text = "def f(x)\n    y = x + 1\n    return y\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.message == "expected ':'" and issue.start == issue.end == text.index("\n")


def test_an_unclosed_call_is_reported_at_its_bracket_not_on_the_next_line():
    text = "x = int(input('n: ')\nprint(x)\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.start == text.index("(") and issue.message == "'(' was never closed"
    assert issue.kind is IssueKind.UNCLOSED and issue.expected == (")",)
    # the range runs on to where tree-sitter found the closer missing: the repair looks there too
    assert issue.end > issue.start


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("x = [1, 2\n", 1, 5, "'[' was never closed"),
        ("foo(a b)\n", 1, 5, "invalid syntax. Perhaps you forgot a comma?"),
        ("if x = 1:\n    pass\n", 1, 4, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
        ("d = {'a': 1, 'b' 2}\n", 1, 16, "':' expected after dictionary key"),
        ("a = [1, 2)\n", 1, 10, "closing parenthesis ')' does not match opening parenthesis '['"),
        ("while True\n    pass\n", 1, 11, "expected ':'"),
        ("s = 'abc\n", 1, 5, "unterminated string literal (detected at line 1)"),
        ("x = 1\n    y = 2\n", 2, 4, "unexpected indent"),
    ],
)
def test_first_error_sits_where_cpython_points_with_its_words(text, line, col, message):
    (issue, *_) = get_grammar("python").errors(text)
    err = _cpython(text)
    assert (err.lineno, err.offset) == (line, col)  # the case is what CPython says
    assert tuple(x + 1 for x in line_col(text, issue.start)) == (line, col)
    assert issue.message == message


def _cpython(text):
    try:
        compile(text, "<s>", "exec")
    except SyntaxError as e:
        return e
    raise AssertionError("CPython accepts the case")


def test_independent_slips_in_later_statements_are_each_reported_once():
    text = "import os\nx = (1\n\ny = 2 3\n"
    issues = get_grammar("python").errors(text)
    # CPython reads what follows an unclosed bracket as its inside: "2 3" is no second slip of its own
    assert [i.message for i in issues] == ["'(' was never closed"]
    text = "x = (1\ny = 2\nz = f(1 2)\n"  # tree-sitter closes the first statement, CPython agrees on line 3
    issues = get_grammar("python").errors(text)
    assert [(line_col(text, i.start), i.message) for i in issues] == [
        ((0, 4), "'(' was never closed"),
        ((2, 6), "invalid syntax. Perhaps you forgot a comma?"),
    ]
    text = "x = f(1 2)\ny = 3\nz = f(4 5)\n"
    issues = get_grammar("python").errors(text)
    assert [(line_col(text, i.start), i.message) for i in issues] == [
        ((0, 6), "invalid syntax. Perhaps you forgot a comma?"),
        ((2, 6), "invalid syntax. Perhaps you forgot a comma?"),
    ]


def test_a_slip_in_a_function_is_one_error_not_an_echo_per_line():
    text = "def f():\n    if x\n        return 1\n    else:\n        return 2\n\nprint(f())\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.message == "expected ':'"


def test_an_error_after_an_unclosed_bracket_is_cpythons_own():
    text = "x = (1,\n  2\ny = [3,\n"  # CPython reads on into line 3 and asks for a comma on line 2
    (issue,) = get_grammar("python").errors(text)
    assert issue.start == text.index("2\n") and issue.message == "invalid syntax. Perhaps you forgot a comma?"


def test_python2_print_passes_tree_sitter_so_cpython_speaks():
    text = "print x\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.message.startswith("Missing parentheses in call to 'print'")
    assert (issue.start, issue.end) == (0, 7)


def test_offsets_are_code_points_after_emoji():
    text = "s = '😀😀'\nif s\n    pass\n"
    issues = get_grammar("python").errors(text)
    assert issues and line_col(text, issues[0].start)[0] == 1
    first = issues[0]
    assert text[first.start : first.end].startswith("if") or first.start == text.index("s\n    ") + 1


def test_cpython_error_maps_line_and_column_with_crlf():
    text = "x = 1\r\ny = (\r\n"
    err = cpython_error(text)
    assert err is not None and text[err.start] == "(" and "never closed" in err.message


def test_valid_code_has_no_issues_even_with_warnings_as_errors():
    import warnings

    grammar = get_grammar("python")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert grammar.errors("x = 1\nif x is 1: y = '\\d'\n") == []
    assert grammar.errors("") == [] and grammar.is_valid("")
    assert grammar.errors("return 1\n") == []  # a fragment of a function body is valid syntax


def test_oracle_survives_deep_nesting_and_null_bytes():
    assert not is_valid_python("(" * 5000)
    assert not is_valid_python("x = 1\0")
    assert not is_valid_python("\ud800 = 1")  # a lone surrogate
    assert get_grammar("python").errors("\ud800(")  # tree-sitter gets surrogatepass bytes


def test_incremental_document_matches_fresh_parse():
    grammar = get_grammar("python")
    doc = grammar.document()
    texts = [
        "def f():\n    return 1\n",
        "def f():\n    return (1\n",
        "def f(:\n    return (1\n",
        "é = 1\nprint x\n",
        "",
    ]
    for text in texts:
        assert grammar.errors_in(doc, text) == grammar.errors(text)

"""Property tests: the Excel lexer and error finder never raise, and token spans round-trip exactly."""

from hypothesis import given, settings
from hypothesis import strategies as st
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits

G = get_grammar("excel")

# Formula-shaped text: Excel's punctuation and reference pieces mixed with arbitrary characters (emoji,
# CR, NUL...), so the lexer's branches and the parser's error paths are all reached.
PIECES = [
    "=",
    "+",
    "-",
    "*",
    "/",
    "^",
    "&",
    "%",
    ":",
    ",",
    ";",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "!",
    "@",
    "#",
    "$",
    '"',
    "'",
    " ",
    "\r\n",
    "\n",
    "A1",
    "$B$2",
    "A:A",
    "1:1",
    "SUM",
    "IF",
    "INDEX",
    "x_1",
    "1.5",
    "TRUE",
    "#N/A",
    "#REF!",
    "Sheet1!",
    "'My Sheet'!",
    "[1]",
    "Tbl[Col]",
    "[@C]",
    "😀",
    "é",
    "\x00",
]
formula_text = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(PIECES), max_size=25).map("".join))


@settings(max_examples=300, deadline=None)
@given(formula_text)
def test_tokenize_never_raises_and_spans_are_exact(text):
    tokens = G.tokenize(text)
    last = 0
    for t in tokens:
        assert text[t.start : t.end] == t.text and t.text
        assert t.start >= last
        last = t.end
    symbols = [t.kind for t in tokens]
    assert apply_edits(text, G.edits_for(text, tokens, symbols, symbols)) == text


@settings(max_examples=300, deadline=None)
@given(formula_text)
def test_errors_never_raise_and_agree_with_is_valid(text):
    issues = G.errors(text)
    for issue in issues:
        assert 0 <= issue.start <= issue.end <= len(text)
        assert issue.message and not issue.message.startswith("could not check")
    assert G.is_valid(text) == (not issues)
    assert len(issues) <= len(G.statements(text))  # at most one issue per formula


@settings(max_examples=200, deadline=None)
@given(formula_text)
def test_statements_are_the_non_blank_lines(text):
    spans = G.statements(text)
    assert [s for s in spans if "\n" in text[s[0] : s[1]]] == []
    assert len(spans) == sum(1 for line in text.split("\n") if line.strip(" \t\r"))

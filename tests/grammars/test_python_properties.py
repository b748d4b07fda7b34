"""Properties of the Python grammar on generated text: never raise, exact spans, edits that realise tokens."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lastfix.grammars.base import TokenClass, apply_edits
from lastfix.grammars.registry import get_grammar

G = get_grammar("python")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real Python (and of its usual mistakes) so that generated text reaches the lexer's and the
# error finder's interesting states, not only random characters.
PIECES = [
    "def ",
    "class ",
    "if ",
    "else",
    ":",
    "elif ",
    "return ",
    "print ",
    "lambda ",
    "not ",
    " in ",
    "for ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "=",
    "==",
    "+",
    "-",
    "**",
    "->",
    ":=",
    "@",
    "x",
    "y1",
    "_z",
    "é",
    "1",
    "0x1F",
    "2.5e-3",
    ".5",
    "'s'",
    '"t"',
    "f'{x}'",
    "'''doc",
    '"',
    "'",
    "\n",
    "\r\n",
    "\n    ",
    "\n\t",
    "  ",
    "#c\n",
    "\\\n",
    "😀",
    "$",
    "?",
    "\0",
    "\x0c",
]
python_ish = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
any_text = st.one_of(st.text(max_size=60), python_ish)

# Single-line pieces: deleting a token cannot change bracket depth across lines or indentation.
LINE_PIECES = [
    "x",
    "y1",
    "_z",
    "print",
    "if",
    "not",
    "in",
    "lambda",
    "None",
    "1",
    "0x1F",
    "2.5",
    "'s'",
    '"t"',
    "b'q'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "=",
    "==",
    "+",
    "-",
    "*",
    "**",
    ":",
    "->",
    "%",
    "~",
]
spaced = st.tuples(st.sampled_from(LINE_PIECES), st.sampled_from(["", " ", "  "]))
line_tokens = st.lists(spaced, min_size=1, max_size=12)


def symbols(tokens):
    return [t.kind if t.cls is TokenClass.LAYOUT else t.text for t in tokens]


@FAST
@given(any_text)
def test_tokenize_errors_statements_never_raise(text):
    tokens = G.tokenize(text)
    issues = G.errors(text)
    assert (issues == []) == G.is_valid(text)
    for s, e in G.statements(text):
        assert 0 <= s <= e <= len(text)
    for i in issues:
        assert 0 <= i.start <= i.end <= len(text)
    words = [t for t in tokens if t.cls is not TokenClass.LAYOUT]
    assert all(a.end <= b.start for a, b in zip(words, words[1:], strict=False))


@FAST
@given(any_text)
def test_spans_are_exact_and_identity_edits_are_empty(text):
    tokens = G.tokenize(text)
    for t in tokens:
        assert 0 <= t.start <= t.end <= len(text)
        if t.cls is not TokenClass.LAYOUT:
            assert text[t.start : t.end] == t.text
    syms = symbols(tokens)
    assert G.edits_for(text, tokens, syms, syms) == []
    assert apply_edits(text, G.edits_for(text, tokens, syms, syms)) == text


@FAST
@given(any_text, st.data())
def test_edits_for_never_raises_on_arbitrary_token_edits(text, data):
    tokens = G.tokenize(text)
    syms = symbols(tokens)
    new = list(syms)
    for _ in range(data.draw(st.integers(0, 3))):
        op = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        pos = data.draw(st.integers(0, len(new)))
        sym = data.draw(st.sampled_from(["(", ")", ":", "<NAME>", "<STRING>", "<NEWLINE>", "<INDENT>", "if"]))
        if op == "insert":
            new.insert(pos, sym)
        elif new and pos < len(new):
            if op == "delete":
                del new[pos]
            else:
                new[pos] = sym
    out = apply_edits(text, G.edits_for(text, tokens, syms, new))
    assert isinstance(out, str)


@FAST
@given(line_tokens, st.data())
def test_delete_then_reinsert_a_token_restores_it(pieces, data):
    text = "".join(p + s for p, s in pieces).rstrip()
    tokens = G.tokenize(text)
    content = [i for i, t in enumerate(tokens) if t.cls is not TokenClass.LAYOUT]
    assume(len(content) >= 2)  # deleting the only token leaves no logical line (and no NEWLINE)
    i = data.draw(st.sampled_from(content))
    syms = symbols(tokens)
    deleted = syms[:i] + syms[i + 1 :]
    text2 = apply_edits(text, G.edits_for(text, tokens, syms, deleted))
    tokens2 = G.tokenize(text2)
    assert symbols(tokens2) == deleted  # the edit realises exactly the requested token sequence
    text3 = apply_edits(text2, G.edits_for(text2, tokens2, deleted, syms))
    assert symbols(G.tokenize(text3)) == syms
    # The text itself comes back whenever it was spaced the canonical way (the alignment of a repeated
    # symbol is ambiguous, so every gap must be canonical, not only the ones around the token).
    words = [t for t in tokens if t.cls is not TokenClass.LAYOUT]
    pairs = zip(words, words[1:], strict=False)
    if all(text[a.end : b.start] == G.separator(a.text, b.text) for a, b in pairs):
        assert text3 == text

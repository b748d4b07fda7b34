"""The search's bracket filter: it never drops a proposal the oracle accepts, and only saves checks."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lastfix.grammars.base import TokenClass, apply_edits
from lastfix.grammars.registry import get_grammar
from lastfix.model_runtime.edit_candidates import EditSearch, edit_alphabet
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.nesting_filter import NestingFilter
from lastfix.model_runtime.token_edits import edit_for, two_edits
from lastfix.model_runtime.windows import find_window, find_windows

from tests.conftest import read_jsonl

G = get_grammar("python")
ALPHABET = edit_alphabet(G)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _filter(text):
    tokens = G.tokenize(text)
    nesting = G.nesting_brackets(text)
    assert nesting is not None
    return tokens, NestingFilter(tokens, 0, len(tokens), nesting, G.render)


def _at(tokens, text):
    """Index of the first token whose text is ``text``."""
    return next(i for i, t in enumerate(tokens) if t.text == text)


def test_an_edit_that_closes_the_open_bracket_passes_and_one_that_opens_another_is_dropped():
    tokens, f = _filter("print(len(x)\n")
    end = _at(tokens, ")") + 1
    assert not f.rejects(((end, end, (")",)),))
    assert f.rejects(((end, end, ("(",)),))
    assert f.rejects(((end, end, ("]",)),))  # closes the wrong bracket
    assert f.rejects(((end, end, (",",)),))  # a comma leaves '(' open
    assert f.rejects(((0, 0, (")",)),))  # a closer before everything


def test_a_replaced_or_deleted_bracket_counts_and_pairs_are_judged_whole():
    tokens, f = _filter("x = [1, 2)\n")
    close = _at(tokens, ")")
    assert not f.rejects(((close, close + 1, ("]",)),))  # the mismatched closer replaced
    assert f.rejects(((close, close + 1, ("}",)),))
    opener = _at(tokens, "[")
    assert not f.rejects(((opener, opener + 1, ("(",)),))  # or the opener
    assert f.rejects(((opener, opener, ("(",)), (close + 1, close + 1, (")",))))  # a pair: still crossed
    tokens, f = _filter("y = (a + b)\n")
    assert f.rejects(((_at(tokens, "("), _at(tokens, "(") + 1, ()),))  # deleting one half
    o, c = _at(tokens, "("), _at(tokens, ")")
    assert not f.rejects(((o, o + 1, ()), (c, c + 1, ())))  # both halves


def test_it_cannot_tell_about_quotes_nor_a_proposal_without_token_edits():
    tokens, f = _filter("print(x\n")
    assert not f.rejects(((1, 1, ('"',)),))
    assert not f.rejects(((1, 1, ("<STRING>",)),))  # its filler is '""'
    assert not f.rejects(None)


def test_python_promises_nesting_only_where_the_lexer_sees_cpythons_brackets():
    assert G.nesting_brackets("f(x, [1, 2]\n") is not None
    assert G.nesting_brackets('print("hello)\n') is None  # the lexer reads ')' into the open string
    assert G.nesting_brackets("x = (1,\r 2)\n") is None  # a lone CR: tokenize's lines differ
    assert G.nesting_brackets('f"{d["k("]}"\n') is None  # a 3.12 f-string: tree-sitter may judge it
    assert get_grammar("excel").nesting_brackets("=SUM(A1") is None  # no promise: every proposal judged


def _changes(draw, n):
    """A random token edit of a text of ``n`` tokens: insert, delete, substitute, a pair or two deletions."""
    kind = draw(st.sampled_from(["insert", "delete", "substitute", "pair", "delete2"]))
    sym = st.sampled_from(ALPHABET)
    if kind == "insert" or n == 0:
        g = draw(st.integers(0, n))
        return ((g, g, (draw(sym),)),)
    i = draw(st.integers(0, n - 1))
    if kind == "delete":
        return ((i, i + 1, ()),)
    if kind == "substitute":
        return ((i, i + 1, (draw(sym),)),)
    j = draw(st.integers(i, n))
    if kind == "pair":
        opener, closer = draw(st.sampled_from([("(", ")"), ("[", "]"), ("{", "}")]))
        return ((i, i, (opener, closer)),) if i == j else ((i, i, (opener,)), (j, j, (closer,)))
    return ((i, i + 1, ()),) if j <= i + 1 else ((i, i + 1, ()), (j - 1, j, ()))


def _build(text, tokens, change):
    if len(change) == 1:
        e = edit_for(G, text, tokens, *change[0])
        return None if e is None else apply_edits(text, [e])
    edits = two_edits(G, text, tokens, change[0], change[1])
    return None if edits is None else apply_edits(text, edits)


@pytest.fixture(scope="module")
def snippets(shared):
    """Broken and fixed dev snippets (one edit from valid, or valid) and corpus code, with a promise."""
    pairs = read_jsonl(shared / "benchmarks" / "python" / "dev.jsonl")
    corpus = read_jsonl(shared / "corpora" / "python" / "documents.jsonl")[:400]
    texts = [p["broken"] for p in pairs] + [p["fixed"] for p in pairs] + [d["text"] for d in corpus]
    return [t for t in texts if len(t) < 2000 and G.nesting_brackets(t) is not None]


@FAST
@given(data=st.data())
def test_a_dropped_edit_is_one_the_oracle_rejects(snippets, data):
    text = snippets[data.draw(st.integers(0, len(snippets) - 1))]
    tokens = G.tokenize(text)
    f = NestingFilter(tokens, 0, len(tokens), G.nesting_brackets(text), G.render)
    change = _changes(data.draw, len(tokens))
    if not f.rejects(change):
        return
    new = _build(text, tokens, change)
    assert new is None or not G.is_valid(new), (text, change, new)


def test_no_proposal_of_the_search_that_the_oracle_accepts_is_dropped(shared):
    """Every proposal of the first 25 dev windows, judged by the oracle: the filter drops none it takes."""
    pairs = read_jsonl(shared / "benchmarks" / "python" / "dev.jsonl")[:25]
    dropped = 0
    for pair in pairs:
        text = pair["broken"]
        tokens = G.tokenize(text)
        nesting = G.nesting_brackets(text)
        if nesting is None:
            continue
        w = find_windows(G, text, tokens, G.errors(text), 32)[0]
        f = NestingFilter(tokens, w.first, w.last, nesting, G.render)
        for g in range(w.first, w.last + 1):
            for s in ALPHABET:
                if f.rejects(((g, g, (s,)),)):
                    dropped += 1
                    e = edit_for(G, text, tokens, g, g, (s,))
                    assert e is None or not G.is_valid(apply_edits(text, [e])), (pair["id"], g, s)
        for i in range(w.first, w.last):
            if tokens[i].cls in (TokenClass.PUNCT, TokenClass.OPERATOR) and f.rejects(((i, i + 1, ()),)):
                dropped += 1
                e = edit_for(G, text, tokens, i, i + 1, ())
                assert e is None or not G.is_valid(apply_edits(text, [e])), (pair["id"], i)
    assert dropped > 1000  # the filter does drop: about two in five proposals


def test_unbounded_the_search_finds_the_same_with_or_without_the_filter(shared):
    pairs = read_jsonl(shared / "benchmarks" / "python" / "dev.jsonl")[:12]
    saved = 0
    for pair in pairs:
        text = pair["broken"]
        tokens = G.tokenize(text)
        issues = G.errors(text)
        w = find_window(G, text, tokens, issues[0], 32)
        found, checked = [], []
        for prefilter in (False, True):
            s = EditSearch(
                G,
                text,
                tokens,
                w,
                G.is_valid,
                prefilter=prefilter,
                hints=hints_from_issues(issues),
                k=5,
                slack=0.25,
            )
            found.append([(c.text, c.cost, c.proximity, c.rules) for c in s.run()])
            checked.append(s.checked)
        assert found[0] == found[1], pair["id"]
        saved += checked[0] - checked[1]
    assert saved > 0


def test_it_says_nothing_where_another_errors_bracket_lies_outside_the_window():
    # a window on the first line; the '[' left open two lines down is another error's: a quick fix of
    # the first error (judged on that error alone) may leave it open, so nothing is unnested "surely"
    text = "def mean(xs)\n    return 1\nitems = [1, 2\n"
    tokens = G.tokenize(text)
    nesting = G.nesting_brackets(text)
    assert nesting is not None
    colon_at = _at(tokens, ")") + 1
    f = NestingFilter(tokens, 0, colon_at + 1, nesting, G.render)
    assert not f.rejects(((colon_at, colon_at, (":",)),))
    assert not f.rejects(((colon_at, colon_at, ("(",)),))
    # a closer failing before the window is another error's too
    text = "x = 1)\ny = (2\n"
    tokens = G.tokenize(text)
    start = _at(tokens, "y")
    f = NestingFilter(tokens, start, len(tokens), G.nesting_brackets(text) or {}, G.render)
    assert not f.rejects(((len(tokens), len(tokens), (")",)),))


def test_a_quick_fix_repairs_its_error_beside_another_errors_open_bracket():
    from lastfix.grammars.incremental_issues import IncrementalIssues
    from lastfix.model_runtime.deadline import Deadline
    from lastfix.model_runtime.engines import create_engine
    from lastfix.model_runtime.local_repair import repair_around
    from lastfix.model_runtime.repair_settings import RepairSettings

    text = "def mean(xs)\n    return sum(xs) / len(xs)\n\n\nitems = [1, 2, 3\nprint(mean(items))\n"
    probe = IncrementalIssues(G)
    first = probe.issues(text)[0]
    engine = create_engine(G, None, RepairSettings(engine="edits"))
    found = repair_around(
        engine, text, first, deadline=Deadline.after_ms(60_000), k=2, checker=probe, scoped=True
    )
    assert found and found[0].text.startswith("def mean(xs):\n")

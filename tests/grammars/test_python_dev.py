"""The Python grammar on the 1,000 StackOverflow dev pairs: flags, acceptance, localisation, edits."""

import difflib

import pytest
from lastfix.grammars.base import TokenClass, apply_edits
from lastfix.grammars.registry import get_grammar

from tests.conftest import read_jsonl

G = get_grammar("python")


@pytest.fixture(scope="module")
def pairs(shared):
    return read_jsonl(shared / "benchmarks" / "python" / "dev.jsonl")


def symbols(tokens):
    return [t.kind if t.cls is TokenClass.LAYOUT else t.text for t in tokens]


def fix_span(broken_tokens, fixed_tokens):
    """Token indices in ``broken`` that the human fix changed (an insertion counts both neighbours)."""
    matcher = difflib.SequenceMatcher(a=symbols(broken_tokens), b=symbols(fixed_tokens), autojunk=False)
    ops = matcher.get_opcodes()
    changed = [(i1, i2) for op, i1, i2, _, _ in ops if op != "equal"]
    lo = min(i1 if i1 < i2 else i1 - 1 for i1, i2 in changed)
    hi = max(i2 - 1 if i1 < i2 else i1 for i1, i2 in changed)
    return max(lo, 0), hi


def issue_span(tokens, issue):
    end = max(issue.end, issue.start + 1)  # a point issue touches the token it sits on
    hit = [k for k, t in enumerate(tokens) if t.end > t.start and t.start < end and t.end > issue.start]
    if hit:
        return hit[0], hit[-1]
    after = [k for k, t in enumerate(tokens) if t.start >= issue.start]
    k = after[0] if after else len(tokens) - 1
    return k, k


def test_every_broken_is_flagged_and_every_fixed_accepted(pairs):
    assert len(pairs) == 1000
    assert all(G.errors(p["broken"]) and not G.is_valid(p["broken"]) for p in pairs)
    assert all(G.errors(p["fixed"]) == [] and G.is_valid(p["fixed"]) for p in pairs)


def test_first_issue_lies_near_the_human_fix(pairs):
    near = on = 0
    for p in pairs:
        bt = G.tokenize(p["broken"])
        lo, hi = fix_span(bt, G.tokenize(p["fixed"]))
        s, e = issue_span(bt, G.errors(p["broken"])[0])
        on += s <= hi and lo <= e
        near += s <= hi + 2 and lo <= e + 2
    # The first issue is CPython's (issue 17, point 4), an unclosed bracket's running on to where tree-sitter
    # misses its closer: 83.3% on the changed tokens, 95.9% within 2 (CPython's point alone: 69.5%, 83.2%;
    # tree-sitter's innermost nodes, the first issue before: 91.3%, 98.2%).
    assert on >= 820 and near >= 950


def test_edits_for_turns_the_human_token_fix_into_valid_text(pairs):
    realised = 0
    for p in pairs:
        bt = G.tokenize(p["broken"])
        edits = G.edits_for(p["broken"], bt, symbols(bt), symbols(G.tokenize(p["fixed"])))
        out = apply_edits(p["broken"], edits)
        realised += G.exact(out) == G.exact(p["fixed"]) and G.is_valid(out)
    assert realised >= 995  # measured 999: the one left is a comment after a backslash continuation

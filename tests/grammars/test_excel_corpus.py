"""The grammar against real data: the EUSES formula corpus and the Excel dev benchmark (../shared)."""

import random

from lastfix.grammars import get_grammar

from tests.conftest import read_jsonl

SAMPLE = 2000


def test_parses_at_least_99_5_percent_of_a_corpus_sample(shared):
    texts = [r["text"] for r in read_jsonl(shared / "corpora" / "excel" / "formulas.jsonl")]
    sample = random.Random(0).sample(texts, SAMPLE)
    grammar = get_grammar("excel")
    failures = [t for t in sample if not grammar.is_valid(t)]
    assert len(failures) / SAMPLE <= 0.005, failures[:10]


def test_flags_broken_and_accepts_fixed_on_the_dev_benchmark(shared):
    rows = read_jsonl(shared / "benchmarks" / "excel" / "dev.jsonl")
    grammar = get_grammar("excel")
    flagged = sum(not grammar.is_valid(r["broken"]) for r in rows)
    accepted = sum(grammar.is_valid(r["fixed"]) for r in rows)
    assert flagged / len(rows) >= 0.95
    assert accepted / len(rows) >= 0.97


def test_corpus_formulas_tokenize_within_the_canvas_mostly(shared):
    texts = [r["text"] for r in read_jsonl(shared / "corpora" / "excel" / "formulas.jsonl")][:SAMPLE]
    grammar = get_grammar("excel")
    fits = sum(len(grammar.tokenize(t)) < grammar.canvas for t in texts)  # < canvas: room for <eos>
    assert fits / len(texts) > 0.95


def test_first_error_lies_near_the_human_fix(shared):
    """Localization: the first error range is on, or within 2 tokens of, a token the human fix changed."""
    import difflib

    rows = read_jsonl(shared / "benchmarks" / "excel" / "dev.jsonl")
    grammar = get_grammar("excel")
    near = total = 0
    for r in rows:
        issues = grammar.errors(r["broken"])
        if not issues:
            continue
        total += 1
        broken, fixed = grammar.tokenize(r["broken"]), grammar.tokenize(r["fixed"])
        a = [grammar.normalize(t.text) for t in broken]
        b = [grammar.normalize(t.text) for t in fixed]
        changed: set[int] = set()
        for op, i1, i2, _, _ in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op != "equal":
                changed.update(range(i1, i2) if i1 < i2 else {max(i1 - 1, 0), min(i1, len(broken) - 1)})
        issue = issues[0]
        end = max(issue.end, issue.start + 1)
        hit = [i for i, t in enumerate(broken) if t.start < end and t.end > issue.start]
        near += bool(changed) and min(abs(i - j) for i in hit for j in changed) <= 2
    assert near / total >= 0.8  # measured 62/71 (87%); the rest are misplaced parentheses found later

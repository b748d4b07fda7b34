"""The grammar against real data: the EUSES formula corpus and the Excel dev benchmark (../shared)."""

import random

from grammars import get_grammar
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

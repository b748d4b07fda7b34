"""Placeholder filling and detokenizing: generated symbol sequences become real code of the language."""

import json

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import is_placeholder
from lastfix.grammars.vocab import Vocabulary
from lastfix.model_training.corpus import CorpusOptions, build_corpus
from lastfix.model_training.placeholder_filling import (
    Filler,
    LexemeStats,
    count_lexemes,
    detokenize,
    lexeme_stats,
)


@pytest.mark.parametrize("lang", ["excel", "powershell", "python"])
def test_detokenize_of_corpus_tokens_lexes_back_to_the_same_tokens(shared, lang):
    grammar = get_grammar(lang)
    snippets = build_corpus(lang, None, CorpusOptions(max_documents=150)).snippets
    assert len(snippets) > 50
    for s in snippets:
        tokens = grammar.tokenize(s)
        text = detokenize(grammar, [t.kind for t in tokens], [t.text for t in tokens])
        assert grammar.exact(text) == grammar.exact(s), (s, text)
        assert grammar.is_valid(text), (s, text)


def test_python_layout_becomes_lines_and_indentation():
    grammar = get_grammar("python")
    symbols = [
        "def",
        "<NAME>",
        "(",
        ")",
        ":",
        "<NEWLINE>",
        "<INDENT>",
        "return",
        "<NUMBER>",
        "<NEWLINE>",
        "<DEDENT>",
        "<NAME>",
        "(",
        ")",
    ]
    texts = ["def", "f", "(", ")", ":", "", "", "return", "1", "", "", "f", "(", ")"]
    assert detokenize(grammar, symbols, texts) == "def f():\n    return 1\nf()"


def test_powershell_pieces_that_would_merge_get_a_blank():
    grammar = get_grammar("powershell")
    texts = ["Get-Content", "-Raw", "./notes.md"]
    text = detokenize(grammar, ["<COMMAND>", "<PARAMETER>", "<ARG>"], texts)
    assert [t.text for t in grammar.tokenize(text)] == texts


def test_draws_follow_corpus_counts_and_skip_promoted_lexemes():
    grammar = get_grammar("excel")
    stats = LexemeStats(
        "excel",
        {"<CELL>": [("B3", 90), ("C7", 10)], "<NUMBER>": [("1", 50), ("17", 50)]},
        {"<CELL>": "REFERENCE", "<NUMBER>": "NUMBER"},
    )
    vocab = Vocabulary("excel", ("<pad>", "<eos>", "<blank>", "<unk>", "=", "<CELL>", "<NUMBER>", "1"), False)
    filler = Filler(grammar, stats, vocab)
    rng = np.random.default_rng(0)
    cells = [filler.draw("<CELL>", rng) for _ in range(2000)]
    assert 0.85 < cells.count("B3") / len(cells) < 0.95
    # "1" is a symbol of its own in this vocabulary: a <NUMBER> slot never gets it
    assert {filler.draw("<NUMBER>", rng) for _ in range(200)} == {"17"}
    assert filler.draw("<STRING>", rng) == grammar.filler("<STRING>")  # never seen: the grammar's filler


def test_render_pair_shares_texts_between_broken_and_fixed(shared, tmp_path):
    grammar = get_grammar("excel")
    stats = lexeme_stats("excel", max_documents=300, cache_dir=tmp_path)
    filler = Filler(grammar, stats)
    fixed = ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")", "+", "<NUMBER>"]
    broken = ["=", "SUM", "(", "<CELL>", ":", "<CELL>", "+", "<NUMBER>"]  # ')' dropped
    for seed in range(20):
        f, b = filler.render_pair(fixed, broken, np.random.default_rng(seed))
        assert grammar.is_valid(f) and not grammar.is_valid(b)
        ft, bt = grammar.exact(f), grammar.exact(b)
        assert bt == ft[:6] + ft[7:]  # every shared slot has the same text
        assert not any(is_placeholder(t) for t in ft)


def test_lexeme_stats_are_cached_per_source(shared, tmp_path):
    src = tmp_path / "corpus.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in ["=SUM(A1:B2)", '=IF(C3>1,"yes","no")']))
    stats = lexeme_stats("excel", [src], cache_dir=tmp_path / "cache")
    assert dict(stats.kinds["<CELL>"]) == {"A1": 1, "B2": 1, "C3": 1}
    assert dict(stats.kinds["<STRING>"]) == {'"yes"': 1, '"no"': 1}
    cached = list((tmp_path / "cache").glob("lexemes-excel-*.json"))
    assert len(cached) == 1
    assert lexeme_stats("excel", [src], cache_dir=tmp_path / "cache") == stats
    src.write_text(json.dumps({"text": "=D4"}) + "\n")  # changed corpus: a new cache entry, new counts
    assert dict(lexeme_stats("excel", [src], cache_dir=tmp_path / "cache").kinds["<CELL>"]) == {"D4": 1}


def test_count_lexemes_ignores_layout_and_closed_tokens():
    stats = count_lexemes(get_grammar("python"), ["if x:\n    y = 'a'\n"])
    assert set(stats.kinds) == {"<NAME>", "<STRING>"}
    assert stats.classes["<NAME>"] == "NAME"

"""The corpus n-gram prior: counts, smoothing, the local gain the ranking uses, its file."""

import gzip
import json
import math
import shutil

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.errors import ModelLoadError
from lastfix.model_runtime.model_files import load_model
from lastfix.model_runtime.ngram import NGRAM_FILE, NgramModel
from lastfix.model_runtime.ranking import ngram_gain
from lastfix.model_runtime.repair import Repairer, RepairSettings

from tests.model_training.tiny_model import tiny_excel_model

FORMULAS = ["=SUM(A1:A10)", "=SUM(B1:B3)*2", "=IF(A1>0,1,2)", "=AVERAGE(C1:C9)", "=MAX(A1:A5)-MIN(A1:A5)"]


@pytest.fixture(scope="module")
def excel():
    return get_grammar("excel")


def _model(grammar, vocab, texts=FORMULAS, order=4):
    return NgramModel.from_texts(grammar, vocab, texts * 3, order)


@pytest.fixture(scope="module")
def vocab(shared):
    return load_model(tiny_excel_model(shared).model_dir, device="cpu", threads=1).vocab


def test_seen_code_is_likelier_than_the_same_tokens_shuffled(excel, vocab):
    ngram = _model(excel, vocab)
    rng = np.random.default_rng(0)
    for f in FORMULAS:
        symbols = vocab.symbols_of(excel.tokenize(f))
        shuffled = list(rng.permutation(symbols))
        if shuffled != symbols:
            assert ngram.logprob(symbols) > ngram.logprob(shuffled)


def test_next_symbol_probabilities_are_a_distribution(excel, vocab):
    ngram = _model(excel, vocab)
    history = vocab.symbols_of(excel.tokenize("=SUM(A1:"))
    symbols = [*vocab.symbols, "</s>"]
    total = sum(math.exp(ngram.logprob([*history, s], len(history), len(history) + 1)) for s in symbols)
    assert 0.95 < total <= 1.0 + 1e-9  # the unigram's add-one mass covers the vocabulary


def test_range_beats_comma_where_the_corpus_says_so(excel, vocab):
    """The prior's reason to exist: =SUM(A1:A10) over =SUM(A1,10), which the distance alone cannot split."""
    ngram = _model(excel, vocab)
    base = excel.tokenize("=SUM(A1:10)")
    good, bad = excel.tokenize("=SUM(A1:A10)"), excel.tokenize("=SUM(A1,10)")
    assert ngram_gain(ngram, vocab, base, good) > ngram_gain(ngram, vocab, base, bad)


def test_local_gain_equals_the_whole_document_difference(excel, vocab):
    ngram = _model(excel, vocab, order=3)
    rng = np.random.default_rng(1)
    doc = "=SUM(A1:A10)+IF(A1>0,1,2)*MAX(A1:A5)-AVERAGE(C1:C9)+SUM(B1:B3)*2"
    base = excel.tokenize(doc)
    for _ in range(30):
        i = int(rng.integers(len(base)))
        new = rng.choice(["", "(", ")", ",", "A1", "*"])
        cand = excel.tokenize(doc[: base[i].start] + new + doc[base[i].end :])
        whole = ngram.logprob(vocab.symbols_of(cand)) - ngram.logprob(vocab.symbols_of(base))
        length = ngram.token_nll * (len(cand) - len(base))
        assert ngram_gain(ngram, vocab, base, cand) == pytest.approx(whole + length, abs=1e-9)


def test_deleting_what_the_user_typed_is_not_natural_by_length_alone(excel, vocab):
    ngram = _model(excel, vocab)
    assert ngram.token_nll > 0
    base = excel.tokenize("=SUM(A1:A5)B1")
    deleted, operator = excel.tokenize("=SUM(A1:A5)"), excel.tokenize("=SUM(A1:A5)*B1")
    raw = ngram.logprob(vocab.symbols_of(deleted)) - ngram.logprob(vocab.symbols_of(operator))
    credited = ngram_gain(ngram, vocab, base, deleted) - ngram_gain(ngram, vocab, base, operator)
    assert credited == pytest.approx(raw - 2 * ngram.token_nll)  # two tokens fewer, two tokens' credit less


def test_file_round_trip_and_a_corrupt_file_names_itself(excel, vocab, tmp_path):
    ngram = _model(excel, vocab)
    ngram.save(tmp_path / NGRAM_FILE)
    again = NgramModel.load(tmp_path / NGRAM_FILE)
    symbols = vocab.symbols_of(excel.tokenize("=SUM(A1:A3)"))
    assert again.logprob(symbols) == pytest.approx(ngram.logprob(symbols))
    data = (tmp_path / NGRAM_FILE).read_bytes()
    (tmp_path / "cut.json.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="cut.json.gz"):
        NgramModel.load(tmp_path / "cut.json.gz")
    with gzip.open(tmp_path / "foreign.json.gz", "wt") as f:
        json.dump({"format": 9}, f)
    with pytest.raises(ModelLoadError, match="foreign.json.gz"):
        NgramModel.load(tmp_path / "foreign.json.gz")


@pytest.mark.slow
def test_hybrid_ranks_with_the_prior_a_model_directory_ships(shared, excel, tmp_path, monkeypatch):
    tiny = tiny_excel_model(shared)
    model_dir = tmp_path / "model"
    shutil.copytree(tiny.model_dir, model_dir)
    runtime = load_model(model_dir, device="cpu", threads=1)
    assert runtime.ngram is None  # optional: a model without the file ranks without it
    _model(excel, runtime.vocab).save(model_dir / NGRAM_FILE)
    runtime = load_model(model_dir, device="cpu", threads=1)
    assert runtime.ngram is not None
    calls = []
    real = NgramModel.logprob
    monkeypatch.setattr(NgramModel, "logprob", lambda *a, **k: calls.append(a) or real(*a, **k))
    cands = Repairer(excel, runtime, RepairSettings(engine="hybrid", time_budget_ms=2000)).repair(
        "=SUM(A1:10"
    )
    assert cands and all(excel.is_valid(c.text) for c in cands)
    assert calls  # every candidate got its gain

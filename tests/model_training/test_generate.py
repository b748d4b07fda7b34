"""``lastfix generate --method diffusion`` on a real tiny Excel model (trained in seconds, ONNX Runtime).

The tiny model is far from the shipped one (most of its final canvases are not valid formulas), which is
what the oracle filters are for: every pair written must still pass them.
"""

import json

import pytest
from lastfix.grammars import get_grammar
from lastfix.model_runtime.model_files import load_model
from lastfix.model_training.pair_generation import GenerationSettings, diffusion_pairs, parse_t_range
from lastfix.model_training.placeholder_filling import Filler, lexeme_stats

from lastfix.cli import main
from tests.model_training.tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow

FIELDS = {"broken", "fixed", "t", "lang", "seed", "method"}


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_excel_model(shared)


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("LASTFIX_CACHE", str(tmp_path_factory.getbasetemp() / "lexeme-cache"))


def _generate(tiny, out, *extra):
    argv = [
        "generate",
        "--lang",
        "excel",
        "--model",
        str(tiny.model_dir),
        "--out",
        str(out),
        "--threads",
        "1",
        "--batch",
        "32",
        "--steps",
        "10",
        "--no-progress",
        "--max-documents",
        "500",
        *extra,
    ]
    return main(argv)


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_pure_noise_pairs_are_real_errors_with_a_valid_fix_and_seeded(tiny, tmp_path, capsys):
    """The paper's mode, no longer the default, is still reachable by its flag."""
    grammar = get_grammar("excel")
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert _generate(tiny, a, "--pure-noise", "--n", "12", "--seed", "3") == 0
    err = capsys.readouterr().err
    assert "pairs/s" in err and "chains/s" in err
    pairs = _read(a)
    assert len(pairs) == 12
    for p in pairs:
        assert set(p) == FIELDS
        assert p["lang"] == "excel" and p["method"] == "diffusion" and p["seed"] == 3
        assert 0.0 < p["t"] <= 1.0
        assert grammar.is_valid(p["fixed"]), p
        assert not grammar.is_valid(p["broken"]), p
        assert not any(
            t.startswith("<") and t.endswith(">") and t[1:-1].isupper() for t in grammar.exact(p["fixed"])
        )
    assert _generate(tiny, b, "--pure-noise", "--n", "12", "--seed", "3") == 0
    assert b.read_bytes() == a.read_bytes()
    assert _generate(tiny, c, "--pure-noise", "--n", "12", "--seed", "4") == 0
    assert c.read_bytes() != a.read_bytes()


def test_t_range_and_no_valid_only(tiny, tmp_path):
    grammar = get_grammar("excel")
    out = tmp_path / "late.jsonl"
    assert _generate(tiny, out, "--n", "8", "--t", "0.1-0.5", "--no-valid-only") == 0
    pairs = _read(out)
    assert len(pairs) == 8
    for p in pairs:
        assert 0.1 <= p["t"] <= 0.5
        assert grammar.is_valid(p["fixed"])
        assert grammar.exact(p["broken"]) != grammar.exact(p["fixed"])


def test_report_counts_chains_and_why_they_were_dropped(tiny, tmp_path):
    grammar = get_grammar("excel")
    runtime = load_model(tiny.model_dir, device="cpu", threads=1)
    filler = Filler(grammar, lexeme_stats("excel", max_documents=300, cache_dir=tmp_path), runtime.vocab)
    from lastfix.model_training.pair_generation import GenerationReport

    report = GenerationReport("diffusion")
    pairs = list(
        diffusion_pairs(
            runtime, grammar, filler, GenerationSettings(n=3, batch=16, steps=8, max_chains=3000), report
        )
    )
    assert len(pairs) == report.pairs == 3
    assert report.chains >= 3 and report.chains == 3 + sum(report.dropped.values())
    assert report.chains_per_s > 0 and report.pairs_per_s > 0


def test_too_few_pairs_exits_nonzero_and_bad_options_are_input_errors(tiny, tmp_path, capsys):
    assert _generate(tiny, tmp_path / "x.jsonl", "--n", "5", "--t", "0.2-0.1") == 2
    assert "LO <= HI" in capsys.readouterr().err
    assert parse_t_range("uniform") is None and parse_t_range("0.05-0.5") == (0.05, 0.5)
    assert (
        main(
            [
                "generate",
                "--lang",
                "python",
                "--model",
                str(tiny.model_dir),
                "--n",
                "1",
                "--out",
                str(tmp_path / "y.jsonl"),
                "--no-progress",
            ]
        )
        == 2
    )
    assert "not python" in capsys.readouterr().err


def test_the_default_starts_chains_from_corpus_snippets(tiny, tmp_path):
    """Without --pure-noise or --from-corpus, chains start from snippets noised to 0.8-1.0 of T."""
    default, explicit = tmp_path / "default.jsonl", tmp_path / "explicit.jsonl"
    assert _generate(tiny, default, "--n", "5", "--seed", "1") == 0
    assert {p["method"] for p in _read(default)} == {"diffusion+corpus"}
    assert _generate(tiny, explicit, "--n", "5", "--seed", "1", "--from-corpus", "0.8-1.0") == 0
    assert explicit.read_bytes() == default.read_bytes()


def test_pure_noise_and_from_corpus_exclude_each_other(tiny, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        _generate(tiny, tmp_path / "x.jsonl", "--n", "1", "--pure-noise", "--from-corpus", "0.5-1.0")
    assert e.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_stopping_short_says_how_many_and_why(tiny, tmp_path, capsys):
    """A limit of chains reached before --n: exit 1, the pairs made are written, the message says why."""
    out = tmp_path / "short.jsonl"
    # t in [0, 0.001] leaves no differing step to draw c_t from, so no chain makes a pair
    assert _generate(tiny, out, "--n", "1", "--t", "0.0-0.001") == 1
    err = capsys.readouterr().err
    assert "stopped at 0 of 1 pairs" in err and "the limit for --n 1 is 1,000" in err
    assert "made no pair because" in err
    assert out.read_text() == ""


def test_chains_resumed_from_corpus_snippets(tiny, tmp_path):
    grammar = get_grammar("excel")
    out = tmp_path / "fc.jsonl"
    assert _generate(tiny, out, "--n", "6", "--from-corpus", "0.6-1.0", "--seed", "2") == 0
    pairs = _read(out)
    assert len(pairs) == 6
    for p in pairs:
        assert p["method"] == "diffusion+corpus" and 0.0 < p["t"] <= 1.0
        assert grammar.is_valid(p["fixed"]) and not grammar.is_valid(p["broken"])
    again = tmp_path / "fc2.jsonl"
    assert _generate(tiny, again, "--n", "6", "--from-corpus", "0.6-1.0", "--seed", "2") == 0
    assert again.read_bytes() == out.read_bytes()


def test_corpus_started_chains_keep_the_snippet_length(tiny, tmp_path):
    """Positions past a snippet's end (its <eos> and padding) stay clamped; everything before is sampled."""
    grammar = get_grammar("excel")
    runtime = load_model(tiny.model_dir, threads=1)
    filler = Filler(grammar, lexeme_stats("excel", max_documents=300, cache_dir=tmp_path), runtime.vocab)
    seen = []
    resume = runtime.resume

    def spy(ids, noise, keep=None, **kw):
        seen.append((ids, keep))
        return resume(ids, noise, keep, **kw)

    runtime.resume = spy
    settings = GenerationSettings(n=2, batch=8, steps=4, start_noise=(1.0, 1.0), max_chains=16)
    list(diffusion_pairs(runtime, grammar, filler, settings, snippets=["=SUM(A1:A3)", "=IF(A1>0,1,2)"]))
    assert seen
    for ids, keep in seen:
        vocab = runtime.vocab
        assert (keep == ((ids == vocab.eos_id) | (ids == vocab.pad_id))).all()
        assert (~keep).sum(-1).min() >= len(grammar.tokenize("=SUM(A1:A3)"))

"""The one-shot repair model: it trains, exports, and ONNX Runtime decodes exactly what PyTorch decodes."""

import json

import numpy as np
import pytest
import torch
from lastfix.benchmarks.seq2seq_runtime import load_seq2seq
from lastfix.grammars.errors import InputError
from lastfix.model_training.seq2seq import EOS_ID, Seq2Seq, Seq2SeqConfig
from lastfix.model_training.seq2seq_export import load_seq2seq_checkpoint
from lastfix.model_training.seq2seq_train import encode_pairs, read_pair_texts

from lastfix.cli import main as lastfix
from tests.model_training.seq2seq_tiny import tiny_seq2seq

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_seq2seq(shared)


@pytest.fixture(scope="module")
def loaded(tiny):
    torch.set_num_threads(1)
    model, _, vocab = load_seq2seq_checkpoint(tiny.directory)
    return model, vocab, load_seq2seq(tiny.directory, device="cpu", threads=1)


def _sources(tiny, vocab, shared):
    """The training sources plus formulas the model never saw (its outputs there are arbitrary)."""
    texts = [b for b, _ in tiny.pairs]
    with (shared / "corpora" / "excel" / "formulas.jsonl").open() as f:
        texts += [json.loads(next(f))["text"] for _ in range(40)][-16:]
    return encode_pairs("excel", vocab, [(t, t) for t in texts], 32).src


def test_onnx_greedy_decoding_equals_pytorch_greedy(tiny, loaded, shared):
    model, vocab, runtime = loaded
    src = _sources(tiny, vocab, shared)
    padded = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in src], batch_first=True)
    assert runtime.greedy(src) == model.greedy(padded)


def test_onnx_next_symbol_logits_match_pytorch(loaded, tiny, shared):
    model, vocab, runtime = loaded
    src = np.asarray(_sources(tiny, vocab, shared)[:1])
    tgt = np.asarray([[EOS_ID, 5, 9, 7]])
    with torch.no_grad():
        want = model.decode(
            torch.from_numpy(tgt), model.encode(torch.from_numpy(src)), torch.from_numpy(src)
        )[:, -1]
    got = runtime._next(tgt, runtime._encode(src), src)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-4)


def test_the_model_learned_its_pairs_and_beam_ranks_by_probability(tiny, loaded):
    _, vocab, runtime = loaded
    data = encode_pairs("excel", vocab, tiny.pairs, 32)
    outputs = runtime.greedy(data.src)
    learned = np.mean([o == t[:-1] for o, t in zip(outputs, data.tgt, strict=True)])
    assert learned >= 0.7  # memorised (it trained 300 steps on these 24 pairs)
    for s, o in zip(data.src[:6], outputs, strict=False):
        hyps = runtime.beam_search(s, beam=4)
        assert 1 <= len(hyps) <= 4 and len({h.ids for h in hyps}) == len(hyps)
        assert all(a.score >= b.score for a, b in zip(hyps, hyps[1:], strict=False))
        assert runtime.beam_search(s, beam=1)[0].ids == tuple(o)  # a beam of one is greedy


def test_training_command_writes_checkpoint_metrics_and_onnx(tiny, tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        lastfix(
            [
                "train-seq2seq",
                "--pairs",
                str(tiny.pairs_file),
                "--out",
                str(out),
                "--steps",
                "3",
                "--d",
                "32",
                "--layers",
                "1",
                "--heads",
                "2",
                "--batch",
                "8",
                "--threads",
                "1",
                "--vocab",
                str(tiny.directory),
                "--export",
                "--no-progress",
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 3 and metrics["params"] > 0 and "token_acc" in metrics
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == metrics
    runtime = load_seq2seq(out, device="cpu", threads=1)
    assert runtime.language == "excel" and runtime.max_len == 64 and runtime.params == metrics["params"]
    assert (out / "train.log").read_text().strip()


def test_bad_pairs_files_are_input_errors(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"broken": "=1"}\n')
    with pytest.raises(InputError, match="bad.jsonl:1"):
        read_pair_texts([bad])
    nolang = tmp_path / "nolang.jsonl"
    nolang.write_text(json.dumps({"broken": "=1+", "fixed": "=1"}) + "\n")
    assert (
        lastfix(["train-seq2seq", "--pairs", str(nolang), "--out", str(tmp_path / "x"), "--steps", "1"]) == 2
    )
    assert "--lang" in capsys.readouterr().err


def test_network_shapes_and_causality():
    torch.manual_seed(0)
    model = Seq2Seq(
        Seq2SeqConfig(vocab_size=20, max_len=8, d=16, heads=2, encoder_layers=1, decoder_layers=1)
    )
    src = torch.tensor([[5, 6, 7, EOS_ID], [8, EOS_ID, 0, 0]])
    tgt = torch.tensor([[EOS_ID, 5, 6], [EOS_ID, 9, 9]])
    logits = model(src, tgt)
    assert logits.shape == (2, 3, 20)
    changed = tgt.clone()
    changed[:, 2] = 11  # a later target symbol cannot change earlier positions' predictions
    assert torch.allclose(model(src, changed)[:, :2], logits[:, :2], atol=1e-6)
    padded = torch.tensor([[8, EOS_ID, 0, 0, 0, 0]])  # source padding is invisible
    assert torch.allclose(model(padded, tgt[1:]), model(src[1:, :2], tgt[1:]), atol=1e-5)
    with pytest.raises(ValueError, match="vocab_size"):
        Seq2Seq(Seq2SeqConfig())

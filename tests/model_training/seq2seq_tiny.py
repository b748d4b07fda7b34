"""A real tiny seq2seq repair model, trained in seconds on a few rule-corrupted Excel formulas and exported.

Shared by the seq2seq tests (training, export parity, runtime, repairer, bench engine): built once per test
session. Small enough to memorise its training pairs, which is what lets the tests check that a repair
really comes out of the ONNX model and maps back onto the broken text.
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

PAIRS = 24
STEPS = 300


@dataclass(frozen=True)
class TinySeq2Seq:
    directory: Path  # checkpoint + exported ONNX model
    pairs_file: Path
    pairs: list[tuple[str, str]]  # (broken, fixed), all trained on


@functools.cache
def tiny_seq2seq(shared: Path) -> TinySeq2Seq:
    import torch
    from lastfix.grammars import get_grammar
    from lastfix.model_training.corpus import CorpusOptions, build_corpus, build_vocabulary
    from lastfix.model_training.pair_generation import GenerationSettings, rule_pairs
    from lastfix.model_training.seq2seq import Seq2SeqConfig
    from lastfix.model_training.seq2seq_export import export_seq2seq
    from lastfix.model_training.seq2seq_train import Seq2SeqTrainConfig, encode_pairs, train_seq2seq

    torch.set_num_threads(1)
    grammar = get_grammar("excel")
    snippets = [
        s
        for s in build_corpus(
            "excel", [shared / "corpora" / "excel" / "formulas.jsonl"], CorpusOptions(max_documents=400)
        ).snippets
        if len(grammar.tokenize(s)) <= 12
    ]
    vocab = build_vocabulary("excel", snippets)
    pairs = [
        (p.broken, p.fixed) for p in rule_pairs(grammar, vocab, snippets, GenerationSettings(n=PAIRS, seed=1))
    ]
    root = Path(tempfile.mkdtemp(prefix="lastfix-s2s-"))
    pairs_file = root / "pairs.jsonl"
    pairs_file.write_text(
        "".join(json.dumps({"broken": b, "fixed": f, "lang": "excel"}) + "\n" for b, f in pairs)
    )
    data = encode_pairs("excel", vocab, pairs, 32)
    config = Seq2SeqConfig(
        vocab_size=len(vocab), max_len=32, d=64, heads=2, encoder_layers=1, decoder_layers=1
    )
    train_seq2seq(
        config,
        Seq2SeqTrainConfig(batch=16, lr=3e-3, warmup=20, held_apart=0),
        "excel",
        vocab,
        data,
        root / "model",
        steps=STEPS,
        device="cpu",
        progress=False,
    )
    export_seq2seq(root / "model", root / "model")
    return TinySeq2Seq(root / "model", pairs_file, pairs)

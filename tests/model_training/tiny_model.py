"""A real tiny Excel model, trained in seconds on a few hundred corpus formulas and exported to ONNX.

Shared by the runtime tests (sampler, parity, model files): built once per test session in a temporary
directory. Tiny on purpose (d=32, 2+1 blocks): it must learn to reconstruct formulas at low noise, not
to repair them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SNIPPETS = 300
STEPS = 400


@dataclass(frozen=True)
class TinyModel:
    checkpoint: Path
    model_dir: Path
    held_apart: list[str]  # formulas the model never trained on


@functools.cache
def tiny_excel_model(shared: Path) -> TinyModel:
    import torch
    from lastfix.grammars import get_grammar
    from lastfix.model_training.config import tiny_config
    from lastfix.model_training.corpus import build_vocabulary
    from lastfix.model_training.data import encode_snippets, split_held_apart
    from lastfix.model_training.export import export_model
    from lastfix.model_training.train import TrainData, train

    torch.set_num_threads(1)
    grammar = get_grammar("excel")
    texts: list[str] = []
    with (shared / "corpora" / "excel" / "formulas.jsonl").open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if len(texts) < SNIPPETS and grammar.is_valid(text) and len(grammar.tokenize(text)) <= 20:
                texts.append(text)
            if len(texts) >= SNIPPETS:
                break
    vocab = build_vocabulary("excel", texts)
    config = tiny_config("excel", len(vocab), canvas=grammar.canvas)
    config = dataclasses.replace(config, train=dataclasses.replace(config.train, eval_snippets=40, batch=16))
    encoded = encode_snippets(grammar, vocab, texts, config.model.canvas)
    train_index, eval_index = split_held_apart(len(encoded.ids), 40, config.train.seed)
    root = Path(tempfile.mkdtemp(prefix="lastfix-tiny-"))
    train(
        config,
        vocab,
        TrainData(encoded.ids, train_index, eval_index),
        root / "ckpt",
        steps=STEPS,
        progress=False,
    )
    export_model(root / "ckpt", root / "model")
    return TinyModel(root / "ckpt", root / "model", [encoded.texts[int(i)] for i in np.sort(eval_index)])

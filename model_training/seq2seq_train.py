"""Train the one-shot repair model on a pairs JSONL for a fixed budget: the downstream half of paper 4.3.

    lastfix train-seq2seq --pairs pairs.jsonl --out DIR --minutes 20 [--export]

Every generator gets the same model, the same vocabulary and the same wall-clock budget, so a difference
in the benchmark is a difference in the data. Writes DIR/seq2seq.pt, vocab.json, train.log and
metrics.json (held-apart token accuracy and greedy exact match); ``--export`` adds the ONNX files that
``benchmarks.seq2seq_runtime`` runs (the directory is then a model for ``lastfix bench --engine seq2seq``).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from lastfix.grammars import get_grammar
from lastfix.grammars.errors import InputError
from lastfix.grammars.vocab import Vocabulary

from .progress_output import ProgressOutput
from .seq2seq import EOS_ID, PAD_ID, Seq2Seq, Seq2SeqConfig

__all__ = [
    "CHECKPOINT",
    "Seq2SeqTrainConfig",
    "EncodedPairs",
    "read_pair_texts",
    "encode_pairs",
    "train_seq2seq",
    "run",
]

CHECKPOINT = "seq2seq.pt"
log = logging.getLogger("lastfix.seq2seq")


@dataclass(frozen=True)
class Seq2SeqTrainConfig:
    """Optimisation settings (AdamW, linear warmup, grad clip 1.0 as in the diffusion recipe)."""

    batch: int = 64
    lr: float = 1e-3
    warmup: int = 200
    weight_decay: float = 0.01
    seed: int = 0
    held_apart: int = 200  # pairs kept out of training for the metrics
    log_every: int = 50


@dataclass(frozen=True)
class EncodedPairs:
    """Source and target id lists (each ending in EOS) of the pairs that fit ``max_len``."""

    src: list[list[int]]
    tgt: list[list[int]]
    skipped: int


def read_pair_texts(paths: Sequence[str | Path]) -> tuple[list[tuple[str, str]], str | None]:
    """(broken, fixed) texts of JSONL pair files and the language their records name (first "lang" seen)."""
    pairs: list[tuple[str, str]] = []
    lang: str | None = None
    for path in paths:
        p = Path(path)
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise InputError(f"{p}: cannot read the pairs file ({e.strerror or e})") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                pairs.append((str(rec["broken"]), str(rec["fixed"])))
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InputError(f'{p}:{n}: not a JSON object with "broken" and "fixed" ({e})') from None
            if lang is None and isinstance(rec.get("lang"), str):
                lang = rec["lang"]
    return pairs, lang


def encode_pairs(
    language: str, vocab: Vocabulary, pairs: Sequence[tuple[str, str]], max_len: int
) -> EncodedPairs:
    """Vocabulary ids of both sides plus EOS; pairs longer than ``max_len`` on either side are skipped."""
    grammar = get_grammar(language)
    src, tgt, skipped = [], [], 0
    for broken, fixed in pairs:
        a = vocab.encode(grammar.tokenize(broken)) + [EOS_ID]
        b = vocab.encode(grammar.tokenize(fixed)) + [EOS_ID]
        if len(a) > max_len or len(b) > max_len:
            skipped += 1
            continue
        src.append(a)
        tgt.append(b)
    return EncodedPairs(src, tgt, skipped)


def _pad(rows: Sequence[Sequence[int]], fill: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), fill, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out


def _batch(data: EncodedPairs, index: np.ndarray, dev: torch.device) -> tuple[torch.Tensor, ...]:
    """(src [B, S], decoder input [EOS] + fixed [B, L], labels fixed + EOS with -100 on padding)."""
    src = _pad([data.src[i] for i in index], PAD_ID)
    tgt_in = _pad([[EOS_ID] + data.tgt[i][:-1] for i in index], PAD_ID)
    labels = _pad([data.tgt[i] for i in index], -100)
    return src.to(dev), tgt_in.to(dev), labels.to(dev)


@torch.no_grad()
def _evaluate(model: Seq2Seq, data: EncodedPairs, index: np.ndarray, dev: torch.device) -> dict[str, float]:
    """Teacher-forced token accuracy and greedy exact match on held-apart pairs."""
    if len(index) == 0:
        return {}
    model.eval()
    correct = total = exact = 0
    for chunk in np.array_split(index, max(1, math.ceil(len(index) / 64))):
        src, tgt_in, labels = _batch(data, chunk, dev)
        pred = model(src, tgt_in).argmax(-1)
        keep = labels != -100
        correct += int(((pred == labels) & keep).sum())
        total += int(keep.sum())
        for row, i in zip(model.greedy(src), chunk, strict=True):
            exact += row == data.tgt[int(i)][:-1]
    model.train()
    return {
        "token_acc": correct / max(total, 1),
        "exact": exact / len(index),
        "held_apart": float(len(index)),
    }


def train_seq2seq(
    model_config: Seq2SeqConfig,
    config: Seq2SeqTrainConfig,
    language: str,
    vocab: Vocabulary,
    data: EncodedPairs,
    out_dir: str | Path,
    *,
    minutes: float | None = None,
    steps: int | None = None,
    device: str = "auto",
    progress: bool = True,
) -> dict[str, Any]:
    """Train until ``steps`` or ``minutes``; write the checkpoint and metrics; return the metrics."""
    if not data.src:
        raise InputError("no pair fits the model (all longer than max_len, or the file is empty)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dev = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(data.src))
    held = min(config.held_apart, len(order) // 10)
    eval_index, train_index = order[:held], order[held:]
    model = Seq2Seq(model_config).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    t0 = time.monotonic()
    deadline = t0 + 60.0 * minutes if minutes is not None else math.inf
    target = steps if steps is not None else (None if minutes is not None else 1000)
    shown = ProgressOutput(target, "step", "seq2seq", enabled=progress)
    step, loss_sum = 0, 0.0
    while time.monotonic() < deadline and (target is None or step < target):
        src, tgt_in, labels = _batch(data, rng.choice(train_index, size=config.batch), dev)
        for group in opt.param_groups:
            group["lr"] = config.lr * min(1.0, (step + 1) / config.warmup)
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        loss_sum += loss.item()
        if step % config.log_every == 0:
            log.info(
                "step=%d loss=%.4f pairs/s=%.0f",
                step,
                loss_sum / config.log_every,
                step * config.batch / (time.monotonic() - t0),
            )
            shown.update(step, loss=f"{loss_sum / config.log_every:.3f}")
            loss_sum = 0.0
        else:
            shown.update(step)
    shown.close()
    seconds = time.monotonic() - t0
    metrics: dict[str, Any] = {
        "steps": step,
        "seconds": round(seconds, 1),
        "train_pairs": len(train_index),
        "samples_per_s": round(step * config.batch / max(seconds, 1e-9), 1),
        "params": model.parameter_count(),
        "skipped_too_long": data.skipped,
    }
    metrics.update(_evaluate(model, data, eval_index, dev))
    state = {
        "language": language,
        "config": model_config.to_json(),
        "train": config.__dict__,
        "step": step,
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    tmp = out / (CHECKPOINT + ".tmp")
    torch.save(state, tmp)
    tmp.replace(out / CHECKPOINT)
    vocab.save(out / "vocab.json")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    log.info("done %s", metrics)
    return metrics


def _vocabulary(language: str, given: str | None, fixed_texts: Sequence[str]) -> tuple[Vocabulary, str]:
    """--vocab (vocab.json or a directory with one), else the shipped model's, else built on the pairs."""
    from lastfix.model_runtime.model_files import default_model_dir

    if given:
        p = Path(given)
        return Vocabulary.load(p / "vocab.json" if p.is_dir() else p), str(p)
    shipped = default_model_dir(language) / "vocab.json"
    if shipped.is_file():
        return Vocabulary.load(shipped), str(shipped)
    from .corpus import build_vocabulary

    return build_vocabulary(language, fixed_texts), "built from the fixed side of the pairs"


def run(args: argparse.Namespace) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    texts, lang = read_pair_texts(args.pairs)
    language = args.lang or lang
    if language is None:
        raise InputError('the pairs carry no "lang" field; pass --lang')
    grammar = get_grammar(language)
    vocab, source = _vocabulary(grammar.name, args.vocab, [f for _, f in texts])
    max_len = args.max_len or grammar.canvas
    data = encode_pairs(grammar.name, vocab, texts, max_len)
    model_config = Seq2SeqConfig(
        vocab_size=len(vocab),
        max_len=max_len,
        d=args.d,
        heads=args.heads,
        encoder_layers=args.layers,
        decoder_layers=args.layers,
    )
    config = Seq2SeqTrainConfig(batch=args.batch, lr=args.lr, seed=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out / "train.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    print(
        f"seq2seq: {len(data.src):,} {grammar.name} pairs ({data.skipped} too long), vocabulary {len(vocab)} "
        f"({source}); logging to {out / 'train.log'}",
        file=sys.stderr,
    )
    try:
        metrics = train_seq2seq(
            model_config,
            config,
            grammar.name,
            vocab,
            data,
            out,
            minutes=args.minutes,
            steps=args.steps,
            device=args.device,
            progress=not args.no_progress,
        )
    finally:
        log.removeHandler(handler)
        handler.close()
    print(json.dumps(metrics))
    if args.export:
        from .seq2seq_export import export_seq2seq

        export_seq2seq(out, out)
        print(
            f"seq2seq: exported to {out}; bench with `lastfix bench --engine seq2seq --model {out}`",
            file=sys.stderr,
        )
    return 0

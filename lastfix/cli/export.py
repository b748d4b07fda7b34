"""``lastfix export``: turn a training checkpoint into the ONNX model directory the editor feature loads."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lastfix.grammars.errors import InputError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--checkpoint", required=True, metavar="DIR", help="directory written by `lastfix train`"
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="MODEL_DIR",
        help="model directory to write (e.g. model_runtime/models/excel)",
    )
    parser.add_argument("--steps", type=int, default=10, help="default number of respaced reverse steps")
    parser.add_argument(
        "--clamp", action="store_true", help="snap x̂0 to the nearest token embedding each step"
    )
    parser.add_argument(
        "--update",
        choices=("ddim", "renoise"),
        default="ddim",
        help="reverse-step rule: deterministic DDIM, or fresh noise at every step",
    )
    parser.add_argument(
        "--noise-table",
        metavar="JSON",
        help='calibrated {"buckets": [[max_tokens, noise], ...], '
        '"default": x} (default: keep the one already in MODEL_DIR, else a built-in guess)',
    )
    parser.add_argument("--quantize", action="store_true", help="int8 dynamic quantisation of the weights")
    parser.add_argument(
        "--corpus",
        nargs="*",
        metavar="PATH",
        help="build the ranking's n-gram prior (ngram.json.gz) from this corpus: a `lastfix corpus` "
        "directory or sources, or no PATH for the shared corpus (default: keep the one in MODEL_DIR)",
    )
    parser.add_argument("--ngram-order", type=int, default=4, help="order of the n-gram prior (default 4)")


def run(args: argparse.Namespace) -> int:
    from lastfix.model_runtime.model_files import InferenceSettings, load_model
    from lastfix.model_training.export import export_model

    table = None
    if args.noise_table:
        try:
            table = json.loads(open(args.noise_table, encoding="utf-8").read())
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"{args.noise_table}: not a readable JSON noise table ({e})") from None
    settings = InferenceSettings(steps=args.steps, clamp=args.clamp, update=args.update)
    out = export_model(
        args.checkpoint, args.out, quantize=args.quantize, inference=settings, noise_table=table
    )
    if args.corpus is not None:
        _write_ngram(out, args.corpus, args.ngram_order)
    runtime = load_model(out, device="cpu")  # proves the directory loads before anyone ships it
    print(
        f"lastfix export: {out} ({runtime.params:,} parameters, vocabulary {len(runtime.vocab)}, "
        f"canvas {runtime.canvas}) loads with ONNX Runtime ({runtime.provider})"
    )
    return 0


def _write_ngram(out: Path, corpus: list[str], order: int) -> None:
    from lastfix.grammars import get_grammar
    from lastfix.grammars.vocab import Vocabulary
    from lastfix.model_runtime.ngram import NGRAM_FILE, NgramModel
    from lastfix.model_training.corpus import corpus_snippets

    if order < 1:
        raise InputError("--ngram-order must be at least 1")
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    texts, _ = corpus_snippets(config["language"], corpus or None)
    vocab = Vocabulary.load(out / "vocab.json")  # the model's symbols, not the corpus's own vocabulary
    NgramModel.from_texts(get_grammar(config["language"]), vocab, texts, order).save(out / NGRAM_FILE)
    print(f"lastfix export: n-gram prior (order {order}) from {len(texts):,} snippets -> {out / NGRAM_FILE}")

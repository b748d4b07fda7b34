"""``lastfix train-seq2seq``: the one-shot repair model of paper 4.3, trained on a pairs JSONL.

Arguments only; the trainer (``seq2seq_train``) and torch load when the command runs.
"""

from __future__ import annotations

import argparse

from lastfix.grammars import LANGUAGES

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pairs", nargs="+", required=True, metavar="PAIRS.jsonl", help='{"broken","fixed"} JSONL'
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="output directory (checkpoint, metrics, ONNX)"
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="wall-clock training budget (the fair comparison)")
    length.add_argument("--steps", type=int, help="train this many steps (default 1000 without --minutes)")
    parser.add_argument("--lang", choices=LANGUAGES, help='language (default: the records\' "lang")')
    parser.add_argument(
        "--vocab",
        metavar="PATH",
        help="vocab.json or a model directory (default: the shipped "
        "model's, else built from the pairs); use the same one for every generator",
    )
    parser.add_argument("--d", type=int, default=128, help="model width (default 128)")
    parser.add_argument("--layers", type=int, default=3, help="encoder and decoder blocks each (default 3)")
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument(
        "--max-len", type=int, help="longest sequence incl. EOS (default: the grammar's canvas)"
    )
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, help="torch intra-op threads")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    parser.add_argument("--export", action="store_true", help="also export the ONNX model into --out")
    parser.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    from lastfix.model_training.seq2seq_train import run as train

    return train(args)

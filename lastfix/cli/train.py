"""``lastfix train``: pre-train a diffusion model on correct snippets, or fine-tune it to repair."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lastfix.grammars import LANGUAGES
from lastfix.grammars.errors import InputError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="language of the corpus")
    parser.add_argument(
        "--corpus",
        nargs="*",
        default=None,
        metavar="PATH",
        help="a directory written by `lastfix corpus` (snippets.jsonl + vocab.json), or raw "
        "source files/JSONL to build one from (default: the shared corpus)",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="checkpoint directory (train.log, metrics)"
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--minutes",
        type=float,
        help="train for this many minutes of wall clock, then evaluate once more (announced; at most "
        "--eval-seconds)",
    )
    length.add_argument("--steps", type=int, help="train until this many steps in total (resumed ones count)")
    parser.add_argument("--resume", action="store_true", help="continue the checkpoint in --out exactly")
    parser.add_argument(
        "--stage",
        choices=("pretrain", "repair"),
        default="pretrain",
        help="pretrain on correct code, or fine-tune as a repair operator (needs --init or --resume)",
    )
    parser.add_argument("--init", metavar="DIR", help="start from this checkpoint's weights (repair stage)")
    parser.add_argument(
        "--pairs",
        nargs="*",
        default=(),
        metavar="PAIRS.jsonl",
        help='repair stage: JSONL of {"broken", "fixed"} added to the rule-based corruptions',
    )
    parser.add_argument(
        "--eval-seconds",
        type=float,
        metavar="S",
        help="time bound of the final evaluation (default with --minutes: 5%% of them, 30 s at least; "
        "with --steps: none)",
    )
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:1, ...")
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="SECTION.NAME=VALUE",
        help="override a setting, e.g. model.d=256 train.lr=3e-4 (repeatable)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (default: one on a terminal only; train.log is always written)",
    )


def run(args: argparse.Namespace) -> int:
    import torch

    from lastfix.grammars import get_grammar
    from lastfix.model_training.checkpoint import has_checkpoint, load_run
    from lastfix.model_training.config import ModelConfig, RunConfig
    from lastfix.model_training.corpus import corpus_snippets
    from lastfix.model_training.data import encode_snippets, split_held_apart
    from lastfix.model_training.train import TrainData, train

    from .corpus import require_corpus

    if args.minutes is not None and args.minutes <= 0:
        raise InputError("--minutes must be positive")
    if args.eval_seconds is not None and args.eval_seconds < 0:
        raise InputError("--eval-seconds must be 0 or more")
    if args.threads:
        torch.set_num_threads(args.threads)
    grammar = get_grammar(args.lang)
    out = Path(args.out)
    require_corpus(grammar.name, args.corpus)
    texts, vocab = corpus_snippets(args.lang, args.corpus)
    if args.resume or args.init:
        source = out if args.resume else Path(args.init)
        if args.resume and not has_checkpoint(out):
            raise InputError(f"{out}: nothing to resume (no checkpoint.pt); drop --resume to start a new run")
        config, vocab = load_run(source)
        if config.language != grammar.name:
            raise InputError(f"{source} holds a {config.language} model, not {grammar.name}")
        config = _overridden(config, args.config)
    else:
        if args.stage == "repair":
            raise InputError(
                "--stage repair fine-tunes a trained model: give --init PRETRAINED_DIR (or --resume)"
            )
        if has_checkpoint(out):
            raise InputError(
                f"{out} already holds a checkpoint; pass --resume to continue it or choose another --out"
            )
        config = RunConfig(grammar.name, ModelConfig(vocab_size=len(vocab), canvas=grammar.canvas))
        config = _overridden(config, args.config)
    encoded = encode_snippets(grammar, vocab, texts, config.model.canvas)
    if not encoded.ids:
        raise InputError(f"no snippet of the corpus fits a canvas of {config.model.canvas} tokens")
    train_index, eval_index = split_held_apart(
        len(encoded.ids), config.train.eval_snippets, config.train.seed
    )
    data = TrainData(encoded.ids, train_index, eval_index)
    if args.stage == "repair":
        from lastfix.model_training.repair_data import build_repair_data

        data = build_repair_data(grammar, vocab, config, encoded, train_index, eval_index, args.pairs)
    print(
        f"lastfix train: {len(encoded.ids):,} snippets ({encoded.skipped:,} too long for the canvas), "
        f"vocabulary {len(vocab)}, held apart {len(eval_index)}; logging to {out / 'train.log'}"
    )
    print(f"lastfix train: {_length(args)}", flush=True)
    result = train(
        config,
        vocab,
        data,
        out,
        stage=args.stage,
        steps=args.steps,
        minutes=args.minutes,
        resume=args.resume,
        init_from=args.init,
        device=args.device,
        # a bar only on a terminal: redrawn into a log file it is a line per step (train.log has the figures)
        progress=not args.no_progress and sys.stderr.isatty(),
        eval_seconds=args.eval_seconds,
        announce=lambda message: print(f"lastfix train: {message}", flush=True),
    )
    print(
        f"lastfix train: step {result.step}, {result.samples_per_s:.1f} samples/s over "
        f"{result.training_s:.1f} s of training"
        + ("" if not result.metrics else " | " + " ".join(f"{k}={v:.3f}" for k, v in result.metrics.items()))
    )
    print(
        f"lastfix train: checkpoint in {out}; export with `lastfix export --checkpoint {out} --out MODEL_DIR`"
    )
    return 0


def _length(args: argparse.Namespace) -> str:
    """What the run will do, said before it starts."""
    from lastfix.model_training.train import eval_budget_s

    budget = eval_budget_s(args.minutes, args.eval_seconds)
    evaluation = "then a final evaluation" + ("" if budget is None else f" of at most {budget:.3g} s")
    if args.minutes is not None:
        return f"training for {args.minutes:g} min, {evaluation}"
    if args.steps is not None:
        return f"training until step {args.steps}, {evaluation}"
    return f"training 1000 more steps, {evaluation}"


def _overridden(config, overrides):  # type: ignore[no-untyped-def]
    from lastfix.model_training.config import apply_overrides

    try:
        return apply_overrides(config, overrides)
    except ValueError as e:
        raise InputError(f"--config: {e}") from None

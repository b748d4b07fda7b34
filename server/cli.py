"""The ``lastfix`` command line: one subcommand per module, imported only when it runs.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int`` and imports nothing heavy
at module level, so ``lastfix check`` never loads onnxruntime and only ``train``/``export`` load torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from lastfix.grammars.errors import LastfixError

__all__ = ["COMMANDS", "build_parser", "main"]

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("lastfix.server.check_command", "list syntax errors (path:line:col: message); exit 1 if any"),
    "repair": (
        "lastfix.server.repair_command",
        "repair the syntax errors of a file with the diffusion model",
    ),
    "serve": ("lastfix.server.serve_command", "run the language server (stdio by default)"),
    "bench": ("lastfix.benchmarks.bench_command", "measure repair on a JSONL of {id, broken, fixed}"),
    "calibrate": (
        "lastfix.benchmarks.calibrate_command",
        "learn the noise-level-by-error-size table of a model",
    ),
    "report": (
        "lastfix.benchmarks.report_command",
        "regenerate benchmarks/results/<lang>.md from bench reports",
    ),
    "corpus": ("lastfix.model_training.corpus", "build training snippets and a vocabulary from a corpus"),
    "train": (
        "lastfix.model_training.train_command",
        "train a diffusion model (PyTorch; needs the [train] extra)",
    ),
    "export": ("lastfix.model_training.export_command", "export a checkpoint to an ONNX model directory"),
    "generate": (
        "lastfix.model_training.generate_command",
        "generate (broken, fixed) pairs from the diffusion process",
    ),
    "train-seq2seq": (
        "lastfix.model_training.seq2seq_command",
        "train the one-shot seq2seq repair model on (broken, fixed) pairs (PyTorch)",
    ),
    "datastats": (
        "lastfix.model_training.datastats_command",
        "localisation, diversity, complexity of repair pairs",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lastfix", description="Repair last-mile syntax errors.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args))
    except LastfixError as e:
        print(f"lastfix {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"lastfix {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

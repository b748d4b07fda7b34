"""The ``lastfix`` command line: one subcommand per module, imported only when it runs.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int`` and imports nothing heavy
at module level, so ``lastfix check`` never loads onnxruntime and only ``train``/``export`` load torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from lastfix import __version__
from lastfix.grammars.errors import LastfixError

__all__ = ["COMMANDS", "build_parser", "main"]

# name -> (module of lastfix.cli, one-line help); every command module has add_arguments(parser) and
# run(args) -> int and imports nothing heavy at module level
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "list syntax errors (path:line:col: message); exit 1 if any"),
    "repair": ("repair", "repair the syntax errors of a file with the diffusion model"),
    "serve": ("serve", "run the language server (stdio by default)"),
    "bench": ("bench", "measure repair on a JSONL of {id, broken, fixed}"),
    "calibrate": ("calibrate", "learn the noise-level-by-error-size table of a model"),
    "report": ("report", "regenerate benchmarks/results/<lang>.md from bench reports"),
    "corpus": ("corpus", "build training snippets and a vocabulary from a corpus"),
    "train": ("train", "train a diffusion model (PyTorch; needs the [train] extra)"),
    "export": ("export", "export a checkpoint to an ONNX model directory"),
    "generate": ("generate", "generate (broken, fixed) pairs from the diffusion process"),
    "train-seq2seq": (
        "train_seq2seq",
        "train the one-shot seq2seq repair model on (broken, fixed) pairs (PyTorch)",
    ),
    "datastats": ("datastats", "localisation, diversity, complexity of repair pairs"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lastfix", description="Repair last-mile syntax errors.")
    parser.add_argument("--version", action="version", version=f"lastfix {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"{__name__}.{module_name}")
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

"""The CLI builds every subcommand's parser without loading torch or onnxruntime (DESIGN: imports point one
way; a runtime install has neither the [train] extra nor, for `check`, any need of the model runtime)."""

import subprocess
import sys

from lastfix.cli import COMMANDS


def test_every_command_parses_without_heavy_imports():
    code = (
        "import sys; from lastfix.cli import build_parser; p = build_parser(); "
        "p.parse_args(['check', 'x.py']); "
        "heavy = [m for m in ('torch', 'onnxruntime') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_training_commands_are_registered():
    assert {"train", "export", "generate", "train-seq2seq", "datastats"} <= set(COMMANDS)

"""Checkpoints: model, optimizer, step, RNG states, config.json and vocab.json in one directory.

Written atomically (temporary file, then rename) so that a Ctrl-C or SIGTERM during a save never leaves
a truncated checkpoint behind, and complete enough that ``--resume`` continues the very same run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from lastfix.grammars.errors import ModelLoadError
from lastfix.grammars.vocab import Vocabulary

from .config import RunConfig

__all__ = ["CHECKPOINT", "save_checkpoint", "load_checkpoint", "has_checkpoint", "load_run"]

CHECKPOINT = "checkpoint.pt"


def has_checkpoint(directory: str | Path) -> bool:
    return (Path(directory) / CHECKPOINT).is_file()


def save_checkpoint(
    directory: str | Path, state: dict[str, Any], config: RunConfig, vocab: Vocabulary
) -> Path:
    """Write ``state`` (torch-serialisable) plus config.json and vocab.json into ``directory``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    config.save(d / "config.json")
    vocab.save(d / "vocab.json")
    tmp = d / (CHECKPOINT + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, d / CHECKPOINT)
    return d / CHECKPOINT


def load_run(directory: str | Path) -> tuple[RunConfig, Vocabulary]:
    """The config and vocabulary saved beside a checkpoint; ModelLoadError saying what is missing."""
    d = Path(directory)
    if not has_checkpoint(d):
        raise ModelLoadError(f"{d}: no {CHECKPOINT} here; train one with `lastfix train --out {d}`")
    try:
        config = RunConfig.load(d / "config.json")
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelLoadError(
            f"{d / 'config.json'}: unreadable ({e}); it is written with every checkpoint"
        ) from None
    return config, Vocabulary.load(d / "vocab.json")


def load_checkpoint(directory: str | Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """The saved state dict; ModelLoadError when missing or unreadable."""
    path = Path(directory) / CHECKPOINT
    try:
        state: dict[str, Any] = torch.load(path, map_location=map_location, weights_only=False)
    except FileNotFoundError:
        raise ModelLoadError(f"{path}: no checkpoint; train one with `lastfix train`") from None
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a truncated file
        raise ModelLoadError(
            f"{path}: unreadable checkpoint ({type(e).__name__}: {e}); "
            "resume from an earlier copy or train again"
        ) from None
    return state

"""The process around a training run: the device, torchrun's ranks, stop signals and the log file."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

__all__ = [
    "pick_device",
    "StopFlag",
    "distributed",
    "leave_distributed",
    "attach_log_file",
    "detach_log_file",
]

log = logging.getLogger("lastfix.train")


def pick_device(device: str = "auto") -> torch.device:
    """ "auto": CUDA when torch sees a GPU, else CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


class StopFlag:
    """Set by SIGINT/SIGTERM so the loop can finish the step and checkpoint before leaving."""

    def __init__(self) -> None:
        self.set = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> StopFlag:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread (e.g. inside a test runner thread): no handler
                pass
        return self

    def _handle(self, signum: int, frame: object) -> None:
        self.set = True

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def distributed() -> tuple[int, int]:
    """(rank, world size) under torchrun, initialising the process group once; (0, 1) otherwise."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), world


def leave_distributed(world: int) -> None:
    """Tear the process group down once every rank is done (nothing to do without torchrun)."""
    if world > 1:
        # Rank 0 still checkpoints and evaluates; a rank that tears gloo down meanwhile can abort (seen
        # once in ~6 CI runs: SIGABRT in rank 1), so every rank leaves together.
        dist.barrier()
        dist.destroy_process_group()


def attach_log_file(out_dir: Path) -> logging.Handler:
    """Copy the training log to ``out_dir/train.log``."""
    handler = logging.FileHandler(out_dir / "train.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def detach_log_file(handler: logging.Handler | None) -> None:
    """Stop writing ``train.log`` (a later run in the same process opens its own)."""
    if handler is not None:
        log.removeHandler(handler)
        handler.close()

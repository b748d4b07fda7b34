"""The training loop: AdamW with warmup and grad clipping, checkpoints, exact resume, evaluation, DDP.

Both stages run here: "pretrain" (paper 3.1: denoise correct snippets with random blank slots) and
"repair" (DESIGN "Repair fine-tuning": noise the broken canvas, ask for the aligned fix, mixed with
pre-training batches so the model does not forget). Stops after ``steps`` total steps or ``minutes`` of
wall clock, or on Ctrl-C/SIGTERM, always writing a checkpoint first.

The pieces: :mod:`.train_state` (building, checkpointing and evaluating a run), :mod:`.train_step` (one
optimiser step), :mod:`.train_progress` (the log and the bar), :mod:`.train_process` (device, torchrun,
signals, the log file); this module strings them together.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist
from lastfix.grammars.vocab import Vocabulary

from .config import RunConfig
from .train_process import (
    StopFlag,
    attach_log_file,
    detach_log_file,
    distributed,
    leave_distributed,
    pick_device,
)
from .train_progress import Progress
from .train_state import TrainData, TrainRun, build_run, evaluate_run, save_run
from .train_step import train_step

__all__ = ["TrainData", "TrainResult", "train", "pick_device"]

log = logging.getLogger("lastfix.train")

STAGES = ("pretrain", "repair")


@dataclass(frozen=True)
class TrainResult:
    step: int
    samples_per_s: float
    last_terms: dict[str, float]
    metrics: dict[str, float]
    interrupted: bool


def train(
    config: RunConfig,
    vocab: Vocabulary,
    data: TrainData,
    out_dir: str | Path,
    *,
    stage: str = "pretrain",
    steps: int | None = None,
    minutes: float | None = None,
    resume: bool = False,
    init_from: str | Path | None = None,
    device: str = "auto",
    progress: bool = True,
) -> TrainResult:
    """Train until ``steps`` (total, counting resumed ones) or ``minutes`` (this call) or a signal."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; valid names: {', '.join(STAGES)}")
    if stage == "repair" and data.repair_batch is None:
        raise ValueError("the repair stage needs repair pairs (TrainData.repair_batch)")
    out = Path(out_dir)
    rank, world = distributed()
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    handler = attach_log_file(out) if rank == 0 else None
    run = build_run(
        config,
        vocab,
        data,
        out,
        stage=stage,
        rank=rank,
        world=world,
        device=device,
        resume=resume,
        init_from=init_from,
    )
    if run.main:
        _log_start(run)
    window, metrics, interrupted = _loop(run, steps, minutes, progress)
    result = _finish(run, window, metrics, interrupted)
    detach_log_file(handler)
    leave_distributed(world)
    return result


def _log_start(run: TrainRun) -> None:
    log.info(
        "stage=%s device=%s params=%d threads=%d world=%d start_step=%d train=%d held_apart=%d",
        run.stage,
        run.dev,
        run.model.parameter_count(),
        torch.get_num_threads(),
        run.world,
        run.step,
        len(run.data.train_index),
        len(run.data.eval_index),
    )


def _loop(
    run: TrainRun, steps: int | None, minutes: float | None, show_progress: bool
) -> tuple[Progress, dict[str, float], bool]:
    """Step until the target step, the deadline or a signal, evaluating and checkpointing on the way;
    (the progress, the latest metrics, whether a signal stopped it)."""
    tc = run.config.train
    run.started = time.monotonic()
    deadline = run.started + 60.0 * minutes if minutes is not None else math.inf
    next_save = run.started + 60.0 * tc.checkpoint_minutes
    target_steps = steps if steps is not None else (None if minutes is not None else run.step + 1000)
    progress = Progress(run, target_steps, show_progress)
    metrics: dict[str, float] = {}
    run.loss_module.train()
    with StopFlag() as flag:
        while not _should_stop(run, flag, deadline, target_steps):
            progress.add(run, train_step(run))
            if run.step % tc.eval_every == 0:
                started = time.monotonic()
                metrics = evaluate_run(run) or metrics
                progress.leave_out(time.monotonic() - started)
            if time.monotonic() >= next_save:
                save_run(run)
                next_save = time.monotonic() + 60.0 * tc.checkpoint_minutes
        interrupted = flag.set
    progress.close()
    return progress, metrics, interrupted


def _should_stop(run: TrainRun, flag: StopFlag, deadline: float, target_steps: int | None) -> bool:
    """A signal, the deadline or the target step; under torchrun every rank stops at the same step."""
    stop = flag.set or time.monotonic() >= deadline or (target_steps is not None and run.step >= target_steps)
    if run.world > 1:
        s = torch.tensor([1.0 if stop else 0.0], device=run.dev)
        dist.all_reduce(s, op=dist.ReduceOp.MAX)
        stop = bool(s.item())
    return stop


def _finish(run: TrainRun, progress: Progress, metrics: dict[str, float], interrupted: bool) -> TrainResult:
    """The last checkpoint and, unless this very step was evaluated, a last evaluation."""
    save_run(run)
    if run.main and (interrupted or run.step % run.config.train.eval_every != 0):
        metrics = evaluate_run(run) or metrics
    if run.main:
        log.info("stopped at step=%d%s", run.step, " (signal)" if interrupted else "")
    return TrainResult(run.step, progress.rate, progress.last_terms, metrics, interrupted)

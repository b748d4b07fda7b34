"""The training loop: AdamW with warmup and grad clipping, checkpoints, exact resume, evaluation, DDP.

Both stages run here: "pretrain" (paper 3.1: denoise correct snippets with random blank slots) and
"repair" (DESIGN "Repair fine-tuning": noise the broken canvas, ask for the aligned fix, mixed with
pre-training batches so the model does not forget). Stops after ``steps`` total steps or ``minutes`` of
wall clock, or on Ctrl-C/SIGTERM, always writing a checkpoint first.

A run given in minutes stops training when they are up (an evaluation on the way ends by then too) and
then evaluates once more, announced and bounded (``eval_seconds``; by default 5% of the minutes, 30 s
at least): issue 17 saw ``--minutes 1`` run 127 s with a silent minute of evaluation at the end. The
samples/s it reports is over the whole of its training time, evaluations and checkpoints left out.

The pieces: :mod:`.train_state` (building, checkpointing and evaluating a run), :mod:`.train_step` (one
optimiser step), :mod:`.train_progress` (the log and the bar), :mod:`.train_process` (device, torchrun,
signals, the log file); this module strings them together.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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
from .train_state import Evaluation, TrainData, TrainRun, build_run, evaluate_run, save_run
from .train_step import train_step

__all__ = ["TrainData", "TrainResult", "train", "pick_device", "eval_budget_s"]

log = logging.getLogger("lastfix.train")

STAGES = ("pretrain", "repair")


MIN_EVAL_S = 30.0  # the final evaluation of a run given in minutes gets at least this long
EVAL_SHARE = 0.05  # ... or this share of the minutes, whichever is longer


@dataclass(frozen=True)
class TrainResult:
    step: int
    samples_per_s: float  # over this call's training time (evaluations and checkpoints left out)
    last_terms: dict[str, float]
    metrics: dict[str, float]
    interrupted: bool
    training_s: float = 0.0  # seconds of training steps in this call
    eval_s: float = 0.0  # seconds of the final evaluation
    eval_complete: bool = True  # False: its time ran out before every noise level was measured


def eval_budget_s(minutes: float | None, eval_seconds: float | None = None) -> float | None:
    """How long the final evaluation may take: ``eval_seconds``, else for a run given in minutes 5% of
    them (30 s at least), else no bound (a run given in steps evaluates in full)."""
    if eval_seconds is not None:
        return max(0.0, eval_seconds)
    if minutes is None:
        return None
    return max(MIN_EVAL_S, EVAL_SHARE * 60.0 * minutes)


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
    eval_seconds: float | None = None,
    announce: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train until ``steps`` (total, counting resumed ones) or ``minutes`` (this call) or a signal, then
    evaluate within :func:`eval_budget_s`; ``announce`` hears when training stops and evaluation starts."""
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
    tell = _announcer(announce if run.main else None)
    window, last_eval, interrupted = _loop(run, steps, minutes, progress)
    result = _finish(run, window, last_eval, interrupted, eval_budget_s(minutes, eval_seconds), tell)
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


def _announcer(announce: Callable[[str], None] | None) -> Callable[[str], None]:
    """Each announcement goes to the log and, when given, to ``announce`` (the command's output)."""

    def tell(message: str) -> None:
        log.info("%s", message)
        if announce is not None:
            announce(message)

    return tell


@dataclass(frozen=True)
class _LastEval:
    """The latest evaluation in the loop and the step it measured."""

    step: int = -1
    # each its own (an Evaluation holds a dict): no instance shares a class-level default
    evaluation: Evaluation = field(default_factory=lambda: Evaluation({}))


def _loop(
    run: TrainRun, steps: int | None, minutes: float | None, show_progress: bool
) -> tuple[Progress, _LastEval, bool]:
    """Step until the target step, the deadline or a signal, evaluating and checkpointing on the way
    (an evaluation ends by the deadline too); (the progress, the latest evaluation, whether a signal
    stopped it)."""
    tc = run.config.train
    run.started = time.monotonic()
    deadline = run.started + 60.0 * minutes if minutes is not None else math.inf
    next_save = run.started + 60.0 * tc.checkpoint_minutes
    target_steps = steps if steps is not None else (None if minutes is not None else run.step + 1000)
    progress = Progress(run, target_steps, show_progress)
    last = _LastEval()
    run.loss_module.train()
    with StopFlag() as flag:
        while not _should_stop(run, flag, deadline, target_steps):
            progress.add(run, train_step(run))
            if run.step % tc.eval_every == 0:
                evaluation = evaluate_run(run, until=None if math.isinf(deadline) else deadline)
                progress.leave_out(evaluation.seconds)
                if evaluation.metrics or not last.evaluation.metrics:
                    last = _LastEval(run.step, evaluation)
            if time.monotonic() >= next_save:
                started = time.monotonic()
                save_run(run)
                progress.leave_out(time.monotonic() - started)
                next_save = time.monotonic() + 60.0 * tc.checkpoint_minutes
        interrupted = flag.set
    progress.close()
    return progress, last, interrupted


def _should_stop(run: TrainRun, flag: StopFlag, deadline: float, target_steps: int | None) -> bool:
    """A signal, the deadline or the target step; under torchrun every rank stops at the same step."""
    stop = flag.set or time.monotonic() >= deadline or (target_steps is not None and run.step >= target_steps)
    if run.world > 1:
        s = torch.tensor([1.0 if stop else 0.0], device=run.dev)
        dist.all_reduce(s, op=dist.ReduceOp.MAX)
        stop = bool(s.item())
    return stop


def _finish(
    run: TrainRun,
    progress: Progress,
    last: _LastEval,
    interrupted: bool,
    budget_s: float | None,
    tell: Callable[[str], None],
) -> TrainResult:
    """The last checkpoint and, unless this very step was evaluated in full, a last evaluation within
    ``budget_s`` seconds, announced before it starts."""
    training_s, rate = progress.training_s, progress.mean_rate
    save_run(run)
    evaluation = last.evaluation
    if run.main:
        tell(
            f"stopped training at step {run.step}{' (signal)' if interrupted else ''} after "
            f"{training_s:.1f} s of training: {progress.steps} steps, {rate:.1f} samples/s"
        )
    fresh = last.step == run.step and evaluation.complete
    if run.main and len(run.data.eval_index) and (interrupted or not fresh):
        bound = "" if budget_s is None else f" (at most {budget_s:.3g} s)"
        tell(f"evaluating on {len(run.data.eval_index)} held-apart snippets{bound}")
        until = None if budget_s is None else time.monotonic() + budget_s
        final = evaluate_run(run, until=until)
        # an earlier evaluation's figures stand over a final one that measured nothing (no time left)
        evaluation = final if final.metrics or not evaluation.metrics else evaluation
        tell(
            f"evaluation done in {final.seconds:.1f} s"
            + ("" if final.complete else "; time was up before every noise level was measured")
        )
    return TrainResult(
        run.step,
        rate,
        progress.last_terms,
        evaluation.metrics,
        interrupted,
        training_s=training_s,
        eval_s=evaluation.seconds,
        eval_complete=evaluation.complete,
    )

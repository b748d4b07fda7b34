"""One training run's state: the model, optimiser and random streams (built fresh, resumed exactly, or
initialised from another run's weights), its checkpoint and its evaluation on the held-apart snippets."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from lastfix.grammars.vocab import Vocabulary

from .checkpoint import load_checkpoint, save_checkpoint
from .config import RunConfig
from .evaluate import NOISE_LEVELS, reconstruction, repair_rate
from .losses import LossModule
from .network import CodeFusion
from .schedule import Schedule
from .train_process import pick_device

__all__ = ["BatchFn", "TrainData", "TrainRun", "Evaluation", "build_run", "save_run", "evaluate_run"]

log = logging.getLogger("lastfix.train")

# (rng) -> (source ids [B, n], target ids [B, n]); pre-training returns the same array twice
BatchFn = Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class TrainData:
    """Encoded snippets with the held-apart split, and (repair stage) a batch maker and eval pairs."""

    rows: Sequence[list[int]]
    train_index: np.ndarray
    eval_index: np.ndarray
    repair_batch: BatchFn | None = None  # repair stage only
    repair_eval: tuple[np.ndarray, list[list[str]]] | None = None  # broken canvases, fixed symbols


@dataclass
class TrainRun:
    """What one call of ``train`` holds: where it writes, the model and optimiser, the streams, the step."""

    config: RunConfig
    vocab: Vocabulary
    data: TrainData
    out: Path
    stage: str  # "pretrain" or "repair"
    rank: int
    world: int
    dev: torch.device
    model: CodeFusion
    schedule: Schedule
    optimizer: torch.optim.Optimizer
    loss_module: torch.nn.Module  # the loss around the model, wrapped in DDP under torchrun
    rng: np.random.Generator  # the data stream (batches, noise levels)
    gen: torch.Generator  # the noise stream (eps)
    step: int = 0
    elapsed_before: float = 0.0  # seconds trained by the calls this one resumes
    started: float = 0.0  # time.monotonic() when this call's loop began

    @property
    def main(self) -> bool:
        """Rank 0 writes the checkpoint, the metrics and the log."""
        return self.rank == 0


def build_run(
    config: RunConfig,
    vocab: Vocabulary,
    data: TrainData,
    out: Path,
    *,
    stage: str,
    rank: int,
    world: int,
    device: str,
    resume: bool,
    init_from: str | Path | None,
) -> TrainRun:
    """Model, optimiser and streams: fresh, resumed from ``out``, or from ``init_from``'s weights."""
    dev = pick_device(device)
    tc = config.train
    torch.manual_seed(tc.seed + rank)
    model = CodeFusion(config.model).to(dev)
    schedule = Schedule(config.schedule, dev)
    optimizer = torch.optim.AdamW(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    rng = np.random.default_rng([tc.seed, rank])
    gen = torch.Generator(device=dev).manual_seed(tc.seed * 1000 + rank)
    step, elapsed_before = 0, 0.0
    if resume:
        state = load_checkpoint(out, dev)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, elapsed_before = int(state["step"]), float(state.get("elapsed", 0.0))
        if world == 1:  # exact resume: the data and noise streams continue where they stopped
            rng.bit_generator.state = state["numpy_rng"]
            gen.set_state(state["torch_rng"].to("cpu") if dev.type == "cpu" else state["torch_rng"])
    elif init_from is not None:
        model.load_state_dict(load_checkpoint(init_from, dev)["model"])
    loss_module: torch.nn.Module = LossModule(model, schedule, tc)
    if world > 1:
        loss_module = torch.nn.parallel.DistributedDataParallel(loss_module)
    return TrainRun(
        config=config,
        vocab=vocab,
        data=data,
        out=out,
        stage=stage,
        rank=rank,
        world=world,
        dev=dev,
        model=model,
        schedule=schedule,
        optimizer=optimizer,
        loss_module=loss_module,
        rng=rng,
        gen=gen,
        step=step,
        elapsed_before=elapsed_before,
    )


def save_run(run: TrainRun) -> None:
    """Checkpoint (rank 0): weights, optimiser, step and both streams, so a resume continues exactly."""
    if not run.main:
        return
    state = {
        "model": run.model.state_dict(),
        "optimizer": run.optimizer.state_dict(),
        "step": run.step,
        "stage": run.stage,
        "numpy_rng": run.rng.bit_generator.state,
        "torch_rng": run.gen.get_state(),
        "elapsed": run.elapsed_before + time.monotonic() - run.started,
    }
    save_checkpoint(run.out, state, run.config, run.vocab)
    log.info("checkpoint step=%d -> %s", run.step, run.out)


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation measured; ``complete`` is False when its time ran out before the last level."""

    metrics: dict[str, float]
    complete: bool = True
    seconds: float = 0.0


def evaluate_run(run: TrainRun, until: float | None = None) -> Evaluation:
    """Reconstruction (and repair) rates on the held-apart data, appended to ``metrics.jsonl`` (rank 0).

    ``until`` (``time.monotonic()`` seconds) bounds it: the noise levels run one at a time, and a level
    that the time of the levels before says would end past ``until`` is not started, nor is any level
    once ``until`` has passed (so a bound of 0 s measures nothing); each level draws its noise from the
    same seed, so the levels that run give the figures an unbounded one would.
    """
    data, seed = run.data, run.config.train.seed
    if not run.main or len(data.eval_index) == 0:
        return Evaluation({})
    started = time.monotonic()
    rows = [data.rows[int(i)] for i in data.eval_index]
    metrics: dict[str, float] = {}
    complete = True
    for n, level in enumerate(NOISE_LEVELS):
        spent = time.monotonic() - started
        # the first level has no time to go by: it starts only while time is left
        if until is not None and time.monotonic() + (spent / n if n else 0.0) >= until:
            complete = False
            break
        metrics.update(reconstruction(run.model, run.schedule, rows, run.vocab, levels=(level,), seed=seed))
    if data.repair_eval is not None and complete and (until is None or time.monotonic() < until):
        metrics.update(
            repair_rate(
                run.model, run.schedule, data.repair_eval[0], data.repair_eval[1], run.vocab, seed=seed
            )
        )
    elif data.repair_eval is not None:
        complete = False
    seconds = time.monotonic() - started
    if metrics:
        with (run.out / "metrics.jsonl").open("a", encoding="utf-8") as f:
            record = {"step": run.step, "stage": run.stage, **metrics}
            f.write(json.dumps(record if complete else {**record, "partial": True}) + "\n")
    log.info(
        "eval step=%d %s%s (%.1f s)",
        run.step,
        " ".join(f"{k}={v:.3f}" for k, v in metrics.items()),
        "" if complete else " [time up: the levels not shown were skipped]",
        seconds,
    )
    return Evaluation(metrics, complete, seconds)

"""The training loop: AdamW with warmup and grad clipping, checkpoints, exact resume, evaluation, DDP.

Both stages run here: "pretrain" (paper 3.1: denoise correct snippets with random blank slots) and
"repair" (DESIGN "Repair fine-tuning": noise the broken canvas, ask for the aligned fix, mixed with
pre-training batches so the model does not forget). Stops after ``steps`` total steps or ``minutes`` of
wall clock, or on Ctrl-C/SIGTERM, always writing a checkpoint first.
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from lastfix.grammars.vocab import Vocabulary

from .checkpoint import load_checkpoint, save_checkpoint
from .config import RunConfig
from .data import pretrain_batch
from .evaluate import reconstruction, repair_rate
from .losses import TERM_NAMES, LossModule
from .network import CodeFusion
from .noising import sample_t
from .schedule import Schedule

__all__ = ["TrainData", "TrainResult", "train", "pick_device"]

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


@dataclass(frozen=True)
class TrainResult:
    step: int
    samples_per_s: float
    last_terms: dict[str, float]
    metrics: dict[str, float]
    interrupted: bool


def pick_device(device: str = "auto") -> torch.device:
    """ "auto": CUDA when torch sees a GPU, else CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _lr_factor(step: int, warmup: int) -> float:
    """Linear warmup, then constant (the run length is often given in minutes, not steps)."""
    return min(1.0, (step + 1) / max(1, warmup))


class _StopFlag:
    """Set by SIGINT/SIGTERM so the loop can finish the step and checkpoint before leaving."""

    def __init__(self) -> None:
        self.set = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> _StopFlag:
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


def _distributed() -> tuple[int, int]:
    """(rank, world size) under torchrun, initialising the process group once; (0, 1) otherwise."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), world


def _attach_log_file(out_dir: Path) -> logging.Handler:
    handler = logging.FileHandler(out_dir / "train.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


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
    if stage not in ("pretrain", "repair"):
        raise ValueError(f"unknown stage {stage!r}; valid names: pretrain, repair")
    if stage == "repair" and data.repair_batch is None:
        raise ValueError("the repair stage needs repair pairs (TrainData.repair_batch)")
    out = Path(out_dir)
    rank, world = _distributed()
    main = rank == 0
    if main:
        out.mkdir(parents=True, exist_ok=True)
    handler = _attach_log_file(out) if main else None
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
    n_params = model.parameter_count()
    if main:
        log.info(
            "stage=%s device=%s params=%d threads=%d world=%d start_step=%d train=%d held_apart=%d",
            stage,
            dev,
            n_params,
            torch.get_num_threads(),
            world,
            step,
            len(data.train_index),
            len(data.eval_index),
        )

    def checkpoint() -> None:
        if not main:
            return
        state = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": step,
            "stage": stage,
            "numpy_rng": rng.bit_generator.state,
            "torch_rng": gen.get_state(),
            "elapsed": elapsed_before + time.monotonic() - t0,
        }
        save_checkpoint(out, state, config, vocab)
        log.info("checkpoint step=%d -> %s", step, out)

    def evaluate() -> dict[str, float]:
        if not main or len(data.eval_index) == 0:
            return {}
        metrics = reconstruction(
            model, schedule, [data.rows[int(i)] for i in data.eval_index], vocab, seed=tc.seed
        )
        if data.repair_eval is not None:
            metrics.update(
                repair_rate(model, schedule, data.repair_eval[0], data.repair_eval[1], vocab, seed=tc.seed)
            )
        with (out / "metrics.jsonl").open("a", encoding="utf-8") as f:
            f.write(json.dumps({"step": step, "stage": stage, **metrics}) + "\n")
        log.info("eval step=%d %s", step, " ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
        return metrics

    def next_batch() -> tuple[np.ndarray, np.ndarray]:
        if stage == "repair" and rng.random() >= tc.pretrain_share:
            assert data.repair_batch is not None
            return data.repair_batch(rng)
        ids = pretrain_batch(data.rows, data.train_index, config.model.canvas, vocab, tc, rng)
        return ids, ids

    def next_t(batch: int) -> np.ndarray:
        if stage == "repair":  # the repair range of noise levels (paper fig. 5)
            lo, hi = tc.repair_noise_min, tc.repair_noise_max
            return np.clip(
                np.rint(rng.uniform(lo, hi, size=batch) * config.schedule.T), 1, config.schedule.T
            ).astype(np.int64)
        return sample_t(batch, tc, config.schedule.T, rng)

    t0 = time.monotonic()
    deadline = t0 + 60.0 * minutes if minutes is not None else math.inf
    next_save = t0 + 60.0 * tc.checkpoint_minutes
    target_steps = steps if steps is not None else (None if minutes is not None else step + 1000)
    bar = None
    if main and progress:
        from tqdm import tqdm

        bar = tqdm(total=target_steps, initial=step, unit="step", dynamic_ncols=True)
    terms_sum = torch.zeros(len(TERM_NAMES), device=dev)
    window_start, window_steps, rate = time.monotonic(), 0, 0.0
    last_terms: dict[str, float] = {}
    metrics: dict[str, float] = {}
    interrupted = False
    loss_module.train()
    with _StopFlag() as flag:
        while True:
            stop = (
                flag.set
                or time.monotonic() >= deadline
                or (target_steps is not None and step >= target_steps)
            )
            if world > 1:  # every rank stops at the same step
                s = torch.tensor([1.0 if stop else 0.0], device=dev)
                dist.all_reduce(s, op=dist.ReduceOp.MAX)
                stop = bool(s.item())
            if stop:
                interrupted = flag.set
                break
            source, target = next_batch()
            t = torch.from_numpy(next_t(len(source))).to(dev)
            src = torch.from_numpy(source).to(dev)
            tgt = src if target is source else torch.from_numpy(target).to(dev)
            eps = torch.randn((*src.shape, config.model.d), generator=gen, device=dev)
            for group in optimizer.param_groups:
                group["lr"] = tc.lr * _lr_factor(step, tc.warmup)
            total, terms = loss_module(src, tgt, t, eps)
            optimizer.zero_grad(set_to_none=True)
            total.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
            optimizer.step()
            step += 1
            window_steps += 1
            terms_sum += terms
            if step % tc.log_every == 0 and main:
                now = time.monotonic()
                rate = window_steps * tc.batch * world / max(now - window_start, 1e-9)
                sums = terms_sum.tolist()
                last_terms = {k: float(v) / window_steps for k, v in zip(TERM_NAMES, sums, strict=True)}
                log.info(
                    "step=%d lr=%.2e loss=%.4f %s samples/s=%.1f",
                    step,
                    optimizer.param_groups[0]["lr"],
                    sum(last_terms[k] for k in ("mse_x0", "mse_dec", "ce"))
                    + tc.rounding_weight * last_terms["ce_clean"],
                    " ".join(f"{k}={v:.4f}" for k, v in last_terms.items()),
                    rate,
                )
                if bar is not None:
                    bar.set_postfix(
                        ce=f"{last_terms['ce']:.3f}",
                        mse=f"{last_terms['mse_x0']:.3f}",
                        acc=f"{last_terms['acc']:.3f}",
                        sps=f"{rate:.0f}",
                    )
                terms_sum.zero_()
                window_start, window_steps = now, 0
            if bar is not None:
                bar.update(1)
            if step % tc.eval_every == 0:
                started = time.monotonic()
                metrics = evaluate() or metrics
                window_start += time.monotonic() - started  # samples/s counts training time only
            if time.monotonic() >= next_save:
                checkpoint()
                next_save = time.monotonic() + 60.0 * tc.checkpoint_minutes
    if bar is not None:
        bar.close()
    checkpoint()
    if main and (interrupted or step % tc.eval_every != 0):
        metrics = evaluate() or metrics
    if main:
        log.info("stopped at step=%d%s", step, " (signal)" if interrupted else "")
    if handler is not None:
        log.removeHandler(handler)
        handler.close()
    if world > 1:
        # Rank 0 still checkpoints and evaluates; a rank that tears gloo down meanwhile can abort (seen
        # once in ~6 CI runs: SIGABRT in rank 1), so every rank leaves together.
        dist.barrier()
        dist.destroy_process_group()
    return TrainResult(step, rate, last_terms, metrics, interrupted)

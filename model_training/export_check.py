"""Does the exported model keep the checkpoint's accuracy, and how much faster does ONNX Runtime run it?

    python -m lastfix.model_training.export_check --checkpoint runs/excel-pre --corpus runs/corpus-excel \
        --work runs/export-check-excel

Exports the checkpoint twice (fp32, int8 dynamic quantisation), then on one thread, side by side:
exact reconstruction of the run's held-apart snippets by noise level (eager PyTorch, ONNX fp32, ONNX int8,
all from the same noise), the time of one reverse step for a batch of 8 x canvas, and of a repair-style
run (8 candidates x 10 steps). Prints a markdown table; the model issue's 1.5x target is the run ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from lastfix.grammars import get_grammar
from lastfix.model_runtime.canvas import layout
from lastfix.model_runtime.model_files import load_model
from lastfix.model_runtime.schedule import timestep_of

from .checkpoint import load_checkpoint, load_run
from .corpus import corpus_snippets
from .data import encode_snippets, split_held_apart
from .evaluate import NOISE_LEVELS
from .export import export_model
from .network import CodeFusion
from .sampler_torch import torch_resume
from .schedule import Schedule

__all__ = ["main"]


def _best_ms(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True, type=Path, help="directory written by `lastfix train`")
    parser.add_argument("--corpus", nargs="*", help="the run's corpus (held-apart snippets come from it)")
    parser.add_argument("--work", required=True, type=Path, help="where the two exports are written")
    parser.add_argument("--snippets", type=int, default=200, help="held-apart snippets to reconstruct")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    config, vocab = load_run(args.checkpoint)
    model = CodeFusion(config.model)
    model.load_state_dict(load_checkpoint(args.checkpoint)["model"])
    model.eval()
    schedule = Schedule(config.schedule)
    runtimes = {}
    for name, quantize in (("onnx fp32", False), ("onnx int8", True)):
        out = export_model(args.checkpoint, args.work / name.split()[1], quantize=quantize)
        runtimes[name] = load_model(out, device="cpu", threads=1)
    fp32 = runtimes["onnx fp32"]

    # the run's own held-apart split: the same texts, vocabulary, count and seed as `lastfix train`
    texts, _ = corpus_snippets(config.language, args.corpus)
    encoded = encode_snippets(get_grammar(config.language), vocab, texts, config.model.canvas)
    _, held = split_held_apart(len(encoded.ids), config.train.eval_snippets, config.train.seed)
    rows = [encoded.ids[i] for i in held[: args.snippets]]
    canvases = np.stack([layout(r, fp32.canvas, eos_id=vocab.eos_id, pad_id=vocab.pad_id) for r in rows])
    truth = [vocab.decode(c) for c in canvases]
    steps = fp32.settings.steps
    print(f"{config.language}: {fp32.params:,} parameters, {len(rows)} held-apart snippets, {steps} steps")
    print(
        "| engine | "
        + " | ".join(f"exact@{lv}" for lv in NOISE_LEVELS)
        + f" | step 8x{fp32.canvas} ms | run 8x10 ms |"
    )
    print("|---|" + "---|" * (len(NOISE_LEVELS) + 2))

    def torch_ids(c: np.ndarray, t: np.ndarray, eps: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return torch_resume(
                model, schedule, c, t, eps, clamp=fp32.settings.clamp, update=fp32.settings.update
            )[0]

    engines: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
        "torch eager": torch_ids
    }
    for name, rt in runtimes.items():
        engines[name] = lambda c, t, eps, rt=rt: rt.resume(c, t / rt.T, eps=eps).ids
    rng = np.random.default_rng(0)
    eps_rec = rng.standard_normal((steps, len(rows), fp32.canvas, fp32.d), dtype=np.float32)
    bench_ids = canvases[:8]
    bench_eps = rng.standard_normal((10, 8, fp32.canvas, fp32.d), dtype=np.float32)
    t_bench = np.full(8, int(timestep_of(0.3, fp32.T)), dtype=np.int64)
    times = {}
    for name, run in engines.items():
        exact = []
        for level in NOISE_LEVELS:
            t = np.full(len(rows), int(timestep_of(level, fp32.T)), dtype=np.int64)
            ids = run(canvases, t, eps_rec)
            exact.append(np.mean([vocab.decode(r) == want for r, want in zip(ids, truth, strict=True)]))
        if name == "torch eager":
            with torch.no_grad():
                x, tt = torch.from_numpy(bench_eps[0]), torch.from_numpy(t_bench)
                step_ms = _best_ms(lambda x=x, tt=tt: model.N(x, tt), 10)
        else:
            rt = runtimes[name]
            step_ms = _best_ms(lambda rt=rt: rt.denoise(bench_eps[0], t_bench), 10)
        run_ms = _best_ms(lambda run=run: run(bench_ids, t_bench, bench_eps), 3)
        times[name] = (step_ms, run_ms)
        cells = " | ".join(f"{e:.3f}" for e in exact)
        print(f"| {name} | {cells} | {step_ms:.1f} | {run_ms:.1f} |", flush=True)
    base_step, base_run = times["torch eager"]
    for name in runtimes:
        step_ms, run_ms = times[name]
        print(f"{name}: {base_step / step_ms:.2f}x eager PyTorch per step, {base_run / run_ms:.2f}x per run")
    return 0


if __name__ == "__main__":
    sys.exit(main())

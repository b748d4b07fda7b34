"""PyTorch vs ONNX Runtime: the same model, the same noise, the same answer; and how much faster ONNX is.

The speed comparison is reported (pytest-benchmark groups, and the ratio printed/recorded by
test_onnx_vs_torch_speed_ratio), never asserted: the target is ONNX >= 1.5x eager PyTorch.
"""

import functools
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from lastfix.model_runtime.model_files import load_model
from lastfix.model_runtime.schedule import timestep_of
from lastfix.model_training.checkpoint import load_checkpoint, load_run
from lastfix.model_training.network import CodeFusion
from lastfix.model_training.sampler_torch import torch_resume
from lastfix.model_training.schedule import Schedule

from tests.model_training.tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_excel_model(shared)


def _torch_model(checkpoint):
    config, _ = load_run(checkpoint)
    model = CodeFusion(config.model)
    model.load_state_dict(load_checkpoint(checkpoint)["model"])
    return model.eval(), Schedule(config.schedule)


@pytest.mark.parametrize(
    "clamp, update", [(False, "ddim"), (True, "ddim"), (False, "renoise"), (True, "renoise")]
)
def test_onnx_sampler_matches_the_pytorch_reference(tiny, clamp, update):
    torch.set_num_threads(1)
    runtime = load_model(tiny.model_dir, device="cpu", threads=1)
    model, schedule = _torch_model(tiny.checkpoint)
    ids = np.stack(
        [
            runtime.encode_canvas(
                runtime.vocab.symbols_of(
                    __import__("lastfix.grammars", fromlist=["get_grammar"]).get_grammar("excel").tokenize(t)
                )
            )
            for t in tiny.held_apart[:8]
        ]
    )
    noise = np.linspace(0.1, 0.9, 8)
    keep = np.zeros(ids.shape, dtype=bool)
    keep[::2, :2] = True
    eps = np.random.default_rng(7).standard_normal((10, 8, runtime.canvas, runtime.d), dtype=np.float32)
    onnx_out = runtime.resume(
        ids, noise, keep, steps=10, eps=eps, clamp=clamp, update=update, trajectory=True
    )
    ref_ids, ref_x0, ref_path = torch_resume(
        model,
        schedule,
        ids,
        timestep_of(noise, runtime.T),
        eps,
        keep=keep,
        clamp=clamp,
        update=update,
        trajectory=True,
    )
    # ten chained float32 steps: differences of ~1e-6 per graph grow to ~1e-4 by the end
    np.testing.assert_allclose(onnx_out.x0_hat, ref_x0, atol=2e-3, rtol=2e-3)
    assert np.array_equal(onnx_out.ids, ref_ids)
    assert all(np.array_equal(a, b) for a, b in zip(onnx_out.trajectory, ref_path, strict=False))


# ----- speed: a default-size model (weights untrained: timing does not depend on them) -----------------


@functools.cache
def _default_size_model():
    from lastfix.grammars import get_grammar
    from lastfix.model_training.checkpoint import save_checkpoint
    from lastfix.model_training.config import ModelConfig, RunConfig
    from lastfix.model_training.corpus import build_vocabulary
    from lastfix.model_training.export import export_model

    torch.manual_seed(0)
    texts = ["=SUM(A1:B2)", '=IF(A1>0,"yes",NA())']
    vocab = build_vocabulary("excel", texts)
    config = RunConfig("excel", ModelConfig(vocab_size=len(vocab), canvas=get_grammar("excel").canvas))
    model = CodeFusion(config.model).eval()
    root = Path(tempfile.mkdtemp(prefix="lastfix-bench-"))
    save_checkpoint(root / "ckpt", {"model": model.state_dict(), "step": 0}, config, vocab)
    export_model(root / "ckpt", root / "model")
    export_model(root / "ckpt", root / "int8", quantize=True)
    return (
        model,
        Schedule(config.schedule),
        load_model(root / "model", device="cpu", threads=1),
        load_model(root / "int8", device="cpu", threads=1),
    )


@pytest.fixture(scope="module")
def bench_models():
    torch.set_num_threads(1)
    return _default_size_model()


def _inputs(runtime, batch=8, steps=10):
    rng = np.random.default_rng(0)
    ids = rng.integers(4, len(runtime.vocab), size=(batch, runtime.canvas))
    eps = rng.standard_normal((steps, batch, runtime.canvas, runtime.d), dtype=np.float32)
    return ids, eps


def _one_step_onnx(runtime, x, t):
    return runtime.denoise(x, t)


def _one_step_torch(model, x, t):
    with torch.no_grad():
        return model.N(torch.from_numpy(x), torch.from_numpy(t)).numpy()


ENGINES = ["onnx", "onnx-int8", "torch"]


@pytest.mark.benchmark(group="reverse step 8x64")
@pytest.mark.parametrize("engine", ENGINES)
def test_bench_reverse_step(benchmark, bench_models, engine):
    model, _, fp32, int8 = bench_models
    runtime = int8 if engine == "onnx-int8" else fp32
    _, eps = _inputs(runtime)
    t = np.full(8, 300, dtype=np.int64)
    if engine == "torch":

        def fn():
            return _one_step_torch(model, eps[0], t)
    else:

        def fn():
            return _one_step_onnx(runtime, eps[0], t)

    out = benchmark.pedantic(fn, rounds=10, iterations=1, warmup_rounds=2)
    assert out.shape == (8, runtime.canvas, runtime.d)


@pytest.mark.benchmark(group="repair run 8 candidates x 10 steps")
@pytest.mark.parametrize("engine", ENGINES)
def test_bench_repair_run(benchmark, bench_models, engine):
    model, schedule, fp32, int8 = bench_models
    runtime = int8 if engine == "onnx-int8" else fp32
    ids, eps = _inputs(runtime)
    noise = np.full(8, 0.3)
    if engine != "torch":

        def fn():
            return runtime.resume(ids, noise, eps=eps).ids
    else:

        def fn():
            return torch_resume(model, schedule, ids, timestep_of(noise, runtime.T), eps)[0]

    out = benchmark.pedantic(fn, rounds=3, iterations=1, warmup_rounds=1)
    assert out.shape == ids.shape


def _best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def test_onnx_vs_torch_speed_ratio(bench_models, record_property, capsys):
    model, schedule, fp32, int8 = bench_models
    ids, eps = _inputs(fp32)
    noise = np.full(8, 0.3)
    t = np.full(8, 300, dtype=np.int64)
    step = {"torch": _best_of(lambda: _one_step_torch(model, eps[0], t), 10)}
    run = {"torch": _best_of(lambda: torch_resume(model, schedule, ids, timestep_of(noise, fp32.T), eps), 3)}
    for name, runtime in (("onnx", fp32), ("onnx-int8", int8)):
        step[name] = _best_of(lambda rt=runtime: _one_step_onnx(rt, eps[0], t), 10)
        run[name] = _best_of(lambda rt=runtime: rt.resume(ids, noise, eps=eps), 3)
        record_property(f"step_ratio_{name}", step["torch"] / step[name])
        record_property(f"run_ratio_{name}", run["torch"] / run[name])
    with capsys.disabled():
        print(
            f"\n[speed, 1 thread, {fp32.params:,} params] "
            + "; ".join(
                f"{what} {name} {times[name] * 1e3:.1f} ms ({times['torch'] / times[name]:.2f}x torch)"
                for what, times in (("step 8x64", step), ("repair run 8x10", run))
                for name in times
            )
        )
    assert all(v > 0 for v in (*step.values(), *run.values()))

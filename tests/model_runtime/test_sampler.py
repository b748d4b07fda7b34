"""The ONNX Runtime sampler on a real tiny Excel model (trained in the session, see tiny_model.py)."""

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.errors import InferenceError
from lastfix.model_runtime.model_files import load_model

from tests.model_training.tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_excel_model(shared)


@pytest.fixture(scope="module")
def runtime(tiny):
    return load_model(tiny.model_dir, device="cpu", threads=1)


@pytest.fixture(scope="module")
def held(tiny, runtime):
    grammar = get_grammar("excel")
    symbols = [runtime.vocab.symbols_of(grammar.tokenize(t)) for t in tiny.held_apart]
    return symbols, np.stack([runtime.encode_canvas(s) for s in symbols])


def _exact(runtime, ids, symbols):
    return float(np.mean([runtime.vocab.decode(r) == s for r, s in zip(ids, symbols, strict=False)]))


def test_encode_canvas(runtime):
    ids = runtime.encode_canvas(["=", "SUM", "(", "<blank>", ")"])
    assert ids.shape == (64,) and ids[5] == runtime.vocab.eos_id and ids[3] == runtime.vocab.blank_id
    assert runtime.vocab.decode(ids) == ["=", "SUM", "(", ")"]


def test_resume_reconstructs_held_apart_formulas_at_low_noise(runtime, held):
    symbols, ids = held
    low = _exact(runtime, runtime.resume(ids, 0.1, seed=0).ids, symbols)
    high = _exact(runtime, runtime.resume(ids, 0.95, seed=0).ids, symbols)
    assert low >= 0.3 and low >= high


def test_same_seed_same_result_and_given_noise_matches_seeded(runtime, held):
    _, ids = held
    a = runtime.resume(ids[:6], 0.5, steps=5, seed=3)
    b = runtime.resume(ids[:6], 0.5, steps=5, seed=3)
    assert np.array_equal(a.ids, b.ids) and np.array_equal(a.x0_hat, b.x0_hat)
    eps = np.random.default_rng(3).standard_normal((5, 6, 64, runtime.d), dtype=np.float32)
    assert np.array_equal(runtime.resume(ids[:6], 0.5, steps=5, eps=eps).ids, a.ids)
    c = runtime.resume(ids[:6], 0.9, steps=5, seed=4)
    d = runtime.resume(ids[:6], 0.9, steps=5, seed=5)
    assert not np.array_equal(c.x0_hat, d.x0_hat)


def test_rows_have_their_own_noise_level_and_kept_positions_stay(runtime, held):
    _, ids = held
    rows = np.repeat(ids[:1], 4, axis=0)
    keep = np.zeros(rows.shape, dtype=bool)
    keep[:, :3] = True  # localized noising: the first three tokens are clamped at every step
    res = runtime.resume(rows, np.array([0.05, 0.3, 0.6, 1.0]), keep, steps=6, seed=1, trajectory=True)
    assert np.array_equal(res.ids[:, :3], rows[:, :3])
    assert len(res.trajectory) == 6 and all(t.shape == rows.shape for t in res.trajectory)
    assert np.allclose(res.x0_hat[:, :3], runtime.E[rows[:, :3]])


def test_generate_from_noise_keeps_every_intermediate_canvas(runtime):
    res = runtime.generate(3, steps=8, seed=0)
    assert res.ids.shape == (3, 64) and len(res.trajectory) == 8
    assert np.array_equal(res.trajectory[-1], res.ids)  # the last step's decoding is the result
    assert res.ids.min() >= 0 and res.ids.max() < len(runtime.vocab)


def test_clamping_to_nearest_embedding(runtime, held):
    _, ids = held
    res = runtime.resume(ids[:4], 0.3, steps=4, seed=0, clamp=True)
    rows = res.x0_hat.reshape(-1, runtime.d)
    assert np.all(np.min(((rows[:, None, :] - runtime.E[None]) ** 2).sum(-1), axis=1) < 1e-8)


def test_naturalness_prefers_real_formulas_to_shuffled_ones(runtime, held):
    symbols, ids = held
    rng = np.random.default_rng(0)
    shuffled = np.stack([runtime.encode_canvas(list(rng.permutation(s))) for s in symbols])
    real = runtime.naturalness(ids, seed=0)
    assert real.shape == (len(ids),) and np.all(np.isfinite(real))
    assert real.mean() < runtime.naturalness(shuffled, seed=0).mean()


def test_wrong_canvas_shape_is_an_inference_error(runtime):
    with pytest.raises(InferenceError, match=r"\[B, 64\]"):
        runtime.resume(np.zeros((2, 10), dtype=np.int64), 0.1)

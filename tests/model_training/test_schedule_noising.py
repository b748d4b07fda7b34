import numpy as np
import torch
from lastfix.model_runtime.schedule import alpha_bars, respaced, timestep_of
from lastfix.model_training.config import ScheduleConfig, TrainConfig
from lastfix.model_training.noising import insert_blanks, q_sample, sample_t
from lastfix.model_training.schedule import Schedule


def test_sqrt_schedule_shape_and_values():
    ab = alpha_bars(2000, 1e-4)
    assert ab.shape == (2001,) and ab[0] == 1.0
    assert np.all(np.diff(ab) < 0) and 0 < ab[-1] < 1e-3
    # Diffusion-LM: alpha_bar(t) = 1 - sqrt(t/T + s), relative to alpha_bar(0)
    t = 500
    assert np.isclose(ab[t], (1 - np.sqrt(t / 2000 + 1e-4)) / (1 - np.sqrt(1e-4)), rtol=1e-6)


def test_torch_schedule_is_the_numpy_twin():
    s = Schedule(ScheduleConfig(T=300, s=1e-4))
    assert np.allclose(s.alpha_bar.numpy(), alpha_bars(300, 1e-4).astype(np.float32))


def test_timesteps_and_respacing():
    assert timestep_of(0.1, 2000) == 200 and timestep_of(1e-9, 2000) == 1 and timestep_of(1.0, 2000) == 2000
    ts = respaced(np.array([200, 1000]), 10)
    assert ts.shape == (11, 2) and list(ts[0]) == [200, 1000] and list(ts[-1]) == [0, 0]
    assert np.all(np.diff(ts, axis=0) <= 0)


def test_q_sample_interpolates_signal_and_noise():
    s = Schedule(ScheduleConfig(T=100))
    x0, eps = torch.ones(2, 3, 4), torch.zeros(2, 3, 4)
    x = q_sample(s, x0, torch.tensor([1, 100]), eps)
    assert torch.allclose(x[0], s.alpha_bar[1].sqrt() * x0[0]) and x[1].abs().max() < 0.05


def test_repair_t_sampling_favours_small_t():
    rng = np.random.default_rng(0)
    cfg = TrainConfig(t_sampling="repair", repair_share=0.5, repair_t_max=0.2)
    t = sample_t(10_000, cfg, 1000, rng)
    assert t.min() >= 1 and t.max() <= 1000
    assert 0.55 < np.mean(t <= 200) < 0.65  # half from the repair range + a fifth of the uniform half
    assert abs(np.mean(sample_t(10_000, TrainConfig(t_sampling="uniform"), 1000, rng) <= 200) - 0.2) < 0.03


def test_insert_blanks_keeps_tokens_in_order_and_respects_room():
    rng = np.random.default_rng(1)
    cfg = TrainConfig(max_blanks=3, blank_prob=1.0)
    ids = [5, 6, 7, 8]
    for _ in range(100):
        out = insert_blanks(ids, 2, cfg, 2, rng)
        assert [i for i in out if i != 2] == ids and 1 <= out.count(2) <= 2
    assert insert_blanks(ids, 0, cfg, 2, rng) == ids
    assert insert_blanks(ids, 5, TrainConfig(blank_prob=0.0), 2, rng) == ids

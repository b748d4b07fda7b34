import torch
from lastfix.model_training.config import tiny_config
from lastfix.model_training.losses import codefusion_loss
from lastfix.model_training.network import CodeFusion, sinusoidal
from lastfix.model_training.schedule import Schedule

from .toy import toy_vocab


def test_shapes_through_E_N_D_H():
    torch.manual_seed(0)
    cfg = tiny_config("toy", 16, canvas=12)
    model = CodeFusion(cfg.model)
    x_t = torch.randn(3, 12, 32)
    x0_hat, decoded, logits = model(x_t, torch.tensor([1, 50, 200]))
    assert x0_hat.shape == decoded.shape == (3, 12, 32) and logits.shape == (3, 12, 16)
    assert sinusoidal(torch.tensor([0, 7]), 32).shape == (2, 32)


def test_loss_decreases_and_embeddings_do_not_collapse():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    vocab = toy_vocab()
    cfg = tiny_config("toy", len(vocab), canvas=12)
    model = CodeFusion(cfg.model)
    schedule = Schedule(cfg.schedule)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    ids = torch.randint(4, len(vocab), (16, 12))
    first = last = None
    for _ in range(60):
        t = torch.randint(1, 60, (16,))
        out = codefusion_loss(model, schedule, ids, ids, t, torch.randn(16, 12, 32))
        opt.zero_grad()
        out.total.backward()
        opt.step()
        first = first if first is not None else float(out.total.detach())
        last = float(out.total.detach())
    assert last < 0.5 * first
    assert float(out.terms[-1]) > 0.5  # mean |E row| / sqrt(d) stays near its initial 1

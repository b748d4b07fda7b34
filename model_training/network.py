"""The CodeFusion network without its natural-language encoder (paper 3.1), top to bottom.

    c --E--> x0 --q(x_t|x0)--> x_t --N(x_t, t)--> x̂0 --D--> D(x̂0) --H--> logits over the vocabulary

E: learned token embedding. N: the denoiser, a pre-norm transformer encoder that sees x_t plus a
sinusoidal time embedding and predicts x0 (the x0-parameterisation of Diffusion-LM). D: transformer
layers with full self-attention over x̂0, so each token is decoded knowing the others. H: linear head.
Every position of the fixed canvas (EOS and PAD included) is denoised; no attention mask.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig

__all__ = ["CodeFusion", "sinusoidal"]


def sinusoidal(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer/DDPM sinusoidal features of integer timesteps t [B] -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(
        -math.log(10_000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half
    )  # [half]
    angles = t.float()[:, None] * freqs[None, :]  # [B, half]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)  # [B, dim]


class SelfAttention(nn.Module):
    """Multi-head full self-attention (every position sees every other)."""

    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        if d % heads:
            raise ValueError(f"d={d} is not divisible by heads={heads}")
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, n, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)  # 3 x [B, n, d]
        q, k, v = (
            z.view(B, n, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v)
        )  # [B, h, n, d/h]
        y = F.scaled_dot_product_attention(q, k, v)  # [B, h, n, d/h]
        return self.proj(y.transpose(1, 2).reshape(B, n, d))  # [B, n, d]


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x)); no dropout at this scale."""

    def __init__(self, d: int, heads: int, ff_mult: int) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = SelfAttention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, ff_mult * d), nn.GELU(), nn.Linear(ff_mult * d, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))  # [B, n, d]
        return x + self.mlp(self.ln2(x))  # [B, n, d]


class Denoiser(nn.Module):
    """N(x_t, t) -> x̂0: time embedding (sinusoid -> MLP) and learned positions added to every token."""

    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.time_dim = c.time_dim
        self.time_mlp = nn.Sequential(nn.Linear(c.time_dim, 4 * c.d), nn.SiLU(), nn.Linear(4 * c.d, c.d))
        self.inp = nn.Linear(c.d, c.d)
        self.pos = nn.Parameter(torch.zeros(1, c.canvas, c.d))
        self.blocks = nn.ModuleList(Block(c.d, c.heads, c.ff_mult) for _ in range(c.denoiser_layers))
        self.ln = nn.LayerNorm(c.d)
        self.out = nn.Linear(c.d, c.d)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        h = self.inp(x_t) + self.pos + self.time_mlp(sinusoidal(t, self.time_dim))[:, None, :]  # [B, n, d]
        for block in self.blocks:
            h = block(h)  # [B, n, d]
        return self.out(self.ln(h))  # x̂0 [B, n, d]


class Decoder(nn.Module):
    """D(x̂0): transformer layers with full self-attention over the denoised embeddings."""

    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(1, c.canvas, c.d))
        self.blocks = nn.ModuleList(Block(c.d, c.heads, c.ff_mult) for _ in range(c.decoder_layers))
        self.ln = nn.LayerNorm(c.d)
        self.out = nn.Linear(c.d, c.d)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, x0_hat: torch.Tensor) -> torch.Tensor:
        h = x0_hat + self.pos  # [B, n, d]
        for block in self.blocks:
            h = block(h)
        return self.out(self.ln(h))  # D(x̂0) [B, n, d], compared with E(c) in the loss


class CodeFusion(nn.Module):
    """E, N, D, H together; ``forward`` runs the training path x_t -> (x̂0, D(x̂0), logits)."""

    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        if c.vocab_size <= 4:
            raise ValueError(f"ModelConfig.vocab_size must be set from the vocabulary (got {c.vocab_size})")
        self.config = c
        self.E = nn.Embedding(c.vocab_size, c.d)
        self.N = Denoiser(c)
        self.D = Decoder(c)
        self.H = nn.Linear(c.d, c.vocab_size)
        # Unit-variance embeddings so that the schedule's signal-to-noise ratio means what it says
        # (Diffusion-LM initialises E ~ N(0, 1) as well).
        nn.init.normal_(self.E.weight, std=1.0)

    def embed(self, c: torch.Tensor) -> torch.Tensor:
        return self.E(c)  # x0 [B, n, d]

    def decode(self, x0_hat: torch.Tensor) -> torch.Tensor:
        """H(D(x̂0)): logits [B, n, V]."""
        return self.H(self.D(x0_hat))

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x0_hat = self.N(x_t, t)  # [B, n, d]
        decoded = self.D(x0_hat)  # [B, n, d]
        return x0_hat, decoded, self.H(decoded)  # logits [B, n, V]

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

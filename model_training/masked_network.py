"""The product's discrete diffusion network: a bidirectional transformer over token ids with a [MASK] id.

Absorbing-state (masked) diffusion, the MDLM / LLaDA / DiffuCoder line (DESIGN "The diffusion model of the
product"): the forward process replaces tokens by [MASK] independently with probability t, and the
network predicts the original token of every masked position from everything left visible. No time
embedding: for absorbing-state diffusion the fraction of masks in the input already says how noisy it is
(MDLM, Sahoo et al. 2024, section 3.5), and leaving t out lets one graph serve sampling and scoring.

    x_t [B, n] ids --E + positions--> h [B, n, d] --blocks--> --LN, H--> logits [B, n, V]

The vocabulary is the shipped one (``vocab.json``, ids 0..V-1, PAD/EOS/<blank> included) so that the
symbols match the rest of the product; the mask is one extra id, V, that E embeds and H never predicts.
Every position attends to every other (no attention mask): PAD cells after EOS are inputs like any other.
The canvas length n may be shorter than ``canvas`` (a batch is trimmed to its longest row + EOS).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .network import Block

__all__ = ["MaskedModelConfig", "MaskedDenoiser", "mask_id_of"]


@dataclass(frozen=True)
class MaskedModelConfig:
    """Sizes of the masked denoiser; the mask id is ``vocab_size`` (one past the vocabulary)."""

    vocab_size: int = 0  # filled from the vocabulary (PAD, EOS, <blank>, <unk>, symbols)
    canvas: int = 64  # longest canvas: tokens + blank slots + EOS
    d: int = 256
    heads: int = 4
    layers: int = 6
    ff_mult: int = 4

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaskedModelConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


def mask_id_of(config: MaskedModelConfig) -> int:
    """The [MASK] id: one past the vocabulary, so vocab.json stays the shipped one."""
    return config.vocab_size


class MaskedDenoiser(nn.Module):
    """E (with the [MASK] row), learned positions, pre-norm blocks, final LayerNorm, head H."""

    def __init__(self, c: MaskedModelConfig) -> None:
        super().__init__()
        if c.vocab_size <= 4:
            raise ValueError(
                f"MaskedModelConfig.vocab_size must be set from the vocabulary (got {c.vocab_size})"
            )
        self.config = c
        self.E = nn.Embedding(c.vocab_size + 1, c.d)  # row V is [MASK]
        self.pos = nn.Parameter(torch.zeros(1, c.canvas, c.d))
        self.blocks = nn.ModuleList(Block(c.d, c.heads, c.ff_mult) for _ in range(c.layers))
        self.ln = nn.LayerNorm(c.d)
        self.H = nn.Linear(c.d, c.vocab_size)
        nn.init.normal_(self.E.weight, std=0.02)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, x_t: torch.Tensor) -> torch.Tensor:
        n = x_t.shape[1]
        h = self.E(x_t) + self.pos[:, :n]  # [B, n, d]
        for block in self.blocks:
            h = block(h)  # [B, n, d]
        return self.H(self.ln(h))  # logits [B, n, V]

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

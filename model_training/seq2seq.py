"""A small encoder-decoder transformer that repairs in one shot: broken symbols in, fixed symbols out.

Paper 4.3 fine-tunes code LMs (CodeT5+, Phi-3.5, Mistral) on the synthetic pairs to show which generator
helps; on a 2-core CPU the downstream model is this one instead: a few million parameters, trained from
scratch on a pairs file. Tokens are the grammar's vocabulary symbols (placeholders included), so the
output maps back onto the broken text with ``grammar.edits_for`` and kept tokens keep their text.

    src --E, +P--> encoder blocks --> memory
    [EOS] + tgt --E, +P--> decoder blocks (causal self-attention, cross-attention to memory) --> H = E^T

EOS doubles as the start symbol (as T5 uses PAD), so the vocabulary needs no new entry. Source padding is
masked out of the cross-attention. Reads top to bottom like nanoGPT's model.py.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Seq2SeqConfig", "Seq2Seq", "PAD_ID", "EOS_ID"]

PAD_ID, EOS_ID = 0, 1  # grammars.vocab: <pad> = 0, <eos> = 1
NEG = -1e9  # additive mask; finite so a fully masked row cannot make NaN


@dataclass(frozen=True)
class Seq2SeqConfig:
    """Sizes; the defaults are about 1.2M parameters plus the embedding (trains on a CPU in minutes)."""

    vocab_size: int = 0
    max_len: int = 64  # longest source and target, EOS included (the grammar's canvas)
    d: int = 128
    heads: int = 4
    encoder_layers: int = 3
    decoder_layers: int = 3
    ff_mult: int = 4

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seq2SeqConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def dumps(self) -> str:
        return json.dumps(self.to_json())


class Attention(nn.Module):
    """Multi-head attention of queries x over keys/values m with an additive mask [B or 1, 1, L or 1, S]."""

    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        if d % heads:
            raise ValueError(f"d={d} is not divisible by heads={heads}")
        self.heads = heads
        self.q = nn.Linear(d, d)
        self.kv = nn.Linear(d, 2 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x: torch.Tensor, m: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        B, L, d = x.shape
        S = m.shape[1]
        h = self.heads
        q = self.q(x).reshape(B, L, h, d // h).transpose(1, 2)  # [B, h, L, dh]
        k, v = self.kv(m).reshape(B, S, 2, h, d // h).permute(2, 0, 3, 1, 4)  # 2 x [B, h, S, dh]
        att = (q @ k.transpose(-2, -1)) * (d // h) ** -0.5 + mask  # [B, h, L, S]
        y = F.softmax(att, dim=-1) @ v  # [B, h, L, dh]
        return self.out(y.transpose(1, 2).reshape(B, L, d))  # [B, L, d]


class FeedForward(nn.Module):
    def __init__(self, d: int, mult: int) -> None:
        super().__init__()
        self.up = nn.Linear(d, mult * d)
        self.down = nn.Linear(mult * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.gelu(self.up(x)))


class EncoderBlock(nn.Module):
    """Pre-norm: x + SelfAttn(LN x), then x + FF(LN x)."""

    def __init__(self, d: int, heads: int, mult: int) -> None:
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(d), Attention(d, heads)
        self.ln2, self.ff = nn.LayerNorm(d), FeedForward(d, mult)

    def forward(self, x: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.attn(h, h, pad_mask)
        return x + self.ff(self.ln2(x))


class DecoderBlock(nn.Module):
    """Pre-norm: causal self-attention, cross-attention to the encoder memory, feed-forward."""

    def __init__(self, d: int, heads: int, mult: int) -> None:
        super().__init__()
        self.ln1, self.self_attn = nn.LayerNorm(d), Attention(d, heads)
        self.ln2, self.cross = nn.LayerNorm(d), Attention(d, heads)
        self.ln3, self.ff = nn.LayerNorm(d), FeedForward(d, mult)

    def forward(
        self, y: torch.Tensor, memory: torch.Tensor, causal: torch.Tensor, pad_mask: torch.Tensor
    ) -> torch.Tensor:
        h = self.ln1(y)
        y = y + self.self_attn(h, h, causal)
        y = y + self.cross(self.ln2(y), memory, pad_mask)
        return y + self.ff(self.ln3(y))


class Seq2Seq(nn.Module):
    """E (shared by both sides and tied to the output head H), position tables P, encoder, decoder."""

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        c = config
        if c.vocab_size < 5:
            raise ValueError(
                "vocab_size must be set from the vocabulary (Seq2SeqConfig(vocab_size=len(vocab)))"
            )
        self.config = c
        self.E = nn.Embedding(c.vocab_size, c.d)
        self.P_src = nn.Parameter(torch.zeros(c.max_len, c.d))
        self.P_tgt = nn.Parameter(torch.zeros(c.max_len, c.d))
        self.encoder = nn.ModuleList(EncoderBlock(c.d, c.heads, c.ff_mult) for _ in range(c.encoder_layers))
        self.decoder = nn.ModuleList(DecoderBlock(c.d, c.heads, c.ff_mult) for _ in range(c.decoder_layers))
        self.ln_enc, self.ln_dec = nn.LayerNorm(c.d), nn.LayerNorm(c.d)
        self.causal: torch.Tensor
        causal = torch.triu(torch.full((c.max_len, c.max_len), NEG), diagonal=1)
        self.register_buffer("causal", causal, persistent=False)  # [max_len, max_len]
        nn.init.normal_(self.E.weight, std=0.02)
        nn.init.normal_(self.P_src, std=0.02)
        nn.init.normal_(self.P_tgt, std=0.02)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def pad_mask(self, src: torch.Tensor) -> torch.Tensor:
        """Additive mask hiding source padding: [B, 1, 1, S]."""
        return (src == PAD_ID).to(torch.float32)[:, None, None, :] * NEG

    def encode(self, src: torch.Tensor) -> torch.Tensor:
        """src [B, S] int64 -> memory [B, S, d]."""
        S = src.shape[1]
        x = self.E(src) * self.config.d**0.5 + self.P_src[:S]
        mask = self.pad_mask(src)
        for block in self.encoder:
            x = block(x, mask)
        return self.ln_enc(x)

    def decode(self, tgt: torch.Tensor, memory: torch.Tensor, src: torch.Tensor) -> torch.Tensor:
        """tgt [B, L] (EOS-started prefix), memory [B, S, d], src [B, S] -> logits [B, L, V]."""
        L = tgt.shape[1]
        y = self.E(tgt) * self.config.d**0.5 + self.P_tgt[:L]
        causal = self.causal[:L, :L][None, None]  # [1, 1, L, L]
        mask = self.pad_mask(src)
        for block in self.decoder:
            y = block(y, memory, causal, mask)
        return self.ln_dec(y) @ self.E.weight.T  # H tied to E

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits [B, L, V] for the target prefix ``tgt_in``."""
        return self.decode(tgt_in, self.encode(src), src)

    @torch.no_grad()
    def greedy(self, src: torch.Tensor, max_len: int | None = None) -> list[list[int]]:
        """Greedy decoding: one id list per row, EOS and after dropped (the ONNX parity reference)."""
        max_len = max_len or self.config.max_len
        memory = self.encode(src)
        B = src.shape[0]
        out = torch.full((B, 1), EOS_ID, dtype=torch.long, device=src.device)
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        for _ in range(max_len):
            nxt = self.decode(out, memory, src)[:, -1].argmax(-1)  # [B]
            nxt = torch.where(done, torch.full_like(nxt, PAD_ID), nxt)
            out = torch.cat([out, nxt[:, None]], dim=1)
            done |= nxt == EOS_ID
            if bool(done.all()):
                break
        rows = []
        for row in out[:, 1:].tolist():
            rows.append(row[: row.index(EOS_ID)] if EOS_ID in row else row)
        return rows

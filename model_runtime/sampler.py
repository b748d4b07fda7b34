"""Reverse diffusion with ONNX Runtime: resume from a (broken) canvas, generate from noise, naturalness.

Paper 3.2: embed the snippet, add noise for a step t (x_t = sqrt(alpha_bar_t) E(c) + sqrt(1 - alpha_bar_t)
eps), resume the reverse process, and read H(D(x̂0)). Each respaced step predicts x̂0 = N(x_t, t),
optionally clamps it to the nearest token embedding (Diffusion-LM's rounding trick), clamps the kept
positions to their clean embeddings (localized noising), and re-noises to the next step. Paper 3.3:
the same loop from pure noise, keeping every intermediate decoded canvas, makes (c_t, c_0) pairs.
Deterministic under a seed (numpy Generator); the noise can also be passed in (parity tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from lastfix.grammars.errors import InferenceError
from lastfix.grammars.vocab import Vocabulary

from .canvas import layout
from .model_files import DEFAULT_NOISE_TABLE, InferenceSettings, ModelFiles
from .schedule import alpha_bars, respaced, timestep_of

if TYPE_CHECKING:
    from .learned_ranking import Ranker
    from .masked_runtime import MaskedRuntime

__all__ = ["SampleResult", "DiffusionRuntime"]


@dataclass(frozen=True)
class SampleResult:
    ids: np.ndarray  # [B, n] int64, final canvases
    trajectory: list[np.ndarray] | None = None  # each [B, n], decoded after every step, noisiest first
    x0_hat: np.ndarray | None = None  # [B, n, d] the final denoised embeddings


class DiffusionRuntime:
    """One exported model: its vocabulary, schedule, and the two ONNX sessions (N, and H∘D)."""

    def __init__(
        self,
        files: ModelFiles,
        denoiser: Any,
        decoder: Any,
        provider: str,
        *,
        masked: MaskedRuntime | None = None,
        ranker: Ranker | None = None,
    ) -> None:
        config = files.config
        self.language: str = str(config["language"])
        self.vocab: Vocabulary = files.vocab
        self.canvas: int = int(config["canvas"])
        self.provider: str = provider
        self.noise_table: dict[str, Any] = dict(config.get("noise_table") or DEFAULT_NOISE_TABLE)
        self.params: int = int(config.get("params", 0))
        self.settings = InferenceSettings.from_json(config.get("inference", {}))
        self.config = config
        self.ngram = files.ngram  # the corpus prior the ranking adds to the model's own naturalness
        # the masked diffusion model shipped beside it (its ``masked/`` folder): log P(fixed) of the ranking
        self.masked = masked
        self.ranker = ranker  # the learned ranking fitted for this model's features (its ranker.json)
        self.E = files.embedding  # [V, d]
        self.d = int(self.E.shape[1])
        self.T = int(config["schedule"]["T"])
        self.alpha_bar = alpha_bars(self.T, float(config["schedule"]["s"])).astype(np.float32)  # [T+1]
        self._E_sq = (self.E * self.E).sum(-1)  # [V], for nearest-embedding clamping
        self._denoiser = denoiser
        self._decoder = decoder

    # ----- the two networks -------------------------------------------------------------------

    def denoise(self, x_t: np.ndarray, t: np.ndarray) -> np.ndarray:
        """x̂0 = N(x_t, t): [B, n, d] float32, t [B] int64."""
        try:
            out: np.ndarray = self._denoiser.run(
                None,
                {
                    "x_t": np.ascontiguousarray(x_t, dtype=np.float32),
                    "t": np.ascontiguousarray(t, dtype=np.int64),
                },
            )[0]
        except Exception as e:  # noqa: BLE001 - onnxruntime's own exception types
            raise InferenceError(
                f"denoiser failed on input {x_t.shape} ({e}); check the model export"
            ) from None
        return out

    def logits(self, x0_hat: np.ndarray) -> np.ndarray:
        """H(D(x̂0)): [B, n, V]."""
        try:
            logits: np.ndarray = self._decoder.run(
                None, {"x0_hat": np.ascontiguousarray(x0_hat, dtype=np.float32)}
            )[0]
        except Exception as e:  # noqa: BLE001
            raise InferenceError(
                f"decoder failed on input {x0_hat.shape} ({e}); check the model export"
            ) from None
        return logits

    def nearest(self, x: np.ndarray) -> np.ndarray:
        """Every vector of x [B, n, d] snapped to its nearest token embedding."""
        dist = self._E_sq[None, None, :] - 2.0 * (x @ self.E.T)  # [B, n, V] (|x|^2 is constant per row)
        snapped: np.ndarray = self.E[dist.argmin(-1)]
        return snapped

    # ----- canvases ---------------------------------------------------------------------------

    def encode_canvas(self, symbols: list[str]) -> np.ndarray:
        """Symbols (blank slots allowed) -> [n] int64 ids with EOS and PAD; ValueError if they do not fit."""
        return layout(
            [self.vocab.id_of(s) for s in symbols],
            self.canvas,
            eos_id=self.vocab.eos_id,
            pad_id=self.vocab.pad_id,
        )

    # ----- sampling ---------------------------------------------------------------------------

    def _noise(self, seed: int, steps: int, B: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((steps, B, self.canvas, self.d), dtype=np.float32)

    def _reverse(
        self,
        x0c: np.ndarray,
        t_start: np.ndarray,
        eps: np.ndarray,
        keep: np.ndarray | None,
        clamp: bool,
        update: str,
        trajectory: bool,
    ) -> tuple[np.ndarray, list[np.ndarray] | None]:
        """The shared loop; returns the final x̂0 [B, n, d] and the decoded canvases after every step."""
        steps = eps.shape[0]
        ts = respaced(t_start, steps)  # [steps+1, B]
        ab = self.alpha_bar

        def renoise(x0: np.ndarray, t: np.ndarray, e: np.ndarray) -> np.ndarray:
            a = ab[t][:, None, None]
            x_next: np.ndarray = np.sqrt(a) * x0 + np.sqrt(1.0 - a) * e
            return x_next

        x = renoise(x0c, ts[0], eps[0])  # x_t [B, n, d]
        x0_hat = x0c
        path: list[np.ndarray] | None = [] if trajectory else None
        keep3 = keep[..., None] if keep is not None else None
        for k in range(steps):
            t = np.maximum(ts[k], 1)
            x0_hat = self.denoise(x, t)
            if clamp:
                x0_hat = self.nearest(x0_hat)
            if keep3 is not None:
                x0_hat = np.where(keep3, x0c, x0_hat)
            if path is not None:
                path.append(self.logits(x0_hat).argmax(-1))
            if k + 1 < steps:
                if update not in ("ddim", "renoise"):
                    raise InferenceError(f"unknown update {update!r}; valid names: ddim, renoise")
                if update == "ddim":
                    a = ab[t][:, None, None]
                    e = (x - np.sqrt(a) * x0_hat) / np.maximum(np.sqrt(1.0 - a), 1e-6)
                else:
                    e = eps[k + 1]
                x = renoise(x0_hat, ts[k + 1], e)
        return x0_hat.astype(np.float32, copy=False), path

    def resume(
        self,
        ids: np.ndarray,
        noise: np.ndarray | float,
        keep: np.ndarray | None = None,
        *,
        steps: int | None = None,
        seed: int = 0,
        trajectory: bool = False,
        eps: np.ndarray | None = None,
        clamp: bool | None = None,
        update: str | None = None,
    ) -> SampleResult:
        """Noise canvases ``ids`` [B, n] to their own ``noise`` fraction [B] of T; run the reverse process.

        ``keep`` [B, n] marks positions clamped to their clean embedding at every step (localized
        noising); ``eps`` [steps, B, n, d] replaces the seeded noise; ``clamp``/``update`` override the
        model's inference defaults.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 2 or ids.shape[1] != self.canvas:
            raise InferenceError(
                f"ids must be [B, {self.canvas}], got {ids.shape}; lay them out with encode_canvas"
            )
        B = ids.shape[0]
        steps = steps or self.settings.steps
        eps = self._noise(seed, steps, B) if eps is None else np.asarray(eps, dtype=np.float32)
        t_start = timestep_of(np.broadcast_to(np.asarray(noise, dtype=np.float64), (B,)), self.T)
        keep = None if keep is None else np.asarray(keep, dtype=bool)
        x0_hat, path = self._reverse(
            self.E[ids],
            t_start,
            eps,
            keep,
            self.settings.clamp if clamp is None else clamp,
            update or self.settings.update,
            trajectory,
        )
        out = self.logits(x0_hat).argmax(-1).astype(np.int64)
        if keep is not None:
            out = np.where(keep, ids, out)
        return SampleResult(out, path, x0_hat)

    def generate(
        self,
        batch: int,
        *,
        steps: int = 20,
        seed: int = 0,
        trajectory: bool = True,
        eps: np.ndarray | None = None,
    ) -> SampleResult:
        """Sample ``batch`` canvases from pure noise (paper 3.3), with every intermediate decoded canvas."""
        eps = self._noise(seed, steps, batch) if eps is None else np.asarray(eps, dtype=np.float32)
        x0c = np.zeros((batch, self.canvas, self.d), dtype=np.float32)
        t_start = np.full(batch, self.T, dtype=np.int64)
        x0_hat, path = self._reverse(
            x0c, t_start, eps, None, self.settings.clamp, self.settings.update, trajectory
        )
        return SampleResult(self.logits(x0_hat).argmax(-1).astype(np.int64), path, x0_hat)

    def naturalness(self, ids: np.ndarray, *, noise: float = 0.1, seed: int = 0) -> np.ndarray:
        """[B] mean cross-entropy of the clean ids after denoising at ``noise``; lower = more natural."""
        ids = np.asarray(ids, dtype=np.int64)
        B = ids.shape[0]
        t = np.full(B, int(timestep_of(noise, self.T)), dtype=np.int64)
        a = self.alpha_bar[t][:, None, None]
        e = np.random.default_rng(seed).standard_normal((B, self.canvas, self.d), dtype=np.float32)
        logits = self.logits(self.denoise(np.sqrt(a) * self.E[ids] + np.sqrt(1.0 - a) * e, t))  # [B, n, V]
        logits = logits - logits.max(-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        nll = -np.take_along_axis(logp, ids[..., None], -1)[..., 0]  # [B, n]
        mask = ids != self.vocab.pad_id
        score: np.ndarray = (nll * mask).sum(-1) / np.maximum(mask.sum(-1), 1)
        return score

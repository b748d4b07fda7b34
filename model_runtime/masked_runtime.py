"""The masked (absorbing-state) diffusion model run by ONNX Runtime: logits, likelihoods, unmasking.

One graph, ``masked.onnx``: x_t [B, n] int64 (the mask id is V, one past the vocabulary) -> logits
[B, n, V]. From it (DESIGN "The diffusion model of the product"):

- :meth:`MaskedRuntime.log_probs`: log-probabilities at every cell of a batch of masked canvases;
- :meth:`MaskedRuntime.pseudo_log_likelihood`: sum over a row's cells of log p(x_i | all others), each
  cell masked alone (one batched run for many windows): the likelihood the ranking's log P(fixed) needs;
- :meth:`MaskedRuntime.elbo_nll`: MDLM's bound on -log p(row) (stratified masking ratios, weight 1/t),
  a proper likelihood to set beside the 4-gram's;
- :meth:`MaskedRuntime.unmask`: the reverse process, confidence-ordered (LLaDA / DiffuCoder): each step
  samples a token for every masked cell and keeps the most confident ones; several samples are rows of
  one batch. All randomness comes from a seeded numpy Generator, so a seed gives the same answer.

numpy + onnxruntime only: the runtime never imports torch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from lastfix.grammars.errors import InferenceError, ModelLoadError
from lastfix.grammars.vocab import Vocabulary

from .model_files import choose_providers, onnx_session

__all__ = [
    "MASKED_FORMAT",
    "MASKED_GRAPH",
    "MASKED_FILES",
    "MaskedRuntime",
    "UnmaskResult",
    "load_masked_model",
    "lay_rows",
]

log = logging.getLogger("lastfix.model")

MASKED_FORMAT = 1
MASKED_GRAPH = "masked.onnx"
MASKED_FILES = ("config.json", "vocab.json", MASKED_GRAPH)
_CHUNK = 2048  # rows per ONNX call: bounds the logits' memory (2048 x 64 x 714 floats ~ 370 MB worst case)


@dataclass(frozen=True)
class UnmaskResult:
    """Final canvases and the log-probability of the tokens the sampler chose, per row."""

    ids: np.ndarray  # [B, n] int64, no mask left
    logp: np.ndarray  # [B] float64, sum over the cells it unmasked of log p(chosen token)


def lay_rows(rows: Sequence[Sequence[int]], *, eos: int, pad: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids [B, n], content [B, n] bool): each row + EOS, PAD to the longest, trimmed to it."""
    n = max((len(r) for r in rows), default=0) + 1
    ids = np.full((len(rows), n), pad, dtype=np.int64)
    content = np.zeros((len(rows), n), dtype=bool)
    for b, r in enumerate(rows):
        ids[b, : len(r)] = np.asarray(r, dtype=np.int64)
        ids[b, len(r)] = eos
        content[b, : len(r)] = True
    return ids, content


def _by_length(rows: Sequence[Sequence[int]]) -> list[np.ndarray]:
    """Indices of the rows grouped by length, shortest first."""
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    return [np.flatnonzero(lengths == n) for n in np.unique(lengths)]


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(-1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(-1, keepdims=True)), dtype=np.float32)


class MaskedRuntime:
    """One exported masked model: its vocabulary, canvas, mask id and ONNX session."""

    def __init__(self, directory: Path, config: dict[str, Any], vocab: Vocabulary, session: Any) -> None:
        self.directory = directory
        self.config = config
        self.vocab = vocab
        self.language: str = str(config["language"])
        self.canvas: int = int(config["canvas"])
        self.mask_id: int = int(config["mask_id"])
        self.params: int = int(config.get("params", 0))
        self.provider: str = str(session.get_providers()[0])
        self._session = session
        # cells a content position may never become: they have no text (PAD/EOS end the canvas, <unk>
        # cannot be rendered), so the sampler never picks them
        self.forbidden = np.array([vocab.pad_id, vocab.eos_id, vocab.unk_id], dtype=np.int64)

    # ----- the network ------------------------------------------------------------------------

    def logits(self, x_t: np.ndarray) -> np.ndarray:
        """Logits [B, n, V] float32 of canvases [B, n] (n <= canvas), in chunks of rows."""
        x_t = np.ascontiguousarray(x_t, dtype=np.int64)
        if x_t.ndim != 2 or x_t.shape[1] > self.canvas or x_t.shape[1] < 2:
            raise InferenceError(
                f"masked canvases must be [B, n] with 2 <= n <= {self.canvas}, got {x_t.shape}"
            )
        if x_t.shape[0] == 0:
            return np.zeros((0, x_t.shape[1], len(self.vocab)), dtype=np.float32)
        try:
            parts = [
                self._session.run(["logits"], {"x_t": x_t[i : i + _CHUNK]})[0]
                for i in range(0, len(x_t), _CHUNK)
            ]
        except Exception as e:  # noqa: BLE001 - onnxruntime raises its own types
            raise InferenceError(f"masked model failed on a [{x_t.shape}] batch: {e}") from None
        return np.concatenate(parts).astype(np.float32, copy=False)

    def log_probs(self, x_t: np.ndarray, *, blank_free: bool = False) -> np.ndarray:
        """log p(token | x_t) [B, n, V] at every cell (meaningful at the masked ones).

        ``blank_free``: renormalised over the symbols other than ``<blank>``, i.e. p(token | x_t, the
        cell holds a token). The model learns blank slots, so at a masked cell of a complete snippet part
        of its mass says "nothing here"; text without slots (a candidate window, a corpus snippet) is
        scored by this conditional, a proper distribution over blank-free sequences.
        """
        logits = self.logits(x_t)
        if blank_free:
            logits[:, :, self.vocab.blank_id] = -np.inf
        return _log_softmax(logits)

    def lay(self, rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ids (blanks allowed, no EOS) as a trimmed batch and its content mask."""
        too_long = [len(r) for r in rows if len(r) + 1 > self.canvas]
        if too_long:
            raise InferenceError(
                f"a row of {too_long[0]} cells + EOS does not fit the canvas ({self.canvas})"
            )
        return lay_rows(rows, eos=self.vocab.eos_id, pad=self.vocab.pad_id)

    # ----- likelihoods ------------------------------------------------------------------------

    def pseudo_log_likelihood(
        self,
        rows: Sequence[Sequence[int]],
        *,
        blank_free: bool = True,
        spans: Sequence[tuple[int, int]] | None = None,
    ) -> np.ndarray:
        """[B] sum over each row's cells of log p(x_i | every other cell), each cell masked alone.

        ``spans``: per row, the cells [lo, hi) whose terms are summed (all others stay visible context);
        candidates that differ only inside a stretch are compared on it. ``blank_free`` (default): the
        rows are text without slots, scored as in :meth:`log_probs`. Rows
        are scored in groups of one length (one ONNX run per length), so that a row's score never
        depends on the PAD cells another row of the batch would add.
        """
        out = np.zeros(len(rows), dtype=np.float64)
        for group in _by_length(rows):
            ids, content = self.lay([rows[i] for i in group])
            if spans is not None:
                cols = np.arange(ids.shape[1])[None, :]
                lo = np.array([spans[i][0] for i in group])[:, None]
                hi = np.array([spans[i][1] for i in group])[:, None]
                content &= (cols >= lo) & (cols < hi)
            owner, cell = np.nonzero(content)  # one masked copy per scored cell
            copies = ids[owner].copy()
            copies[np.arange(len(owner)), cell] = self.mask_id
            lp = self.log_probs(copies, blank_free=blank_free)  # [C, n, V]
            picked = lp[np.arange(len(owner)), cell, ids[owner, cell]]  # [C]
            out[group] = np.bincount(owner, weights=picked.astype(np.float64), minlength=len(group))
        return out

    def elbo_nll(
        self, rows: Sequence[Sequence[int]], samples: int = 8, seed: int = 0, *, blank_free: bool = True
    ) -> np.ndarray:
        """[B] MDLM's upper bound on -log p(row | its length), in nats: E_t[(1/t) sum_masked -log p].

        ``samples`` masking ratios per row, stratified over (0, 1] (one uniform offset per row), each cell
        masked with probability t; a Monte Carlo estimate, deterministic under ``seed``. Grouped by
        length like :meth:`pseudo_log_likelihood`.
        """
        out = np.zeros(len(rows), dtype=np.float64)
        rng = np.random.default_rng(seed)
        for group in _by_length(rows):
            ids, content = self.lay([rows[i] for i in group])
            B, n = ids.shape
            t = 1.0 - (rng.random((B, 1)) + np.arange(samples)[None, :]) / samples  # [B, K] in (0, 1]
            t = t.reshape(-1)
            base = np.repeat(ids, samples, axis=0)  # [B*K, n]
            where = np.repeat(content, samples, axis=0) & (rng.random((B * samples, n)) < t[:, None])
            lp = self.log_probs(np.where(where, self.mask_id, base), blank_free=blank_free)  # [B*K, n, V]
            cell_lp = np.take_along_axis(lp, base[:, :, None], axis=-1)[:, :, 0]  # [B*K, n]
            per_sample = -(cell_lp * where).sum(1) / t  # [B*K]
            out[group] = per_sample.reshape(B, samples).mean(1)
        return out

    # ----- the reverse process ------------------------------------------------------------------

    def unmask(
        self,
        x_t: np.ndarray,
        *,
        steps: int,
        seed: int = 0,
        temperature: float = 1.0,
        prior: np.ndarray | None = None,
        prior_bonus: float = 0.0,
    ) -> UnmaskResult:
        """Confidence-ordered unmasking of every masked cell of ``x_t`` [B, n] in ``steps`` steps.

        Each step samples a token for every masked cell (Gumbel-max at ``temperature``; 0 is greedy),
        then keeps, per row, the ceil(left / steps left) cells whose chosen token is most probable;
        the rest stay masked for the next step, which sees what this one committed.

        ``prior`` [B, n] (ids, -1 for none) with ``prior_bonus`` nats: a token-level noisy channel for
        repair. A masked cell that held the user's token gets that token's logit raised, so the posterior
        keeps what was typed unless the model finds it unlikely in context.
        """
        ids = np.array(x_t, dtype=np.int64, copy=True)
        rng = np.random.default_rng(seed)
        logp_total = np.zeros(len(ids), dtype=np.float64)
        steps = max(1, steps)
        rows = np.arange(len(ids))
        for s in range(steps):
            masked = ids == self.mask_id  # [B, n]
            left = masked.sum(1)  # [B]
            if not left.any():
                break
            logits = self.logits(ids)  # [B, n, V]
            if prior is not None and prior_bonus:
                b_i, c_i = np.nonzero(masked & (prior >= 0))
                logits[b_i, c_i, prior[b_i, c_i]] += prior_bonus
            logits[:, :, self.forbidden] = -np.inf
            lp = _log_softmax(logits)
            if temperature > 0:
                gumbel = -np.log(-np.log(rng.random(lp.shape) + 1e-20) + 1e-20)
                choice = np.argmax(lp / temperature + gumbel, axis=-1)  # [B, n]
            else:
                choice = np.argmax(lp, axis=-1)
            conf = np.take_along_axis(lp, choice[:, :, None], axis=-1)[:, :, 0]  # [B, n]
            conf = np.where(masked, conf, -np.inf)
            take = np.ceil(left / (steps - s)).astype(np.int64)  # [B]
            order = np.argsort(-conf, axis=1, kind="stable")  # most confident first
            rank = np.empty_like(order)
            rank[rows[:, None], order] = np.arange(ids.shape[1])[None, :]
            commit = masked & (rank < take[:, None])
            ids = np.where(commit, choice, ids)
            logp_total += np.where(commit, conf, 0.0).sum(1)
        return UnmaskResult(ids, logp_total)


def _read_config(d: Path, fix: str) -> dict[str, Any]:
    try:
        config = json.loads((d / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelLoadError(f"{d / 'config.json'}: unreadable ({e}); {fix}") from None
    if (
        not isinstance(config, dict)
        or config.get("kind") != "masked"
        or config.get("format") != MASKED_FORMAT
    ):
        found = (config.get("kind"), config.get("format")) if isinstance(config, dict) else "?"
        raise ModelLoadError(
            f"{d / 'config.json'}: not a masked model of format {MASKED_FORMAT} "
            f"(kind, format = {found}); {fix}"
        )
    try:
        int(config["canvas"]), int(config["mask_id"]), str(config["language"])
    except (KeyError, TypeError, ValueError) as e:
        raise ModelLoadError(f"{d / 'config.json'}: incomplete ({e!r} missing); {fix}") from None
    return config


def load_masked_model(
    directory: str | Path, device: str = "auto", *, threads: int | None = None
) -> MaskedRuntime:
    """A ready :class:`MaskedRuntime` of an exported folder; ModelLoadError naming the file and the fix."""
    d = Path(directory)
    fix = "export one with `python -m lastfix.model_training.masked_export --checkpoint CKPT --out DIR`"
    for name in MASKED_FILES:
        if not (d / name).is_file():
            raise ModelLoadError(f"{d / name}: missing from the masked model directory; {fix}")
    config = _read_config(d, fix)
    vocab = Vocabulary.load(d / "vocab.json")
    if int(config["mask_id"]) != len(vocab):
        raise ModelLoadError(
            f"{d / 'config.json'}: mask id {config['mask_id']} is not one past the vocabulary "
            f"({len(vocab)}); "
            f"the files come from different exports: {fix}"
        )
    session = onnx_session(d / MASKED_GRAPH, choose_providers(device), threads)
    runtime = MaskedRuntime(d, config, vocab, session)
    log.info("masked model %s: %s on %s", runtime.language, d, runtime.provider)
    return runtime

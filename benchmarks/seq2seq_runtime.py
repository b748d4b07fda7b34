"""The seq2seq baseline's one-shot repair model with ONNX Runtime (no torch): greedy and small-beam decoding.

Only the bench runs this baseline (paper 4.3), so it lives with the bench, not in the product's runtime.

A model directory written by ``model_training.seq2seq_export`` holds config.json (``"kind": "seq2seq"``),
vocab.json, seq2seq_encoder.onnx (src -> memory) and seq2seq_decoder.onnx (prefix, memory, src ->
logits of the next symbol). Decoding starts from EOS (the model's start symbol) and stops at EOS; the
decoder re-reads the whole prefix each step, which at <= 128 symbols and this model size costs less
than keeping a key/value cache in the graph.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from lastfix.grammars.errors import InferenceError, ModelLoadError
from lastfix.grammars.vocab import Vocabulary
from lastfix.model_runtime.model_files import choose_providers, onnx_session

__all__ = [
    "SEQ2SEQ_FORMAT",
    "ENCODER_FILE",
    "DECODER_FILE",
    "SEQ2SEQ_FILES",
    "Hypothesis",
    "Seq2SeqRuntime",
    "load_seq2seq",
    "is_seq2seq_dir",
]

SEQ2SEQ_FORMAT = 1
ENCODER_FILE, DECODER_FILE = "seq2seq_encoder.onnx", "seq2seq_decoder.onnx"
SEQ2SEQ_FILES = ("config.json", "vocab.json", ENCODER_FILE, DECODER_FILE)
_PAD, _EOS = 0, 1


@dataclass(frozen=True)
class Hypothesis:
    """One decoded output: its symbols (EOS excluded) and total log-probability (EOS included)."""

    ids: tuple[int, ...]
    symbols: tuple[str, ...]
    score: float


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


class Seq2SeqRuntime:
    """An exported one-shot repair model: its vocabulary and two ONNX sessions."""

    def __init__(
        self,
        directory: Path,
        config: dict[str, Any],
        vocab: Vocabulary,
        encoder: Any,
        decoder: Any,
        provider: str,
    ) -> None:
        self.directory = directory
        self.config = config
        self.language: str = str(config["language"])
        self.vocab = vocab
        self.max_len: int = int(config["model"]["max_len"])
        self.params: int = int(config.get("params", 0))
        self.provider = provider
        self._encoder = encoder
        self._decoder = decoder

    def source_ids(self, symbols: Sequence[str]) -> list[int]:
        """Symbols -> ids + EOS; InferenceError when they do not fit the model."""
        ids = [self.vocab.id_of(s) for s in symbols] + [_EOS]
        if len(ids) > self.max_len:
            raise InferenceError(
                f"{len(symbols)} symbols do not fit the model's {self.max_len - 1}; cut a smaller window"
            )
        return ids

    def _encode(self, src: np.ndarray) -> np.ndarray:
        try:
            return self._encoder.run(None, {"src": src})[0]
        except Exception as e:  # noqa: BLE001 - onnxruntime's own exception types
            raise InferenceError(
                f"seq2seq encoder failed on {src.shape} ({e}); re-export the model"
            ) from None

    def _next(self, tgt: np.ndarray, memory: np.ndarray, src: np.ndarray) -> np.ndarray:
        try:
            return self._decoder.run(None, {"tgt": tgt, "memory": memory, "src": src})[0]  # [B, V]
        except Exception as e:  # noqa: BLE001
            raise InferenceError(
                f"seq2seq decoder failed on {tgt.shape} ({e}); re-export the model"
            ) from None

    @staticmethod
    def _pad(rows: Sequence[Sequence[int]]) -> np.ndarray:
        out = np.full((len(rows), max(len(r) for r in rows)), _PAD, dtype=np.int64)
        for i, r in enumerate(rows):
            out[i, : len(r)] = r
        return out

    def greedy(self, sources: Sequence[Sequence[int]], max_len: int | None = None) -> list[list[int]]:
        """Greedy decoding of a batch of source id lists (each ending in EOS); outputs without EOS."""
        if not sources:
            return []
        max_len = min(max_len or self.max_len, self.max_len)
        src = self._pad(sources)
        memory = self._encode(src)
        B = len(sources)
        out = np.full((B, 1), _EOS, dtype=np.int64)
        done = np.zeros(B, dtype=bool)
        for _ in range(max_len):
            nxt = self._next(out, memory, src).argmax(-1).astype(np.int64)
            nxt = np.where(done, _PAD, nxt)
            out = np.concatenate([out, nxt[:, None]], axis=1)
            done |= nxt == _EOS
            if done.all():
                break
        rows = []
        for row in out[:, 1:].tolist():
            rows.append(row[: row.index(_EOS)] if _EOS in row else row)
        return rows

    def beam_search(
        self, source: Sequence[int], beam: int = 4, max_len: int | None = None
    ) -> list[Hypothesis]:
        """The ``beam`` most probable outputs of one source, best first (beam=1 is greedy)."""
        max_len = min(max_len or self.max_len, self.max_len)
        src1 = np.asarray([source], dtype=np.int64)
        memory1 = self._encode(src1)
        alive: list[tuple[list[int], float]] = [([_EOS], 0.0)]
        finished: list[tuple[list[int], float]] = []
        for _ in range(max_len):
            n = len(alive)
            tgt = np.asarray([p for p, _ in alive], dtype=np.int64)
            logp = _log_softmax(self._next(tgt, np.repeat(memory1, n, axis=0), np.repeat(src1, n, axis=0)))
            scores = np.asarray([s for _, s in alive])[:, None] + logp  # [n, V]
            flat = np.argsort(-scores, axis=None, kind="stable")[: 2 * beam]
            grown: list[tuple[list[int], float]] = []
            for f in flat:
                i, v = divmod(int(f), scores.shape[1])
                cand = (alive[i][0] + [v], float(scores[i, v]))
                (finished if v == _EOS else grown).append(cand)
                if len(grown) == beam:
                    break
            finished.sort(key=lambda h: -h[1])
            finished = finished[:beam]
            alive = grown
            # log-probabilities only fall: no live prefix can beat a full beam of finished outputs
            if not alive or (len(finished) >= beam and alive[0][1] < finished[-1][1]):
                break
        pool = finished if finished else alive
        pool.sort(key=lambda h: -h[1])
        out = []
        for ids, score in pool[:beam]:
            body = [i for i in ids[1:] if i != _EOS]
            out.append(Hypothesis(tuple(body), tuple(self.vocab.decode(body)), score))
        return out

    def translate(self, symbols: Sequence[str], *, beam: int = 1) -> list[Hypothesis]:
        """Fixed symbols for broken ``symbols``: greedy (one hypothesis) or the top ``beam``."""
        ids = self.source_ids(symbols)
        if beam <= 1:
            body = self.greedy([ids])[0]
            return [Hypothesis(tuple(body), tuple(self.vocab.decode(body)), float("nan"))]
        return self.beam_search(ids, beam)


def is_seq2seq_dir(directory: str | Path) -> bool:
    """Does ``directory`` hold a one-shot repair model (rather than a diffusion model)?"""
    d = Path(directory)
    try:
        return json.loads((d / "config.json").read_text(encoding="utf-8")).get("kind") == "seq2seq"
    except (OSError, ValueError, AttributeError):
        return False


def load_seq2seq(
    directory: str | Path, device: str = "auto", *, threads: int | None = None
) -> Seq2SeqRuntime:
    """A ready :class:`Seq2SeqRuntime`; ModelLoadError naming the file and the fix."""
    d = Path(directory)
    fix = "export one with `python -m lastfix.model_training.seq2seq_export --checkpoint DIR --out MODEL_DIR`"
    for name in SEQ2SEQ_FILES:
        if not (d / name).is_file():
            raise ModelLoadError(f"{d / name}: missing; this is not a seq2seq model directory; {fix}")
    try:
        config = json.loads((d / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelLoadError(f"{d / 'config.json'}: unreadable ({e}); {fix}") from None
    if config.get("kind") != "seq2seq" or config.get("format") != SEQ2SEQ_FORMAT:
        raise ModelLoadError(
            f"{d / 'config.json'}: not a seq2seq model of format {SEQ2SEQ_FORMAT} "
            f"(kind {config.get('kind')!r}, format {config.get('format')!r}); {fix}"
        )
    vocab = Vocabulary.load(d / "vocab.json")
    if len(vocab) != int(config["model"]["vocab_size"]):
        raise ModelLoadError(
            f"{d / 'vocab.json'}: {len(vocab)} symbols, the model has {config['model']['vocab_size']}; "
            f"the files come from different runs: {fix}"
        )
    providers = choose_providers(device)
    encoder = onnx_session(d / ENCODER_FILE, providers, threads)
    decoder = onnx_session(d / DECODER_FILE, providers, threads)
    return Seq2SeqRuntime(d, config, vocab, encoder, decoder, decoder.get_providers()[0])

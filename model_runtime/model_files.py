"""Load an exported model directory into a :class:`DiffusionRuntime` (ONNX Runtime, no torch).

A model directory (written by ``lastfix export``) holds config.json, vocab.json, embedding.npy,
denoiser.onnx and decoder.onnx, and optionally ngram.json.gz (the corpus prior of the ranking).
Anything missing, truncated or from another format version raises :class:`ModelLoadError` naming the
file and the fix, so the server can say "no model" and go on.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from lastfix.grammars.errors import ModelLoadError
from lastfix.grammars.vocab import Vocabulary

from .model_resolver import shipped_model_dir
from .ngram import NGRAM_FILE, NgramModel

if TYPE_CHECKING:
    from .sampler import DiffusionRuntime

__all__ = [
    "FORMAT_VERSION",
    "MODEL_FILES",
    "MASKED_DIR",
    "InferenceSettings",
    "ModelFiles",
    "read_model_dir",
    "load_model",
    "default_model_dir",
    "choose_providers",
    "onnx_session",
]

log = logging.getLogger("lastfix.model")

FORMAT_VERSION = 1
# a masked diffusion model shipped beside the continuous one: the learned ranking's log P(fixed)
MASKED_DIR = "masked"
MODEL_FILES = ("config.json", "vocab.json", "embedding.npy", "denoiser.onnx", "decoder.onnx")
DEFAULT_NOISE_TABLE: dict[str, Any] = {"buckets": [[1, 0.1], [3, 0.2], [6, 0.3]], "default": 0.5}


@dataclass(frozen=True)
class InferenceSettings:
    """Sampler defaults shipped in config.json (DESIGN "Training recipe": 10-20 respaced steps)."""

    steps: int = 10
    clamp: bool = False  # snap x̂0 to the nearest token embedding after every step (Diffusion-LM)
    # "ddim": deterministic DDIM step (keeps the predicted noise direction); "renoise": fresh noise each
    # step. On the tiny Excel model DDIM reconstructs more at every noise level (0.84 vs 0.67 at 10%).
    update: str = "ddim"
    slots: int = 1  # blank slots per gap in the repair window

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InferenceSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class ModelFiles:
    """A validated model directory, not yet turned into sessions."""

    directory: Path
    config: dict[str, Any]
    vocab: Vocabulary
    embedding: np.ndarray  # E [V, d] float32
    ngram: NgramModel | None = None  # corpus n-gram prior over the same symbols, when exported with one


def default_model_dir(language: str) -> Path:
    """Where the shipped model of ``language`` lives: ``model_runtime/models/<language>``."""
    return shipped_model_dir(language)


def read_model_dir(directory: str | Path) -> ModelFiles:
    """Check every file of a model directory and read the small ones."""
    d = Path(directory)
    fix = "export one with `lastfix export --checkpoint CKPT --out DIR`"
    if not d.is_dir():
        raise ModelLoadError(f"{d}: no model directory here; {fix}")
    for name in MODEL_FILES:
        if not (d / name).is_file():
            raise ModelLoadError(f"{d / name}: missing from the model directory; {fix}")
    try:
        config = json.loads((d / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelLoadError(f"{d / 'config.json'}: unreadable ({e}); {fix}") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT_VERSION:
        found = config.get("format") if isinstance(config, dict) else "?"
        raise ModelLoadError(
            f"{d / 'config.json'}: model format {found}, this lastfix reads format "
            f"{FORMAT_VERSION}; re-export the checkpoint with this version (`lastfix export`)"
        )
    vocab = Vocabulary.load(d / "vocab.json")
    try:
        embedding = np.load(d / "embedding.npy", allow_pickle=False).astype(np.float32, copy=False)
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{d / 'embedding.npy'}: unreadable ({e}); {fix}") from None
    try:
        d_model, canvas = int(config["model"]["d"]), int(config["canvas"])
        config["schedule"]["T"], config["schedule"]["s"]  # noqa: B018 - presence check
    except (KeyError, TypeError, ValueError) as e:
        raise ModelLoadError(f"{d / 'config.json'}: incomplete ({e!r} missing); {fix}") from None
    if embedding.shape != (len(vocab), d_model):
        raise ModelLoadError(
            f"{d / 'embedding.npy'}: shape {embedding.shape} does not match the vocabulary "
            f"({len(vocab)}) and d={d_model}; the files come from different exports: {fix}"
        )
    if canvas < 2:
        raise ModelLoadError(f"{d / 'config.json'}: canvas {canvas} is too small; {fix}")
    ngram = NgramModel.load(d / NGRAM_FILE) if (d / NGRAM_FILE).is_file() else None
    return ModelFiles(d, config, vocab, embedding, ngram)


def _gpu_present() -> bool:
    """Cheap check that an NVIDIA device exists (onnxruntime-gpu lists CUDA even on machines without one)."""
    return os.path.exists("/dev/nvidiactl") or bool(os.environ.get("CUDA_VISIBLE_DEVICES", "").strip("-1 "))


def choose_providers(device: str = "auto") -> list[str]:
    """Execution providers for ``device`` (auto|cpu|cuda): CUDA only when onnxruntime reports it."""
    import onnxruntime as ort

    available = ort.get_available_providers()
    if device == "cpu":
        return ["CPUExecutionProvider"]
    if device == "cuda":
        if "CUDAExecutionProvider" not in available:
            raise ModelLoadError(
                "device 'cuda' asked for, but this onnxruntime has no CUDA execution provider; "
                "install onnxruntime-gpu with CUDA 12, or use device 'cpu'"
            )
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if device != "auto":
        raise ModelLoadError(f"unknown device {device!r}; valid names: auto, cpu, cuda")
    if "CUDAExecutionProvider" in available and _gpu_present():
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def onnx_session(path: Path, providers: list[str], threads: int | None) -> Any:
    """An ONNX Runtime session of ``path``; ModelLoadError when the file cannot be loaded."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    # A 2-core laptop also runs the editor: use the cores, but never oversubscribe them.
    options.intra_op_num_threads = threads or max(1, min(4, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # a failed optional CUDA provider falls back to CPU without noise
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as e:  # noqa: BLE001 - onnxruntime raises its own exception types per failure
        raise ModelLoadError(
            f"{path}: ONNX Runtime cannot load it ({type(e).__name__}: {str(e)[:200]}); the file is "
            "truncated or corrupt: re-export the model with `lastfix export`"
        ) from None


def load_model(
    directory: str | Path, device: str = "auto", *, threads: int | None = None
) -> DiffusionRuntime:
    """A ready :class:`~model_runtime.sampler.DiffusionRuntime`; raises ModelLoadError."""
    from .learned_ranking import RANKER_FILE, load_ranker
    from .masked_repair import settings_for
    from .masked_runtime import load_masked_model
    from .sampler import DiffusionRuntime

    files = read_model_dir(directory)
    providers = choose_providers(device)
    denoiser = onnx_session(files.directory / "denoiser.onnx", providers, threads)
    decoder = onnx_session(files.directory / "decoder.onnx", providers, threads)
    provider = denoiser.get_providers()[0]
    if device == "cuda" and provider != "CUDAExecutionProvider":
        raise ModelLoadError(
            "device 'cuda' asked for, but ONNX Runtime could not start its CUDA provider "
            "(no GPU, or CUDA 12/cuDNN 9 libraries missing); use device 'cpu'"
        )
    log.info("model %s: %s on %s", files.config.get("language"), files.directory, provider)
    masked_dir = files.directory / MASKED_DIR
    masked = load_masked_model(masked_dir, device, threads=threads) if masked_dir.is_dir() else None
    if masked is not None:
        try:  # a bad "repair" section is the model's fault: say so when it loads, not at a repair
            settings_for(masked)
        except ValueError as e:
            raise ModelLoadError(f'{masked_dir / "config.json"}: its "repair" section: {e}') from None
    ranker = load_ranker(files.directory / RANKER_FILE)
    return DiffusionRuntime(files, denoiser, decoder, provider, masked=masked, ranker=ranker)

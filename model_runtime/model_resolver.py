"""Which model serves a language, and that model loaded: one place for the server, the CLI and the bench.

A model is chosen by (language, where, device, threads): ``lastfix repair --model DIR`` names the folder
itself; the server's ``lastfix.modelDir`` names a folder holding one folder per language, or a folder per
language; neither: the model shipped inside the package. :func:`resolve_model` loads it and never raises
for a model that cannot be used: it says why instead, so the server can fall back to the model-free
`edits` engine with one message while a command stops with the same reason (:func:`require_model`).

Nothing heavy at import: the server asks for its model key before any model is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lastfix.grammars.errors import ModelLoadError

if TYPE_CHECKING:  # numpy and onnxruntime stay out of this import
    from .sampler import DiffusionRuntime

__all__ = [
    "ModelChoice",
    "ResolvedModel",
    "shipped_model_dir",
    "choose_model",
    "resolve_model",
    "require_model",
]


@dataclass(frozen=True)
class ModelChoice:
    """Which model folder serves a language, and how it runs: the key a loaded model is cached under."""

    language: str
    directory: Path
    device: str = "auto"  # auto | cpu | cuda (model_files.choose_providers)
    threads: int | None = None  # ONNX Runtime intra-op threads (None: the runtime's choice, up to 4)
    shipped: bool = False  # the package's own model folder, not one the user named


@dataclass(frozen=True)
class ResolvedModel:
    """A chosen model, loaded, or None with the reason."""

    choice: ModelChoice
    runtime: DiffusionRuntime | None
    error: ModelLoadError | None = None  # why there is no runtime
    missing: bool = False  # no model is installed where the shipped one belongs (nothing is broken)


def shipped_model_dir(language: str) -> Path:
    """Where the shipped model of ``language`` lives: ``model_runtime/models/<language>``."""
    return Path(__file__).resolve().parent / "models" / language


def choose_model(
    language: str,
    model_dir: str | Path | None = None,
    *,
    models: str | Path | Mapping[str, str] | None = None,
    device: str = "auto",
    threads: int | None = None,
) -> ModelChoice:
    """``model_dir``: this language's model folder (``--model DIR``); else ``models``: a folder of one folder
    per language, or {language: folder} (``lastfix.modelDir``); else the shipped model."""
    if model_dir:
        return ModelChoice(language, Path(model_dir).expanduser(), device, threads)
    if isinstance(models, (str, Path)):
        return ModelChoice(language, Path(models).expanduser() / language, device, threads)
    if models is not None and models.get(language):
        return ModelChoice(language, Path(models[language]).expanduser(), device, threads)
    return ModelChoice(language, shipped_model_dir(language), device, threads, shipped=True)


def resolve_model(choice: ModelChoice) -> ResolvedModel:
    """Load the chosen model; one that is missing, corrupt or of another language comes back as the reason."""
    language, directory = choice.language, choice.directory
    if choice.shipped and not (directory / "config.json").is_file():
        return ResolvedModel(
            choice,
            None,
            ModelLoadError(
                f"no diffusion model is shipped for {language} yet ({directory} is empty); train and export "
                "one (`lastfix train`, `lastfix export`) and pass --model DIR, or use --engine edits, "
                "which needs no model"
            ),
            missing=True,
        )
    try:
        from .model_files import load_model

        runtime = load_model(directory, choice.device, threads=choice.threads)
    except ImportError as e:  # numpy or onnxruntime: the runtime is a separate part of the install
        error = ModelLoadError(f"the diffusion runtime is not installed ({e}); use --engine edits")
        return ResolvedModel(choice, None, error)
    except ModelLoadError as e:
        return ResolvedModel(choice, None, e)
    if runtime.language != language:
        error = ModelLoadError(
            f"{directory}: the model is for {runtime.language}, not {language}; pass the right --model"
        )
        return ResolvedModel(choice, None, error)
    return ResolvedModel(choice, runtime)


def require_model(choice: ModelChoice) -> DiffusionRuntime:
    """The chosen model loaded; ModelLoadError saying which model is missing or broken and what to do."""
    resolved = resolve_model(choice)
    if resolved.runtime is None:
        assert resolved.error is not None
        raise resolved.error
    return resolved.runtime

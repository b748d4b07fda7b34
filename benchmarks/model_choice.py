"""The model a command uses: ``--model DIR`` or the language's shipped default; one clear error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lastfix.grammars.errors import ModelLoadError

if TYPE_CHECKING:
    from lastfix.model_runtime.sampler import DiffusionRuntime

__all__ = ["model_dir_for", "load_runtime"]


def model_dir_for(language: str, model: str | None) -> Path:
    """``--model`` when given, else the default shipped model directory of ``language``."""
    if model:
        return Path(model)
    try:
        from lastfix.model_runtime.model_files import default_model_dir
    except ImportError as e:  # the runtime is a separate part of the install
        raise ModelLoadError(f"the diffusion runtime is not installed ({e}); use --engine edits") from None
    return Path(default_model_dir(language))


def load_runtime(
    language: str, model: str | None, threads: int | None = None
) -> tuple[Path, DiffusionRuntime]:
    """(model directory, loaded runtime); ModelLoadError saying which model is missing and what to do.

    ``threads``: ONNX Runtime intra-op threads (default: the runtime's choice, up to 4).
    """
    directory = model_dir_for(language, model)
    if not model and not (directory / "config.json").exists():
        raise ModelLoadError(
            f"no diffusion model is shipped for {language} yet ({directory} is empty); train and export one "
            "(`lastfix train`, `lastfix export`) and pass --model DIR, or use --engine edits, "
            "which needs no model"
        )
    try:
        from lastfix.model_runtime.model_files import load_model
    except ImportError as e:
        raise ModelLoadError(f"the diffusion runtime is not installed ({e}); use --engine edits") from None
    runtime = load_model(directory, threads=threads)
    if runtime.language != language:
        raise ModelLoadError(
            f"{directory}: the model is for {runtime.language}, not {language}; pass the right --model"
        )
    return directory, runtime

"""Repairers per language: each model loads on first use; a model that cannot load is reported once
and the model-free ``edits`` engine stands in, so quick fixes keep working (DESIGN.md "Repair", step 3).

Loading and repairing happen in the repair worker thread only; model_runtime (and so onnxruntime) is
imported there, on first use, so starting the server and publishing diagnostics never pay for it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lastfix.grammars import LastfixError, get_grammar
from lsprotocol import types

from .client_ui import ClientUI
from .settings import Settings

if TYPE_CHECKING:
    from lastfix.model_runtime.repair import Repairer

__all__ = ["ModelStore", "ModelKey"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelKey:
    """Which model serves a language: its folder (None: no model at all) and the device."""

    language: str
    directory: str
    device: str
    shipped: bool  # the default folder inside the package, not a lastfix.modelDir override


class ModelStore:
    """Loaded runtimes keyed by (language, folder, device) and the repairers built on them."""

    def __init__(self, ui: ClientUI) -> None:
        self._ui = ui
        self._runtimes: dict[ModelKey, Any] = {}  # value None: load failed, edits engine only
        self._repairers: dict[tuple[ModelKey, int, int | None], Repairer] = {}
        self._lock = threading.Lock()

    def key(self, language: str, settings: Settings) -> ModelKey:
        override = settings.model_dir
        if isinstance(override, str):
            return ModelKey(language, str(Path(override).expanduser() / language), settings.device, False)
        if override is not None and override.get(language):
            return ModelKey(language, str(Path(override[language]).expanduser()), settings.device, False)
        from lastfix.model_runtime.model_files import default_model_dir

        return ModelKey(language, str(default_model_dir(language)), settings.device, True)

    def is_loaded(self, key: ModelKey) -> bool:
        return key in self._runtimes

    def load(self, key: ModelKey) -> Any:
        """The runtime for ``key`` (None when it cannot load: reported once, edits engine from then on)."""
        with self._lock:
            if key in self._runtimes:
                return self._runtimes[key]
            runtime = None
            if key.shipped and not Path(key.directory).is_dir():
                self._ui.show_once(
                    f"nomodel:{key.language}",
                    f"lastfix: no {key.language} model is installed ({key.directory} is missing); "
                    f"quick fixes for "
                    f"{key.language} come from grammar-guided edits only. Set lastfix.modelDir to a folder "
                    f"holding one model folder per language (`lastfix export` writes one).",
                    types.MessageType.Warning,
                )
            else:
                from lastfix.model_runtime.model_files import load_model

                try:
                    runtime = load_model(Path(key.directory), device=key.device)
                    logger.info(
                        "loaded the %s model from %s (%s)",
                        key.language,
                        key.directory,
                        getattr(runtime, "provider", "?"),
                    )
                except LastfixError as e:
                    self._ui.show_once(
                        f"load:{key.language}:{key.directory}",
                        f"lastfix: cannot load the {key.language} model from {key.directory}: {e} "
                        f"Quick fixes for {key.language} now come from grammar-guided edits only (no model); "
                        f"point lastfix.modelDir at a folder with one model folder per language "
                        f"(written by `lastfix export`), or remove the setting to use the shipped models.",
                    )
            self._runtimes[key] = runtime
            return runtime

    def budget_ms(self, language: str, settings: Settings) -> int:
        """The time one repair of ``language`` may take: the user's setting, or the language's default."""
        from lastfix.model_runtime.repair import budget_ms

        return budget_ms(language, settings.time_budget_ms)

    def repairer(self, key: ModelKey, settings: Settings) -> Repairer:
        """A Repairer for the language (loads its model first if needed)."""
        from lastfix.model_runtime.repair import Repairer, RepairSettings

        runtime = self.load(key)
        # Two candidates at least: the confidence rule compares the first with the runner-up.
        k = max(2, settings.candidates)
        cache_key = (key, k, settings.time_budget_ms)
        with self._lock:
            repairer = self._repairers.get(cache_key)
            if repairer is None:
                grammar = get_grammar(key.language)
                budget = settings.time_budget_ms
                try:
                    engine = "hybrid" if runtime is not None else "edits"
                    repairer = Repairer(
                        grammar, runtime, RepairSettings(k=k, engine=engine, time_budget_ms=budget)
                    )
                except LastfixError as e:  # e.g. a model folder of another language
                    self._ui.show_once(
                        f"use:{key.language}:{key.directory}",
                        f"lastfix: cannot use the model in {key.directory}: {e}",
                    )
                    repairer = Repairer(
                        grammar, None, RepairSettings(k=k, engine="edits", time_budget_ms=budget)
                    )
                self._repairers[cache_key] = repairer
            return repairer

"""Repair engines per language: each model loads on first use; a model that cannot load is reported once
and the model-free ``edits`` engine stands in, so quick fixes keep working (DESIGN.md "Repair", step 3).

Which model serves a language is the runtime's one resolver (``model_runtime.model_resolver``, shared with
the command line and the bench); this store adds what a long-running server needs on top: each model is
loaded once and kept, its failure is told to the user once, and engines are cached per model.

Loading and repairing happen in the repair worker thread only; onnxruntime (and numpy) are imported there,
on first use, so starting the server and publishing diagnostics never pay for them.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from lastfix.grammars import Grammar, LastfixError
from lastfix.model_runtime.model_resolver import ModelChoice, choose_model, resolve_model
from lsprotocol import types

from .client_ui import ClientUI
from .settings import Settings

if TYPE_CHECKING:
    from lastfix.model_runtime.engines import RepairEngine
    from lastfix.model_runtime.repair_settings import SearchSettings

__all__ = ["ModelStore", "ModelKey"]

logger = logging.getLogger(__name__)

# Which model serves a language: its folder, the device, and whether it is the shipped one.
ModelKey = ModelChoice


class ModelStore:
    """Loaded runtimes keyed by (language, folder, device) and the repair engines built on them."""

    def __init__(self, ui: ClientUI) -> None:
        self._ui = ui
        self._runtimes: dict[ModelKey, Any] = {}  # value None: load failed, edits engine only
        # per model, candidates and grammar (a Python target version is a grammar of its own)
        # by (model, k, grammar, search tuning: None = the language's)
        self._engines: dict[tuple[ModelKey, int, Grammar, SearchSettings | None], RepairEngine] = {}
        self._lock = threading.Lock()  # guards the per-key locks
        # one lock per model: a quick fix loading one language never waits for the warm-up of another
        self._key_locks: dict[ModelKey, threading.Lock] = {}

    def _lock_of(self, key: ModelKey) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def key(self, language: str, settings: Settings) -> ModelKey:
        return choose_model(language, models=settings.model_dir, device=settings.device)

    def is_loaded(self, key: ModelKey) -> bool:
        return key in self._runtimes

    def load(self, key: ModelKey) -> Any:
        """The runtime for ``key`` (None when it cannot load: reported once, edits engine from then on)."""
        with self._lock_of(key):
            if key in self._runtimes:
                return self._runtimes[key]
            resolved = resolve_model(key)
            if resolved.missing:
                self._ui.show_once(
                    f"nomodel:{key.language}",
                    f"lastfix: no {key.language} model is installed ({key.directory} is missing); "
                    f"quick fixes for "
                    f"{key.language} come from grammar-guided edits only. Set lastfix.modelDir to a folder "
                    f"holding one model folder per language (`lastfix export` writes one).",
                    types.MessageType.Warning,
                )
            elif resolved.error is not None:
                self._ui.show_once(
                    f"load:{key.language}:{key.directory}",
                    f"lastfix: cannot load the {key.language} model from {key.directory}: {resolved.error} "
                    f"Quick fixes for {key.language} now come from grammar-guided edits only (no model); "
                    f"point lastfix.modelDir at a folder with one model folder per language "
                    f"(written by `lastfix export`), or remove the setting to use the shipped models.",
                )
            else:
                logger.info(
                    "loaded the %s model from %s (%s)",
                    key.language,
                    key.directory,
                    getattr(resolved.runtime, "provider", "?"),
                )
            self._runtimes[key] = resolved.runtime
            return resolved.runtime

    def budget_ms(self, language: str, settings: Settings) -> int:
        """The time one repair of ``language`` may take: the user's setting, or the language's default."""
        from lastfix.model_runtime.repair_settings import budget_ms

        return budget_ms(language, settings.time_budget_ms)

    def engine(
        self,
        key: ModelKey,
        settings: Settings,
        grammar: Grammar | None = None,
        search: SearchSettings | None = None,
    ) -> RepairEngine:
        """The language's engine on ``grammar`` (a document's; by default the one ``settings`` ask for):
        the hybrid on its model, or edits without one (loads the model first); ``search``: tuning of its
        own (fix on save's work bound), else the language's."""
        from lastfix.model_runtime.engines import create_engine
        from lastfix.model_runtime.repair_settings import RepairSettings

        grammar = grammar if grammar is not None else settings.grammar(key.language)
        runtime = self.load(key)
        # Two candidates at least: the confidence rule compares the first with the runner-up.
        k = max(2, settings.candidates)
        with self._lock_of(key):
            engine = self._engines.get((key, k, grammar, search))
            if engine is None:
                try:
                    name = "hybrid" if runtime is not None else "edits"
                    engine = create_engine(grammar, runtime, RepairSettings(k=k, engine=name), search=search)
                except LastfixError as e:  # a model the resolver accepted that the engine cannot use
                    self._ui.show_once(
                        f"use:{key.language}:{key.directory}",
                        f"lastfix: cannot use the model in {key.directory}: {e}",
                    )
                    engine = create_engine(grammar, None, RepairSettings(k=k, engine="edits"), search=search)
                self._engines[(key, k, grammar, search)] = engine
            return engine

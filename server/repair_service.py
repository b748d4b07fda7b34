"""Model work off the event loop, on a snapshot, cancellable, cached per (document version, error).

DESIGN.md "Conventions" (after ruff_server): cheap work runs on every change, model work only on request,
in a worker thread, on a read-only snapshot (the immutable Document), and its result is dropped when the
document moved on. A ``$/cancelRequest`` cancels the handler's task; the task then sets the
``threading.Event`` of the repair's Deadline, which the engine polls, so a worker that already started
stops early too.

The entry points of repair in the server are here: a quick fix gets one repair's budget; fix-all and fix
on save get one deadline for the whole document (``repairs`` budgets, at most ``cap_ms``), inside which
each error's repair gets at most one repair's budget.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lastfix.grammars import LastfixError, SyntaxIssue
from lastfix.model_runtime.deadline import Deadline

from .client_ui import ClientUI
from .document import Document
from .fix_policy import FixAllResult, FixPolicy, fix_all
from .model_store import ModelKey, ModelStore
from .session import Session
from .settings import Settings

__all__ = ["RepairService", "SAVE_BUDGET_MS"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# VS Code gives a save participant about 1.5 s before it gives up on it; stay well inside.
SAVE_BUDGET_MS = 1200
_CACHE_SIZE = 256


class RepairService:
    """Runs the Repairer for the features; one worker thread, so repairs never compete for the CPU."""

    def __init__(self, session: Session, store: ModelStore, ui: ClientUI) -> None:
        self._session = session
        self._store = store
        self._ui = ui
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lastfix-repair")
        self._cache: collections.OrderedDict[tuple[Any, ...], list[Any]] = collections.OrderedDict()
        self._cache_lock = threading.Lock()
        self._loading: dict[ModelKey, asyncio.Lock] = {}
        self._running: set[threading.Event] = set()

    def shutdown(self) -> None:
        """Stop queued and running repairs: the interpreter joins worker threads before it exits."""
        for cancel in list(self._running):
            cancel.set()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ----- plumbing ---------------------------------------------------------------------------

    async def _in_worker(self, fn: Callable[[], T], cancel: threading.Event) -> T:
        """Run ``fn`` in the worker; cancelling the awaiting task sets ``cancel``."""
        loop = asyncio.get_running_loop()
        self._running.add(cancel)
        try:
            return await loop.run_in_executor(self._executor, fn)
        except asyncio.CancelledError:
            cancel.set()
            raise
        finally:
            self._running.discard(cancel)

    async def _ready(self, language: str, settings: Settings) -> ModelKey:
        """The model key for the language, its model loaded (with work-done progress the first time)."""
        key = self._store.key(language, settings)
        if self._store.is_loaded(key):
            return key
        lock = self._loading.setdefault(key, asyncio.Lock())
        async with lock:
            if not self._store.is_loaded(key):
                async with self._ui.progress(f"lastfix: loading the {language} model", str(key.directory)):
                    await self._in_worker(lambda: self._store.load(key), threading.Event())
        return key

    def _cache_get(self, key: tuple[Any, ...]) -> list[Any] | None:
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _cache_put(self, key: tuple[Any, ...], value: list[Any]) -> None:
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)

    def forget(self, uri: str) -> None:
        """Drop cached repairs of a closed document."""
        with self._cache_lock:
            for key in [k for k in self._cache if k[0] == uri]:
                del self._cache[key]

    # ----- what the features call -------------------------------------------------------------

    async def candidates(self, doc: Document, issue: SyntaxIssue) -> list[Any]:
        """Repair candidates for one error of ``doc`` (best first; empty when stale, failed or none)."""
        language = doc.language
        if language is None:
            return []
        settings = self._session.settings
        # The model key stands for modelDir and device (hashable, unlike a {language: folder} setting).
        model_key = self._store.key(language, settings)
        key = (doc.uri, doc.version, issue, settings.candidates, settings.time_budget_ms, model_key)
        hit = self._cache_get(key)
        if hit is not None:
            return hit
        model = await self._ready(language, settings)
        cancel = threading.Event()
        session = self._session

        def work() -> list[Any] | None:
            hit = self._cache_get(key)
            if hit is not None:
                return hit
            if session.get(doc.uri) is not doc:  # edited while queued: nobody wants this result
                return None
            from lastfix.model_runtime.local_repair import (
                repair_around,  # numpy and the model stay out of startup
            )

            engine = self._store.engine(model, settings)
            # the budget starts when the worker picks the request up, not while it waits in the queue
            deadline = Deadline.after_ms(self._store.budget_ms(language, settings), cancel)
            return repair_around(
                engine,
                doc.text,
                issue,
                deadline=deadline,
                k=max(2, settings.candidates),
                checker=doc.tracker,
                scoped=True,  # a quick fix repairs its own error; the others stay as they are
            )

        try:
            result = await self._in_worker(work, cancel)
        except LastfixError as e:
            logger.warning("no fix for %s v%s: %s", doc.uri, doc.version, e)
            return []
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("repair failed for %s v%s", doc.uri, doc.version)
            return []
        if result is None:
            return []
        if not cancel.is_set():  # a cancelled run may have stopped early: never cache a partial answer
            self._cache_put(key, result)
        return result

    async def fix_all(
        self, doc: Document, policy: FixPolicy, repairs: int = 1, cap_ms: int | None = None
    ) -> FixAllResult | None:
        """Every confident fix of ``doc`` under one deadline of ``repairs`` repair budgets, at most ``cap_ms``
        (None when stale or failed)."""
        if doc.language is None or doc.grammar is None:
            return None
        grammar = doc.grammar
        settings = self._session.settings
        model = await self._ready(doc.language, settings)
        cancel = threading.Event()
        session = self._session
        one_repair_ms = self._store.budget_ms(doc.language, settings)
        total_ms = repairs * one_repair_ms if cap_ms is None else min(repairs * one_repair_ms, cap_ms)
        # from now, queueing included: a save participant's time runs from the request
        deadline = Deadline.after_ms(total_ms, cancel)

        def work() -> FixAllResult | None:
            if session.get(doc.uri) is not doc:
                return None
            from lastfix.model_runtime.local_repair import repair_around

            engine = self._store.engine(model, settings)

            def repair(text: str, issue: SyntaxIssue) -> list[Any]:
                found = repair_around(
                    engine, text, issue, deadline=deadline.cap_ms(one_repair_ms), k=2, checker=doc.tracker
                )
                # A repair cut short by the deadline may lack the runner-up that would have made it doubtful.
                return [] if deadline.expired() else found

            return fix_all(doc.text, grammar, repair, policy, deadline)

        try:
            return await self._in_worker(work, cancel)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("fix-all failed for %s v%s", doc.uri, doc.version)
            return None

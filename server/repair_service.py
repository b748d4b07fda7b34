"""Model work off the event loop, on a snapshot, cancellable, cached per (document version, error).

DESIGN.md "Conventions" (after ruff_server): cheap work runs on every change, model work only on request,
in a worker thread, on a read-only snapshot (the immutable Document), and its result is dropped when the
document moved on. A ``$/cancelRequest`` cancels the handler's task; the task then sets the
``threading.Event`` of the repair's Deadline, which the engine polls, so a worker that already started
stops early too.

The entry points of repair in the server are here: a quick fix gets one repair's budget; fix-all (two
repair budgets) and fix on save (SAVE_BUDGET_MS) get one deadline for the whole document, their safety
cap, inside which each error, in document order, is repaired within its own work bound (a save's:
:class:`SaveWork`) and judged as its quick fix is (its own error gone, none added, the others left as
they were).

Three worker threads: quick fixes in one, fixes of a whole document (fix-all, fix on save) in another, so
a save never waits behind another document's quick fix (issue 18), and the warm-up in a third: after a
document of a language opens, its model is loaded and run once in the background, so the first quick fix
does not pay for the load.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from lastfix.grammars import Grammar, LastfixError, SyntaxIssue, get_language
from lastfix.model_runtime.deadline import Deadline

from .client_ui import ClientUI
from .document import Document
from .fix_policy import FixAllResult, FixPolicy, fix_all
from .model_store import ModelKey, ModelStore
from .session import Session
from .settings import Settings

if TYPE_CHECKING:  # numpy and the model stay out of startup
    from lastfix.model_runtime.repair_settings import SearchSettings

__all__ = ["RepairService", "SAVE_BUDGET_MS", "SaveWork"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# VS Code gives a save participant about 1.5 s before it gives up on it; stay well inside. The search is
# bounded by work, so this is a safety cap, the same for every language (a quick fix's budget is the
# language's): a file's one slip is meant to be fixed well before it (lsp_bench --sections saves)
SAVE_BUDGET_MS = 1200
_CACHE_SIZE = 256
WARM_UP_MS = 300  # the warm-up's one repair of the language's broken example (its first ONNX runs)


@dataclass(frozen=True)
class SaveWork:
    """Fix on save's work bound for each error, on top of the language's search (DESIGN "Repair" 5).

    A save applies the first candidate only when it leads the runner-up (``fix_policy.confident``), so its
    search looks for two candidates, not for the quick fix's list: the edit search keeps ``beam`` of them,
    ends ``within`` past the cheapest repair found (confident() needs the runner-up only when it costs
    less than twice the first, which is within 1.0 of any first costing 1.0 or less: a missing bracket or
    colon) with no ``slack`` for the ranking to promote dearer ones, and the sampler draws at most ``rows``.
    Work, not time: the same save gives the same edit under any load.

    Chosen on the dev splits, each record saved alone, against the quick fix's search (issue 18): Python
    (first 150) the same save edit on 140 in a third of the time, where cutting its 3,500 checks instead
    agrees on 130 (1,000) or 127 (500); Excel (71) on 55, p50 542 -> 137 ms (the sampler, 4 of its 12
    rows, is most of an Excel save). A save that differs misses a runner-up the wider search finds: it
    applies a fix the quick fix's search leaves alone on 4 Python and 5 Excel records.
    """

    beam: int = 2
    within: float = 1.0
    slack: float = 0.0
    rows: int = 4

    def search(self, search: SearchSettings) -> SearchSettings:
        """``search`` (a language's) with the save's bounds, never more work than it does."""
        edits = replace(search.edits, within=min(search.edits.within, self.within))
        return replace(
            search,
            beam=min(search.beam, self.beam),
            hybrid_slack=min(search.hybrid_slack, self.slack),
            quick_rows=min(search.quick_rows, self.rows),
            edits=edits,
        )


class RepairService:
    """Runs the repair engines for the features, each kind of work in its own worker thread."""

    def __init__(self, session: Session, store: ModelStore, ui: ClientUI) -> None:
        self._session = session
        self._store = store
        self._ui = ui
        # one thread per kind of work: quick fixes never compete with each other for the CPU, and a fix
        # of a whole document (fix-all, fix on save) never queues behind them
        self._quick = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lastfix-repair")
        self._whole = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lastfix-fix-all")
        self._warm = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lastfix-warm-up")
        self._cache: collections.OrderedDict[tuple[Any, ...], list[Any]] = collections.OrderedDict()
        self._cache_lock = threading.Lock()
        self._loading: dict[ModelKey, asyncio.Lock] = {}
        self._running: set[threading.Event] = set()
        self._warmed: set[tuple[ModelKey, int, Grammar]] = set()  # engines warmed up (or being so)
        self._warming: set[threading.Event] = set()  # cancels the warm-up runs in progress
        self._warm_tasks: set[asyncio.Task[None]] = set()

    def shutdown(self) -> None:
        """Stop queued and running repairs: the interpreter joins worker threads before it exits."""
        for cancel in list(self._running):
            cancel.set()
        for executor in (self._quick, self._whole, self._warm):
            executor.shutdown(wait=False, cancel_futures=True)

    # ----- plumbing ---------------------------------------------------------------------------

    async def _in_worker(
        self, fn: Callable[[], T], cancel: threading.Event, executor: ThreadPoolExecutor | None = None
    ) -> T:
        """Run ``fn`` in ``executor`` (the quick fixes' worker by default); cancelling the awaiting task
        sets ``cancel``."""
        loop = asyncio.get_running_loop()
        self._running.add(cancel)
        try:
            return await loop.run_in_executor(executor or self._quick, fn)
        except asyncio.CancelledError:
            cancel.set()
            raise
        finally:
            self._running.discard(cancel)

    async def _ready(
        self, language: str, settings: Settings, executor: ThreadPoolExecutor | None = None
    ) -> ModelKey:
        """The model key for the language, its model loaded (with work-done progress the first time)."""
        key = self._store.key(language, settings)
        if self._store.is_loaded(key):
            return key
        lock = self._loading.setdefault(key, asyncio.Lock())
        async with lock:
            if not self._store.is_loaded(key):
                async with self._ui.progress(f"lastfix: loading the {language} model", str(key.directory)):
                    await self._in_worker(lambda: self._store.load(key), threading.Event(), executor)
        return key

    def warm_up(self, language: str) -> None:
        """Load ``language``'s model and run it once, in the background (at most once per model and
        settings): the first quick fix then pays neither the load nor ONNX Runtime's first runs."""
        settings = self._session.settings
        key = self._store.key(language, settings)
        warm_key = (key, max(2, settings.candidates), settings.grammar(language))  # an engine's own key
        if warm_key in self._warmed:
            return
        self._warmed.add(warm_key)
        task = asyncio.ensure_future(self._warm_up(language, settings, key))
        self._warm_tasks.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._warm_tasks.discard)

    async def _warm_up(self, language: str, settings: Settings, key: ModelKey) -> None:
        start = time.perf_counter()
        cancel = threading.Event()
        self._warming.add(cancel)
        example = get_language(language).broken_example + "\n"

        def run() -> None:
            engine = self._store.engine(key, settings)
            engine.repair(example, deadline=Deadline.after_ms(WARM_UP_MS, cancel), k=1)

        try:
            # the load as any first request loads it (its progress shown, and awaited by a request that
            # comes meanwhile), then one repair; both in the warm-up's own thread
            await self._ready(language, settings, self._warm)
            await self._in_worker(run, cancel, self._warm)
        except asyncio.CancelledError:
            raise
        except Exception:  # a warm-up never fails the server; the first repair reports the problem
            logger.exception("warming up the %s model failed", language)
            return
        finally:
            self._warming.discard(cancel)
        logger.info(
            "warmed up the %s model in %.0f ms%s",
            language,
            (time.perf_counter() - start) * 1000,
            " (its first run cut short by a request)" if cancel.is_set() else "",
        )

    def _preempt_warm_up(self) -> None:
        """A request came: a warm-up's repair in progress stops (the model it loaded stays loaded)."""
        for cancel in list(self._warming):
            cancel.set()

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
        key = (
            doc.uri,
            doc.version,
            doc.grammar,
            issue,
            settings.candidates,
            settings.time_budget_ms,
            model_key,
        )
        hit = self._cache_get(key)
        if hit is not None:
            return hit
        self._preempt_warm_up()
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

            engine = self._store.engine(model, settings, doc.grammar)
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
        self,
        doc: Document,
        policy: FixPolicy,
        repairs: int = 1,
        total_ms: int | None = None,
        bound: SaveWork | None = None,
    ) -> FixAllResult | None:
        """Every confident fix of ``doc`` under one deadline of ``total_ms`` (default: ``repairs`` repair
        budgets), in the whole-document worker (None when stale or failed); ``bound``: each error's work
        bound (fix on save's), else the quick fix's."""
        if doc.language is None or doc.grammar is None:
            return None
        grammar = doc.grammar
        settings = self._session.settings
        self._preempt_warm_up()
        model = await self._ready(doc.language, settings, self._whole)
        cancel = threading.Event()
        session = self._session
        if total_ms is None:
            total_ms = repairs * self._store.budget_ms(doc.language, settings)
        # from now, queueing included: a save participant's time runs from the request
        deadline = Deadline.after_ms(total_ms, cancel)

        def work() -> FixAllResult | None:
            if session.get(doc.uri) is not doc:
                return None
            from lastfix.model_runtime.local_repair import repair_around
            from lastfix.model_runtime.repair_settings import SearchSettings

            search = bound.search(SearchSettings.for_language(grammar.name)) if bound is not None else None
            engine = self._store.engine(model, settings, grammar, search)
            # the diagnostics' error list, followed from the document's own (none hidden, none extra)
            probe = doc.tracker.copy() if doc.tracker is not None else None
            if probe is None:
                return None

            def repair(text: str, issue: SyntaxIssue, cap: Deadline) -> list[Any]:
                # judged as the error's quick fix is: on its own error, the others left as they were
                return repair_around(engine, text, issue, deadline=cap, k=2, checker=probe, scoped=True)

            return fix_all(doc.text, grammar, repair, policy, deadline, probe.issues)

        try:
            return await self._in_worker(work, cancel, self._whole)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("fix-all failed for %s v%s", doc.uri, doc.version)
            return None

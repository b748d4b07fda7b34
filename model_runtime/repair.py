"""The repair engine (DESIGN.md "Repair") for callers that bring no :class:`~deadline.Deadline` of their own.

For each syntax error, take its window; gather candidates from the engine's sources (the resumed
diffusion process of paper 3.2, single-token and paired edits of the grammar-guided search); keep only
what the validity oracle accepts on the whole document; rank; return the top k. Several errors are
repaired window by window, as a small beam. The parts live in their own modules: ``engines`` (the
interface and the factory), ``window_beam`` and ``window_step`` (the loop), ``edit_source`` and
``diffusion_source`` (the candidates), ``final_ranking`` and ``naturalness`` (the ranking).

:class:`Repairer` builds the engine ``RepairSettings.engine`` names and gives each repair the budget the
settings name; the command line, the bench and the server make their own deadline instead and call the
engine (``engines.create_engine``) directly.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from lastfix.grammars.base import Grammar, SyntaxIssue

from .deadline import Deadline
from .engines import DEFAULT_SETTINGS, ENGINES, RepairEngine, create_engine
from .repair_result import Candidate
from .repair_settings import RepairSettings, SearchSettings, budget_ms

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .sampler import DiffusionRuntime

__all__ = ["ENGINES", "RepairSettings", "SearchSettings", "Candidate", "Repairer", "budget_ms"]


class Repairer:
    """The engine ``settings.engine`` for one language; ``runtime`` may be None for the `edits` engine."""

    def __init__(
        self,
        grammar: Grammar,
        runtime: DiffusionRuntime | None,
        settings: RepairSettings = DEFAULT_SETTINGS,
        *,
        search: SearchSettings | None = None,  # None = SearchSettings.for_language
    ) -> None:
        self.search = SearchSettings.for_language(grammar.name) if search is None else search
        self.engine: RepairEngine = create_engine(grammar, runtime, settings, search=self.search)
        self.grammar = grammar
        self.settings = settings
        # what one repair may take: the caller's budget, or the language's (an explicit ``search`` carries
        # its own default, so not budget_ms())
        self.budget_ms = (
            settings.time_budget_ms if settings.time_budget_ms is not None else self.search.budget_ms
        )

    @property
    def name(self) -> str:
        return self.engine.name

    def repair(
        self,
        text: str,
        issue: SyntaxIssue | None = None,
        *,
        k: int | None = None,
        cancel: threading.Event | None = None,
        deadline: Deadline | None = None,
    ) -> list[Candidate]:
        """Top-k valid repairs of ``text`` (all its errors, or the window of ``issue`` first), best first.

        ``deadline`` None: one of ``budget_ms`` from now, stopped early by ``cancel``.
        """
        if deadline is None:
            deadline = Deadline.after_ms(self.budget_ms, cancel)
        return self.engine.repair(text, issue, deadline=deadline, k=k)

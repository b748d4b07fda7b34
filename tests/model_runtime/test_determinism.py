"""The search is bounded by work, not by the clock (issue 17, point 3): the edit search stops after its
number of oracle checks, the sampler draws its number of samples whatever the deadline, and the deadline
is only a safety cap that says when it fired. Real grammars, the shipped Excel model; no timing asserted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.model_runtime.candidate_sources import CheckBudget, WindowTask
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.diffusion_candidates import DiffusionSettings
from lastfix.model_runtime.diffusion_source import DiffusionSource
from lastfix.model_runtime.edit_candidates import EditSearch, EditSearchSettings, edit_alphabet
from lastfix.model_runtime.edit_source import EditSource
from lastfix.model_runtime.engines import create_engine
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.model_resolver import choose_model, require_model
from lastfix.model_runtime.repair_settings import RepairSettings, SearchSettings
from lastfix.model_runtime.windows import find_window

FAR = 3_600_000  # ms: a deadline an hour away, which these tests never reach
TEXT = "=IF(A1=,1,2)"


@pytest.fixture(scope="module")
def excel_model():
    return require_model(choose_model("excel", threads=1))


def _task(text: str, accept=None, width: int = 32) -> WindowTask:
    g = get_grammar("excel")
    tokens = g.tokenize(text)
    issues = g.errors(text)
    window = find_window(g, text, tokens, issues[0], width)
    return WindowTask(g, text, tokens, window, issues[0], accept or g.is_valid, hints_from_issues(issues), 5)


def _search(task: WindowTask, judged: list[str]) -> EditSearch:
    """A search whose oracle accepts nothing (so only its bound stops it) and notes what it was asked."""
    return EditSearch(task.grammar, task.text, task.tokens, task.window, lambda t: judged.append(t) or False)


def test_the_edit_search_stops_after_its_bound_of_oracle_checks():
    task = _task(TEXT)
    judged: list[str] = []
    search = _search(task, judged)
    assert search.run(checks=50) == [] and len(judged) == search.checked == 50 and not search.done
    search.run(checks=30)  # a later run goes on where the first one stopped
    assert len(judged) == len(set(judged)) == search.checked == 80
    # the bound decides where it stops, not the deadline: none, never, or an hour away
    for deadline in (None, Deadline.never(), Deadline.after_ms(FAR)):
        again: list[str] = []
        _search(task, again).run(deadline, checks=80)
        assert again == judged
        assert deadline is None or not deadline.fired()


def test_a_fired_deadline_stops_the_edit_search_and_says_so():
    task = _task(TEXT)
    judged: list[str] = []
    spent = Deadline.after_ms(0)
    assert _search(task, judged).run(spent, checks=50) == [] and judged == []
    assert spent.fired()


def test_the_edit_source_spends_its_bounds_per_window_and_per_repair():
    judged: list[str] = []
    task = replace(_task(TEXT, accept=lambda t: judged.append(t) or False), checks=CheckBudget(65))
    settings = EditSearchSettings(checks=40)
    source = EditSource(edit_alphabet(task.grammar), settings, edit_window=32, beam=4, progress_below=2.0)
    run = source.open(task)
    run.propose(Deadline.after_ms(FAR), others_found=False)
    assert len(judged) == 40 and task.checks.left == 25  # the window's first pass: its own bound
    run.resume(Deadline.after_ms(FAR))  # nothing found: it goes on with what the repair has left
    assert len(judged) == len(set(judged)) == 65 and task.checks.spent
    run.fallback(Deadline.after_ms(FAR), others_found=False)  # nothing left for a partial step either
    assert task.checks.left == 0 and run.found() == []


class CountingRuntime:
    """The real diffusion runtime, noting the rows of every batched resume call."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime
        self.rows: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runtime, name)

    def resume(self, ids: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        self.rows.append(int(ids.shape[0]))
        return self._runtime.resume(ids, *args, **kwargs)


def test_the_samplers_rows_do_not_depend_on_the_deadline(excel_model):
    task = _task('=IF(A1>2,"a","b"', width=40)
    runtime = CountingRuntime(excel_model)
    settings = DiffusionSettings()
    source = DiffusionSource(task.grammar, runtime, settings, seeds=4, quick_rows=6)  # type: ignore[arg-type]
    found = []
    for deadline in (Deadline.never(), Deadline.after_ms(FAR), Deadline.after_ms(60_000)):
        for others_found in (False, True):
            run = source.open(task)
            run.propose(deadline, others_found)
            found.append((others_found, [p.text for p in run.found()]))
        assert not deadline.fired()
    full, quick = settings.levels * 4, 6  # every level x seed; once others found candidates, quick_rows
    assert runtime.rows == [full, quick] * 3
    assert found[0::2] == [found[0]] * 3 and found[1::2] == [found[1]] * 3  # and the same samples
    spent = Deadline.after_ms(0)
    run = source.open(task)
    run.propose(spent, others_found=False)
    assert run.found() == [] and runtime.rows == [full, quick] * 3 and spent.fired()


@pytest.mark.parametrize("name", ["edits", "hybrid"])
def test_an_engine_gives_the_same_candidates_under_any_far_deadline(excel_model, name):
    engine = create_engine(get_grammar("excel"), excel_model, RepairSettings(engine=name))
    answers = []
    for deadline in (Deadline.never(), Deadline.after_ms(FAR), Deadline.after_ms(120_000)):
        answers.append(engine.repair(TEXT, deadline=deadline))
        assert not deadline.fired()
    assert answers[0] and answers[1] == answers[0] and answers[2] == answers[0]
    spent = Deadline.after_ms(0)
    assert engine.repair(TEXT, deadline=spent) == [] and spent.fired()


def test_fired_is_noted_on_the_deadline_and_those_it_was_carved_from():
    root = Deadline.after_ms(FAR)
    sub, other = root.leave(0.5), root.cap_ms(FAR)
    spent = sub.cap_ms(0)
    assert spent.expired()  # a question only: it notes nothing
    assert not (root.fired() or sub.fired() or spent.fired())
    assert spent.fires() and spent.fired() and sub.fired() and root.fired()
    assert not other.fired()  # a sibling's work did not stop
    assert not root.fires() and not Deadline.never().fires()


def test_a_repair_stops_when_it_has_spent_its_checks():
    excel = get_grammar("excel")
    search = SearchSettings.for_language("excel")
    edits = RepairSettings(engine="edits")
    bounded = create_engine(excel, None, edits, search=replace(search, repair_checks=0))
    deadline = Deadline.never()
    assert bounded.repair(TEXT, deadline=deadline) == []
    assert not deadline.fired()  # the work bound stopped it, not the cap
    assert create_engine(excel, None, edits, search=search).repair(TEXT, deadline=deadline)

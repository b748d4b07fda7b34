"""The edit source's passes on one window: first pass, a bounded resume, partial steps on what is left."""

from __future__ import annotations

from lastfix.grammars import get_grammar
from lastfix.model_runtime.candidate_sources import CheckBudget, WindowTask
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.edit_candidates import EditSearchSettings, edit_alphabet
from lastfix.model_runtime.edit_source import EditSource
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.windows import find_window

FAR = 3_600_000  # ms: a deadline an hour away, never reached
# Two Python 2 prints: CPython reports the first only, and no single edit makes the text valid.
TWO_PRINTS = "def f(x, y):\n    if x > y:\n        print y\n    else:\n        print x\n"


def _task(text: str, checks: int) -> WindowTask:
    g = get_grammar("python")
    tokens = g.tokenize(text)
    issues = g.errors(text)
    window = find_window(g, text, tokens, issues[0], 128)
    hints = hints_from_issues(issues)
    return WindowTask(g, text, tokens, window, issues[0], g.is_valid, hints, 5, CheckBudget(checks))


def _source(settings: EditSearchSettings) -> EditSource:
    alphabet = edit_alphabet(get_grammar("python"))
    return EditSource(alphabet, settings, edit_window=32, beam=4, progress_below=2.0)


def test_a_bounded_resume_leaves_the_rest_to_the_two_step_repair():
    task = _task(TWO_PRINTS, 1600)
    run = _source(EditSearchSettings(checks=600, resume_checks=200, progress_pairs=True)).open(task)
    run.propose(Deadline.after_ms(FAR), others_found=False)
    assert run.found() == [] and task.checks.left == 1000
    run.resume(Deadline.after_ms(FAR))
    assert task.checks.left == 800  # it went on for its own bound only
    run.fallback(Deadline.after_ms(FAR), others_found=False)
    steps = [p.text for p in run.found()]
    # the first print repaired: the error moves on to the second, which the next window repairs
    assert any("        print(y)\n    else:\n        print x" in s for s in steps) and task.checks.left >= 0


def test_without_pairs_partial_steps_are_single_edits():
    task = _task(TWO_PRINTS, 1600)
    run = _source(EditSearchSettings(checks=600, resume_checks=200)).open(task)
    run.propose(Deadline.after_ms(FAR), others_found=False)
    run.resume(Deadline.after_ms(FAR))
    run.fallback(Deadline.after_ms(FAR), others_found=False)
    assert run.found() and not any("print(y)" in p.text for p in run.found())


def test_an_unbounded_resume_spends_what_the_repair_has_left():
    task = _task(TWO_PRINTS, 1600)
    run = _source(EditSearchSettings(checks=600)).open(task)
    run.propose(Deadline.after_ms(FAR), others_found=False)
    run.resume(Deadline.after_ms(FAR))
    run.fallback(Deadline.after_ms(FAR), others_found=False)
    assert task.checks.spent and run.found() == []  # nothing left for a partial step


def test_the_fallback_stops_where_the_repairs_checks_run_out():
    steps, left = [], []
    for checks in (5000, 605):  # plenty; the first pass's 600 and only 5 more for partial steps
        task = _task(TWO_PRINTS, checks)
        run = _source(EditSearchSettings(checks=600, resume_checks=0)).open(task)
        run.propose(Deadline.after_ms(FAR), others_found=False)
        run.resume(Deadline.after_ms(FAR))
        assert task.checks.left == checks - 600  # a resume of 0 checks makes none
        run.fallback(Deadline.after_ms(FAR), others_found=False)
        steps.append([p.text for p in run.found()])
        left.append(task.checks.left)
    assert left[0] < 5000 - 605 and left[1] == 0  # unbounded it spends more than 5; bounded, exactly those
    assert steps[1] and len(steps[1]) < len(steps[0]) and set(steps[1]) <= set(steps[0])

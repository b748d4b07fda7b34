"""Fix on save's own work bound (repair_service.SaveWork): never more work than a quick fix, and the same
save gives the same edit on a quiet machine and under two busy CPU loops (the search is bounded by work,
the save's deadline is only a safety cap: issue 18 point 2, DESIGN "Repair" 5).

In process, on the shipped models, through the engine the server builds for a save; the cap is set far
above what these repairs take, so it does not fire; no timing is asserted."""

from __future__ import annotations

import pytest
from lastfix.grammars import LANGUAGES, get_grammar
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.local_repair import repair_around
from lastfix.model_runtime.repair_settings import SearchSettings
from lastfix.server.fix_policy import FixAllResult, FixPolicy, fix_all
from lastfix.server.model_store import ModelStore
from lastfix.server.repair_service import SaveWork
from lastfix.server.settings import Settings

from tests.busy_cpu import busy_cpu
from tests.e2e.slip_documents import SLIP_DOCUMENTS

CAP_MS = 120_000  # far above these repairs even on a loaded CI machine


class _QuietUI:
    def show_once(self, key: str, message: str) -> None:
        raise AssertionError(message)  # a shipped model that does not load is a failure here


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_save_bound_never_adds_work(language: str):
    search = SearchSettings.for_language(language)
    save = SaveWork().search(search)
    assert save.beam <= search.beam and save.hybrid_slack <= search.hybrid_slack
    assert save.quick_rows <= search.quick_rows and save.edits.within <= search.edits.within
    # the check bounds and everything else stay the language's
    assert save.repair_checks == search.repair_checks and save.edits.checks == search.edits.checks
    assert save.diffusion == search.diffusion and save.weights == search.weights


def _save(language: str, text: str) -> tuple[FixAllResult, bool]:
    """The save's fix-all as the server runs it (repair_service.RepairService.fix_all with a SaveWork),
    and whether the cap fired."""
    settings = Settings()
    store = ModelStore(_QuietUI())  # type: ignore[arg-type]
    grammar = get_grammar(language)
    key = store.key(language, settings)
    engine = store.engine(key, settings, grammar, SaveWork().search(SearchSettings.for_language(language)))
    probe = IncrementalIssues(grammar)
    deadline = Deadline.after_ms(CAP_MS)

    def repair(t: str, issue, cap: Deadline):  # type: ignore[no-untyped-def]
        return repair_around(engine, t, issue, deadline=cap, k=2, checker=probe, scoped=True)

    return fix_all(text, grammar, repair, FixPolicy(), deadline, probe.issues), deadline.fired()


@pytest.mark.slow
def test_the_same_save_under_load_gives_the_same_edit():
    quiet = {language: _save(language, doc[2]) for language, doc in SLIP_DOCUMENTS.items()}
    with busy_cpu():
        loaded = {language: _save(language, doc[2]) for language, doc in SLIP_DOCUMENTS.items()}
    for language, (_, _, _, fixed) in SLIP_DOCUMENTS.items():
        (a, fired_a), (b, fired_b) = quiet[language], loaded[language]
        assert not fired_a and not fired_b, language
        assert a.edits == b.edits and a.text == b.text, f"{language}: the save's edit changed under load"
        assert a.text == fixed, language  # and each save fixed its slip, so the answers are real

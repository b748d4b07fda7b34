"""The repair engine with the `edits` engine (no model): the oracle's word is final, multi-error documents."""

import json
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.grammars.errors import ModelLoadError
from lastfix.model_runtime.ranking import edit_shape
from lastfix.model_runtime.repair import Candidate, Repairer, RepairSettings, SearchSettings

EDITS = RepairSettings(engine="edits", time_budget_ms=2000)


def _repair(lang, text, **kw):
    return Repairer(get_grammar(lang), None, EDITS).repair(text, **kw)


def _check(lang, text, cands):
    g = get_grammar(lang)
    for c in cands:
        assert isinstance(c, Candidate)
        assert g.is_valid(c.text), c.text
        assert apply_edits(text, c.edits) == c.text
        assert c.source == "edits" and c.votes == 0 and c.noise is None and c.distance >= 1
    # best first: by score, except that a shape already shown 3 times waits for the other shapes
    per_shape = SearchSettings().per_shape
    assert not cands or cands[0].score == max(c.score for c in cands)
    shown: dict[object, int] = {}
    for k, c in enumerate(cands):
        shape = edit_shape(c.edits)
        shown[shape] = shown.get(shape, 0) + 1
        later = cands[k + 1 :]
        if shown[shape] <= per_shape:  # among the first of its shape: nothing better of a fresh shape waits
            assert all(d.score <= c.score for d in later if shown.get(edit_shape(d.edits), 0) < per_shape)
        else:  # deferred: only deferred ones follow, best first
            assert all(d.score <= c.score for d in later)


@pytest.mark.parametrize(
    "lang,broken,fixed",
    [
        ("excel", "=SUM(A1:A3", "=SUM(A1:A3)"),
        ("excel", "=IF(A2>7;7;A2)", "=IF(A2>7,7,A2)"),  # two edits: found in two rounds
        (
            "python",
            "def f(x):\n    if x > 1\n        return x\n",
            "def f(x):\n    if x > 1:\n        return x\n",
        ),
        ("python", "print x\n", "print(x)\n"),
    ],
)
def test_repairs_the_common_last_mile_errors(lang, broken, fixed):
    cands = _repair(lang, broken)
    _check(lang, broken, cands)
    assert cands[0].text == fixed


def test_each_error_of_a_document_is_repaired_window_by_window():
    text = "=SUM(A1:A3\n=B1*2\n=MAX(B1:B9\n"
    cands = _repair("excel", text)
    _check("excel", text, cands)
    assert cands[0].text == "=SUM(A1:A3)\n=B1*2\n=MAX(B1:B9)\n"
    assert len(cands[0].edits) == 2  # one edit per window, composed onto the original


def test_an_issue_picks_the_window_to_start_with():
    text = "=SUM(A1:A3\n=MAX(B1:B9\n"
    g = get_grammar("excel")
    second = g.errors(text)[1]
    cands = Repairer(g, None, EDITS).repair(text, second)
    _check("excel", text, cands)  # still valid as a whole: the other window is repaired too


def test_nothing_to_repair_and_k():
    assert _repair("excel", "=SUM(A1:A3)") == []
    assert len(Repairer(get_grammar("excel"), None, EDITS).repair("=IF(A1=,1,2)", k=2)) <= 2


def test_cancel_and_budget_return_what_is_ready():
    event = threading.Event()
    event.set()
    assert _repair("python", "x = (1,\n", cancel=event) == []
    quick = Repairer(get_grammar("python"), None, RepairSettings(engine="edits", time_budget_ms=1))
    _check("python", "x = (1,\n", quick.repair("x = (1,\n"))


def test_engines_needing_a_model_say_so():
    with pytest.raises(ModelLoadError, match="--engine edits"):
        Repairer(get_grammar("excel"), None, RepairSettings(engine="hybrid"))
    with pytest.raises(ValueError, match="diffusion, edits, hybrid"):
        Repairer(get_grammar("excel"), None, RepairSettings(engine="magic"))


def _snippets(shared, lang, n):
    path = {
        "excel": "excel/formulas.jsonl",
        "python": "python/documents.jsonl",
        "powershell": "powershell/documents.jsonl",
    }[lang]
    g = get_grammar(lang)
    out = []
    with (shared / "corpora" / path).open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if 10 < len(text) < 200 and g.is_valid(text):
                out.append(text)
            if len(out) >= n:
                break
    return out


_CORRUPTIONS = ("delete", "duplicate", "insert", "substitute")
_JUNK = ("(", ")", ",", ":", '"', "[", ";", "=")


@pytest.mark.parametrize("lang", ["excel", "python", "powershell"])
def test_property_no_candidate_the_oracle_rejects(shared, lang):
    g = get_grammar(lang)
    snippets = _snippets(shared, lang, 40)
    repairer = Repairer(g, None, RepairSettings(engine="edits", time_budget_ms=300))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.sampled_from(snippets),
        st.sampled_from(_CORRUPTIONS),
        st.integers(0, 10_000),
        st.sampled_from(_JUNK),
    )
    def check(snippet, how, where, junk):
        tokens = [t for t in g.tokenize(snippet) if t.text]
        tok = tokens[where % len(tokens)]
        if how == "delete":
            broken = snippet[: tok.start] + snippet[tok.end :]
        elif how == "duplicate":
            broken = snippet[: tok.end] + tok.text + snippet[tok.end :]
        elif how == "insert":
            broken = snippet[: tok.start] + junk + snippet[tok.start :]
        else:
            broken = snippet[: tok.start] + junk + snippet[tok.end :]
        cands = repairer.repair(broken)
        if g.is_valid(broken):
            assert cands == []
        else:
            _check(lang, broken, cands)

    check()


def test_a_valid_rewrite_is_not_offered_as_a_fix():
    # Excel accepts "=[)))(((]" (a structured reference), but wrapping everything is a rewrite, not a fix
    assert _repair("excel", "=)))(((") == []


def test_each_language_has_its_measured_search_settings_and_budget():
    excel, python, ps = (SearchSettings.for_language(lang) for lang in ("excel", "python", "powershell"))
    assert excel.tidy_parens and not python.tidy_parens and not ps.tidy_parens
    assert python.quick_rows < excel.quick_rows and python.hybrid_slack < excel.hybrid_slack
    assert (excel.budget_ms, python.budget_ms, ps.budget_ms) == (1000, 1000, 400)
    assert SearchSettings.for_language("elsewhere") == SearchSettings()
    # the caller's budget wins; none named: the language's
    assert Repairer(get_grammar("powershell"), None, RepairSettings(engine="edits")).budget_ms == 400
    chosen = RepairSettings(engine="edits", time_budget_ms=700)
    assert Repairer(get_grammar("powershell"), None, chosen).budget_ms == 700

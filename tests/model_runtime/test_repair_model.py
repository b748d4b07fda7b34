"""The hybrid and diffusion engines through the real ONNX sampler of a tiny model trained in the session."""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.model_runtime.model_files import load_model
from lastfix.model_runtime.ranking import RankingWeights
from lastfix.model_runtime.repair import Repairer, RepairSettings, SearchSettings

from tests.model_training.tiny_model import tiny_excel_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runtime(shared):
    return load_model(tiny_excel_model(shared).model_dir, device="cpu", threads=1)


class Spy:
    """Records the calls of one runtime method and passes them through to the real one."""

    def __init__(self, runtime, name):
        self.real = getattr(runtime, name)
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.real(*args, **kwargs)


def _valid_and_consistent(text, cands):
    g = get_grammar("excel")
    for c in cands:
        assert g.is_valid(c.text) and apply_edits(text, c.edits) == c.text


def test_hybrid_repairs_a_missing_parenthesis(runtime):
    cands = Repairer(
        get_grammar("excel"), runtime, RepairSettings(engine="hybrid", time_budget_ms=3000)
    ).repair("=SUM(A1:A3")
    _valid_and_consistent("=SUM(A1:A3", cands)
    assert cands[0].text == "=SUM(A1:A3)"


def test_diffusion_runs_one_batched_resume_per_window_at_levels_around_the_table(runtime, monkeypatch):
    monkeypatch.setattr(runtime, "noise_table", {"buckets": [[100, 0.4]], "default": 0.4})
    spy = Spy(runtime, "resume")
    monkeypatch.setattr(runtime, "resume", spy)
    settings_ = RepairSettings(engine="diffusion", seeds=4, time_budget_ms=5000)
    cands = Repairer(get_grammar("excel"), runtime, settings_).repair('=IF(A1>2,"a","b"')
    _valid_and_consistent('=IF(A1>2,"a","b"', cands)
    # ONE batched call does the work, of a fixed size (no probe of the machine's speed: issue 17)
    assert [c[0][0].shape[0] for c in spy.calls] == [12]
    (ids, noise, keep), kwargs = spy.calls[0]
    assert ids.shape == (12, runtime.canvas) and keep.shape == ids.shape  # 4 seeds x 3 levels
    assert sorted(set(np.round(noise, 3))) == [0.3, 0.4, 0.5]
    # localized noising: only the stretch around the error, with its blank slots, is free
    assert keep.all(axis=1).sum() == 0 and (~keep[0]).sum() < 16
    free = ids[0][~keep[0]]
    blanks = int((free == runtime.vocab.blank_id).sum())
    assert blanks == len(free) - blanks + 1  # a blank slot in every gap of the noised tokens
    assert all(c.source == "diffusion" and c.votes >= 1 and c.noise in (0.3, 0.4, 0.5) for c in cands)


def test_hybrid_scores_candidates_with_one_naturalness_batch(runtime, monkeypatch):
    spy = Spy(runtime, "naturalness")
    monkeypatch.setattr(runtime, "naturalness", spy)
    text = "=IF(A1=,1,2)"
    # naturalness is off by default (EXPERIMENTS.md)
    search = replace(SearchSettings.for_language("excel"), weights=RankingWeights(naturalness=1.0))
    cands = Repairer(
        get_grammar("excel"), runtime, RepairSettings(engine="hybrid", time_budget_ms=3000), search=search
    ).repair(text, k=50)
    _valid_and_consistent(text, cands)
    assert len(spy.calls) == 1 and spy.calls[0][0][0].shape[0] >= len(cands) > 1


def test_property_hybrid_never_returns_what_the_oracle_rejects(shared, runtime):
    g = get_grammar("excel")
    formulas = []
    with (shared / "corpora" / "excel" / "formulas.jsonl").open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if 8 < len(text) < 60 and g.is_valid(text):
                formulas.append(text)
            if len(formulas) >= 40:
                break
    repairer = Repairer(g, runtime, RepairSettings(engine="hybrid", time_budget_ms=400, seeds=2))

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(formulas), st.integers(0, 1000), st.sampled_from(["", "(", ")", ",", '"']))
    def check(formula, where, junk):
        tokens = g.tokenize(formula)
        tok = tokens[where % len(tokens)]
        broken = formula[: tok.start] + junk + formula[tok.end :]
        cands = repairer.repair(broken)
        if g.is_valid(broken):
            assert cands == []
        else:
            _valid_and_consistent(broken, cands)

    check()

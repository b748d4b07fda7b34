"""The masked model run by ONNX Runtime: loading, likelihoods, seeded unmasking, window repair, the source.

The model is the real tiny one of tests/model_training/test_masked_train.py (trained for a few dozen
steps, exported, loaded here): it asserts what such a model can do (well-formed output, determinism,
shapes, no crash on edge cases), not that it repairs well.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.grammars.errors import ModelLoadError
from lastfix.model_runtime.candidate_sources import WindowTask
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.masked_repair import (
    MaskedRepairSettings,
    masked_stretch,
    repair_window,
    settings_for,
    window_scores,
)
from lastfix.model_runtime.masked_runtime import MASKED_GRAPH, load_masked_model
from lastfix.model_runtime.masked_source import MaskedSource
from lastfix.model_runtime.windows import find_window

from tests.model_training.test_masked_train import tiny_masked_model


@pytest.fixture(scope="module")
def runtime():
    return load_masked_model(tiny_masked_model().model_dir, device="cpu", threads=1)


@pytest.fixture(scope="module")
def rows():
    return tiny_masked_model().rows


def _window(text: str, canvas: int = 32):
    grammar = get_grammar("excel")
    tokens = grammar.tokenize(text)
    issues = grammar.errors(text)
    return grammar, tokens, issues, find_window(grammar, text, tokens, issues[0], canvas - 8)


def test_missing_or_foreign_files_say_what_and_how_to_fix(tmp_path):
    src = tiny_masked_model().model_dir
    with pytest.raises(ModelLoadError, match="masked_export"):
        load_masked_model(tmp_path / "nothing")
    shutil.copytree(src, tmp_path / "m")
    (tmp_path / "m" / MASKED_GRAPH).unlink()
    with pytest.raises(ModelLoadError, match="missing"):
        load_masked_model(tmp_path / "m")
    shutil.copytree(src, tmp_path / "k")
    config = json.loads((tmp_path / "k" / "config.json").read_text())
    (tmp_path / "k" / "config.json").write_text(json.dumps({**config, "kind": "continuous"}))
    with pytest.raises(ModelLoadError, match="not a masked model"):
        load_masked_model(tmp_path / "k")


def test_runtime_reads_its_config(runtime):
    assert runtime.language == "excel" and runtime.canvas == 32
    assert runtime.mask_id == len(runtime.vocab)
    assert runtime.provider == "CPUExecutionProvider"


def test_pseudo_log_likelihood_is_the_sum_of_single_mask_log_probs(runtime, rows):
    pll = runtime.pseudo_log_likelihood(rows[:3])
    assert pll.shape == (3,) and np.all(pll < 0)
    # a row's score does not depend on the other rows of the call (they may be longer: more PAD)
    assert runtime.pseudo_log_likelihood(rows[:1])[0] == pytest.approx(pll[0], rel=1e-6)
    ids, content = runtime.lay(rows[:1])
    expected = 0.0
    for i in np.flatnonzero(content[0]):
        x = ids.copy()
        x[0, i] = runtime.mask_id
        expected += runtime.log_probs(x, blank_free=True)[0, i, ids[0, i]]
    assert pll[0] == pytest.approx(expected, rel=1e-4)
    assert runtime.pseudo_log_likelihood([]).shape == (0,)


def test_elbo_bounds_are_positive_and_seeded(runtime, rows):
    a = runtime.elbo_nll(rows[:4], samples=4, seed=1)
    assert a.shape == (4,) and np.all(a > 0)
    np.testing.assert_array_equal(a, runtime.elbo_nll(rows[:4], samples=4, seed=1))


def test_unmasking_is_deterministic_for_a_seed_and_fills_every_mask(runtime, rows):
    ids, content = runtime.lay(rows[:4])
    x_t = np.where(content, runtime.mask_id, ids)
    x_t[:, 0] = ids[:, 0]  # one cell kept per row
    a = runtime.unmask(x_t, steps=3, seed=11)
    b = runtime.unmask(x_t, steps=3, seed=11)
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.logp, b.logp)
    assert not (a.ids == runtime.mask_id).any()
    assert (a.ids[:, 0] == ids[:, 0]).all() and (a.ids[~content] == ids[~content]).all()  # kept cells stay
    assert not np.isin(a.ids[content], runtime.forbidden).any()
    assert np.all(a.logp <= 0)
    greedy = runtime.unmask(x_t, steps=3, seed=0, temperature=0.0)
    np.testing.assert_array_equal(greedy.ids, runtime.unmask(x_t, steps=3, seed=99, temperature=0.0).ids)


def test_a_strong_prior_keeps_the_users_tokens(runtime, rows):
    ids, content = runtime.lay(rows[:3])
    x_t = np.where(content, runtime.mask_id, ids)
    prior = np.where(content, ids, -1)
    kept = runtime.unmask(x_t, steps=2, seed=0, temperature=0.0, prior=prior, prior_bonus=1e4)
    np.testing.assert_array_equal(kept.ids, ids)


def test_runtime_rejects_a_canvas_longer_than_its_own(runtime):
    with pytest.raises(Exception, match="canvas"):
        runtime.logits(np.zeros((1, runtime.canvas + 1), dtype=np.int64))


def test_window_repair_proposes_distinct_edited_documents_deterministically(runtime):
    grammar, tokens, _, window = _window("=SUM(A1:A3")
    settings = MaskedRepairSettings(samples=8)
    a = repair_window(grammar, runtime, "=SUM(A1:A3", tokens, window, settings, seed=3)
    b = repair_window(grammar, runtime, "=SUM(A1:A3", tokens, window, settings, seed=3)
    assert a == b
    assert sum(s.votes for s in a) <= 8
    assert len({s.text for s in a}) == len(a)
    assert all(s.text != "=SUM(A1:A3" and s.edits for s in a)
    assert [s.score for s in a] == sorted((s.score for s in a), reverse=True)  # pll ranking, best first
    start, end = masked_stretch(window, settings)
    assert window.first <= start <= end <= window.last


def test_a_wide_stretch_narrows_to_fit_the_canvas():
    _, _, _, window = _window("=" + "+".join(["A1"] * 12) + "+")
    wide = MaskedRepairSettings(slots_before=30, slots_after=30)
    a, b = masked_stretch(window, wide)
    assert (a, b) == (window.first, window.last)
    a, b = masked_stretch(window, wide, canvas=32)
    assert window.size + (b - a + 1) + 1 <= 32 and a <= window.focus <= b


@pytest.mark.parametrize("text", ["=SUM(A1:A3", "=(", "=IF(A1>0,,", "=" + "+".join(["A1"] * 20) + "+"])
def test_masked_source_offers_only_what_the_grammar_accepts(runtime, text):
    grammar, tokens, issues, window = _window(text)
    task = WindowTask(
        grammar, text, tokens, window, issues[0], grammar.is_valid, hints_from_issues(issues), k=5
    )
    source = MaskedSource(runtime, MaskedRepairSettings(samples=12), quick_samples=2, seed=1)
    assert source.canvas == 32 and source.order == 1
    run = source.open(task)
    run.propose(Deadline.never(), others_found=False)
    run.resume(Deadline.never())
    run.fallback(Deadline.never(), others_found=False)
    found = run.found()
    assert all(grammar.is_valid(p.text) and p.sources == {"masked"} and p.votes >= 1 for p in found)
    again = source.open(task)
    again.propose(Deadline.never(), others_found=False)
    assert [p.text for p in again.found()] == [p.text for p in found]


def test_masked_source_does_nothing_after_its_deadline(runtime):
    grammar, tokens, issues, window = _window("=SUM(A1:A3")
    task = WindowTask(
        grammar, "=SUM(A1:A3", tokens, window, issues[0], grammar.is_valid, hints_from_issues(issues), k=5
    )
    run = MaskedSource(runtime).open(task)
    run.propose(Deadline.after_ms(0), others_found=False)
    assert run.found() == []


SHIPPED = Path(__file__).resolve().parents[2] / "model_runtime" / "models" / "excel" / "masked"


@pytest.mark.skipif(not (SHIPPED / MASKED_GRAPH).is_file(), reason="no shipped masked Excel model")
def test_the_shipped_excel_model_closes_a_bracket_and_prefers_balanced_text():
    grammar = get_grammar("excel")
    shipped = load_masked_model(SHIPPED, device="cpu", threads=1)
    assert shipped.mask_id == len(shipped.vocab) and shipped.config["repair"]["length_credit"] > 0
    text = "=SUM(A1:A3"
    tokens = grammar.tokenize(text)
    window = find_window(grammar, text, tokens, grammar.errors(text)[0], 56)
    found = [
        s.text for s in repair_window(grammar, shipped, text, tokens, window) if grammar.is_valid(s.text)
    ]
    assert found[:1] == ["=SUM(A1:A3)"]
    balanced, extra = window_scores(
        shipped,
        [
            ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")"],
            ["=", "SUM", "(", "<CELL>", ":", "<CELL>", ")", ")"],
        ],
    )
    assert balanced > extra


@pytest.mark.parametrize(
    "overrides",
    [
        {"anchors": ("error", "end")},
        {"anchors": ("error", "end", "closers"), "end_before": 2},
        {"anchors": ("end",), "ratios": (0.0, 0.1)},
        {"rounds": 3, "resume_from": 2},
        {"anchors": ("error", "end"), "rounds": 2},
        {"anchors": ("error", "openers", "end"), "together": True},
        {"anchors": ("openers", "closers"), "together": True, "mask_slots": False, "ratios": (0.5,)},
    ],
)
def test_masking_layouts_give_well_formed_distinct_documents_deterministically(runtime, overrides):
    text = "=IF(A1>0,SUM(A1:A3),MAX(B1,B2)"
    grammar, tokens, _, window = _window(text)
    settings = MaskedRepairSettings(samples=8, **overrides)
    a = repair_window(grammar, runtime, text, tokens, window, settings, seed=5)
    assert a == repair_window(grammar, runtime, text, tokens, window, settings, seed=5)
    assert sum(s.votes for s in a) <= 8 * settings.rounds  # bounded by work: samples x rounds
    assert len({s.text for s in a}) == len(a) and all(s.text != text for s in a)
    for s in a:
        assert apply_edits(text, s.edits) == s.text  # the edits make the document, whatever the round
        assert s.text[: window.start] == text[: window.start]  # nothing outside the window changes
    assert [s.score for s in a] == sorted((s.score for s in a), reverse=True)


def test_resumption_runs_only_while_no_sample_is_valid(runtime):
    text = "=SUM(A1:A3"
    grammar, tokens, _, window = _window(text)
    one = repair_window(grammar, runtime, text, tokens, window, MaskedRepairSettings(samples=8), seed=2)
    more = repair_window(
        grammar, runtime, text, tokens, window, MaskedRepairSettings(samples=8, rounds=3), seed=2
    )
    if any(grammar.is_valid(s.text) for s in one):
        assert {s.text for s in more} == {s.text for s in one}  # the first round's samples are kept as is
    assert {s.text for s in one} <= {s.text for s in more}


def test_settings_come_from_the_models_config_and_name_unknown_fields(runtime, tmp_path):
    assert settings_for(runtime) == MaskedRepairSettings().with_overrides(runtime.config.get("repair", {}))
    shutil.copytree(tiny_masked_model().model_dir, tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["repair"] = {"length_credit": 0.5, "anchors": ["error", "end"], "rounds": 2}
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    own = settings_for(load_masked_model(tmp_path / "m", device="cpu", threads=1))
    assert (own.anchors, own.rounds, own.length_credit) == (("error", "end"), 2, 0.5)
    source = MaskedSource(load_masked_model(tmp_path / "m", device="cpu", threads=1))
    assert source.repair_settings() == own
    with pytest.raises(ValueError, match="valid names"):
        MaskedRepairSettings().with_overrides({"anchor": ["end"]})

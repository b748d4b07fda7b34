"""The learned ranking's features: token alignment, the error model's positions, the masked model's gain."""

from lastfix.grammars.registry import get_grammar
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.edit_source import EditSource
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.masked_likelihood import masked_gains
from lastfix.model_runtime.masked_runtime import load_masked_model
from lastfix.model_runtime.model_files import default_model_dir, load_model
from lastfix.model_runtime.repair_features import align_tokens, candidate_features, edit_features


def _features(language: str, broken: str, fixed: str) -> dict[str, float]:
    g = get_grammar(language)
    issues = g.errors(broken)
    hints = hints_from_issues(issues)
    return dict(edit_features(broken, g.tokenize(broken), g.tokenize(fixed), issues[0], hints))


def test_alignment_names_each_token_edit():
    g = get_grammar("excel")
    edits = align_tokens(g.tokenize("=SUM(A1;A2"), g.tokenize("=SUM(A1,A2)"))
    assert [(e.op, e.old and e.old.text, e.new and e.new.text) for e in edits] == [
        ("sub", ";", ","),
        ("ins", None, ")"),
    ]
    assert align_tokens(g.tokenize("=A1"), g.tokenize("=A1")) == []


def test_the_last_closer_of_a_formula_is_an_edit_at_the_end_of_its_line():
    end = _features("excel", "=IF(SUM(A1:A3)>2,1,0", "=IF(SUM(A1:A3)>2,1,0)")
    assert end["ins:)"] == 1 and end["ins@eol"] == 1 and end["hinted"] == 1 and end["edits"] == 1
    inside = _features("excel", "=IF(SUM(A1:A3>2,1,0)", "=IF(SUM(A1:A3)>2,1,0)")
    assert "ins@eol" not in inside and inside["ins:)"] == 1


def test_python_missing_colon_is_inserted_at_the_error_point_before_the_line_end():
    f = _features("python", "def f(x)\n    return x\n", "def f(x):\n    return x\n")
    assert f["ins::"] == 1 and f["ins@at"] == 1 and f["ins@eol"] == 1 and f["hinted"] == 1


def test_model_and_provenance_features():
    g = get_grammar("excel")
    base, cand = g.tokenize("=SUM(A1"), g.tokenize("=SUM(A1)")
    f = candidate_features(
        "=SUM(A1",
        base,
        cand,
        None,
        hints_from_issues([]),
        cost=1.0,
        votes=3,
        sources=frozenset({"edits", "diffusion"}),
        rules=frozenset({"search", "excel.range-end-column"}),
        lm_gain=40.0,
        masked_gain=-1.5,
    )
    assert f["cost"] == 1.0 and f["votes"] == 2.0 and f["both"] == 1.0
    assert f["lm"] == 5.0 and f["masked"] == -1.5  # clipped like the hand-set ranking's n-gram gain
    assert f["rule:excel.range-end-column"] == 1.0 and "rule:search" not in f


def test_the_masked_model_prefers_closing_a_range_to_breaking_it():
    g = get_grammar("excel")
    runtime = load_masked_model(default_model_dir("excel") / "masked", "cpu", threads=1)
    broken = g.tokenize("=SUM(A1:A10")
    fixes = [g.tokenize("=SUM(A1:A10)"), g.tokenize("=SUM(A1:A)")]
    close, broken_range = masked_gains(runtime, broken, fixes)
    assert close is not None and broken_range is not None and close > broken_range


def test_each_shipped_model_loads_its_masked_model_beside_it():
    for language in ("excel", "powershell", "python"):
        runtime = load_model(default_model_dir(language), "cpu", threads=1)
        assert runtime.masked is not None and runtime.masked.language == language


def test_the_hybrid_ranks_with_the_shipped_ranker_and_leaves_its_rules_off():
    from dataclasses import replace

    from lastfix.model_runtime.engines import create_engine
    from lastfix.model_runtime.final_ranking import HybridScore, LearnedScore
    from lastfix.model_runtime.repair_settings import RepairSettings

    runtime = load_model(default_model_dir("excel"), "cpu", threads=1)
    assert runtime.ranker is not None and runtime.ranker.learned and runtime.ranker.without_rules
    engine = create_engine(get_grammar("excel"), runtime, RepairSettings())
    assert isinstance(engine.policy, LearnedScore)
    edit_source = next(s for s in engine.sources if isinstance(s, EditSource))
    assert runtime.ranker.without_rules <= edit_source.settings.without_rules
    # the hand-set score and every rule, as a refit measures them; features only when asked
    hand = create_engine(get_grammar("excel"), runtime, RepairSettings(ranking="hand-set"))
    assert isinstance(hand.policy, HybridScore) and not hand.policy.reads_masked
    described = create_engine(
        get_grammar("excel"), runtime, replace(RepairSettings(), ranking="hand-set", describe=True)
    )
    assert described.policy.reads_masked
    top = engine.repair("=SUM(A1:A10", deadline=Deadline.after_ms(5000))
    assert top and top[0].text == "=SUM(A1:A10)" and top[0].features

"""Token edit distance, its weighted form, message hints and the ranking scores."""

from hypothesis import given
from hypothesis import strategies as st
from lastfix.grammars import get_grammar
from lastfix.grammars.base import TextEdit
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.ranking import (
    RankingWeights,
    diversify,
    edit_shape,
    edits_score,
    hybrid_score,
    token_distance,
    weighted_distance,
)

tokens = st.lists(st.sampled_from(["(", ")", ",", "x", "y", "1"]), max_size=8)


def test_token_distance_basics():
    assert token_distance([], []) == 0
    assert token_distance(["a"], []) == 1
    assert token_distance(list("kitten"), list("sitting")) == 3
    assert token_distance(["=", "SUM", "(", "A1"], ["=", "SUM", "(", "A1", ")"]) == 1


@given(tokens, tokens, tokens)
def test_token_distance_is_a_metric(a, b, c):
    assert token_distance(a, b) == token_distance(b, a)
    assert (token_distance(a, b) == 0) == (a == b)
    assert token_distance(a, c) <= token_distance(a, b) + token_distance(b, c)
    assert token_distance(a, b) <= max(len(a), len(b))


def test_weighted_distance_prefers_closing_a_bracket_to_a_keyword():
    g = get_grammar("python")
    broken = g.tokenize("print x\n")
    bracket = weighted_distance(broken, g.tokenize("print(x)\n"))
    keyword = weighted_distance(broken, g.tokenize("print and x\n"))
    comma = weighted_distance(broken, g.tokenize("print, x\n"))
    assert comma < bracket < keyword
    # the parser said what it wants: with its hint the parenthesised call is the cheapest
    hints = hints_from_issues(g.errors("print x\n"))
    assert weighted_distance(broken, g.tokenize("print(x)\n"), hints=hints) < weighted_distance(
        broken, g.tokenize("print, x\n"), hints=hints
    )


def test_scores_order_candidates():
    w = RankingWeights()
    assert hybrid_score(1.0, 0, None, None, False, w) > hybrid_score(2.0, 0, None, None, False, w)
    assert hybrid_score(1.0, 7, None, None, False, w) > hybrid_score(1.0, 1, None, None, False, w)
    # the more natural of two equally close candidates wins (paper: =IF(FALSE,NA()) over =IF(FALSE,NA)):
    # by the n-gram prior's gain, and by the model's naturalness when it is weighted
    assert hybrid_score(1.0, 0, None, None, False, w, ngram=3.0) > hybrid_score(1.0, 0, None, None, False, w)
    nat = RankingWeights(naturalness=1.0)
    assert hybrid_score(1.0, 0, 2.0, 2.0, False, nat) > hybrid_score(1.0, 0, 3.5, 2.0, False, nat)
    # a prior never outweighs a whole edit of difference: two nats of gain vs one unit of cost
    assert hybrid_score(1.0, 0, None, None, False, w) > hybrid_score(2.0, 0, None, None, False, w, ngram=2.0)
    assert hybrid_score(1.0, 0, None, None, True, w) > hybrid_score(1.0, 0, None, None, False, w)
    assert edits_score(1.0, 5) > edits_score(1.2, 0) and edits_score(1.0, 0) > edits_score(1.0, 3)


def test_hybrid_breaks_ties_by_nearness_to_the_error_like_the_edits_engine():
    from lastfix.model_runtime.ranking import hybrid_score

    near = hybrid_score(1.0, 0, None, None, False, proximity=0)
    far = hybrid_score(1.0, 0, None, None, False, proximity=7)
    cheaper_but_far = hybrid_score(0.8, 0, None, None, False, proximity=50)
    assert near > far and cheaper_but_far > near  # nearness only breaks ties, cost still leads


def test_redundant_parens_counts_grouping_that_groups_nothing():
    from lastfix.grammars import get_grammar
    from lastfix.model_runtime.ranking import redundant_parens

    excel = get_grammar("excel")
    count = {t: redundant_parens(excel.tokenize(t)) for t in ("=(IF(A1,1,2))", "=MATCH(J2,(LEFT(A1,6)),0)")}
    assert count == {"=(IF(A1,1,2))": 1, "=MATCH(J2,(LEFT(A1,6)),0)": 1}
    assert redundant_parens(excel.tokenize("=((A1))")) == 2
    for natural in ("=SUM(A1)", "=(A1+B1)/2", "=IF((A1>2)*(B1<3),1,0)", "=IF(A1>2,(B1*2),0)"):
        assert redundant_parens(excel.tokenize(natural)) == 0, natural


def test_excel_repairs_prefer_dropping_a_stray_paren_to_adding_a_redundant_pair():
    from lastfix.grammars import get_grammar
    from lastfix.model_runtime.repair import Repairer, RepairSettings

    excel = get_grammar("excel")
    repairer = Repairer(excel, None, RepairSettings(engine="edits", time_budget_ms=5000))
    assert repairer.repair("=MATCH(J2,(LEFT(A1:A100,6),0)")[0].text == "=MATCH(J2,LEFT(A1:A100,6),0)"


def test_the_prior_reorders_close_repairs_but_cannot_buy_a_much_dearer_one():
    w = RankingWeights()
    cheap = hybrid_score(1.0, 0, None, None, False, w, ngram=0.0)
    dear_but_frequent = hybrid_score(3.4, 0, None, None, False, w, ngram=40.0)  # =TEXTJOIN( -> =name(
    assert cheap > dear_but_frequent
    assert hybrid_score(1.2, 0, None, None, False, w, ngram=3.0) > cheap  # within one edit: the prior decides


def test_one_operator_stands_for_all_in_an_edit_shape():
    assert edit_shape([TextEdit(5, 5, "&")]) == edit_shape([TextEdit(5, 5, " <> ")])
    assert edit_shape([TextEdit(5, 5, "&")]) != edit_shape(
        [TextEdit(5, 5, ",")]
    )  # a separator is its own idea
    assert edit_shape([TextEdit(5, 5, "&")]) != edit_shape([TextEdit(6, 6, "&")])


def test_diversify_lets_other_shapes_in_before_the_rest_of_one_shape():
    ranked = ["op1", "op2", "op3", "op4", "rewrite", "op5"]
    shape = {"rewrite": "r"}.get
    assert diversify(ranked, lambda x: shape(x, "op"), 2) == ["op1", "op2", "rewrite", "op3", "op4", "op5"]
    assert diversify(ranked, lambda x: shape(x, "op"), 9) == ranked  # order kept when nothing crowds
    assert diversify([], str, 1) == []

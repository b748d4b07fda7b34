"""server.fix_policy: when a fix may be applied unasked, and fix-all over several errors."""

from __future__ import annotations

import threading

from lastfix.grammars import TextEdit, get_grammar
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.repair import Candidate, Repairer, RepairSettings
from lastfix.server.fix_policy import FixPolicy, assigns_in_condition, confident, deleted_tokens, fix_all


def _cand(score: float, votes: int = 0, distance: int = 1, cost: float = 1.0) -> Candidate:
    return Candidate("x", (TextEdit(0, 0, "x"),), distance, votes, None, "edits", score, cost)


def test_confidence_rule():
    assert not confident([])
    assert confident([_cand(-1.0)])
    assert confident([_cand(-1.0, cost=1.0), _cand(-4.0, cost=4.0)])  # the runner-up costs four times as much
    assert not confident([_cand(-1.0), _cand(-1.0)])  # print((1): close a paren or drop one
    # a prior that orders two equally cheap repairs does not make the first one safe to apply unasked
    assert not confident([_cand(-0.4, cost=1.0), _cand(-1.6, cost=1.2)])
    assert confident([_cand(1.0, votes=6), _cand(1.5, votes=2)])  # leads the votes 3:1
    # =SUM(A1:A3)B1: samples agreeing to delete B1 do not beat inserting an operator, which costs less
    assert not confident([_cand(2.0, votes=6, cost=2.2), _cand(-1.5, cost=1.5)])
    assert not confident([_cand(1.0, votes=2), _cand(0.5, votes=3)])  # out-voted
    assert not confident([_cand(1.0, votes=3), _cand(0.5, votes=2)])  # close vote, close cost


def test_deleted_tokens_counts_removed_and_overwritten_tokens():
    excel = get_grammar("excel")
    text = "=SUM(A1,,A2)+IF(A1;1;2)"
    assert deleted_tokens(text, [TextEdit(8, 9, "")], excel) == 1
    assert deleted_tokens(text, [TextEdit(18, 19, ",")], excel) == 1
    assert deleted_tokens(text, [TextEdit(4, 4, "(")], excel) == 0
    assert deleted_tokens(text, [TextEdit(1, 12, "")], excel) >= 6


def _edits_repair(language: str):
    grammar = get_grammar(language)
    repairer = Repairer(grammar, None, RepairSettings(k=2, engine="edits", time_budget_ms=5000))
    return grammar, (lambda text, issue: repairer.repair(text, issue, k=2))


def test_fix_all_fixes_each_confident_error_and_reports_edits_on_the_original():
    grammar, repair = _edits_repair("excel")
    text = "=SUM(A1:A3\n=A1+1\n=MAX(B1:B2\n"
    result = fix_all(text, grammar, repair, FixPolicy())
    assert result.text == "=SUM(A1:A3)\n=A1+1\n=MAX(B1:B2)\n"
    assert result.fixed >= 1 and result.remaining == 0
    assert [(e.start, e.end, e.new_text) for e in result.edits] == [(10, 10, ")"), (27, 27, ")")]


def test_fix_all_leaves_doubtful_and_destructive_fixes_alone():
    grammar, repair = _edits_repair("python")
    text = "print((1)\n"  # close the paren or drop one: the candidates disagree
    result = fix_all(text, grammar, repair, FixPolicy())
    assert result.text == text and result.edits == () and result.remaining == 1
    grammar, repair = _edits_repair("excel")
    result = fix_all("=SUM(A1,,A2)\n", grammar, repair, FixPolicy(max_deleted_tokens=0))
    assert result.edits == () or all(e.start == e.end for e in result.edits)


def test_fix_all_stops_when_cancelled():
    grammar, repair = _edits_repair("excel")
    cancel = threading.Event()
    cancel.set()
    result = fix_all("=SUM(A1:A3\n", grammar, repair, FixPolicy(), Deadline.never(cancel))
    assert result.fixed == 0 and result.edits == ()
    result = fix_all("=SUM(A1:A3\n", grammar, repair, FixPolicy(), Deadline.after_ms(0))  # out of time
    assert result.fixed == 0 and result.edits == ()


def test_a_comparison_never_becomes_an_assignment_in_a_condition():
    text = "if ($count == 3) { 1 }"
    assert assigns_in_condition(text, [TextEdit(11, 12, "")])  # '==' -> '='
    assert not assigns_in_condition(text, [TextEdit(11, 13, "-eq")])
    assert assigns_in_condition("while ($c -eq 3) { 1 }", [TextEdit(9, 13, " =")])  # '-eq' -> '='
    assert not assigns_in_condition("$x == 3", [TextEdit(3, 4, "")])  # no condition
    assert not assigns_in_condition("if ($a) { 1 }", [TextEdit(12, 12, "; $b = 2")])  # no comparison lost


def test_fix_all_never_applies_a_comparison_turned_assignment():
    grammar = get_grammar("powershell")
    text = "if ($count == 3) { 1 }\n"
    assignment = Candidate(text.replace("==", "="), (TextEdit(11, 12, ""),), 1, 0, None, "edits", 1.0, 0.5)
    result = fix_all(text, grammar, lambda t, issue: [assignment], FixPolicy())
    assert result.text == text and result.fixed == 0 and result.remaining == 1
    # the same candidate is applied where '=' compares (Excel) or when the rule is switched off
    allowed = fix_all(
        text, grammar, lambda t, issue: [assignment], FixPolicy(assignment_languages=frozenset())
    )
    assert allowed.fixed == 1 and "$count = 3" in allowed.text
    # through the engine: '-eq' comes first; with the assignment as runner-up it is no sure thing, so the
    # fix stays a quick fix; fix on save never writes the assignment
    grammar, repair = _edits_repair("powershell")
    assert repair(text, grammar.errors(text)[0])[0].text == "if ($count -eq 3) { 1 }\n"
    assert fix_all(text, grammar, repair, FixPolicy()).text in (text, "if ($count -eq 3) { 1 }\n")

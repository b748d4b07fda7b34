"""server.fix_policy: when a fix may be applied unasked, and fix-all over several errors."""

from __future__ import annotations

import threading

from lastfix.grammars import TextEdit, get_grammar
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.local_repair import repair_around
from lastfix.model_runtime.repair import Candidate, Repairer, RepairSettings
from lastfix.server.fix_policy import (
    FixPolicy,
    assigns_in_condition,
    confident,
    deleted_tokens,
    fix_all,
    same_meaning,
    same_tokens,
)


def _cand(score: float, votes: int = 0, distance: int = 1, cost: float = 1.0, text: str = "x") -> Candidate:
    return Candidate(text, (TextEdit(0, 0, "x"),), distance, votes, None, "edits", score, cost)


def test_confidence_rule():
    assert not confident([])
    assert confident([_cand(-1.0)])
    assert confident([_cand(-1.0, cost=1.0), _cand(-4.0, cost=4.0)])  # the runner-up costs four times as much
    assert confident([_cand(1.0, votes=6), _cand(1.5, votes=2)])  # leads the votes 3:1
    # =SUM(A1:A3)B1: samples agreeing to delete B1 do not beat inserting an operator, which costs less
    assert not confident([_cand(2.0, votes=6, cost=2.2), _cand(-1.5, cost=1.5)])
    assert not confident([_cand(1.0, votes=2), _cand(0.5, votes=3)])  # out-voted
    assert not confident([_cand(1.0, votes=3), _cand(0.5, votes=2)])  # close vote, close cost
    assert not confident([_cand(0.25, votes=1, cost=1.5), _cand(-0.5, cost=1.5)])  # one sample is no lead


def test_a_tie_is_broken_by_the_ranking():
    # no vote lead and no cost gap: the ranking's score decides (issue 18: =SUM(C5-B5 on save)
    assert confident([_cand(-0.5, cost=0.4), _cand(-1.1, cost=0.4)])
    assert confident([_cand(-0.4, cost=1.0), _cand(-1.6, cost=1.2)])
    assert not confident([_cand(-1.1, cost=0.4), _cand(-0.5, cost=0.4)])  # ranked below: not a lead
    # truly equal scores: only when both fixes mean the same (they differ in layout alone)
    tie = [_cand(-0.5, cost=1.5, text="=A1+B1"), _cand(-0.5, cost=1.5, text="=A1*B1")]
    assert not confident(tie)
    assert not confident(tie, lambda a, b: False)
    assert confident(tie, lambda a, b: True)


def test_same_tokens_ignores_layout_only():
    excel, python = get_grammar("excel"), get_grammar("python")
    assert same_tokens(excel, "=A1\n=SUM(A1\n=B2\n", [TextEdit(11, 11, " )")], [TextEdit(11, 11, ")")])
    assert not same_tokens(excel, "=A1\n=SUM(C5-B5\n", [TextEdit(14, 14, ")")], [TextEdit(11, 11, ")")])
    # Python's indentation is a token: moving a line into a block changes what it means
    text = "if x:\n    a()\nb()\n"
    assert not same_tokens(python, text, [], [TextEdit(14, 14, "    ")])
    assert same_tokens(python, "f(a b)\n", [TextEdit(3, 3, ",")], [TextEdit(3, 4, ",")])
    assert same_tokens(python, "f(a b)\n", [], [])


def test_same_tokens_reads_only_the_lines_the_fixes_touch():
    """A tie on a huge document is judged on the lines of the two fixes, not by scanning the whole text."""

    class Counting:
        def __init__(self) -> None:
            self.grammar, self.read = get_grammar("excel"), 0

        def tokenize(self, text: str):  # type: ignore[no-untyped-def]
            self.read += len(text)
            return self.grammar.tokenize(text)

    text = "=A1\n" * 200_000 + "=SUM(A1 B1\n" + "=B2\n" * 200_000
    at = text.index("B1\n") + 2
    counting = Counting()
    assert not same_tokens(counting, text, [TextEdit(at, at, ")")], [TextEdit(at - 3, at - 3, "+")])  # type: ignore[arg-type]
    assert 0 < counting.read < 40
    tie = [Candidate("", (TextEdit(at, at, " )"),), 1, 0, None, "edits", -0.5, 1.5)]
    tie.append(Candidate("", (TextEdit(at, at, ")"),), 1, 0, None, "edits", -0.5, 1.5))
    assert confident(tie, same_meaning(get_grammar("excel"), text))  # layout alone: the same fix


def test_deleted_tokens_counts_removed_and_overwritten_tokens():
    excel = get_grammar("excel")
    text = "=SUM(A1,,A2)+IF(A1;1;2)"
    assert deleted_tokens(text, [TextEdit(8, 9, "")], excel) == 1
    assert deleted_tokens(text, [TextEdit(18, 19, ",")], excel) == 1
    assert deleted_tokens(text, [TextEdit(4, 4, "(")], excel) == 0
    assert deleted_tokens(text, [TextEdit(1, 12, "")], excel) >= 6


def _edits_repair(language: str):
    """The scoped repair fix-all runs, on the model-free engine: each error judged on its own."""
    grammar = get_grammar(language)
    repairer = Repairer(grammar, None, RepairSettings(k=2, engine="edits", time_budget_ms=5000))

    def repair(text: str, issue, deadline: Deadline):
        return repair_around(repairer.engine, text, issue, deadline=Deadline.after_ms(5000), k=2, scoped=True)

    return grammar, repair


def test_fix_all_fixes_each_confident_error_and_reports_edits_on_the_original():
    grammar, repair = _edits_repair("excel")
    text = "=SUM(A1:A3\n=A1+1\n=MAX(B1:B2\n"
    result = fix_all(text, grammar, repair, FixPolicy())
    assert result.text == "=SUM(A1:A3)\n=A1+1\n=MAX(B1:B2)\n"
    assert result.fixed == 2 and result.remaining == 0
    assert [(e.start, e.end, e.new_text) for e in result.edits] == [(10, 10, ")"), (27, 27, ")")]


def test_fix_all_goes_in_document_order_on_the_diagnostics_errors():
    grammar, repair = _edits_repair("python")
    text = "def mean(xs)\n    return sum(xs) / len(xs)\n\nprint(mean([2, 3])\nx = 1\n"
    seen: list[int] = []

    def recording(text: str, issue, deadline: Deadline):
        seen.append(issue.start)
        return repair(text, issue, deadline)

    result = fix_all(text, grammar, recording, FixPolicy())
    assert result.text == text.replace("mean(xs)", "mean(xs):").replace("3])", "3]))")
    assert result.fixed == 2 and result.remaining == 0
    # first error first, each error listed by the chunk-by-chunk check the diagnostics show
    shown = [i.start for i in IncrementalIssues(grammar).issues(text)]
    assert seen[0] == shown[0] and seen == sorted(seen) and len(seen) == len(shown)


def test_fix_all_leaves_doubtful_and_destructive_fixes_alone():
    grammar, repair = _edits_repair("excel")
    text = "=SUM(A1:A3)B1\n"  # which operator? '+', '-', '*', '&' cost the same and score the same
    result = fix_all(text, grammar, repair, FixPolicy())
    assert result.text == text and result.edits == () and result.remaining == 1
    result = fix_all("=SUM(A1,,A2)\n", grammar, repair, FixPolicy(max_deleted_tokens=0))
    assert result.edits == () or all(e.start == e.end for e in result.edits)


def test_fix_all_breaks_a_tie_by_the_ranking():
    grammar, repair = _edits_repair("python")
    text = "print((1)\n"  # close the paren or drop one: the same cost, the ranking prefers closing it
    result = fix_all(text, grammar, repair, FixPolicy())
    assert result.text == "print((1))\n" and result.fixed == 1


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
    result = fix_all(text, grammar, lambda t, issue, d: [assignment], FixPolicy())
    assert result.text == text and result.fixed == 0 and result.remaining == 1
    # the same candidate is applied where '=' compares (Excel) or when the rule is switched off
    allowed = fix_all(
        text, grammar, lambda t, issue, d: [assignment], FixPolicy(assignment_languages=frozenset())
    )
    assert allowed.fixed == 1 and "$count = 3" in allowed.text
    # through the engine: '-eq' comes first; with the assignment as runner-up it is no sure thing, so the
    # fix stays a quick fix; fix on save never writes the assignment
    grammar, repair = _edits_repair("powershell")
    assert repair(text, grammar.errors(text)[0], Deadline.never())[0].text == "if ($count -eq 3) { 1 }\n"
    assert fix_all(text, grammar, repair, FixPolicy()).text in (text, "if ($count -eq 3) { 1 }\n")


def test_fix_all_drops_a_repair_the_cap_cut_short():
    """A repair that stopped on the safety cap may differ from run to run: it is not applied, and the pass
    ends, so a loaded machine gives the same fixes or fewer, never others."""
    grammar, repair = _edits_repair("excel")
    text = "=SUM(A1:A3\n=A1+1\n=MAX(B1:B2\n"
    calls: list[int] = []

    def cut_short(text: str, issue, cap: Deadline):
        calls.append(issue.start)
        found = repair(text, issue, cap)
        if len(calls) == 2:  # the second error's search ran into the cap (a deadline already passed)
            assert cap.cap_ms(-1).fires()
        return found

    result = fix_all(text, grammar, cut_short, FixPolicy(), Deadline.never())
    assert result.text == "=SUM(A1:A3)\n=A1+1\n=MAX(B1:B2\n" and result.fixed == 1
    assert len(calls) == 2

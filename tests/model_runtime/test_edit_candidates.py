"""Grammar-guided edit candidates and the token-to-text mapping of their edits (real grammars)."""

from dataclasses import replace

from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.edit_candidates import (
    EditSearch,
    EditSearchSettings,
    edit_alphabet,
    propose_edits,
)
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.repair import Repairer, RepairSettings
from lastfix.model_runtime.slip_proposals import SlipSettings
from lastfix.model_runtime.windows import find_window


def _search(lang, text, **kw):
    g = get_grammar(lang)
    tokens = g.tokenize(text)
    issues = g.errors(text)
    w = find_window(g, text, tokens, issues[0], 32)
    hints = hints_from_issues(issues)
    return g, EditSearch(g, text, tokens, w, g.is_valid, hints=hints, **kw).run()


def test_alphabet_is_the_languages_own_punctuation_and_keywords():
    excel, python = edit_alphabet(get_grammar("excel")), edit_alphabet(get_grammar("python"))
    assert {"(", ")", ",", ":", "&"} <= set(excel) and "SUM" not in excel  # functions are names, not edits
    assert {"(", ")", ":", ",", "not", "in", "**"} <= set(python)


def test_every_accepted_candidate_is_valid_and_its_edits_produce_it():
    g, cands = _search("excel", '=IF(SUM(B1:B2<1,B3,"")')
    assert cands
    for c in cands:
        assert g.is_valid(c.text) and apply_edits('=IF(SUM(B1:B2<1,B3,"")', c.edits) == c.text


def test_the_fix_the_parser_asks_for_comes_first():
    _, cands = _search("excel", "=SUM(A1:A3")
    assert cands[0].text == "=SUM(A1:A3)"
    _, cands = _search("python", "if x > 1\n    y = 2\n")
    assert cands[0].text == "if x > 1:\n    y = 2\n"


def test_kept_tokens_keep_their_text_crlf_and_tabs():
    text = "def f(a,\tb):\r\n\tif a >  b\r\n\t\treturn  a\t# keep\r\n\treturn b\r\n"
    g, cands = _search("python", text)
    colon = text.index("b\r\n\t\treturn") + 1
    assert cands[0].text == text[:colon] + ":" + text[colon:]
    # every candidate changes only what its edits cover; the rest of the file is byte-for-byte the same
    for c in cands:
        assert apply_edits(text, c.edits) == c.text
        untouched = [text[a:b] for a, b in _gaps(text, c.edits)]
        assert all(piece in c.text for piece in untouched)


def _gaps(text, edits):
    """Spans of ``text`` outside every edit."""
    pos = 0
    for e in sorted(edits, key=lambda e: e.start):
        yield pos, e.start
        pos = e.end
    yield pos, len(text)


def test_excel_kept_spaces_and_a_paired_insertion():
    text = '=IF( A1>B1 , "up" ,  "down" '
    g, cands = _search("excel", text)
    assert cands[0].text == text.rstrip() + ") "  # after the last token; the user's trailing space stays
    assert g.is_valid(cands[0].text)
    _, cands = _search("python", "print x\n")
    assert cands[0].text == "print(x)\n"  # the paired '(' ')' that CPython's message asks for


def test_proposals_come_cheapest_first_and_a_fired_deadline_stops_the_search():
    g = get_grammar("excel")
    text = "=IF(A2>7;7;A2)"
    tokens = g.tokenize(text)
    w = find_window(g, text, tokens, g.errors(text)[0], 32)
    proposals = list(propose_edits(g, text, tokens, w, edit_alphabet(g)))
    rewrites = len(g.rewrites(text, tokens, w.first, w.last))  # a few known slips go first (';' for ',')
    assert rewrites >= 1 and all(p.rewrite for p in proposals[:rewrites])
    costs = [p.cost for p in proposals[rewrites:]]
    assert costs == sorted(costs) and len(costs) > 100
    calls = []
    spent = Deadline.after_ms(0)
    out = EditSearch(g, text, tokens, w, lambda t: calls.append(t) or False).run(spent)
    assert out == [] and calls == [] and spent.fired()


def test_a_stopped_search_goes_on_where_it_stopped():
    g = get_grammar("excel")
    text = "=IF(A1=,1,2)"
    tokens = g.tokenize(text)
    w = find_window(g, text, tokens, g.errors(text)[0], 32)
    search = EditSearch(g, text, tokens, w, g.is_valid, k=5)
    assert search.run(checks=0) == [] and not search.done
    resumed = search.run()
    assert search.done and resumed == EditSearch(g, text, tokens, w, g.is_valid, k=5).run()


def _edits_engine_top(text, n):
    repairer = Repairer(get_grammar("excel"), None, RepairSettings(engine="edits", time_budget_ms=5000))
    return [c.text for c in repairer.repair(text)[:n]]


def test_a_bracket_closed_in_the_wrong_place_is_moved_not_wrapped():
    # one slip to the user; wrapping the formula, =(IF(...)), is two insertions and groups nothing
    top = _edits_engine_top('=IF(ISERROR(G6*1.2,""))', 2)
    assert '=IF(ISERROR(G6*1.2),"")' in top and not any(t.startswith("=(") for t in top)
    assert _edits_engine_top("=ROUNDDOWN(B9*(1-2.5%,2))", 1) == ["=ROUNDDOWN(B9*(1-2.5%),2)"]


def test_a_bracket_pair_that_groups_nothing_is_deleted():
    assert '=IF(M50="",M50*0.1,"")' in _edits_engine_top('=IF((M50="",M50*0.1,""))', 2)


def test_moves_are_mapped_onto_the_users_text_and_can_be_switched_off():
    text = '=IF(ISERROR(G6 * 1.2, ""))'
    g, cands = _search("excel", text)
    moved = next(c for c in cands if c.text == '=IF(ISERROR(G6 * 1.2), "")')
    assert apply_edits(text, moved.edits) == moved.text  # the user's spaces stay where they were
    _, cands = _search("excel", text, settings=EditSearchSettings(slips=SlipSettings(moves=False)))
    assert '=IF(ISERROR(G6 * 1.2), "")' not in [c.text for c in cands]


def test_a_bracket_is_never_moved_to_another_line():
    # each line of an .xlf file is a formula of its own: MAX's ')' cannot close line 1's SUM
    g = get_grammar("excel")
    text = "=SUM(A1:A3\n=MAX(B1:B2)\n"
    tokens = g.tokenize(text)
    w = find_window(g, text, tokens, g.errors(text)[0], 32)
    moved = [
        apply_edits(text, p.edits)
        for p in propose_edits(g, text, tokens, w, edit_alphabet(g))
        if p.rewrite and p.cost < 2
    ]
    assert moved  # moves within each line are proposed
    for t in moved:
        first, second, _ = t.split("\n")
        assert first == "=SUM(A1:A3" or second == "=MAX(B1:B2)"  # one line changed, never both


def test_an_extra_argument_is_dropped_when_the_parser_counts_too_many():
    text = '=IF(B4="Y",F4-1,"",IF(B6="Y",F4-1,""))'
    assert get_grammar("excel").errors(text)[0].message.startswith("too many arguments")
    assert _edits_engine_top(text, 1) == ['=IF(B4="Y",F4-1,IF(B6="Y",F4-1,""))']
    # without that message, no argument is dropped: a missing ')' is not a reason to delete code
    assert all(c.text.count(",") >= 3 for c in _search("excel", '=IF(B4="Y",F4-1,"",IF(B6="Y",F4-1,"")')[1])


def test_two_arguments_in_each_others_place_are_swapped_keeping_the_users_text():
    assert _edits_engine_top('=COUNTIF("dog",A1:A9)', 1) == ['=COUNTIF(A1:A9,"dog")']
    assert _edits_engine_top("=SUBTOTAL( $A$12:A20 , 2)", 1) == ["=SUBTOTAL( 2 , $A$12:A20)"]
    # only when the parser says an argument has the wrong kind
    text = '=IF(A1,"x"'
    assert '=IF("x",A1)' not in [c.text for c in _search("excel", text)[1]]


def test_a_separator_missing_at_every_error_is_one_proposal():
    # statements run together on one line: one ';' per error, which the search would need a round each for
    g = get_grammar("powershell")
    text = "switch ($x) {\n 1 {$z = 1 $End = 20}\n 2 {$z = 30 $End = 50}\n 3 {$y = 1 $z = 1 $end = 100}\n}"
    tokens = g.tokenize(text)
    issues = g.errors(text)
    assert len(issues) == 4
    w = replace(find_window(g, text, tokens, issues[0], 32), issues=tuple(issues))
    first = next(propose_edits(g, text, tokens, w, edit_alphabet(g)))
    fixed = apply_edits(text, first.edits)
    assert fixed == text.replace(" $End", "; $End").replace(" $z = 1 $end", "; $z = 1; $end")
    assert g.is_valid(fixed) and first.cost == 1.0 * (1 + 0.5 * 3)
    repaired = Repairer(g, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(text)
    assert repaired[0].text == fixed


def _plan(lang, text, **settings):
    g = get_grammar(lang)
    tokens = g.tokenize(text)
    w = find_window(g, text, tokens, g.errors(text)[0], 32)
    out = list(propose_edits(g, text, tokens, w, edit_alphabet(g), EditSearchSettings(**settings)))
    return len(g.rewrites(text, tokens, w.first, w.last)), out


def test_nearness_trades_against_cost_in_the_order_and_floors_stay_exact():
    text = "total = [1, (2 * 3 % 7]\nprint(total\n"
    first, by_cost = _plan("python", text)
    _, by_near = _plan("python", text, nearness=0.1)
    assert all(p.floor == p.cost for p in by_cost)  # ordered by cost: each is its own floor
    assert len(by_cost) == len(by_near) > 100
    assert sorted(repr(p.edits) for p in by_cost) == sorted(repr(p.edits) for p in by_near)
    keys = [p.cost + 0.1 * p.proximity for p in by_near[first:]]
    assert keys == sorted(keys)
    least = [min(q.cost for q in by_near[n:]) for n in range(first, len(by_near))]
    # no later proposal costs less than a floor (proposals dropped unbuilt may make it lower still)
    assert all(p.floor <= c <= p.cost for p, c in zip(by_near[first:], least, strict=True))
    assert by_near[first:50] != by_cost[first:50]


def test_with_nearness_an_unbounded_search_finds_the_same_candidates():
    wide = {"within": 100.0, "max_accepted": 10_000}
    text = "x = f(a, b\ny = 2\n"
    _, by_cost = _search("python", text, settings=EditSearchSettings(**wide))
    _, by_near = _search("python", text, settings=EditSearchSettings(nearness=0.1, **wide))
    assert by_cost and {c.text for c in by_cost} == {c.text for c in by_near}
    _, bounded = _search("python", text, settings=EditSearchSettings(nearness=0.1), k=3)
    best = sorted(c.cost for c in by_cost)[:3]
    assert sorted(c.cost for c in bounded)[:3] == best  # the k cheapest are still found

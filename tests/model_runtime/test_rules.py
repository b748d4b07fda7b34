"""Named rules: every rule listed once with a doc, candidates name the rules that made them, and a rule
switched off proposes (or accepts, or rejects) nothing any more."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import IssueKind
from lastfix.grammars.rules import ANY_LANGUAGE, Rule, RuleKind, check_rule_names, rules_of
from lastfix.model_runtime.edit_candidates import EditSearch, EditSearchSettings
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.slip_proposals import SEARCH_RULES
from lastfix.model_runtime.windows import find_window

LANGUAGES = ("excel", "powershell", "python")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_of_a_language_has_a_unique_name_a_doc_and_its_language(language):
    rules = rules_of(language)
    names = [r.name for r in rules]
    assert len(names) == len(set(names))
    for r in rules:
        assert r.doc.strip() and "\n" not in r.doc
        assert r.language in (language, ANY_LANGUAGE)
        assert r.name.startswith(f"{language}." if r.language == language else "search.")
        assert r.cost >= 0 and (r.cost == 0) == (r.kind in (RuleKind.TOLERANCE, RuleKind.CHECK))
    assert set(SEARCH_RULES) <= set(rules)  # the search's own slips run for every language


def test_the_languages_own_rules_are_reachable_from_their_grammars():
    kinds = {lang: {r.kind for r in get_grammar(lang).rules()} for lang in LANGUAGES}
    assert kinds["excel"] == {RuleKind.REWRITE, RuleKind.CHECK}
    assert kinds["powershell"] == {RuleKind.REWRITE, RuleKind.TOLERANCE, RuleKind.CHECK}
    assert "excel.decimal-comma" in {r.name for r in rules_of("excel")}
    assert "powershell.quoted-json" in {r.name for r in rules_of("powershell")}
    assert {"search.move-bracket", "search.drop-argument"} <= {r.name for r in rules_of("python")}


def test_an_unknown_rule_name_is_refused_with_the_valid_names():
    assert check_rule_names("excel", ["excel.decimal-comma", "search.move-bracket"]) == {
        "excel.decimal-comma",
        "search.move-bracket",
    }
    with pytest.raises(ValueError, match=r"excel\.no-such-rule.*valid names are .*excel\.decimal-comma"):
        check_rule_names("excel", ["excel.no-such-rule"])
    with pytest.raises(ValueError, match="powershell.quoted-json"):  # another language's rule
        check_rule_names("excel", ["powershell.quoted-json"])


def test_a_rule_name_must_be_kebab_case_under_its_language():
    with pytest.raises(ValueError, match="kebab"):
        Rule("excel.Decimal_Comma", "excel", RuleKind.REWRITE, "doc", print)
    with pytest.raises(ValueError, match="search"):
        Rule("excel.move", ANY_LANGUAGE, RuleKind.SLIP, "doc", print)
    with pytest.raises(ValueError, match="one line"):
        Rule("excel.x", "excel", RuleKind.REWRITE, "two\nlines", print)


def test_argument_slips_trigger_on_the_issue_kinds_the_parser_reports():
    triggers = {r.name: r.triggers for r in SEARCH_RULES}
    assert triggers["search.drop-argument"] == {IssueKind.TOO_MANY_ARGUMENTS}
    assert triggers["search.swap-arguments"] == {IssueKind.ARGUMENT_KIND}
    assert triggers["search.move-bracket"] == frozenset()  # every window


def _candidates(language, text, settings=None):
    g = get_grammar(language)
    tokens = g.tokenize(text)
    issues = g.errors(text)
    window = find_window(g, text, tokens, issues[0], 32)
    settings = settings or EditSearchSettings()
    search = EditSearch(
        g, text, tokens, window, g.is_valid, settings=settings, hints=hints_from_issues(issues)
    )
    return {c.text: c.rules for c in search.run()}


def test_a_candidate_names_the_rule_whose_proposal_made_it():
    found = _candidates("excel", '=IF(B3=5. "25")')
    assert "excel.decimal-comma" in found['=IF(B3=5, "25")']
    # a plain insertion is the search's own
    assert _candidates("excel", "=SUM(A1:A3")["=SUM(A1:A3)"] == {"search"}
    # found by two proposals (the locale habit rewritten, and ';' replaced by ',' token-wise), it keeps both
    assert _candidates("excel", "=SUM(1;2)")["=SUM(1,2)"] == {"excel.semicolon-separators", "search"}
    assert "search.move-bracket" in _candidates("excel", '=IF(ISERROR(A1,""))')['=IF(ISERROR(A1),"")']


def test_a_rule_switched_off_proposes_nothing():
    off = EditSearchSettings(without_rules=frozenset({"excel.decimal-comma"}))
    assert '=IF(B3=5, "25")' not in _candidates("excel", '=IF(B3=5. "25")', off)
    text = '=IF(B4="Y",F4-1,"",IF(B6="Y",F4-1,""))'
    dropped = '=IF(B4="Y",F4-1,IF(B6="Y",F4-1,""))'
    assert "search.drop-argument" in _candidates("excel", text)[dropped]
    off = EditSearchSettings(without_rules=frozenset({"search.drop-argument"}))
    assert "search.drop-argument" not in _candidates("excel", text, off).get(dropped, frozenset())


def test_a_grammar_without_a_check_or_a_tolerance_accepts_or_rejects_otherwise():
    excel = get_grammar("excel")
    lenient = excel.without(["excel.too-few-arguments", "search.move-bracket"])  # search names ignored
    assert lenient is not excel and get_grammar("excel") is excel  # the cached default is untouched
    assert excel.errors("=MOD(A1/3)") and lenient.is_valid("=MOD(A1/3)")
    assert "excel.too-few-arguments" not in {r.name for r in lenient.rules()}
    assert excel.without(["search.move-bracket"]) is excel  # none of its own: the same grammar
    ps = get_grammar("powershell")
    assert ps.is_valid("$x / 1MB") and ps.without(["powershell.number-suffixes"]).errors("$x / 1MB")
    assert ps.errors("try { }") and ps.without(["powershell.try-without-handler"]).is_valid("try { }")
    # switched off twice over: the second grammar keeps the first one's choice
    twice = ps.without(["powershell.number-suffixes"]).without(["powershell.try-without-handler"])
    assert not twice.is_valid("$x / 1MB") and twice.is_valid("try { }")


def test_rewrites_name_their_rules():
    g = get_grammar("powershell")
    text = 'Invoke-RestMethod -Body {"a": 1}'
    tokens = g.tokenize(text)
    named = {rw.rule for rw in g.rewrites(text, tokens, 0, len(tokens))}
    assert "powershell.quoted-json" in named and named <= {r.name for r in g.rules()}
    off = g.without(["powershell.quoted-json"])
    assert {rw.rule for rw in off.rewrites(text, tokens, 0, len(tokens))} == named - {
        "powershell.quoted-json"
    }

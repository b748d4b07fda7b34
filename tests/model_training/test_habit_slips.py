"""Habit slips (model_training/habit_slips.py): each habit writes its mistake onto correct text, the
language's oracle rejects it, and the corrupter uses them only when asked to."""

from __future__ import annotations

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.model_training.corpus import build_vocabulary
from lastfix.model_training.corrupt import Corrupter
from lastfix.model_training.habit_slips import EXCEL_HABITS, HABIT_SLIPS, POWERSHELL_HABITS, habit_slip

# (habit, correct formula, the broken ones it may write)
CASES = [
    ("row-only-range-end", "=SUM(A1:A10)", {"=SUM(A1:10)"}),
    (
        "quoted-reference",
        "=MIN($A$1:$B$1)",
        {'=MIN("$A$1":"$B$1")', '=MIN("$A$1":$B$1)', '=MIN($A$1:"$B$1")'},
    ),
    ("unquoted-time", '=TIMEVALUE("7:00")', {"=TIMEVALUE(7:00)"}),
    ("criterion-comparison", '=COUNTIF(C2:C25,">24")', {"=COUNTIF(C2:C25>24)"}),
    ("semicolon-separators", "=IF(A2>7,7,A2)", {"=IF(A2>7;7;A2)"}),
    ("c-comparison", "=IF(A1>=10,1,0)", {"=IF(A1=>10,1,0)"}),
    ("infix-logic", "=IF(AND(A1>5,B1<3),1,0)", {"=IF(A1>5 AND B1<3,1,0)"}),
]
POWERSHELL_CASES = [
    (
        "c-operators",
        "if ($a -eq 1) { $x }",
        {"if ($a == 1) { $x }"},
    ),
    ("method-call-space", "[Math]::Sqrt(9)", {"[Math]::Sqrt (9)"}),
    ("unclosed-string", '$name = "Administrator"', {'$name = "Administrator'}),
    ("call-operator", '& "C:\\a b\\x.exe" -i a', {'"C:\\a b\\x.exe" -i a'}),
    ("unescaped-quotes", '$s = "He said `"hi`""', {'$s = "He said "hi""'}),
    ("piped-member", "gci | ForEach-Object { $_.Name }", {"gci | $_.Name"}),
]
HABITS = {"excel": {h.name: h for h in EXCEL_HABITS}, "powershell": {h.name: h for h in POWERSHELL_HABITS}}


@pytest.mark.parametrize(
    ("language", "name", "fixed", "broken"),
    [("excel", *case) for case in CASES] + [("powershell", *case) for case in POWERSHELL_CASES],
)
def test_each_habit_writes_its_mistake_and_the_oracle_rejects_it(language, name, fixed, broken):
    grammar = get_grammar(language)
    assert grammar.is_valid(fixed)
    rng = np.random.default_rng(0)
    seen = {HABITS[language][name].apply(fixed, grammar.tokenize(fixed), rng) for _ in range(12)}
    assert seen <= broken and seen
    assert not any(grammar.is_valid(b) for b in seen)


def test_a_habit_with_nothing_to_apply_to_gives_none():
    grammar = get_grammar("excel")
    text = "=A1+1"
    rng = np.random.default_rng(0)
    assert all(h.apply(text, grammar.tokenize(text), rng) is None for h in EXCEL_HABITS)
    assert habit_slip(EXCEL_HABITS, text, grammar.tokenize(text), rng) is None


def test_a_sheet_cell_is_not_quoted_on_its_own():
    grammar = get_grammar("excel")
    text = "=SUM(Data!A1:B2)"
    rng = np.random.default_rng(0)
    assert HABITS["excel"]["quoted-reference"].apply(text, grammar.tokenize(text), rng) is None


def test_the_corrupter_writes_habits_only_when_asked():
    grammar = get_grammar("excel")
    texts = ["=SUM(A1:A10)", '=COUNTIF(C2:C25,">24")', "=IF(AND(A1>5,B1<3),1,0)"]
    vocab = build_vocabulary("excel", texts)
    plain = Corrupter(grammar, vocab)
    off = Corrupter(grammar, vocab, habits=HABIT_SLIPS["excel"], habit_share=0.0)
    on = Corrupter(grammar, vocab, habits=HABIT_SLIPS["excel"], habit_share=1.0)
    for k, text in enumerate(texts * 3):
        a, b = plain(text, np.random.default_rng(k)), off(text, np.random.default_rng(k))
        assert a == b  # a share of 0 draws nothing more: the same corruptions as before
        c = on(text, np.random.default_rng(k))
        assert c is not None and not grammar.is_valid(c.broken_text)
        assert c.fixed == vocab.symbols_of(grammar.tokenize(text))
        rng = np.random.default_rng(k)
        rng.random()
        assert c.broken_text == habit_slip(EXCEL_HABITS, text, grammar.tokenize(text), rng)


@pytest.mark.parametrize(
    "fixed", ["=SUM(A1:A10)", "=MIN($A$1:$B$1)", '=TIMEVALUE("7:00")', "=IF(A1>=10,1,0)", "=IF(A2>7,7,A2)"]
)
def test_a_habit_undone_symbol_by_symbol_gives_back_the_users_text(fixed):
    # the model learns the fixed symbols; the grammar's retypes write them back with the user's characters
    grammar = get_grammar("excel")
    for seed in range(6):
        broken = habit_slip(EXCEL_HABITS, fixed, grammar.tokenize(fixed), np.random.default_rng(seed))
        assert broken is not None
        tokens = grammar.tokenize(broken)
        edits = grammar.edits_for(
            broken, tokens, [t.kind for t in tokens], [t.kind for t in grammar.tokenize(fixed)]
        )
        assert apply_edits(broken, edits) == fixed

"""Repairing one error of a large document on the statements around it (real grammars, edits engine)."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import create_engine
from lastfix.model_runtime.local_repair import LocalSettings, region_around, repair_around, repair_document
from lastfix.model_runtime.repair_settings import RepairSettings

_FUNCTION = "def f{i}(x, y={i}):\n    return [x + y, (x * {i}) % 7]\n\n\n"
_COMMAND = "$v{i} = Get-Item -Path 'C:\\data\\{i}.txt' | Select-Object -First {i}\n"


def _edits(grammar):
    return create_engine(grammar, None, RepairSettings(engine="edits"))


def _budget():
    return Deadline.after_ms(5000)  # ample: these tests compare regions, and a busy CPU must not cut a search


def _document(line: str, broken: str, n: int = 200) -> str:
    lines = [line.format(i=i) for i in range(n)]
    return "".join(lines[: n // 2]) + broken + "".join(lines[n // 2 :])


@pytest.mark.parametrize(
    "language, line, broken, fixed",
    [
        ("python", _FUNCTION, "def g(x):\n    return [x + 1, (x * 2 % 7]\n\n\n", "(x * 2) % 7]"),
        ("powershell", _COMMAND, "$x = Get-Item -Path 'C:\\a.txt' | Select-Object -First (3\n", "-First (3)"),
        ("excel", '=IF(SUM(A{i}:C{i})>10,ROUND(B{i}*1.2,2),"low {i}")\n', "=SUM(A1:A3\n", "=SUM(A1:A3)\n"),
    ],
)
def test_a_large_document_is_repaired_on_the_statements_around_its_error(language, line, broken, fixed):
    grammar = get_grammar(language)
    text = _document(line, broken)
    issue = grammar.errors(text)[0]
    start, end = region_around(grammar, text, issue)
    assert start <= issue.start < end and end - start < 400 < len(text)  # a few statements, not the file
    cands = repair_around(_edits(grammar), text, issue, deadline=Deadline.after_ms(2000))
    assert cands and any(fixed in c.text for c in cands)
    for c in cands:  # whole documents, and the edits say how to get there from the original
        assert apply_edits(text, list(c.edits)) == c.text
        assert grammar.is_valid(c.text)
        assert c.text.startswith(text[:start]) and c.text.endswith(text[end:])


def test_a_fix_may_leave_other_errors_alone_but_not_add_any():
    grammar = get_grammar("python")
    text = _document(_FUNCTION, "def g(x):\n    return (x * 2 % 7\n\n\n") + "def h(:\n    pass\n"
    before = grammar.errors(text)
    cands = repair_around(_edits(grammar), text, before[0], deadline=Deadline.after_ms(1000))
    assert cands
    for c in cands:
        after = grammar.errors(c.text)
        # the bracket's error is gone; def h(: remains (CPython saw only the first slip before the fix)
        assert len(after) <= len(before) and after and all(i.start >= text.index("def h(") for i in after)


def test_no_region_when_the_cause_is_far_away_or_the_document_small():
    ps = get_grammar("powershell")
    # a brace opened at the top and never closed: the region around the reported error does not hold it
    text = "function f {\n" + _document(_COMMAND, "")
    issue = ps.errors(text)[0]
    assert region_around(ps, text, issue) is None or ps.errors(text[slice(*region_around(ps, text, issue))])
    small = "$x = (1\n"
    engine = _edits(ps)
    assert [c.text for c in repair_around(engine, small, ps.errors(small)[0], deadline=_budget())] == [
        c.text for c in engine.repair(small, ps.errors(small)[0], deadline=_budget())
    ]
    # an error on the last line (code being appended): the region runs to the end of the document
    tail = _document(_COMMAND, "", 100) + "$y = (2\n"
    start, end = region_around(ps, tail, ps.errors(tail)[0], LocalSettings())
    assert end == len(tail) and end - start < 200
    assert any(
        c.text.endswith("$y = (2)\n")
        for c in repair_around(engine, tail, ps.errors(tail)[0], deadline=_budget())
    )


def test_every_error_of_a_large_document_is_repaired_one_at_a_time():
    grammar = get_grammar("python")
    text = _document(_FUNCTION, "def g(x):\n    return [x + 1, (x * 2 % 7]\n\n\n") + "def h(:\n    pass\n"
    cands = repair_document(_edits(grammar), text, deadline=Deadline.after_ms(1000))
    assert cands
    for c in cands:
        assert grammar.is_valid(c.text) and apply_edits(text, list(c.edits)) == c.text
    assert "def h():" in cands[0].text


def test_an_error_beside_another_one_still_gets_a_region():
    grammar = get_grammar("powershell")
    text = _document(_COMMAND, "$a = (1\n$b = (2\n")
    second = [e for e in grammar.errors(text) if e.message == "missing ')'"][1]  # of $b = (2
    start, end = region_around(grammar, text, second)
    assert start <= second.start < end and end - start < 400


_TWO_ERRORS = "def mean(xs)\n    return sum(xs) / len(xs)\n\ntotal = max(1, mean([2, 3])\nprint(total)\n"


def test_a_quick_fix_repairs_its_own_error_and_leaves_the_others():
    grammar = get_grammar("python")
    engine = _edits(grammar)
    checker = IncrementalIssues(grammar)
    first, second = checker.issues(_TWO_ERRORS)
    own = repair_around(engine, _TWO_ERRORS, first, deadline=_budget(), k=3, checker=checker, scoped=True)
    assert apply_edits(_TWO_ERRORS, own[0].edits) == _TWO_ERRORS.replace("(xs)\n", "(xs):\n", 1)
    other = repair_around(engine, _TWO_ERRORS, second, deadline=_budget(), k=3, checker=checker, scoped=True)
    assert apply_edits(_TWO_ERRORS, other[0].edits) == _TWO_ERRORS.replace("3])", "3]))")
    for cand in own + other:  # each leaves exactly the other error
        assert len(checker.issues(cand.text)) == 1
    # unscoped (fix-all, a whole document): only repairs that leave the document valid
    whole = repair_around(engine, _TWO_ERRORS, first, deadline=_budget(), k=3, checker=checker)
    assert whole and all(grammar.is_valid(c.text) for c in whole)

"""Edit hints come from the issues' structured fields, whatever their messages say."""

from dataclasses import replace

from lastfix.grammars import get_grammar
from lastfix.grammars.base import IssueKind, SyntaxIssue
from lastfix.model_runtime.hints import NO_HINTS, hints_from_issues


def _hints(language, text):
    return hints_from_issues(get_grammar(language).errors(text))


def test_hints_from_the_grammars_issues():
    h = _hints("excel", "=SUM(1;2)")  # unexpected ';' (Excel uses ',' between arguments)
    assert h.insert == {","} and h.delete == {";"}
    assert _hints("python", "f(1\n").insert == {")"}  # '(' was never closed
    assert _hints("python", "if x\n    pass\n").insert == {":"}  # expected ':'
    assert _hints("python", "print x\n").insert == {"(", ")"}
    after = _hints("excel", "=1+")  # missing operand after '+': the '+' is where, not what
    assert after.insert == set() and after.delete == set() and after.kinds == {IssueKind.MISSING}
    assert _hints("powershell", "'abc").insert == {'"', "'"}  # an unclosed string: either quote
    assert _hints("powershell", "$a = 1 }").delete == {"}"}


def test_argument_hints_follow_the_issue_kinds():
    assert _hints("excel", "=IF(1,2,3,4)").extra_argument
    assert not _hints("excel", "=SUM(A1").extra_argument
    assert _hints("excel", '=COUNTIF("dog",A1:A9)').argument_order
    assert _hints("excel", '=COUNTIF("dog",A1:A9)').kinds == {IssueKind.ARGUMENT_KIND}


def test_messages_are_for_people_only():
    issue = get_grammar("excel").errors("=IF(1,2,3,4)")[0]
    reworded = replace(issue, message="IF takes at most three arguments")
    assert hints_from_issues([reworded]) == hints_from_issues([issue])
    # the same words with no fields ask for nothing
    assert hints_from_issues([SyntaxIssue(0, 1, "unexpected ';' (Excel uses ',' between arguments)")]) == (
        replace(NO_HINTS, kinds=frozenset({IssueKind.OTHER}))
    )


def test_long_symbols_and_guesses_are_no_hints():
    issue = SyntaxIssue(0, 6, "unexpected 'return'", IssueKind.UNEXPECTED, found="return")
    assert hints_from_issues([issue]).delete == set()
    guess = get_grammar("python").errors("if x = 1:\n    pass\n")  # Maybe you meant '==' or ':='
    assert hints_from_issues(guess).insert == set() and hints_from_issues(guess).delete == set()
    mismatch = get_grammar("python").errors("a = (1]\n")
    assert mismatch[0].kind is IssueKind.MISMATCHED and hints_from_issues(mismatch).insert == set()

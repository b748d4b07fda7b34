"""fuzz_share's offline judgement: is a fuzzed error fixable on its statement, cut as the server cuts it."""

from lastfix.benchmarks.fuzz_share import _alone
from lastfix.grammars import get_grammar


def _request(text: str) -> dict:
    issue = get_grammar("excel").errors(text)[0]
    return {"text": text, "start": issue.start, "end": issue.end, "message": issue.message, "fixes": 1}


def test_each_error_is_judged_on_its_own_statement():
    one = _request("=SUM(A1\n")  # a document of one statement: that statement is the document
    among = _request("=A1\n=SUM(A1\n=B2\n")  # the middle statement reports the error on its own
    unknown = {"text": "=A1\n", "start": None, "end": None, "message": "", "fixes": 0}
    requests = [one, among, unknown]
    _alone("excel", requests, 1000)
    assert [r["alone"] for r in requests] == [True, True, None]

"""Golden error messages and ranges for broken formulas (tests/grammars/golden/excel_errors.jsonl).

Each line is {"text", "start", "end", "span", "message"}; after an intended change of wording, regenerate
with LASTFIX_UPDATE_GOLDEN=1 and review the diff.
"""

import json
import os
from pathlib import Path

import pytest
from lastfix.grammars import get_grammar

GOLDEN = Path(__file__).parent / "golden" / "excel_errors.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_golden_file_covers_the_message_families():
    messages = " ".join(c["message"] for c in CASES)
    for family in (
        "missing ')'",
        "unmatched ')'",
        "unexpected ';'",
        "unclosed string",
        "missing operand",
        "too many arguments",
        "too few arguments",
        "needs a range",
        "must start with '='",
        "arrays hold only constants",
        "expected a reference after ':'",
    ):
        assert family in messages, family


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_error_message_and_range_match_golden(case):
    grammar = get_grammar("excel")
    (issue,) = grammar.errors(case["text"])
    got = {
        "text": case["text"],
        "start": issue.start,
        "end": issue.end,
        "span": case["text"][issue.start : issue.end],
        "message": issue.message,
    }
    if os.environ.get("LASTFIX_UPDATE_GOLDEN") and got != case:
        lines = [
            json.dumps(got if c["text"] == case["text"] else c, ensure_ascii=False)
            for c in [json.loads(x) for x in GOLDEN.read_text(encoding="utf-8").splitlines() if x.strip()]
        ]
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    assert got == case

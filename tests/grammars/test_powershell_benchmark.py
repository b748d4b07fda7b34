"""The PowerShell oracle against the dev benchmark and the corpus (shared data; skipped when absent).

Acceptance targets (issue "Foundation"): accept >= 94% of the human fixes, flag >= 90% of the broken
inputs. tree-sitter-powershell alone: 86% and 92%.
"""

import difflib
import json
from pathlib import Path

import pytest
from lastfix.grammars import get_grammar

from tests.conftest import read_jsonl

G = get_grammar("powershell")
INVALID = Path(__file__).parent / "fixtures" / "powershell_invalid_fixes.json"


@pytest.fixture(scope="module")
def dev(shared):
    path = shared / "benchmarks" / "powershell" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    return read_jsonl(path)


def test_accepts_fixes_and_flags_broken_inputs(dev):
    invalid = {row["id"] for row in json.loads(INVALID.read_text(encoding="utf-8"))["invalid"]}
    assert invalid <= {row["id"] for row in dev}, "the invalid-fix list names ids that are not in dev"
    judged = [row for row in dev if row["id"] not in invalid]
    accepted = sum(G.is_valid(row["fixed"]) for row in judged) / len(judged)
    flagged = sum(not G.is_valid(row["broken"]) for row in dev) / len(dev)
    print(f"\npowershell dev: accepts {accepted:.0%} of fixes, flags {flagged:.0%} of broken inputs")
    assert accepted >= 0.94
    assert flagged >= 0.90


def _changed_tokens(broken, fixed):
    a, b = G.tokenize(broken), G.tokenize(fixed)
    changed = set()
    matcher = difflib.SequenceMatcher(a=[t.text for t in a], b=[t.text for t in b], autojunk=False)
    for op, i1, i2, _, _ in matcher.get_opcodes():
        if op != "equal":
            changed.update({i1 - 1, i1} if i1 == i2 else range(i1, i2))
    return a, changed


def test_first_error_lies_near_the_human_change(dev):
    hits = total = 0
    for row in dev:
        errors = G.errors(row["broken"])
        tokens, changed = _changed_tokens(row["broken"], row["fixed"])
        if not errors or not changed:
            continue
        e = errors[0]
        near = {k for k, t in enumerate(tokens) if t.start < max(e.end, e.start + 1) and t.end > e.start}
        near = near or {k for k, t in enumerate(tokens) if t.start >= e.start} or {len(tokens) - 1}
        total += 1
        hits += min(abs(i - j) for i in near for j in changed) <= 2
    print(f"\nfirst error within 2 tokens of the human change: {hits}/{total}")
    assert hits / total >= 0.75


def test_corpus_statements_sample(shared):
    path = shared / "corpora" / "powershell" / "documents.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    docs = read_jsonl(path)[::40]
    spans = [(d["text"], s, e) for d in docs for s, e in G.statements(d["text"])]
    accepted = sum(G.is_valid(t[s:e]) for t, s, e in spans) / len(spans)
    prompts = [t[s:e] for t, s, e in spans if t[s:e].lstrip().startswith("PS C:\\>")]
    print(f"\ncorpus sample: {len(spans)} statements, {accepted:.1%} accepted")
    assert prompts and not any(G.is_valid(p) for p in prompts)
    assert accepted >= 0.8

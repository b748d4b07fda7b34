"""Chunked, incremental syntax errors: the same answer as checking each version from scratch, on real
grammars and real corpus documents."""

import json
import random

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.incremental_issues import IncrementalIssues, chunk_starts
from lastfix.grammars.source_files import shared_dir

_SLIPS = ["(", ")", "{", "}", '"', "'", ",", ":", "=", "|", "\n", "  ", "[", "]", "@'\n", "<#"]


def _corpus(language: str, n: int) -> list[str]:
    root = shared_dir()
    if root is None:
        pytest.skip("../shared (corpora) not found")
    name = "formulas.jsonl" if language == "excel" else "documents.jsonl"
    path = root / "corpora" / language / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if language == "excel" or text.count("\n") >= 8 and len(text) < 6000:
                docs.append(text)
            if len(docs) >= n:
                break
    return docs


def _fresh(grammar, text):
    return IncrementalIssues(grammar).issues(text)


@pytest.mark.parametrize("language", ["powershell", "python", "excel"])
def test_every_edit_gives_what_a_fresh_check_gives(language):
    """Random slips typed into real documents and taken out again, version after version."""
    grammar = get_grammar(language)
    rng = random.Random(7)
    docs = _corpus(language, 12) if language != "excel" else ["\n".join(_corpus(language, 60))]
    for doc in docs:
        tracker = IncrementalIssues(grammar)
        text = doc
        assert tracker.issues(text) == _fresh(grammar, text)
        for _ in range(8):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.6:
                text = text[:at] + rng.choice(_SLIPS) + text[at:]
            else:
                text = text[:at] + text[at + rng.randrange(1, 4) :]
            assert tracker.issues(text) == _fresh(grammar, text), text


@pytest.mark.parametrize("language", ["powershell", "python"])
def test_a_valid_document_is_valid_chunk_by_chunk_and_an_invalid_one_is_not(language):
    grammar = get_grammar(language)
    for doc in _corpus(language, 40):
        assert (not _fresh(grammar, doc)) == grammar.is_valid(doc)
        starts = chunk_starts(grammar, doc)
        assert starts[0] == 0 and starts == sorted(set(starts))


def test_an_edit_after_an_else_keeps_it_with_its_if():
    ps = get_grammar("powershell")
    text = "if ($a) {\n  1\n}\nelse {\n  2\n}\n$b = 3\n"
    tracker = IncrementalIssues(ps)
    assert tracker.issues(text) == ()
    edited = text.replace("  2", "  2 + 1")
    assert tracker.issues(edited) == () == tuple(ps.errors(edited))
    assert 0 < len(chunk_starts(ps, text)) <= 2  # "else" continues the if: no cut before it


def test_an_open_bracket_swallows_the_chunks_after_it_until_it_closes():
    ps = get_grammar("powershell")
    lines = [f"$v{i} = Get-Item x{i}\n" for i in range(50)]
    text = "".join(lines)
    tracker = IncrementalIssues(ps)
    assert tracker.issues(text) == ()
    opened = text.replace("$v20 = Get-Item x20", "$v20 = (Get-Item x20")
    assert tracker.issues(opened) == _fresh(ps, opened) and tracker.issues(opened)
    assert tracker.issues(text) == ()  # and taking it out again

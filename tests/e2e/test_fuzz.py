"""Seeded random edits and requests against the real server: it never crashes, every quick fix it offers
makes the document valid, and after thousands of incremental changes its text is still the client's.

Bounded by count and time (FUZZ_OPS operations or FUZZ_SECONDS, whichever ends first), so it stays a
test rather than a soak; LASTFIX_FUZZ_SEED picks another seed for a longer local run.
"""

from __future__ import annotations

import os
import random
import time

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.incremental_issues import IncrementalIssues
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.lsp_support import (
    apply_text_edits,
    change_document,
    edits_of_action,
    lsp_position,
    open_document,
    session_fixture,
    uri_for,
    wait_until,
)

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("LASTFIX_FUZZ_SEED", "1234"))
FUZZ_OPS = 2000
FUZZ_SECONDS = 20.0

START = {
    "excel": ("excel-formula", "f.xlf", '=SUM(A1:A3)\n=IF(A1>0,"yes","no")\n=A1*2\n'),
    "python": ("python", "f.py", "def f(x):\n    return [x, (x + 1)]\n\nprint(f(2))\n"),
    "powershell": (
        "powershell",
        "f.ps1",
        "$items = @(1, 2)\nforeach ($i in $items) {\n  Write-Output $i\n}\n",
    ),
}
PIECES = list("()[]{},;:=+-*/<>\"'$@|&. \tabcxyz019") + ["\n", "\r\n", "😀", "é", "    ", "if ", "SUM("]


def _random_edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    """A random replacement whose ends never split a \\r\\n pair (no LSP position lies inside one)."""

    def legal(offset: int) -> int:
        return (
            offset - 1
            if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n"
            else offset
        )

    start = legal(rng.randint(0, len(text)))
    end = legal(min(len(text), start + rng.choice([0, 0, 1, 1, 2, 5])))
    new = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    if len(text) > 400:  # keep documents small enough for repairs to be quick
        new = ""
    return start, max(start, end), new


# A small repair budget: the fuzz is about robustness, not about finding fixes.
client = session_fixture({"timeBudgetMs": 200, "diagnosticsDelayMs": 0})


async def test_random_edits_and_requests(client: LanguageClient, tmp_path):
    rng = random.Random(SEED)
    docs = {}
    for language, (language_id, name, text) in START.items():
        uri = uri_for(tmp_path, name)
        open_document(client, uri, language_id, text)
        docs[language] = {"uri": uri, "text": text, "version": 1}
    deadline = time.monotonic() + FUZZ_SECONDS
    counts = {"edits": 0, "requests": 0, "fixes": 0}
    for _ in range(FUZZ_OPS):
        if time.monotonic() > deadline:
            break
        language = rng.choice(sorted(docs))
        doc = docs[language]
        if rng.random() < 0.88:
            start, end, new = _random_edit(rng, doc["text"])
            doc["version"] += 1
            doc["text"] = change_document(client, doc["uri"], doc["version"], doc["text"], start, end, new)
            counts["edits"] += 1
            continue
        counts["requests"] += 1
        if rng.random() < 0.5:  # back to a near-valid text (one small edit), where repairs succeed
            start, end, new = _random_edit(rng, START[language][2])
            doc["version"] += 1
            doc["text"] = START[language][2][:start] + new + START[language][2][end:]
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(
                        uri=doc["uri"], version=doc["version"]
                    ),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=doc["text"])],
                )
            )
        text = doc["text"]
        a, b = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
        rng_ = types.Range(start=lsp_position(text, a), end=lsp_position(text, b))
        if rng.random() < 0.1:  # positions past the end of the document are clamped, never an error
            rng_ = types.Range(
                start=types.Position(line=999, character=0), end=types.Position(line=999, character=9)
            )
        only = rng.choice([None, ["quickfix"]] * 9 + [["source.fixAll.lastfix"]])
        result = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=doc["uri"]),
                range=rng_,
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        for action in result or []:
            assert isinstance(action, types.CodeAction)
            if action.edit is None:
                action = await client.code_action_resolve_async(action)
            if action.edit is None:
                continue
            edits, version = edits_of_action(action, doc["uri"])
            assert version == doc["version"]  # made for the text the client has
            if action.kind == types.CodeActionKind.QuickFix:
                # a quick fix repairs its own error: the document parses, or (other errors left as they
                # were) the chunk-by-chunk check the diagnostics come from finds fewer errors than before
                fixed = apply_text_edits(text, edits)
                grammar = get_grammar(language)
                assert grammar.is_valid(fixed) or len(IncrementalIssues(grammar).issues(fixed)) < len(
                    IncrementalIssues(grammar).issues(text)
                ), (action.title, text, fixed)
                counts["fixes"] += 1
    assert counts["edits"] > 100 and counts["requests"] > 10, counts

    # After all those incremental changes the server's text is the client's: its diagnostics are
    # exactly the errors a fresh chunk-by-chunk check finds in the client's text (and none when the
    # grammar finds none).
    for language, doc in docs.items():
        fresh = IncrementalIssues(get_grammar(language)).issues(doc["text"])
        assert (not fresh) == get_grammar(language).is_valid(doc["text"])
        expected = [
            (lsp_position(doc["text"], i.start), lsp_position(doc["text"], i.end), i.message) for i in fresh
        ][:100]

        def matches(uri: str = doc["uri"], expected: list = expected) -> bool:
            got = [(d.range.start, d.range.end, d.message) for d in client.diagnostics.get(uri, [])]
            return got == expected

        await wait_until(matches, 20, f"{language} diagnostics to match the client's text")
    print(f"fuzz seed {SEED}: {counts}")

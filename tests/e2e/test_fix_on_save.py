"""Fix on save and fix-all in real files (issue 18): a 100+-line file with one slip is fixed on save, in
every language; fix-all repairs several errors first to last, on the errors the diagnostics show."""

from __future__ import annotations

import re

import pytest
from lastfix.grammars import get_grammar
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.slip_documents import SLIP_DOCUMENTS
from tests.server.lsp_support import (
    apply_text_edits,
    code_actions,
    edits_of_action,
    open_and_diagnose,
    session_fixture,
    wait_until,
)

pytestmark = pytest.mark.slow

FIX_ALL = "source.fixAll.lastfix"
# three slips, each with one confident fix: a def missing its colon, an if missing its colon, an unclosed
# list
SEVERAL = (
    "def mean(xs)\n    return sum(xs) / len(xs)\n\n\n"
    "def first(xs):\n    if xs\n        return xs[0]\n    return None\n\n\n"
    "items = [1, 2, 3\nprint(first(items), mean(items))\n"
)
FIXED = (
    SEVERAL.replace("mean(xs)\n", "mean(xs):\n").replace("if xs\n", "if xs:\n").replace("2, 3\n", "2, 3]\n")
)


# a generous budget for fix-all (two of them for the document), none for the save: its own is fixed
client = session_fixture({"fixOnSave": True, "timeBudgetMs": 20000})


def _will_save(client: LanguageClient, uri: str):
    return client.text_document_will_save_wait_until_async(
        types.WillSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri), reason=types.TextDocumentSaveReason.Manual
        )
    )


@pytest.mark.parametrize("language", sorted(SLIP_DOCUMENTS))
async def test_fix_on_save_fixes_a_large_file_with_one_slip(client: LanguageClient, tmp_path, language: str):
    language_id, name, broken, fixed = SLIP_DOCUMENTS[language]
    assert broken.count("\n") >= 100 and len(get_grammar(language).errors(broken)) == 1
    uri, _ = await open_and_diagnose(client, tmp_path, name, language_id, broken)
    edits = await _will_save(client, uri)
    assert edits, f"no edit on save for the {language} file"
    assert apply_text_edits(broken, edits) == fixed
    assert all(not e.new_text.strip() or e.range.start == e.range.end for e in edits)  # an insertion


async def test_fix_all_repairs_several_errors_first_to_last(client: LanguageClient, tmp_path):
    uri, diags = await open_and_diagnose(client, tmp_path, "several.py", "python", SEVERAL)
    shown = sorted({d.range.start.line + 1 for d in diags})
    assert len(shown) == 3
    actions = await code_actions(client, uri, diags, only=[FIX_ALL])
    assert [a.kind for a in actions] == [FIX_ALL]
    action = actions[0] if actions[0].edit is not None else await client.code_action_resolve_async(actions[0])
    fixed = apply_text_edits(SEVERAL, edits_of_action(action, uri)[0])
    assert fixed == FIXED
    # the errors it tried, in the order it tried them: the diagnostics' own, first to last
    line = await wait_until(
        lambda: next((m.message for m in client.log_messages if "fix-all " in m.message), None),
        what="the fix-all log line",
    )
    match = re.search(r"3 fixed, 0 left; errors tried on lines ([\d, ]+)", line)
    assert match, line
    assert [int(n) for n in match[1].split(", ")] == shown

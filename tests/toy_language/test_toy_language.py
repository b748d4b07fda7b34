"""The toy language gets every feature through the real parts, registered only by ``LASTFIX_LANGUAGES``.

The command line and the server run as subprocesses with the variable set (the registry reads it once, at
import); in this process the grammar is used directly, as a plugin's own tests would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lastfix.grammars.base import apply_edits
from lastfix.model_runtime.repair import Repairer, RepairSettings
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.lsp_support import (
    SERVER_COMMAND,
    apply_text_edits,
    code_actions,
    edits_of_action,
    open_document,
    start_session,
    uri_for,
    wait_for_diagnostics,
)

from . import LANGUAGE
from .grammar import ToyJsonGrammar

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODULE = "tests.toy_language"
# What the search must find: a missing closing bracket, a missing comma between two members.
FIXES = {"[1, 2\n": "[1, 2]\n", '{"a": 1 "b": 2}\n': '{"a": 1, "b": 2}\n'}


def plugin_env() -> dict[str, str]:
    """The environment that registers the toy language, and nothing else."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "LASTFIX_LANGUAGES": MODULE, "PYTHONPATH": path}


def lastfix(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lastfix", *args],
        cwd=REPO,
        env=plugin_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


# ----- the grammar -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "issues"),
    [
        ('{"a": [true, null, -1.5e3], "b": {}}\n\n[]\n', []),
        ("[1, 2", [(5, 5, "missing ']'")]),
        ('{"a": 1 "b": 2}', [(8, 11, "missing ',' or '}'")]),
        ("[1, 2}", [(5, 6, "unexpected '}'")]),
        ("[1,]", [(3, 4, "unexpected ']'")]),
        ('{"a" 1}', [(5, 6, "missing ':'")]),
        ('"abc', [(0, 4, "unterminated string")]),
        ("[1]\n  tru\n", [(6, 9, "unexpected 'tru'")]),
    ],
)
def test_errors_name_the_first_problem_of_each_line(text: str, issues: list[tuple[int, int, str]]) -> None:
    grammar = ToyJsonGrammar()
    assert [(i.start, i.end, i.message) for i in grammar.errors(text)] == issues
    assert grammar.is_valid(text) == (not issues)


def test_tokens_keep_their_spans_and_statements_are_lines() -> None:
    grammar = ToyJsonGrammar()
    text = ' {"k": 12} \n\n[x]\n'
    tokens = grammar.tokenize(text)
    assert [t.kind for t in tokens] == ["{", "<STRING>", ":", "<NUMBER>", "}", "[", "<NAME>", "]"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert grammar.statements(text) == [(1, 10), (13, 16)]
    assert grammar.name == LANGUAGE.name and grammar.extensions == LANGUAGE.extensions


# ----- the command line ------------------------------------------------------------------------


def test_check_reports_line_and_column_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "data.toyjson"
    broken.write_text('[1, 2]\n{"a": 1 "b": 2}\n[1, 2\n', encoding="utf-8")
    result = lastfix("check", str(broken))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [f"{broken}:2:9: missing ',' or '}}'", f"{broken}:3:6: missing ']'"]


def test_check_of_a_valid_file_exits_0(tmp_path: Path) -> None:
    valid = tmp_path / "ok.toyjson"
    valid.write_text('{"a": [1, 2], "b": null}\n', encoding="utf-8")
    result = lastfix("check", str(valid))
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


@pytest.mark.parametrize(("broken", "fixed"), sorted(FIXES.items()))
def test_repair_with_the_edits_engine_fixes_the_file(tmp_path: Path, broken: str, fixed: str) -> None:
    path = tmp_path / "data.toyjson"
    path.write_text(broken, encoding="utf-8")
    result = lastfix("repair", "--engine", "edits", str(path))
    assert (result.returncode, result.stdout) == (0, fixed), result.stderr


# ----- the edit search in process -----------------------------------------------------------------


@pytest.mark.parametrize(("broken", "fixed"), sorted(FIXES.items()))
def test_the_edit_search_ranks_the_fix_first(broken: str, fixed: str) -> None:
    grammar = ToyJsonGrammar()
    repairer = Repairer(grammar, None, RepairSettings(k=3, engine="edits", time_budget_ms=5000))
    candidates = repairer.repair(broken)
    assert candidates and candidates[0].text == fixed
    assert all(grammar.is_valid(c.text) for c in candidates)
    assert all(apply_edits(broken, c.edits) == c.text for c in candidates)


# ----- quick fixes from the real server ------------------------------------------------------------


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=plugin_env()))
async def client(lsp_client: LanguageClient):
    await start_session(lsp_client, {"candidates": 3, "timeBudgetMs": 5000})
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow
async def test_the_server_offers_quick_fixes_that_make_the_document_valid(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = '[1, 2]\n{"a": 1 "b": 2}\n'
    uri = uri_for(tmp_path, "data.toyjson")
    open_document(client, uri, LANGUAGE.language_ids[0], text)
    diags = await wait_for_diagnostics(client, uri)
    assert [(d.range.start.line, d.range.start.character, d.message) for d in diags] == [
        (1, 8, "missing ',' or '}'")
    ]
    actions = await code_actions(client, uri, diags, only=[types.CodeActionKind.QuickFix])
    assert actions, "no quick fix offered"
    grammar = ToyJsonGrammar()
    for action in actions:
        fixed = apply_text_edits(text, edits_of_action(action, uri)[0])
        assert grammar.is_valid(fixed), (action.title, fixed)
    assert apply_text_edits(text, edits_of_action(actions[0], uri)[0]) == '[1, 2]\n{"a": 1, "b": 2}\n'
    # No model exists for the language: the server says so once and the grammar-guided edits serve.
    assert not [m for m in client.messages if m.type == types.MessageType.Error]


# ----- one folder ----------------------------------------------------------------------------------


def test_only_this_folder_names_the_language() -> None:
    """Its name, language ids, extensions and this folder's name appear in no other file of the repository."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    names = {LANGUAGE.name, *LANGUAGE.language_ids, *LANGUAGE.aliases, *LANGUAGE.extensions, HERE.name}
    needles = sorted(n.encode() for n in names)
    outside = []
    for name in filter(None, listed.split("\0")):
        path = REPO / name
        if HERE in path.parents or not path.is_file():
            continue
        data = path.read_bytes()
        outside += [f"{name}: {n.decode()}" for n in needles if n in data]
    assert not outside, "the toy language is named outside its folder:\n" + "\n".join(outside)

"""A real Neovim (Debian's 0.7.2 in CI) drives ``lastfix serve``: diagnostics, a quick fix, fix-all on save.

Headless Neovim opens a broken file, attaches the server with ``vim.lsp.start_client`` (tests/e2e/nvim/
lastfix.lua, the configuration the README gives for Neovim < 0.8), waits for diagnostics, requests code
actions with ``buf_request_sync``, applies the first and writes the file; a second file is saved through
the BufWritePre fix-all autocmd (Neovim < 0.9 sends no willSaveWaitUntil). The written files must be
valid and equal the fix any sensible repair finds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lastfix.grammars import get_grammar

from tests.server.lsp_support import REPO, SERVER_COMMAND

pytestmark = pytest.mark.slow

NVIM_DIR = Path(__file__).parent / "nvim"

# language -> (file name, broken text, the fix every sensible repair makes)
CASES = {
    "excel": ("book.xlf", "=SUM(A1:A3\n=A1+1\n", "=SUM(A1:A3)\n=A1+1\n"),
    "python": ("script.py", "def f(x)\n    return x\n", "def f(x):\n    return x\n"),
    "powershell": ("loop.ps1", "foreach ($i in $list {\n  $i\n}\n", "foreach ($i in $list) {\n  $i\n}\n"),
}
SAVE_CASE = ("saved.xlf", "=SUM(A1:A3\n=A1+1\n=MAX(B1:B2\n", "=SUM(A1:A3)\n=A1+1\n=MAX(B1:B2)\n")


def _nvim() -> str:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (Debian: apt-get install neovim; scripts/test.sh does it in CI)")
    return nvim


def _run(tmp_path: Path, file: Path, save_file: Path | None = None) -> dict:
    env = dict(
        os.environ,
        LASTFIX_CMD=json.dumps(SERVER_COMMAND),
        LASTFIX_CWD=str(REPO),
        LASTFIX_FILE=str(file),
        LASTFIX_RESULT=str(tmp_path / "result.json"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    if save_file is not None:
        env.update(LASTFIX_SAVE_FILE=str(save_file), LASTFIX_ON_SAVE="1")
    proc = subprocess.run(
        [_nvim(), "--headless", "--clean", "-u", "NONE", "-c", f"luafile {NVIM_DIR / 'repair_test.lua'}"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result_file = tmp_path / "result.json"
    assert result_file.exists(), f"Neovim wrote no result (exit {proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(result_file.read_text())
    assert result["ok"], f"Neovim test failed: {result.get('error')}\n{proc.stderr[-2000:]}"
    return result


@pytest.mark.parametrize("language", sorted(CASES))
def test_neovim_applies_a_quick_fix_and_writes_a_valid_file(tmp_path: Path, language: str):
    name, broken, expected = CASES[language]
    file = tmp_path / name
    file.write_text(broken)
    result = _run(tmp_path, file)
    assert result["source"] == "lastfix"
    assert all(t.startswith("lastfix: ") for t in result["titles"])
    written = file.read_text()
    assert get_grammar(language).is_valid(written), written
    assert written == expected


def test_neovim_fix_all_on_save_through_bufwritepre(tmp_path: Path):
    name, broken, _ = CASES["excel"]
    file = tmp_path / name
    file.write_text(broken)
    save_name, save_broken, save_expected = SAVE_CASE
    save_file = tmp_path / save_name
    save_file.write_text(save_broken)
    result = _run(tmp_path, file, save_file)
    assert result["steps"] == ["quickfix", "fix-on-save"]
    assert save_file.read_text() == save_expected

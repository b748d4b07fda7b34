"""``lastfix repair`` on a large file: error by error on small blocks, progress on stderr when asked."""

import json
import os
import subprocess
import sys
from pathlib import Path

from lastfix.grammars import get_grammar
from lastfix.grammars.base import SyntaxIssue

from lastfix.cli.repair_blocks import error_blocks

REPO = Path(__file__).resolve().parents[2]
FORMULAS = [f"=IF(A{i}>{i},SUM(B{i}:B{i + 9}),MAX(C{i},D{i}))" for i in range(1, 121)]  # 4.6 kB
BROKEN_AT = (9, 57, 110)  # lines whose last ')' is dropped


def lastfix(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "lastfix", "repair", *args], capture_output=True, env=env, timeout=300
    )


def broken_book(tmp_path, extra=None):
    lines = [f[:-1] if i in BROKEN_AT else f for i, f in enumerate(FORMULAS)]
    if extra is not None:
        lines[extra[0]] = extra[1]
    path = tmp_path / "book.xlf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_error_is_repaired_with_progress_on_stderr(tmp_path):
    book = broken_book(tmp_path)
    r = lastfix("--engine", "edits", "--progress", str(book))
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "\n".join(FORMULAS) + "\n"
    progress = r.stderr.decode().splitlines()
    assert progress[-1].startswith(
        f"lastfix repair: {book}: 3/3 errors (line {BROKEN_AT[-1] + 1}), 3 repaired, "
    )
    assert all(line.startswith(f"lastfix repair: {book}: ") for line in progress)


def test_no_progress_unless_asked_or_on_a_terminal(tmp_path):
    r = lastfix("--engine", "edits", str(broken_book(tmp_path)))
    assert r.returncode == 0 and r.stderr == b""


def test_json_has_every_error_and_the_edits_on_the_whole_file(tmp_path):
    r = lastfix("--engine", "edits", "--json", str(broken_book(tmp_path)))
    doc = json.loads(r.stdout)
    assert [e["start"]["line"] for e in doc["errors"]] == list(BROKEN_AT)
    best = doc["candidates"][0]
    assert [(e["start"]["line"], e["new_text"]) for e in best["edits"]] == [(i, ")") for i in BROKEN_AT]


def test_an_error_without_a_fix_leaves_the_file_and_names_its_line(tmp_path):
    book = broken_book(tmp_path, extra=(80, "=)))((("))
    before = book.read_bytes()
    r = lastfix("--engine", "edits", "--in-place", str(book))
    assert r.returncode == 1 and r.stdout == b""
    assert b"no valid fix found for 1 of 4 syntax error(s) (line 81); the file is unchanged" in r.stderr
    assert book.read_bytes() == before and not (tmp_path / "book.xlf.orig").exists()


def test_a_large_python_file_is_repaired_function_by_function(tmp_path):
    body = "".join(f"def f{i}(x):\n    y = x * {i}\n    return y + {i}\n\n\n" for i in range(80))
    broken = body.replace("def f3(x):", "def f3(x)").replace("return y + 70\n", "return (y + 70\n")
    path = tmp_path / "big.py"
    path.write_text(broken, encoding="utf-8")
    r = lastfix("--engine", "edits", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == body.replace("return y + 70\n", "return (y + 70)\n")


def test_blocks_take_a_chunk_of_context_on_each_side_and_merge_where_they_overlap():
    g = get_grammar("excel")
    text = "".join(f"=A{i}\n" for i in range(10))  # one chunk per line, 4 characters each
    starts = list(range(0, len(text), 4))
    at = [SyntaxIssue(s + 1, s + 2, "x") for s in (0, 12, 16, 36)]
    blocks = error_blocks(starts, len(text), at)
    assert [(b.start, b.end, len(b.issues)) for b in blocks] == [(0, 8, 1), (8, 24, 2), (32, 40, 1)]
    assert g.is_valid(text)

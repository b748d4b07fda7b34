"""``lastfix repair`` as a user runs it: a subprocess of the installed CLI, its exit codes and files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def lastfix(*args, stdin=None, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "lastfix", "repair", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_prints_the_repair_and_exits_0(tmp_path):
    f = write(tmp_path / "book.xlf", b"=SUM(A1:A3\r\n=MAX(B1:B9)\r\n")
    r = lastfix("--engine", "edits", str(f))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"=SUM(A1:A3)\r\n=MAX(B1:B9)\r\n"  # CRLF kept
    assert f.read_bytes() == b"=SUM(A1:A3\r\n=MAX(B1:B9)\r\n"  # no --in-place: untouched


def test_diff_and_json(tmp_path):
    f = write(tmp_path / "s.py", b"def f(x):\n\tif x\n\t\treturn 1\n")
    r = lastfix("--engine", "edits", "--diff", str(f))
    assert r.returncode == 0
    assert b"-\tif x\n+\tif x:\n" in r.stdout and r.stdout.startswith(b"--- a/")
    r = lastfix("--engine", "edits", "--json", "-k", "3", str(f))
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["language"] == "python" and doc["errors"]
    assert 1 <= len(doc["candidates"]) <= 3
    best = doc["candidates"][0]
    assert best["text"] == "def f(x):\n\tif x:\n\t\treturn 1\n" and best["source"] == "edits"
    assert best["edits"][0]["new_text"] == ":" and best["edits"][0]["start"] == {"line": 1, "col": 5}


def test_in_place_writes_only_a_valid_fix_and_keeps_a_backup(tmp_path):
    f = write(tmp_path / "a.xlf", b"\xef\xbb\xbf=IF(A1>1;2;3)\n")
    r = lastfix("--engine", "edits", "--in-place", str(f))
    assert r.returncode == 0, r.stderr
    assert f.read_bytes() == b"\xef\xbb\xbf=IF(A1>1,2,3)\n"  # the BOM stays
    assert (tmp_path / "a.xlf.orig").read_bytes() == b"\xef\xbb\xbf=IF(A1>1;2;3)\n"
    write(f, b"=SUM(B1\n")
    assert lastfix("--engine", "edits", "--in-place", str(f)).returncode == 0
    assert (tmp_path / "a.xlf.orig").read_bytes() == b"\xef\xbb\xbf=IF(A1>1;2;3)\n"  # never overwritten
    assert (tmp_path / "a.xlf.orig.1").read_bytes() == b"=SUM(B1\n"


def test_no_valid_fix_exits_1_and_leaves_the_file(tmp_path):
    f = write(tmp_path / "x.xlf", b"=)))(((\n")
    r = lastfix("--engine", "edits", "--in-place", str(f))
    assert r.returncode == 1 and b"no valid fix" in r.stderr
    assert f.read_bytes() == b"=)))(((\n" and not (tmp_path / "x.xlf.orig").exists()


def test_valid_input_and_stdin(tmp_path):
    r = lastfix("--lang", "excel", "--engine", "edits", "-", stdin=b"=SUM(A1)\n")
    assert r.returncode == 0 and r.stdout == b"=SUM(A1)\n" and b"no syntax errors" in r.stderr
    r = lastfix("--lang", "python", "--engine", "edits", "-", stdin=b"x = [1, 2\n")
    assert r.returncode == 0 and r.stdout == b"x = [1, 2]\n"


@pytest.mark.parametrize(
    "args,data,message",
    [
        (["--engine", "edits"], b"\xff\xfe=SUM(", b"not UTF-8"),
        (["--engine", "edits", "--in-place", "-"], b"=SUM(", b"needs a FILE"),
        (["--engine", "edits", "-"], b"=SUM(", b"pass --lang"),
    ],
)
def test_usage_and_input_errors_exit_2_without_traceback(tmp_path, args, data, message):
    f = write(tmp_path / "bad.xlf", data)
    r = lastfix(*[str(f) if a == "FILE" else a for a in args], *([] if "-" in args else [str(f)]), stdin=data)
    assert r.returncode == 2 and message in r.stderr and b"Traceback" not in r.stderr


def test_unknown_extension_and_missing_file_exit_2(tmp_path):
    f = write(tmp_path / "notes.txt", b"=SUM(")
    r = lastfix("--engine", "edits", str(f))
    assert r.returncode == 2 and b"--lang" in r.stderr
    r = lastfix("--engine", "edits", str(tmp_path / "nope.xlf"))
    assert r.returncode == 2 and b"no such file" in r.stderr


def test_missing_or_corrupt_model_exits_2_with_one_clear_message(tmp_path, shared):
    f = write(tmp_path / "a.xlf", b"=SUM(A1\n")
    r = lastfix("--model", str(tmp_path / "nowhere"), str(f))
    assert r.returncode == 2 and b"lastfix export" in r.stderr and b"Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

    from tests.model_training.tiny_model import tiny_excel_model

    broken = tmp_path / "model"
    shutil.copytree(tiny_excel_model(shared).model_dir, broken)
    (broken / "denoiser.onnx").write_bytes((broken / "denoiser.onnx").read_bytes()[:100])
    r = lastfix("--model", str(broken), str(f))
    assert r.returncode == 2 and b"corrupt" in r.stderr and b"Traceback" not in r.stderr


@pytest.mark.slow
def test_hybrid_with_a_real_tiny_model(tmp_path, shared):
    from tests.model_training.tiny_model import tiny_excel_model

    model = tiny_excel_model(shared).model_dir
    f = write(tmp_path / "a.xlf", b"=SUM(A1:A3\n")
    r = lastfix("--model", str(model), "--json", str(f))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["candidates"][0]["text"] == "=SUM(A1:A3)\n"
    assert {c["source"] for c in doc["candidates"]} <= {"edits", "diffusion", "both"}
    r = lastfix("--model", str(model), "--lang", "python", str(f))  # an Excel model for Python
    assert r.returncode == 2 and b"not python" in r.stderr

"""``lastfix check`` as a user runs it (a subprocess of the CLI): JSONL batches stream, one error per line."""

import json
import os
import subprocess
import sys
from pathlib import Path

from lastfix.grammars.source_files import MAX_FILE_BYTES

REPO = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(REPO))


def lastfix(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "lastfix", "check", *args],
        input=stdin,
        capture_output=True,
        env=ENV,
        timeout=120,
    )


def _python_record(k: int, broken: bool) -> bytes:
    """A ~100 kB Python document, broken at its end when asked."""
    body = "".join(f"value_{k}_{i} = compute({i}, key='k{i}') + offsets[{i}]\n" for i in range(1800))
    return json.dumps({"text": body + ("if x\n" if broken else "")}).encode() + b"\n"


def test_a_batch_over_the_file_limit_streams_every_record(tmp_path):
    records = [_python_record(k, broken=k % 20 == 7) for k in range(60)]
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(b"".join(records))
    assert batch.stat().st_size > MAX_FILE_BYTES
    r = lastfix("--jsonl", "--lang", "python", str(batch))
    assert r.returncode == 1, r.stderr  # errors found, and nothing refused
    results = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert len(results) == 60
    assert [k for k, res in enumerate(results) if not res["valid"]] == [7, 27, 47]
    assert all(res["errors"] and res["errors"][0]["line"] == 1801 for res in results if not res["valid"])


def test_results_come_out_while_the_input_is_still_open():
    """A program feeding records through a pipe reads each answer before it sends the next."""
    p = subprocess.Popen(
        [sys.executable, "-m", "lastfix", "check", "--jsonl", "--lang", "excel", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    try:
        assert p.stdin is not None and p.stdout is not None
        for text, valid in (("=SUM(A1:A3)", True), ("=SUM(A1:A3", False), ("=1+2", True)):
            p.stdin.write(json.dumps({"broken": text}).encode() + b"\n")
            p.stdin.flush()
            assert json.loads(p.stdout.readline())["valid"] is valid
        p.stdin.close()
        assert p.wait(timeout=60) == 1
    finally:
        p.kill()
        p.wait()


def test_a_record_over_the_limit_is_refused_alone(tmp_path):
    big = json.dumps({"text": "=" + "A" * (MAX_FILE_BYTES + 10)}).encode()
    batch = tmp_path / "b.jsonl"
    batch.write_bytes(b'{"text": "=1+"}\n' + big + b'\r\n{"text": "=1+2"}\n')
    r = lastfix("--jsonl", "--lang", "excel", str(batch))
    assert r.returncode == 2
    first, refused, last = (json.loads(line) for line in r.stdout.decode().splitlines())
    assert first["valid"] is False and last == {"valid": True, "errors": []}
    assert refused["valid"] is None and refused["errors"] == []
    assert f"{len(big):,} bytes is over the {MAX_FILE_BYTES:,}-byte limit" in refused["error"]
    assert f"{batch}:2: " in r.stderr.decode()


def test_a_message_quoting_a_line_break_prints_on_one_line(tmp_path):
    script = tmp_path / "s.ps1"
    script.write_bytes(b'$a = (1 "x\ny")\n')
    r = lastfix(str(script))
    assert r.returncode == 1
    out = r.stdout.decode()
    assert out == f"{script}:1:9: unexpected '\"x\\ny\"'\n"
    # the JSON result keeps the message as it is: JSON escapes it
    r = lastfix(
        "--jsonl", "--lang", "powershell", "-", stdin=json.dumps({"text": '$a = (1 "x\ny")'}).encode()
    )
    assert json.loads(r.stdout)["errors"][0]["message"] == "unexpected '\"x\ny\"'"


def test_python_version_makes_newer_syntax_an_error_and_older_targets_are_refused(tmp_path):
    """Issue 17, point 4: code for 3.12 is valid by default and under --python-version 3.12, an error
    under 3.11, whatever Python runs lastfix; the same flag for lastfix repair."""
    f = tmp_path / "generic.py"
    f.write_text("type Pair = tuple[int, int]\n\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\n")
    for flags in ([], ["--python-version", "3.12"]):
        r = lastfix(*flags, str(f))
        assert r.returncode == 0 and r.stdout == b"", r.stdout
    r = lastfix("--python-version", "3.11", str(f))
    assert r.returncode == 1
    assert r.stdout.decode().splitlines() == [
        f"{f}:1:1: type alias statements need Python 3.12 (the target version is 3.11)",
        f"{f}:3:10: type parameter lists need Python 3.12 (the target version is 3.11)",
    ]
    r = lastfix(
        "--python-version", "3.11", "--jsonl", "--lang", "python", "-", stdin=b'{"text": "type X = int\\n"}\n'
    )
    assert json.loads(r.stdout)["valid"] is False
    for unknown in ("2.7", "3.13"):  # 3.13: newer than the syntax lastfix knows, whatever Python runs it
        r = lastfix("--python-version", unknown, str(f))
        assert r.returncode == 2 and b"from 3.8 to 3.12" in r.stderr, r.stderr
    repair = subprocess.run(
        [sys.executable, "-m", "lastfix", "repair", "--engine", "edits", "--python-version", "3.12", str(f)],
        capture_output=True,
        env=ENV,
        timeout=120,
    )
    assert repair.returncode == 0 and b"no syntax errors" in repair.stderr

"""``lastfix repair`` never changes a file the language accepts (issue 17, point 1): exit 0, the file byte
for byte as it was, with and without ``--in-place``, for each language."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# valid files with the details a rewrite would disturb: CRLF, no final newline, a BOM, non-ASCII text
VALID = {
    "animals.ps1": (
        "\ufeff<#\r\n.EXAMPLE\r\nPS C:\\> Get-Thing\r\n#>\r\nclass Animal { [string]$Name }\r\n"
        "class Dog : Animal {\r\n    Dog([string]$name) : base() { $this.Name = $name }\r\n}\r\n"
        "[Flags()] enum Access { Read = 1; Write = 2 }\r\n"
        "$n = $dog.Name?.Length ?? 0\r\nif ($n) { 'yes' }\r\nelse { 'no' }\r\n"
        "[System.Environment]::GetFolderPath([System.Environment+SpecialFolder]::Windows)"
    ).encode("utf-8"),
    "tool.py": "def f(x):\n    return {'é': x, **{}}\n\n\nprint(f(1))".encode(),
    "book.xlf": b'=SUM(A1:A3)\r\n=IF(B1>0,"yes","no")\r\n',
}


def lastfix(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "lastfix", "repair", "--engine", "edits", *args],
        capture_output=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_file_is_printed_unchanged(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(VALID[name])
    result = lastfix(str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == VALID[name]
    # the text is printed as read: a UTF-8 byte-order mark is not text (source_files.read_source)
    assert result.stdout == VALID[name].removeprefix("\ufeff".encode())


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_file_is_left_byte_identical_in_place(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(VALID[name])
    result = lastfix("--in-place", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == VALID[name]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no backup: nothing was written

"""Valid Python is never flagged: 300 files of the running interpreter's standard library."""

import sysconfig
import warnings
from pathlib import Path

import pytest
from lastfix.grammars.registry import get_grammar

STDLIB = Path(sysconfig.get_paths()["stdlib"])
COUNT = 300


def _stdlib_files():
    if not STDLIB.is_dir():
        return []
    files = []
    for path in sorted(STDLIB.rglob("*.py")):
        if "site-packages" in path.parts or "badsyntax" in path.name or "bad_coding" in path.name:
            continue  # test fixtures that are broken on purpose
        try:
            text = path.read_text(encoding="utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(text, str(path), "exec", dont_inherit=True)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        files.append((path, text))
        if len(files) == COUNT:
            break
    return files


def test_300_standard_library_files_are_not_flagged():
    files = _stdlib_files()
    if len(files) < COUNT:
        pytest.skip(f"the standard library was not found at {STDLIB} ({len(files)} files)")
    grammar = get_grammar("python")
    flagged = [str(p) for p, text in files if grammar.errors(text)]
    assert flagged == []

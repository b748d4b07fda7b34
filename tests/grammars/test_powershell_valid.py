"""Precision on valid PowerShell (issue 17, point 1): hand-written snippets covering the language reference
report no error, and at most 0.5% of the PowerShell repository's own ``.ps1``/``.psm1`` files are flagged."""

import json
from pathlib import Path

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.source_files import shared_dir

G = get_grammar("powershell")
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "powershell_valid").glob("*.ps1"))
# PowerShell/PowerShell's own files: classes, DSC, Pester tests, the build module (corpora/README.md)
REPOSITORY = "PowerShell/PowerShell"
MAX_FLAGGED = 0.005


def test_the_regression_set_covers_the_language_reference():
    names = {p.stem for p in FIXTURES}
    assert {"classes", "enums", "powershell7", "strings", "dsc_and_workflow", "layout"} <= names


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_valid_snippets_have_no_errors(path):
    text = path.read_text(encoding="utf-8")
    assert G.errors(text) == []


def _repository_files() -> list[tuple[str, str]]:
    root = shared_dir()
    corpus = root / "corpora" / "powershell" / "documents.jsonl" if root is not None else None
    if corpus is None or not corpus.is_file():
        pytest.skip("shared/corpora/powershell is not available (set LASTFIX_SHARED)")
    files = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            source = record["source"]
            if source.startswith(REPOSITORY) and source.endswith((".ps1", ".psm1")):
                files.append((source, record["text"]))
    return files


def test_few_files_of_the_powershell_repository_are_flagged():
    files = _repository_files()
    assert len(files) > 400, "the corpus lost the PowerShell repository's files"
    flagged = [source for source, text in files if G.errors(text)]
    assert len(flagged) <= MAX_FLAGGED * len(files), flagged

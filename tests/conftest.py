"""Shared fixtures: where the read-only project data lives (../shared), skipped clearly when absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lastfix.grammars.source_files import shared_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared() -> Path:
    root = shared_dir()
    if root is None:
        pytest.skip("../shared (corpora, benchmarks) is not beside this checkout; set LASTFIX_SHARED")
    return root


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]

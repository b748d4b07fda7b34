"""PowerShell's one-slip rewrites: proposals, and the repair engine ranking them as one slip."""

import pytest

from grammars import get_grammar
from grammars.base import apply_edits
from model_runtime.repair import Repairer, RepairSettings


@pytest.fixture(scope="module")
def ps():
    return get_grammar("powershell")


def _proposed(grammar, text):
    tokens = grammar.tokenize(text)
    return [apply_edits(text, list(r.edits)) for r in grammar.rewrites(text, tokens, 0, len(tokens))]


def test_proposals(ps):
    assert "[System.Math]::Sqrt(9)" in _proposed(ps, "[System.Math]::Sqrt (9)")
    assert "$x.Trim()" in _proposed(ps, "$x.Trim ()")
    assert '& "C:\\ffmpeg.exe" -i a.mp3' in _proposed(ps, '"C:\\ffmpeg.exe" -i a.mp3')
    assert 'Get-Item x; & "a b.exe" /c' in _proposed(ps, 'Get-Item x; "a b.exe" /c')


def test_nothing_to_rewrite_in_ordinary_code(ps):
    assert _proposed(ps, 'Write-Host "a" (1)') == []  # a command's argument, not a method call
    assert _proposed(ps, '$a = "x"') == []  # a string inside a statement
    assert _proposed(ps, '"just a string"') == []  # a lone string is a valid expression statement


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("[System.Math]::Sqrt (9)", "[System.Math]::Sqrt(9)"),
        ('"C:\\path\\ffmpeg.exe" -i stuff.mp3 stuff.wav', '& "C:\\path\\ffmpeg.exe" -i stuff.mp3 stuff.wav'),
    ],
)
def test_the_edits_engine_ranks_a_rewrite_first(ps, broken, fixed):
    cands = Repairer(ps, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(broken)
    assert cands[0].text == fixed
    assert all(ps.is_valid(c.text) for c in cands)

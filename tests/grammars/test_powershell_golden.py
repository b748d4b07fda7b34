"""Golden error messages for PowerShell: regenerate with LASTFIX_UPDATE_GOLDEN=1 and review the diff."""

import json
import os
from pathlib import Path

import pytest
from lastfix.grammars import get_grammar

G = get_grammar("powershell")
GOLDEN = Path(__file__).parent / "golden" / "powershell_errors.json"

INPUTS = [
    "Get-ChildItem -Path C:\\ -Recurse | Where-Object { $_.Length -gt 1MB",
    "$x = [math]::Max(1, 2",
    "$a = @(1, 2, 3",
    "$h = @{ a = 1; b = 2",
    "Write-Host 'not closed",
    'Write-Host "not closed',
    '$s = @"\nno footer\n',
    "<# never closed",
    "$list.Add('a' 'b')",
    "if ($x -eq 1) { 'one' } else 'other'",
    "foreach ($i in 1..3) { $i }} ",
    "function Get-Thing { param($Name) $Name ",
    "Get-Item C:\\x | | Select-Object Name",
    "$x = ",
    "$x = 5 +",
    "try { 1 }",
    "[System.Math]::Sqrt (9)",
    "mysql -u root -p db < dump.sql",
    "echo hi > a.txt > b.txt",
    "from alpine:3",
    "foreach ($f in dir) { $f } | Out-File x.txt",
    "PS C:\\Users\\me> Get-Date",
    "Invoke-WebRequest -Uri https://host/api?a=1&b=2",
    "$x = (1 + ) * 2",
    'Write-Host (Get-Date -Format "yyyy")) done',
    "$obj.Method(1,)",
    "switch ($x) { 1 { 'a' } default { 'b' }",
    "Get-Process | Sort-Object CPU -Descending | Select -First 5\n$x = (1 + 2\n$y = 3",
]


def current():
    return [{"text": t, "errors": [[e.start, e.end, e.message] for e in G.errors(t)]} for t in INPUTS]


def test_golden_error_messages():
    if os.environ.get("LASTFIX_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(current(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing; run with LASTFIX_UPDATE_GOLDEN=1 to create it")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert current() == expected


def test_every_golden_input_is_invalid_with_a_readable_message():
    for case in current():
        assert case["errors"], case["text"]
        for _, _, message in case["errors"]:
            assert message.startswith(("missing", "unexpected", "unclosed", "'", "a ", "the ", "console"))

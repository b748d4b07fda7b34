"""PowerShell rewrites for habits of other shells and languages (grammars/powershell/habits.py)."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits


@pytest.fixture(scope="module")
def ps():
    return get_grammar("powershell")


def _proposed(grammar, text, rule):
    tokens = grammar.tokenize(text)
    rewrites = grammar.rewrites(text, tokens, 0, len(tokens))
    return [apply_edits(text, list(r.edits)) for r in rewrites if r.rule == f"powershell.{rule}"]


def test_a_program_in_a_variable_runs_behind_the_call_operator(ps):
    assert _proposed(ps, "$exe /Action:Publish /q", "call-operator-variable") == ["& $exe /Action:Publish /q"]
    assert _proposed(ps, "gci\n$using:Tool -i a.mp3", "call-operator-variable") == [
        "gci\n& $using:Tool -i a.mp3"
    ]
    # arithmetic, comparisons and assignments are expressions, not commands
    for text in ("$a / 2", "$a -eq 1", "$a = 1", "$a /$b", "Get-Item $x -Force"):
        assert _proposed(ps, text, "call-operator-variable") == [], text


def test_an_operator_word_gets_its_dash(ps):
    assert _proposed(ps, "for($i=1; $i le 2; $i++) {}", "dashless-operator") == [
        "for($i=1; $i -le 2; $i++) {}"
    ]
    assert _proposed(ps, "if ($a and $b) { 1 }", "dashless-operator") == ["if ($a -and $b) { 1 }"]
    assert _proposed(ps, 'if ("x" like "x*") {}', "dashless-operator") == ['if ("x" -like "x*") {}']
    # a word between command arguments is an argument
    assert _proposed(ps, "Write-Host a or b", "dashless-operator") == []
    assert _proposed(ps, "$f f", "dashless-operator") == []


def test_expression_stages_of_a_pipeline_become_commands_at_once(ps):
    text = "gc a | (foreach-object {$_}) | (set-content b)"
    assert _proposed(ps, text, "pipeline-stage-command") == ["gc a | foreach-object {$_} | set-content b"]
    assert _proposed(ps, "gc a | { $_.Name }", "pipeline-stage-command") == [
        "gc a | ForEach-Object { $_.Name }"
    ]
    # a block after a command, or an expression as the first stage, is fine
    assert _proposed(ps, "gc a | % { $_ } | (1)", "pipeline-stage-command") == []


def test_a_json_object_becomes_a_hashtable(ps):
    text = '$x = @{ "a": { "b": [1, {"c": true}] }, d: null }'
    fixed = '$x = @{ "a" = @{ "b" = @(1, @{"c" = $true}) }; d = $null }'
    assert _proposed(ps, text, "json-hashtable") == [fixed]
    assert ps.is_valid(fixed) and not ps.is_valid(text)
    assert _proposed(ps, "$h = @{ a = 1; b = @(1, 2) }", "json-hashtable") == []


def test_bare_literals_become_automatic_variables(ps):
    assert _proposed(ps, "if ($a -eq null) {}", "bare-literal") == ["if ($a -eq $null) {}"]
    assert _proposed(ps, "$x = 1, None", "bare-literal") == ["$x = 1, $null"]
    assert _proposed(ps, "Write-Host true", "bare-literal") == []  # a command argument: the text 'true'


def test_every_proposal_is_valid_powershell(ps):
    cases = {
        "call-operator-variable": "$exe -i a.mp3",
        "dashless-operator": "while ($n gt 0) { $n-- }",
        "pipeline-stage-command": "gci | { $_.Length }",
        "json-hashtable": 'Invoke-RestMethod -Body @{ "a": 1, "b": [2, 3] }',
        "bare-literal": "if ($ok -ne false) { 1 }",
    }
    for rule, text in cases.items():
        assert not ps.is_valid(text), text
        proposed = _proposed(ps, text, rule)
        assert proposed and all(ps.is_valid(p) for p in proposed), (rule, proposed)

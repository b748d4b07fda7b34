"""PowerShell's one-slip rewrites: proposals, and the repair engine ranking them as one slip."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.model_runtime.repair import Repairer, RepairSettings


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
    assert 'echo a | & "C:\\clip.exe"' in _proposed(ps, 'echo a | "C:\\clip.exe"')


def test_json_argument_goes_in_single_quotes(ps):
    assert 'Add-Entity -Json \'{"TO":["a@x.com"],"CC":[]}\' -Force' in _proposed(
        ps, 'Add-Entity -Json {"TO":["a@x.com"],"CC":[]} -Force'
    )
    assert "Invoke-RestMethod -Body '[{\"a\": 1}]'" in _proposed(ps, 'Invoke-RestMethod -Body [{"a": 1}]')
    # a script block or hashtable is PowerShell, and JSON holding a quote would no longer be the user's text
    assert _proposed(ps, "Get-Item x -Filter {$_.a -eq 1}") == []
    assert not any("'{" in t for t in _proposed(ps, 'Set-X -Body {"it\'s": 1}'))


def test_a_pasted_cmd_line_is_handed_to_cmd(ps):
    redirected = _proposed(ps, "mysql -u root db < dump.sql")
    assert 'cmd /c "mysql -u root db < dump.sql"' in redirected
    assert "Get-Content dump.sql | mysql -u root db" in redirected
    assert 'cmd /c "sc.exe sdset bits D:(A;;CC;;;SY)"' in _proposed(ps, "sc.exe sdset bits D:(A;;CC;;;SY)")
    # PowerShell's own code (variables, pipes, quotes) stays PowerShell
    assert _proposed(ps, "Get-Content $f < x") == []
    assert _proposed(ps, "Write-Host (1; 2)") == []  # a cmdlet, not an external program


def test_a_command_line_after_an_assignment_is_run_or_quoted(ps):
    text = '$s = "C:\\app.exe" /install CID="x"'
    proposed = _proposed(ps, text)
    assert '$s = & "C:\\app.exe" /install CID="x"' in proposed
    assert '$s = "`"C:\\app.exe`" /install CID=`"x`""' in proposed
    assert _proposed(ps, '$s = "a" | Out-File x') == []  # a pipeline: code, not one command line


def test_a_parenthesis_closed_before_the_parameters_moves_after_them(ps):
    assert "$d = (gwmi Win32_ComputerSystem -ComputerName $pc).Domain" in _proposed(
        ps, "$d = (gwmi Win32_ComputerSystem).Domain -ComputerName $pc"
    )
    assert "(gwmi W -ComputerName $pc -Credential $c).A.B | Out-Null" in _proposed(
        ps, "(gwmi W).A.B -ComputerName $pc -Credential $c | Out-Null"
    )


def test_an_expression_piped_into_becomes_a_subexpression_or_a_script_block(ps):
    proposed = _proposed(ps, "$x = Get-Item a | Sort | $_.Name; b")
    assert "$x = $(Get-Item a | Sort).Name; b" in proposed
    assert "$x = Get-Item a | Sort | ForEach-Object { $_.Name }; b" in proposed


def test_a_piped_loop_is_wrapped_in_a_subexpression(ps):
    assert "$(foreach ($i in gci){$i.Length}) | measure -max" in _proposed(
        ps, "foreach ($i in gci){$i.Length} | measure -max"
    )
    assert _proposed(ps, "Get-Item x | % { $_ } | measure") == []  # a script block argument, not a loop


def test_a_script_block_closed_but_never_opened_opens_where_the_arguments_start(ps):
    assert "$c = (gci -recurse | Where-Object {$_.PSIsContainer -eq $True} | sort)" in _proposed(
        ps, "$c = (gci -recurse | Where-Object $_.PSIsContainer -eq $True} | sort)"
    )
    assert "gci | % { $_.Name }" in _proposed(ps, "gci | % $_.Name }")  # spaced like its end
    assert _proposed(ps, "gci | sort $_.Name }") == []  # Sort-Object's first parameter is a property
    assert _proposed(ps, "if ($a) { gci | % { $_ } }") == []  # every '}' has its '{'


def test_a_bare_url_with_an_ampersand_goes_in_quotes(ps):
    assert '$r = iwr -Uri "https://h/a?x=1&y=2" -UseBasicParsing' in _proposed(
        ps, "$r = iwr -Uri https://h/a?x=1&y=2 -UseBasicParsing"
    )
    assert "curl 'http://h/?q=\"a\"&b=1'" in _proposed(ps, 'curl http://h/?q="a"&b=1')
    assert _proposed(ps, "Start-Job { a } & b") == []  # '&' after a blank: not inside a word


def test_quotes_inside_a_string_get_backticks(ps):
    assert '$s = "He said `"hi`" there"' in _proposed(ps, '$s = "He said "hi" there"')
    assert 'if ($a -eq "x `"y`" z") { 1 }' in _proposed(ps, 'if ($a -eq "x "y" z") { 1 }')
    assert '% { " `"$_ `" OR " }' in _proposed(ps, '% { " "$_ " OR " }')
    assert _proposed(ps, 'Write-Host "He said "hi" there"') == []  # a command argument: valid as is
    # two strings side by side miss a comma, not an escape
    assert not any("`" in t for t in _proposed(ps, '$f.Invoke("a" "b")'))


def test_c_family_operators_become_powershell_operators(ps):
    assert "if ($count -eq 3) { 1 }" in _proposed(ps, "if ($count == 3) { 1 }")
    # one habit: every C-family operator of the condition at once, spaced as PowerShell needs
    assert "if ($a -ne 3 -and $b -eq 2) { 1 }" in _proposed(ps, "if ($a != 3 && $b == 2) { 1 }")
    assert "$ok = $a -eq $b" in _proposed(ps, "$ok = $a==$b")
    assert _proposed(ps, "if ($a -eq 3 && $b) { 1 }") == []  # '&&' alone chains pipelines (PowerShell 7)


def test_an_unclosed_string_is_closed_at_its_line_end(ps):
    assert '$name = "Administrator"\n' in _proposed(ps, '$name = "Administrator\n')
    assert "$n = 'a'\n$m = 'b'" in _proposed(ps, "$n = 'a'\n$m = 'b")
    assert _proposed(ps, '$s = "a\nb"') == []  # a string over two lines, closed


def test_nothing_to_rewrite_in_ordinary_code(ps):
    assert _proposed(ps, 'Write-Host "a" (1)') == []  # a command's argument, not a method call
    assert _proposed(ps, '$a = "x"') == []  # a string inside a statement
    assert _proposed(ps, '"just a string"') == []  # a lone string is a valid expression statement


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("[System.Math]::Sqrt (9)", "[System.Math]::Sqrt(9)"),
        ('"C:\\path\\ffmpeg.exe" -i stuff.mp3 stuff.wav', '& "C:\\path\\ffmpeg.exe" -i stuff.mp3 stuff.wav'),
        (
            'Add-Entity -RowKey "XYZ" -Json {"TO":["a@x.com"],"BCC":[]}',
            'Add-Entity -RowKey "XYZ" -Json \'{"TO":["a@x.com"],"BCC":[]}\'',
        ),
        (
            "sc.exe sdset bits D:(A;;CC;;;SY)(A;;CC;;;BA)",
            'cmd /c "sc.exe sdset bits D:(A;;CC;;;SY)(A;;CC;;;BA)"',
        ),
        ("mysql -u root db < dump.sql", "Get-Content dump.sql | mysql -u root db"),  # not: '<' deleted
        ("gci | Where-Object $_.Length -gt 0} | sort", "gci | Where-Object {$_.Length -gt 0} | sort"),
        ("curl http://h/?a=1&b=2", 'curl "http://h/?a=1&b=2"'),
        ('$s = "He said "hi" there"', '$s = "He said `"hi`" there"'),
        (
            "$d= (gwmi Win32_ComputerSystem).Domain -ComputerName $pc",
            "$d= (gwmi Win32_ComputerSystem -ComputerName $pc).Domain",
        ),
        ('if ($count == 3) { "yes" }', 'if ($count -eq 3) { "yes" }'),  # not '$count = 3': an assignment
        ("while ($i != 3 && $j == 2) { $i++ }", "while ($i -ne 3 -and $j -eq 2) { $i++ }"),
        ('$name = "Administrator\n', '$name = "Administrator"\n'),  # not a literal quote inside
    ],
)
def test_the_edits_engine_ranks_a_rewrite_first(ps, broken, fixed):
    cands = Repairer(ps, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(broken)
    assert cands[0].text == fixed
    assert all(ps.is_valid(c.text) for c in cands)


def test_a_type_literal_costs_its_pieces(ps):
    """The lexer reads ``[System.TimeZoneInfo]`` as one token and ``[System.TimeZoneInfo}`` as five: the
    cost of the repair counts the one substituted bracket, so it ranks first."""
    broken = "$t = Get-Date\n[System.TimeZoneInfo}::ConvertTime($t, 'GMT Standard Time')"
    cands = Repairer(ps, None, RepairSettings(engine="edits", time_budget_ms=5000)).repair(broken)
    assert cands[0].text == broken.replace("}", "]")
    assert cands[0].cost < 2
    pieces = ps.cost_tokens(ps.tokenize("[System.IO.Path]::Combine($a)"))
    assert [t.text for t in pieces[:7]] == ["[", "System", ".", "IO", ".", "Path", "]"]
    assert pieces[6].start == 15 and pieces[6].end == 16

"""Each tolerance: valid PowerShell that bare tree-sitter-powershell rejects is accepted, the rule that
did it is named, and a broken neighbour of the same construct is still flagged."""

import pytest
import tree_sitter
import tree_sitter_powershell
from lastfix.grammars import get_grammar
from lastfix.grammars.powershell.tolerances import TOLERANCES

G = get_grammar("powershell")
_TS = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def bare_tree_sitter_accepts(text):
    return not _TS.parse(text.encode()).root_node.has_error


# (rule, valid PowerShell that tree-sitter-powershell 0.26.4 rejects, a broken variant that stays flagged)
CASES = [
    ("comments_are_blank", "# Requires -Version 6.0", "# note\nWrite-Host 'x"),
    (
        "escaped_blank_is_blank",
        "Get-ChildItem | ` Select-Object Name",
        "Get-ChildItem | ` Select-Object (Name",
    ),
    ("bare_word_arguments", "Format-Table Name, ManagedBy -AutoSize", "Format-Table Name, -AutoSize ("),
    (
        "bare_word_arguments",
        "wevtutil sl security /ca:'O:BAG:SYD:(A;;0x7;;;BA)'",
        "wevtutil sl security /ca:'O:BAG:SYD:(A;;0x7;;;BA)",
    ),
    (
        "bare_word_arguments",
        "mysql -u user --password=pass -pw=secret db",
        'mysql -u user --password="pass db',
    ),
    ("bare_word_arguments", "hg log -r ${From}`:${To}", "hg log -r ${From}`:${To} | |"),
    ("bare_word_arguments", "New-Item -Path $env:TEMP\\foo.txt", "New-Item -Path $env:TEMP\\foo.txt)"),
    ("bare_word_arguments", ":outer while ($true) { break outer }", ":outer while ($true) { break outer"),
    ("command_and_parameter_names", "./Get-Report.ps1 -Since 2021", "./Get-Report.ps1 -Since (2021"),
    (
        "command_and_parameter_names",
        "ConvertFrom-Markdown -AsVT100EncodedString",
        "ConvertFrom-Markdown -AsVT100EncodedString }",
    ),
    ("empty_here_string", '$text = @"\n"@', '$text = @"\n'),
    ("keyword_member_names", "$list.ForEach({ $_ * 2 })", "$list.ForEach({ $_ * 2 )"),
    (
        "dotted_base_types",
        "class C : System.Collections.CollectionBase { }",
        "class C : System.Collections.CollectionBase {",
    ),
    (
        "typographic_quotes_and_dashes",
        "if ($a \u2013eq 1) { \u2018one\u2019 }",
        "if ($a \u2013eq 1) { \u2018one }",
    ),
    ("number_suffixes", "$size / 1MB", "$size / 1MB +"),
    ("number_suffixes", "$x / 10L", "$x / (10L"),
    ("number_suffixes", "0x0F0F -band 0xFEL", "0x0F0F -band 0xFEL -band"),
    (
        "expandable_arguments",
        "Test-Path \\\\$($Using:Server.Name)\\C$",
        "Test-Path \\\\$($Using:Server.Name +)\\C$",
    ),
    ("empty_script_block", "Start-Job -ScriptBlock {}", "Start-Job -ScriptBlock {"),
    ("empty_script_block", "$handler = { }", "$handler = { ("),
    (
        "param_block_terminator",
        "[CmdletBinding()]\nparam([string]$Name)",
        "[CmdletBinding()]\nparam([string]$Name",
    ),
    ("param_block_terminator", "function f { param($x) $x }", "function f { param($x $x }"),
    ("keyword_member_names", "(0..2).ForEach('ToString')", "(0..2).ForEach('ToString'"),
    (
        "switch_clauses_on_one_line",
        "switch ($x) { 1 { 'a' } default { 'b' } }",
        "switch ($x) { 1 { 'a' } default { 'b' }",
    ),
    ("powershell7_operators", "$a ??= $b ?? 'default'", "$a ??= $b ?? "),
    (
        "powershell7_operators",
        "$kind = $n -gt 0 ? 'positive' : 'other'",
        "$kind = $n -gt 0 ? 'positive : 'other'",
    ),
    ("powershell7_operators", "${file}?.Dispose()", "${file}?.Dispose("),
    (
        "method_chain_arguments",
        "Expand-Archive -Path $p -DestinationPath \"$p\".Split('.')[0]",
        "Expand-Archive -Path $p -DestinationPath \"$p\".Split('.'[0]",
    ),
    ("method_chain_arguments", "Write-Output($x).Length", "Write-Output($x).Length)"),
    (
        "nested_type_names",
        "[Environment]::GetFolderPath([System.Environment+SpecialFolder]::Windows)",
        "[Environment]::GetFolderPath([System.Environment+SpecialFolder]::Windows",
    ),
    ("nested_type_names", "$x = [list[[int]]]::new()", "$x = [list[[int]]]::new("),
    ("null_conditional_members", "$n.FirstChild?.ToString() ?? ''", "$n.FirstChild?.ToString( ?? ''"),
    ("null_conditional_members", "($ps)?.Dispose()", "($ps)?.Dispose("),
    ("attributes_on_statements", "[Flags()] enum E { A = 1 }", "[Flags()] enum E { A = 1"),
    (
        "attributes_on_statements",
        "[ValidateSet('a','b')][string]$t = 'b'",
        "[ValidateSet('a','b')][string]$t = 'b",
    ),
    (
        "attributes_on_statements",
        "class C { static [ValidateRange(1, 10)][int]$f }",
        "class C { static [ValidateRange(1, 10)][int]$f",
    ),
    (
        "constructor_base_call",
        "class Dog : Animal { Dog([string]$name) : base($name) {} }",
        "class Dog : Animal { Dog([string]$name) : base($name {} }",
    ),
    ("enum_bases_and_values", "enum E : long { A = -1 }", "enum E : long { A = -1"),
    ("enum_bases_and_values", "enum E { A = [int]::MaxValue }", "enum E { A = [int]::MaxValue("),
    ("clean_blocks", "function f { process { 1 } clean { 2 } }", "function f { process { 1 } clean { 2 }"),
    ("background_operator", "$j = Write-Output Hi &", "$j = Write-Output (Hi &"),
    (
        "else_on_next_line",
        "@{ a = if ($x) { 1 }\n else { 2 } }",
        "@{ a = if ($x) { 1 }\n else { 2 }",
    ),
    ("parameter_as_command", "Get-Thing -Name a\n-Guid $g", "Get-Thing -Name a\n-Guid $g)"),
    ("generic_method_calls", "$obj.GenericMethod[int]()", "$obj.GenericMethod[int]("),
    ("literal_hash_in_strings", 'Write-Host "PR: $Repo#$PR"', 'Write-Host "PR: $Repo#$PR'),
    (
        "generic_base_types",
        "class MyList : System.Collections.Generic.List[int] {}",
        "class MyList : System.Collections.Generic.List[int] {",
    ),
    ("member_on_next_line", "$x = (1).\n    ForEach{ $_ }", "$x = (1).\n    ForEach{ $_ "),
    ("script_block_method_arguments", "$x.Where{ $_ -gt 1 }", "$x.Where{ $_ -gt 1 "),
    # from the MicrosoftDocs code blocks flagged before (issue 17 point 1): the docs' own examples
    (
        "comma_continues_arguments",
        "Select-Object Name,\n    Id -First 3",
        "Select-Object Name,\n\n| Sort-Object",
    ),
    (
        "comma_continues_arguments",
        "Format-Table Name, # the key\n    @{ n = 'a'; e = { 1 } } -AutoSize",
        "Format-Table Name, # the key\n",
    ),
    (
        "for_header_line_breaks",
        "for (\n    $i = 0 # first\n    $i -lt 10\n    $i++\n) { $i }",
        "for (\n    $i = 0 # first\n    $i -lt 10\n    $i++\n    $j++\n) { $i }",
    ),
    ("binary_literals", "[int] '0b1111' -eq 0b1111", "[int] '0b1111' -eq 0b1021"),
    ("binary_literals", "$a = 0b1101L, -0b11, 0b1kb", "$a = 0b1101L, -0b11,"),
    ("variable_name_characters", "$végösszeg = 1\n$итог", "$végösszeg = "),
    ("variable_name_characters", "${this`{value`}is} = 'x'", "${this`{value`}is} = 'x"),
    (
        "parameter_as_command",
        "@{\n    Once = -Once\n    At = '1:00'\n}",
        "@{\n    Once = -Once\n    At = '1:00'\n",
    ),
    (
        "number_suffixes_in_strings",
        'Write-Log "$($_.Name) ($([math]::Round($_.Length/1KB, 2)) KB)"',
        'Write-Log "$($_.Name) ($([math]::Round($_.Length/1KB, 2) KB)"',
    ),
]


@pytest.mark.parametrize(("rule", "valid", "broken"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_tolerance_accepts_valid_and_keeps_broken_flagged(rule, valid, broken):
    assert not bare_tree_sitter_accepts(valid), "tree-sitter learned this construct: drop the tolerance"
    parsed = G.parse(valid)
    assert G.issues(parsed) == [], G.issues(parsed)
    assert rule in parsed.masked.rules
    assert G.errors(broken), f"{broken!r} must stay invalid"


def test_for_header_line_breaks_need_the_parts_powershell_reads():
    # a ';' in the header: tree-sitter judges it as written (both forms are fine to it and to PowerShell)
    assert G.is_valid("for ($i = 0;\n     $i -lt 3;\n     $i++) { $i }")
    # a continued condition is one part, not two
    assert G.is_valid("for (\n    $i = 0\n    $i -lt\n        10\n    $i++\n) { $i }")
    assert not G.is_valid("for (\n    $i = 0\n    $i -lt 10\n    $i++\n { $i }")


def test_a_background_ampersand_between_two_commands_stays_flagged():
    # PowerShell 7 reads it as a background job and a second statement, 5.1 rejects it; a dev record's slip
    assert not G.is_valid('cmd.exe /C a.exe /R /D Y & icacls.exe "C:\\x" /T')


def test_every_rule_has_a_case():
    assert {r.work.__name__ for r in TOLERANCES} == {c[0] for c in CASES}


def test_masking_preserves_offsets_outside_the_appended_tail():
    text = "Get-Thing a,b # note 😀\n$x / 1MB\nparam($y)"
    masked = G.parse(text).masked.text
    assert len(masked) in (len(text), len(text) + 1)
    assert masked[: len(text)].count("\n") == text.count("\n")
    assert masked.index("$x") == text.index("$x")


# PowerShell 5.1: "The ampersand (&) character is not allowed"; the common StackOverflow mistake. No
# tolerance lets an unquoted '&' through; quoted, the same URL is fine.
AMPERSAND_URLS = {
    "unquoted": ("Invoke-WebRequest -Uri https://host/api?a=1&b=2", False),
    "quoted": ('Invoke-WebRequest -Uri "https://host/api?a=1&b=2"', True),
}


@pytest.mark.parametrize(("text", "valid"), AMPERSAND_URLS.values(), ids=AMPERSAND_URLS.keys())
def test_ampersand_in_an_unquoted_url_stays_an_error(text, valid):
    assert G.is_valid(text) is valid

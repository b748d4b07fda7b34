"""PowerShell errors and the validity oracle on real inputs: real tree-sitter-powershell, real positions."""

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import line_col

G = get_grammar("powershell")


def messages(text):
    return [e.message for e in G.errors(text)]


def test_registry_metadata():
    assert G.name == "powershell"
    assert G.language_ids == ("powershell",)
    assert G.extensions == (".ps1", ".psm1", ".psd1")
    assert G.canvas == 64 and G.case_sensitive is False


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\r\n", "# only a comment", "<# block\n comment #>", "#Requires -Version 7"]
)
def test_empty_and_comment_only_documents_are_valid(text):
    assert G.errors(text) == []
    assert G.is_valid(text)


def test_missing_closing_brace_is_a_missing_node_with_a_message():
    text = "foreach ($f in $files) {\n    Write-Host $f\n"
    errs = G.errors(text)
    assert errs and "missing '}'" in [e.message for e in errs]
    assert not G.is_valid(text)


def test_missing_closing_paren():
    errs = G.errors("$x = [math]::Max(1, 2")
    assert [e.message for e in errs] == ["missing ')'"]


def test_unclosed_strings_are_reported_at_the_quote():
    text = "Write-Host 'it is late\n$x = 1"
    errs = G.errors(text)
    assert errs[0].message == "unclosed string" and errs[0].start == text.index("'")
    text = 'Write-Host "a `" b'  # the escaped quote does not close the string
    assert "unclosed string" in messages(text)


def test_unexpected_token_names_the_source_text_not_the_masked_one():
    text = '$funcToCall.Invoke("blah" "poo")'
    errs = G.errors(text)
    assert errs and errs[0].message.startswith("unexpected")
    assert text[errs[0].start : errs[0].end] in errs[0].message


def test_errors_are_in_document_order():
    text = 'if ($a { 1 }\nGet-Item "x\n'
    errs = G.errors(text)
    assert errs == sorted(errs, key=lambda e: (e.start, e.end))


def test_emoji_and_crlf_positions_are_code_points():
    text = "Write-Host '😀😀'\r\n$x = (1 + \r\nWrite-Host 'ok'"
    errs = G.errors(text)
    assert errs, "the unclosed '(' must be reported"
    for e in errs:
        assert 0 <= e.start <= e.end <= len(text)
    paren = text.index("(")
    assert any(e.start == paren and e.message == "missing ')'" for e in errs)
    assert line_col(text, paren) == (1, 5)
    # the same error after an emoji sits at the same code-point column as after ASCII
    ascii_text = text.replace("😀", "x")
    assert [(e.start, e.message) for e in G.errors(ascii_text)] == [(e.start, e.message) for e in errs]


def test_here_strings():
    ok = "$s = @\"\nHello $name, \"quoted\" and 'single'\n\"@\n$t = @'\nraw $not\n'@"
    assert G.is_valid(ok)
    assert G.is_valid('$empty = @"\n"@')
    assert "unclosed here-string" in messages('$s = @"\nnever closed\n')
    assert G.errors('$s = @" text on the header line\n"@')  # PowerShell: nothing may follow @"
    assert not G.is_valid('$s = @"\nfooter not at line start\n  "@')


def test_subexpressions_inside_strings_are_checked_for_their_quotes():
    assert G.is_valid('"Today: $(Get-Date -Format "yyyy-MM-dd") ok"')
    assert not G.is_valid('"Today: $(Get-Date -Format "yyyy-MM-dd) ok"')


def test_strict_checks_mirror_powershell_parser_errors():
    assert messages("mysql -u root < dump.sql") == [
        "'<' is reserved in PowerShell: use Get-Content file | command"
    ]
    assert "the output stream of this command is already redirected" in messages("echo a > f.txt >> g.txt")
    assert G.is_valid("echo a > f.txt 2>&1")  # stdout and stderr: two streams, fine
    assert messages("[System.Math]::Sqrt (9)") == ["unexpected space before '(' of a method call"]
    assert G.is_valid("Write-Host $x.Name (1)")  # argument mode: two arguments
    assert messages("FROM mcr.microsoft.com/dotnet/aspnet:3.1") == [
        "'from' is a reserved word, not a command"
    ]
    assert messages("foreach ($i in gci) { $i.Length } | measure") == [
        "a statement cannot be piped: wrap it in $( )"
    ]
    assert G.is_valid("$(foreach ($i in gci) { $i.Length }) | measure")


def test_no_statement_starts_with_an_assignment_or_a_colon():
    # tree-sitter reads these as a command named '=' or ':' with the rest of the line as its arguments
    assert messages("$a = 1; = 2") == ["unexpected '=' where a statement starts"]
    assert messages("$start =: [DateTime]::Now") == ["unexpected ':' where a statement starts"]
    assert messages("echo a |:: b") == ["unexpected '::' where a statement starts"]
    assert messages('$a = >> "x"') == ["unexpected '>>' where a statement starts"]
    assert G.is_valid("echo a 2>&1 > f.txt")  # redirections after a command
    assert messages("foreach ($i in gci) { $i }; | measure") == ["unexpected '|' where a statement starts"]
    assert G.is_valid("Get-Item x\n| Select-Object Name")  # a leading '|' continues the line above (7.4)
    assert G.is_valid("$a = :outer foreach ($x in $y) { 1 }")  # a loop label
    assert G.is_valid("$b = $a ? 1 : 2")  # the ternary's colon


def test_an_expression_cannot_follow_a_pipe():
    message = "an expression cannot follow '|': use ForEach-Object { } or &"
    assert message in messages("New-Object X('a') | $_.Translate([T]).Value")
    assert message in messages('echo a | "C:\\clip.exe"')
    assert G.is_valid("$a | Sort-Object") and G.is_valid('echo a | & "C:\\clip.exe"')


def test_two_assignments_joined_by_a_comma_assign_to_a_list():
    assert messages("$z = 1, $End = 20") == ["cannot assign to a list with '='"]
    assert G.is_valid("$a, $b = 1, 2") and G.is_valid("$a = $b = 1")
    assert G.is_valid("$h = @{a = 1, 2}; $k = @{b = 3}")
    # parameter lists and attribute arguments are lists of assignments
    assert G.is_valid("function f { param([int]$a = 1, $b = 2) }")
    assert G.is_valid("function f { param([Parameter(Mandatory=$true, Position=0)] $a) }")


def test_console_prompts_and_output_are_not_code():
    assert "console prompt 'PS ...>' is not PowerShell code" in messages("PS C:\\> Get-Date")
    assert not G.is_valid("PS> $x = 1")
    assert not G.is_valid("Name    Value\n----    -----\nfoo     bar")
    assert not G.is_valid("Get-Thing [-Name] <String> [-Force] [<CommonParameters>]")


def test_incremental_parse_matches_a_fresh_parse():
    before = "function f {\n  param($x)\n  $x + 1\n}\nf 2\n"
    after = before.replace("$x + 1", "$x + (1")
    old = G.parse(before)
    new = G.parse(after, old)
    assert G.issues(new) == G.errors(after)
    assert G.issues(new) and G.issues(G.parse(before, new)) == []


def test_never_raises_on_hostile_text():
    for text in [
        "\x00\x01",
        "$",
        "@",
        "`",
        "<#",
        "@'",
        "${",
        "[",
        "-",
        "\ud800",
        "'" * 1001,
        "(" * 5000,
        "{" * 3000 + "}" * 2999,
        "$(" * 300,
        '"$(' * 200,
    ]:
        errs = G.errors(text)
        assert all(0 <= e.start <= e.end <= len(text) for e in errs)

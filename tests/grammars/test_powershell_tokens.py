"""PowerShell tokens, layout, statements and edits on real snippets; never-raise and round-trip properties."""

from hypothesis import given, settings
from hypothesis import strategies as st
from lastfix.grammars import Vocabulary, get_grammar
from lastfix.grammars.base import TokenClass, apply_edits

G = get_grammar("powershell")

SCRIPT = """# list big logs
$files = Get-ChildItem -Path C:\\Logs -Filter *.log -Recurse |
    Where-Object { $_.Length -GT 1MB }

foreach ($f in $files) {
    Write-Host "Big: $($f.Name)" -ForegroundColor Red
}
if ($null -eq $x) { 'none' }
else { [System.IO.Path]::Combine($env:TEMP, 'x') }\r\nexit 1"""


def kinds(text):
    return [t.kind for t in G.tokenize(text)]


def test_closed_symbols_and_placeholders():
    assert kinds("$files = Get-ChildItem -Path C:\\Logs -Recurse") == [
        "<VARIABLE>",
        "=",
        "<COMMAND>",
        "<PARAMETER>",
        "<ARG>",
        "<PARAMETER>",
    ]
    assert kinds("if ($null -EQ $PSItem) { $TRUE }") == [
        "if",
        "(",
        "$null",
        "-eq",
        "$PSItem",
        ")",
        "{",
        "$true",
        "}",
    ]
    assert kinds("[string]::Format('{0}', 1.5KB)") == [
        "<TYPE>",
        "::",
        "<NAME>",
        "(",
        "<STRING>",
        ",",
        "<NUMBER>",
        ")",
    ]
    assert kinds('$h = @"\nx\n"@') == ["<VARIABLE>", "=", "<STRING>"]
    assert kinds("Get-Item x 2>&1 | Out-Null") == ["<COMMAND>", "<ARG>", "2>&1", "|", "<COMMAND>"]


def test_keywords_and_operators_depend_on_mode():
    # in argument mode -eq is a parameter and foreach a bare word; after a pipe foreach is a command
    assert kinds("Write-Output -eq foreach") == ["<COMMAND>", "<PARAMETER>", "<ARG>"]
    assert kinds("$a | foreach { $_ }") == ["<VARIABLE>", "|", "<COMMAND>", "{", "$_", "}"]
    assert kinds("foreach ($i in 1..3) { }") == [
        "foreach",
        "(",
        "<VARIABLE>",
        "in",
        "<NUMBER>",
        "..",
        "<NUMBER>",
        ")",
        "{",
        "}",
    ]


def test_token_classes():
    by_kind = {t.kind: t.cls for t in G.tokenize(SCRIPT)}
    assert by_kind["foreach"] is TokenClass.KEYWORD
    assert by_kind["-gt"] is TokenClass.OPERATOR
    assert by_kind["<COMMAND>"] is TokenClass.NAME
    assert by_kind["<STRING>"] is TokenClass.STRING
    assert by_kind["<NUMBER>"] is TokenClass.NUMBER
    assert by_kind["\n"] is TokenClass.LAYOUT


def test_newlines_are_layout_tokens_comments_and_continuations_are_dropped():
    toks = G.tokenize(SCRIPT)
    assert toks[0].text == "$files"  # the comment line is gone, no leading layout token
    assert all(not t.text.startswith("#") for t in toks)
    layout = [t for t in toks if t.kind == "\n"]
    assert [t.text for t in layout].count("\r\n") == 1  # the CRLF break keeps its exact text
    assert all(
        a.kind != "\n" or b.kind != "\n" for a, b in zip(toks, toks[1:], strict=False)
    )  # runs collapse
    assert "\n" not in kinds("Get-Item a `\n  -Force")  # backtick-newline continues the line


def test_a_comma_at_the_end_of_a_line_continues_the_arguments():
    # PowerShell skips line breaks, blank lines and comments after ',' in an array argument (about_Parsing)
    text = "Select-Object Name,\n\n  # the id\n  Id -First 3\nGet-Date"
    # 'Id' is the array's second element, not a command (the line break stays a layout token)
    assert kinds(text) == [
        "<COMMAND>",
        "<ARG>",
        ",",
        "\n",
        "<ARG>",
        "<PARAMETER>",
        "<NUMBER>",
        "\n",
        "<COMMAND>",
    ]
    assert G.is_valid(text)


def test_round_trip_and_identity_edits():
    toks = G.tokenize(SCRIPT)
    assert all(SCRIPT[t.start : t.end] == t.text for t in toks)
    syms = [t.kind for t in toks]
    assert G.edits_for(SCRIPT, toks, syms, syms) == []
    assert apply_edits(SCRIPT, G.edits_for(SCRIPT, toks, syms, syms)) == SCRIPT


def test_inserted_tokens_are_spaced_like_powershell():
    text = "Get-ChildItem C:\\x | Where-Object { $_.Length -gt 5"
    toks = G.tokenize(text)
    old = [t.kind for t in toks]
    fixed = apply_edits(text, G.edits_for(text, toks, old, old + ["}"]))
    assert fixed == text + " }" and G.is_valid(fixed)
    fixed = apply_edits(text, G.edits_for(text, toks, old, old[:2] + ["<PARAMETER>"] + old[2:] + ["}"]))
    assert fixed.startswith("Get-ChildItem C:\\x -Name |")
    call = "$list.Add"
    toks = G.tokenize(call)
    old = [t.kind for t in toks]
    assert apply_edits(call, G.edits_for(call, toks, old, old + ["(", "<STRING>", ")"])) == "$list.Add('')"


def test_filler_and_render():
    assert G.render("<STRING>") == "''" and G.render("<VARIABLE>") == "$x" and G.render("-eq") == "-eq"
    assert G.render("\n") == "\n"
    assert set(G.closed_symbols()) >= {"if", "-eq", "-notlike", "|", "@{", "$_", "$null", "\n", "<COMMAND>"}


def test_statements_split_top_level_pipelines_and_join_continuations():
    spans = G.statements(SCRIPT)
    texts = [SCRIPT[s:e] for s, e in spans]
    assert texts[0].startswith("$files") and texts[0].endswith("-GT 1MB }")  # the pipe continues the line
    assert texts[1].startswith("foreach") and texts[1].endswith("}")
    assert texts[2].startswith("if") and "else" in texts[2]  # else on the next line belongs to the if
    assert texts[3] == "exit 1"
    assert all(G.is_valid(t) for t in texts)
    assert [("a; b\n\nc")[s:e] for s, e in G.statements("a; b\n\nc")] == ["a", "b", "c"]
    attr = "[CmdletBinding()]\nparam($x)\n$x"
    assert [attr[s:e] for s, e in G.statements(attr)] == ["[CmdletBinding()]\nparam($x)", "$x"]
    assert G.statements("") == [] and G.statements("# c\n\n") == []


def test_vocabulary_promotes_frequent_cmdlets_and_folds_case():
    snippets = [G.tokenize(s) for s in ["Get-ChildItem -Path x", "get-childitem -path y"] * 20]
    vocab = Vocabulary.build(
        "powershell", snippets, case_sensitive=G.case_sensitive, closed=G.closed_symbols(), min_count=20
    )
    toks = G.tokenize("GET-CHILDITEM -PATH z | Rare-Cmdlet")
    syms = vocab.symbols_of(toks)
    assert syms[0] == "Get-ChildItem" and syms[1] == "-Path" and syms[-1] == "<COMMAND>"


_PS_ALPHABET = st.sampled_from(
    list("$@`'\"#<>(){}[];,|&.:-=+*/%!?\n\r\t aZ09_") + ["\u2018", "\u201c", "\u2013", "😀"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(_PS_ALPHABET, max_size=60)))
def test_tokenize_and_errors_never_raise_and_round_trip(text):
    toks = G.tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in toks)
    assert all(a.end <= b.start for a, b in zip(toks, toks[1:], strict=False))
    syms = [t.kind for t in toks]
    assert apply_edits(text, G.edits_for(text, toks, syms, syms)) == text
    errs = G.errors(text)
    assert all(0 <= e.start <= e.end <= len(text) for e in errs)
    assert G.is_valid(text) == (not errs)
    for s, e in G.statements(text):
        assert 0 <= s < e <= len(text)

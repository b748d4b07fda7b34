"""The lenient Python lexer: token classes, layout tokens, spans, and text that CPython's tokenize rejects."""

import io
import tokenize as std_tokenize

import pytest
from lastfix.grammars.base import TokenClass
from lastfix.grammars.python.lexer import DEDENT, INDENT, NEWLINE, lex


def kinds(text):
    return [t.kind for t in lex(text)]


def test_function_with_nested_blocks_has_cpython_layout():
    text = "def f(x):\n    if x:\n        return 1\n    return 2\n"
    assert kinds(text) == [
        "def",
        "<NAME>",
        "(",
        "<NAME>",
        ")",
        ":",
        NEWLINE,
        INDENT,
        "if",
        "<NAME>",
        ":",
        NEWLINE,
        INDENT,
        "return",
        "<NUMBER>",
        NEWLINE,
        DEDENT,
        "return",
        "<NUMBER>",
        NEWLINE,
        DEDENT,
    ]


@pytest.mark.parametrize(
    "text",
    [
        "def f(x):\n    if x:\n        return [1,\n  2]\n    return 2\n",
        "class A:\n\tdef f(self):\n\t\tpass\n\n\n# tail\n",
        "x = 1 \\\n  + 2\ny = '''a\nb'''\nz = f'{x!r:>10}' rb'\\x00'\n",
        "while True:\r\n    break\r\n",
        "@dec(1)\nasync def f():\n    await g()\n",
    ],
)
def test_layout_matches_cpython_tokenize_on_valid_code(text):
    expected = []
    for tok in std_tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == std_tokenize.NEWLINE:
            expected.append(NEWLINE)
        elif tok.type == std_tokenize.INDENT:
            expected.append(INDENT)
        elif tok.type == std_tokenize.DEDENT:
            expected.append(DEDENT)
        elif tok.type in (std_tokenize.NAME, std_tokenize.OP, std_tokenize.STRING, std_tokenize.NUMBER):
            expected.append(tok.string)
    assert [t.kind if t.cls is TokenClass.LAYOUT else t.text for t in lex(text)] == expected


def test_classes_of_names_strings_numbers_keywords_operators():
    toks = lex("if not x in y: z = b'q' + 0x1F + 1_000.5e-3j  # comment\n")
    by_text = {t.text: t for t in toks if t.text}
    assert by_text["if"].cls is TokenClass.KEYWORD and by_text["not"].kind == "not"
    assert by_text["x"].kind == "<NAME>" and by_text["x"].cls is TokenClass.NAME
    assert by_text["b'q'"].kind == "<STRING>"
    assert by_text["0x1F"].kind == "<NUMBER>" and by_text["1_000.5e-3j"].kind == "<NUMBER>"
    assert by_text[":"].cls is TokenClass.PUNCT and by_text["+"].cls is TokenClass.OPERATOR
    assert not any("comment" in t.text for t in toks)


def test_soft_keywords_only_in_statement_position():
    text = "match cmd:\n    case [x, *rest]:\n        pass\nmatch = re.match(p, s)\ncase(1)\n"
    soft = [(t.text, t.cls) for t in lex(text) if t.text in ("match", "case")]
    assert soft == [
        ("match", TokenClass.KEYWORD),
        ("case", TokenClass.KEYWORD),
        ("match", TokenClass.NAME),
        ("match", TokenClass.NAME),
        ("case", TokenClass.NAME),
    ]


def test_python2_print_and_backticks_do_not_stop_the_lexer():
    assert kinds("print 'a', `x`\n") == ["<NAME>", "<STRING>", ",", "`", "<NAME>", "`", NEWLINE]


def test_unterminated_strings_end_at_the_line_or_the_text():
    toks = lex('s = \'abc\nt = """never closed\nx')
    strings = [t.text for t in toks if t.kind == "<STRING>"]
    assert strings == ["'abc", '"""never closed\nx']


def test_inconsistent_dedent_shows_as_dedent_then_indent():
    # CPython: "unindent does not match any outer indentation level"
    assert kinds("if x:\n    a\n  b\n") == [
        "if",
        "<NAME>",
        ":",
        NEWLINE,
        INDENT,
        "<NAME>",
        NEWLINE,
        DEDENT,
        INDENT,
        "<NAME>",
        NEWLINE,
        DEDENT,
    ]


def test_unclosed_bracket_swallows_line_breaks_and_stray_closer_is_harmless():
    assert kinds("f(a\nb = 1\n") == ["<NAME>", "(", "<NAME>", "<NAME>", "=", "<NUMBER>", NEWLINE]
    assert kinds(")\nx\n") == [")", NEWLINE, "<NAME>", NEWLINE]


def test_spans_cover_exact_text_with_emoji_crlf_and_tabs():
    text = "s = '😀'\r\n\tif s:\r\n\t\tx = s  # é\r\n"
    toks = lex(text)
    for t in toks:
        if t.cls is TokenClass.LAYOUT:
            assert t.text == ""
        else:
            assert text[t.start : t.end] == t.text
    newline_spans = [text[t.start : t.end] for t in toks if t.kind == NEWLINE]
    assert newline_spans == ["\r\n", "\r\n", "\r\n"]
    assert all(t.start == t.end for t in toks if t.kind in (INDENT, DEDENT))


def test_empty_blank_and_comment_only_texts_have_no_tokens():
    assert lex("") == []
    assert lex("\n\n   \n# only a comment\n") == []


def test_last_line_without_break_gets_a_zero_width_newline():
    toks = lex("if x:\n    y")
    assert [t.kind for t in toks[-2:]] == [NEWLINE, DEDENT]
    assert toks[-2].start == toks[-2].end == len("if x:\n    y")


def test_unicode_identifiers_and_stray_characters():
    toks = lex("résumé = 1 $ ?\n🙂\n")
    assert toks[0].kind == "<NAME>" and toks[0].text == "résumé"
    assert [t.kind for t in toks if t.cls is TokenClass.OTHER] == ["$", "?", "<OTHER>"]

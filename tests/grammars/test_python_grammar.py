"""PythonGrammar's token-to-text side: layout-aware edits, spacing, fillers, statements, metrics."""

import pytest
from lastfix.grammars.base import TokenClass, apply_edits
from lastfix.grammars.registry import get_grammar, language_for_path

G = get_grammar("python")


def symbols(text):
    """Exact symbols: layout by kind, everything else by its text (what a perfect model would emit)."""
    return [t.kind if t.cls is TokenClass.LAYOUT else t.text for t in G.tokenize(text)]


def repair(broken, new_symbols):
    tokens = G.tokenize(broken)
    return apply_edits(broken, G.edits_for(broken, tokens, symbols(broken), new_symbols))


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("print x\n", "print(x)\n"),
        ("print 'hello %s' % name\r\n", "print('hello %s' % name)\r\n"),
        ("if x == 1\n    y = 1\n", "if x == 1:\n    y = 1\n"),
        ("if x == 1\r\n    pass\r\n", "if x == 1:\r\n    pass\r\n"),
        ("if x: y\n", "if x:\n    y\n"),
        ("def f():\nreturn 1\n", "def f():\n    return 1\n"),
        ("def f():\nx = 1\nreturn x\n", "def f():\n    x = 1\n    return x\n"),
        ("x = 1\n    y = 2\n    z = 3\n", "x = 1\ny = 2\nz = 3\n"),
        ("if x:\n    a\n  b\n", "if x:\n    a\n    b\n"),
        ("def f():\n    if x: y\n    z\n", "def f():\n    if x:\n        y\n    z\n"),
        ("class A:\n\tdef f(self)\n\t\tpass\n", "class A:\n\tdef f(self):\n\t\tpass\n"),
        ("x = f(a\ny = 2\n", "x = f(a)\ny = 2\n"),
        ("x = f(a  # note\ny = 2\n", "x = f(a)  # note\ny = 2\n"),
        ("x = (1,\n     2\ny = 3\n", "x = (1,\n     2)\ny = 3\n"),
        ("x = 1 y = 2", "x = 1\ny = 2"),
        ("f(a b)", "f(a, b)"),
        ("a = [1, 2, 3)", "a = [1, 2, 3]"),
        ("return str = ''.join(x)", "return ''.join(x)"),
        ("if x not y:\n    pass\n", "if x not in y:\n    pass\n"),
        ("s = '😀' + f(x\n", "s = '😀' + f(x)\n"),
        ("    x = 1\ny = 2\n", "x = 1\ny = 2\n"),
        ("class Classname:", "class Classname:\n    ...\n"),  # the new last NEWLINE is written
    ],
)
def test_token_repairs_become_minimal_valid_text(broken, fixed):
    out = repair(broken, symbols(fixed))
    assert out == fixed
    assert G.is_valid(out)


def test_untouched_tokens_keep_their_text_and_edits_are_local():
    broken = "def f(a,  b):   # keep\n    return   a+b\n\nprint f(1, 2)\n"
    tokens = G.tokenize(broken)
    fixed = "def f(a,  b):\n    return a+b\nprint(f(1, 2))\n"
    edits = G.edits_for(broken, tokens, symbols(broken), symbols(fixed))
    assert all(e.start >= broken.index("print") for e in edits)
    assert apply_edits(broken, edits) == "def f(a,  b):   # keep\n    return   a+b\n\nprint(f(1, 2))\n"


def test_inserted_placeholders_get_fillers():
    broken = "x = \n"
    out = repair(broken, ["x", "=", "<NAME>", "(", "<STRING>", ",", "<NUMBER>", ")", "<NEWLINE>"])
    assert out == 'x = name("", 0)\n' and G.is_valid(out)


@pytest.mark.parametrize(
    ("left", "right", "sep"),
    [
        ("print", "(", ""),
        ("if", "(", " "),
        ("x", ":", ""),
        ("x", ")", ""),
        ("(", "x", ""),
        (",", "x", " "),
        ("not", "x", " "),
        ("x", "in", " "),
        ("x", "=", " "),
        ("=", "1", " "),
        (")", "if", " "),
        ("a", ".", ""),
        (".", "b", ""),
        ("]", "[", ""),
        ("x", '"s"', " "),
        ("", "x", ""),
    ],
)
def test_separator_spaces_keywords_and_operators_not_punctuation(left, right, sep):
    assert G.separator(left, right) == sep


def test_fillers_and_render():
    assert (G.filler("<NAME>"), G.filler("<STRING>"), G.filler("<NUMBER>")) == ("name", '""', "0")
    assert G.render("<NEWLINE>") == "\n" and G.render("<DEDENT>") == "" and G.render("lambda") == "lambda"


def test_statements_group_blocks_clauses_and_decorators():
    text = (
        "import os\n\n"
        "@dec\n@other(1)\ndef f():\n    pass\n\n"
        "x = [1,\n     2]\n"
        "if a:\n    b\nelif c:\n    d\nelse:\n    e\n"
        "try:\n    g()\nexcept E:\n    pass\nfinally:\n    h()\n"
        "class A:\n    def m(self):\n        return 1\n"
    )
    spans = [text[s:e] for s, e in G.statements(text)]
    assert spans == [
        "import os",
        "@dec\n@other(1)\ndef f():\n    pass",
        "x = [1,\n     2]",
        "if a:\n    b\nelif c:\n    d\nelse:\n    e",
        "try:\n    g()\nexcept E:\n    pass\nfinally:\n    h()",
        "class A:\n    def m(self):\n        return 1",
    ]


def test_statements_of_broken_text_keep_the_body_with_its_header():
    text = "def f()\n    return 1\nx = (1,\n"
    assert [text[s:e] for s, e in G.statements(text)] == ["def f()\n    return 1", "x = (1,"]
    assert G.statements("") == [] and G.statements("# only\n") == []


def test_exact_and_sketch_compare_layout_by_kind_not_whitespace():
    assert G.exact("if x:\r\n\ty = 'a'\r\n") == G.exact("if x:\n    y = 'a'\n")
    expected = ["f", "(", "<STRING>", ",", "<NUMBER>", ")", "<NEWLINE>"]
    assert G.sketch("f('a', 1)") == G.sketch('f("b", 2)') == expected


def test_registry_and_closed_symbols():
    assert G.name == "python" and G.canvas == 128 and G.case_sensitive
    assert language_for_path("x.pyw") == "python"
    closed = G.closed_symbols()
    for sym in ("def", "match", "<NEWLINE>", "<INDENT>", "<DEDENT>", "**=", "len", "print", "self"):
        assert sym in closed
    assert len(closed) == len(set(closed))


def test_edits_on_a_window_inside_an_indented_block_use_placeholder_symbols():
    from lastfix.grammars.vocab import Vocabulary

    text = "def f():\n    y = 1\n    if y:\n    return y\n    print x\n"
    vocab = Vocabulary.build("python", [G.tokenize(text)], closed=G.closed_symbols(), min_count=99)
    tokens = G.tokenize(text)
    start = next(k for k, t in enumerate(tokens) if t.text == "if")
    window = tokens[start : start + 8]  # if y : NEWLINE return y NEWLINE print: the if lacks its block
    old = vocab.symbols_of(window)
    assert old[:2] == ["if", "<NAME>"] and old[3] == "<NEWLINE>"
    new = old[:4] + ["<INDENT>"] + old[4:7] + ["<DEDENT>"] + old[7:]
    out = apply_edits(text, G.edits_for(text, window, old, new))
    assert out == "def f():\n    y = 1\n    if y:\n        return y\n    print x\n"
    edits = G.edits_for(out, G.tokenize(out), symbols(out), symbols(out.replace("print x", "print(x)")))
    assert apply_edits(out, edits).endswith("    print(x)\n") and G.is_valid(apply_edits(out, edits))

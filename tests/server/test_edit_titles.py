"""server.edit_titles: a fix's title names its edit."""

from __future__ import annotations

from lastfix.grammars import TextEdit, get_grammar
from lastfix.server.edit_titles import fix_title


def test_insert_delete_replace():
    excel = get_grammar("excel")
    assert fix_title("=IF(FALSE,NA", [TextEdit(12, 12, "()")], excel) == "lastfix: Insert '()' after NA"
    assert fix_title("=SUM(A1,,A2)", [TextEdit(8, 9, "")], excel) == "lastfix: Delete ','"
    assert fix_title("=IF(A1;1;2)", [TextEdit(6, 7, ",")], excel) == "lastfix: Replace ';' with ','"


def test_insertion_at_the_start_names_the_next_token():
    python = get_grammar("python")
    assert fix_title("x)\n", [TextEdit(0, 0, "(")], python) == "lastfix: Insert '(' before x"


def test_several_edits_and_long_texts():
    python = get_grammar("python")
    title = fix_title("f(a b\n", [TextEdit(3, 3, ","), TextEdit(5, 5, ")")], python)
    assert title == "lastfix: Insert ',' after a; Insert ')' after b"
    long = fix_title("x = 1\n", [TextEdit(4, 5, "'" + "y" * 40 + "'")], python)
    assert "…" in long and len(long) < 80


def test_whitespace_only_edits_are_named():
    python = get_grammar("python")
    assert fix_title("if x:\nprint(1)\n", [TextEdit(6, 6, "    ")], python) == "lastfix: Fix indentation"

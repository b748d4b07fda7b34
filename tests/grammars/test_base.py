"""The shared text helpers: line/column conversion and edit application, on real text shapes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lastfix.grammars import TextEdit, apply_edits, line_col, offset_of
from lastfix.grammars.base import is_placeholder, placeholder


def test_line_col_counts_code_points_and_keeps_crlf_content():
    text = "a😀b\r\nxyz"
    assert line_col(text, 2) == (0, 2)  # after the emoji: one code point, not two UTF-16 units
    assert line_col(text, text.index("x")) == (1, 0)
    assert line_col(text, text.index("\r")) == (0, 3)


def test_offset_of_clamps_past_the_end():
    text = "ab\ncd"
    assert offset_of(text, 1, 1) == 4
    assert offset_of(text, 1, 99) == len(text)
    assert offset_of(text, 7, 0) == len(text)
    assert offset_of("", 0, 0) == 0


@given(st.text(max_size=40), st.data())
def test_offset_of_inverts_line_col(text, data):
    offset = data.draw(st.integers(0, len(text)))
    assert offset_of(text, *line_col(text, offset)) == offset


def test_apply_edits_in_any_order_and_rejects_overlaps():
    text = "=SUM(A1;A2"
    edits = [TextEdit(10, 10, ")"), TextEdit(7, 8, ",")]
    assert apply_edits(text, edits) == "=SUM(A1,A2)"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits(text, [TextEdit(1, 5, ""), TextEdit(3, 4, "x")])


def test_placeholders_are_upper_case_and_specials_are_not():
    assert placeholder("STRING") == "<STRING>" and is_placeholder("<STRING>")
    assert not is_placeholder("<blank>") and not is_placeholder("<") and not is_placeholder("<>")


@pytest.mark.parametrize(
    "old, new",
    [("abc", "abc"), ("abc", "abxc"), ("abc", "ac"), ("abc", "axc"), ("aab", "ab"), ("ab", "aab"), ("", "a")],
)
def test_symbol_opcodes_is_an_alignment_and_difflibs_on_one_token_changes(old, new):
    import difflib

    from lastfix.grammars.base import symbol_opcodes

    def rebuild(ops):
        out = []
        for op, i1, i2, j1, j2 in ops:
            out.extend(new[j1:j2] if op != "equal" else old[i1:i2])
        return "".join(out)

    ops = symbol_opcodes(list(old), list(new))
    assert rebuild(ops) == new
    if len(set(old)) == len(old) and len(set(new)) == len(new):  # with equal neighbours either may change
        assert ops == difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False).get_opcodes()

"""server.text_diff: edits on the original that reproduce the final text, and stay small."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lastfix.grammars import TextEdit, apply_edits
from lastfix.server.text_diff import diff_edits


def test_separate_fixes_stay_separate_and_minimal():
    old = "=SUM(A1\n=A1+\n=B2\n=IF(A1;1)\n"
    new = "=SUM(A1)\n=A1+\n=B2\n=IF(A1,1)\n"
    assert diff_edits(old, new) == [TextEdit(7, 7, ")"), TextEdit(23, 24, ",")]


def test_equal_texts_need_no_edit():
    assert diff_edits("same", "same") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab(),\n ", max_size=40), st.text(alphabet="ab(),\n ", max_size=40))
def test_applying_the_diff_gives_the_new_text(old: str, new: str):
    assert apply_edits(old, diff_edits(old, new)) == new

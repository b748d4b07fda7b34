"""Composing the edits of two repair rounds into edits on the original document."""

from hypothesis import given
from hypothesis import strategies as st
from lastfix.grammars.base import TextEdit, apply_edits
from lastfix.model_runtime.edit_compose import compose_edits


@st.composite
def text_and_edits(draw, text=None):
    text = draw(st.text("abc\r\n\t", max_size=12)) if text is None else text
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6, unique=True)))
    edits = []
    for a, b in zip(points[::2], points[1::2], strict=False):
        end = b if draw(st.booleans()) else a
        edits.append(TextEdit(a, end, draw(st.text("xyz\n", max_size=3))))
    return text, edits


@given(st.data())
def test_composed_edits_equal_applying_both_rounds(data):
    original, first = data.draw(text_and_edits())
    middle = apply_edits(original, first)
    _, second = data.draw(text_and_edits(middle))
    composed = compose_edits(original, first, second)
    assert apply_edits(original, composed) == apply_edits(middle, second)


def test_separate_edits_stay_separate_and_minimal():
    original = "=SUM(A1\n=IF(A1,\n"
    first = [TextEdit(7, 7, ")")]
    second = [TextEdit(16, 16, ")")]  # offsets in the text after the first round
    composed = compose_edits(original, first, second)
    assert composed == [TextEdit(7, 7, ")"), TextEdit(15, 15, ")")]

import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lastfix.grammars.vocab import BLANK
from lastfix.model_runtime.canvas import align, diff_span, layout, strip_blanks, with_slots


def test_layout_adds_eos_and_pads():
    assert list(layout([5, 6], 5)) == [5, 6, 1, 0, 0]
    with pytest.raises(ValueError, match="do not fit"):
        layout([5] * 5, 5)


def test_with_slots_puts_blanks_in_every_gap_of_the_window():
    s = "= SUM ( A1".split()
    assert with_slots(s, 2, 4) == ["=", "SUM", BLANK, "(", BLANK, "A1", BLANK]
    assert with_slots(s, 0, 1, slots=2) == [BLANK, BLANK, "=", BLANK, BLANK, "SUM", "(", "A1"]


def test_diff_span():
    assert diff_span("= SUM ( A1".split(), "= SUM ( A1 )".split()) == (4, 4)
    assert diff_span("= A + + B".split(), "= A + B".split()) in {(2, 3), (3, 4)}
    assert diff_span(["x"], ["x"]) == (0, 0)


@pytest.mark.parametrize(
    "broken, fixed, want_in, want_out",
    [
        ("= SUM ( A1", "= SUM ( A1 )", "= SUM ( _ A1 _", "= SUM ( _ A1 )"),  # insertion fills a slot
        ("= IF ( A , B C )", "= IF ( A , B , C )", "= IF ( A , _ B _ C _ )", "= IF ( A , _ B , C _ )"),
        ("= A + + B", "= A + B", "= A _ + _ + _ B _", "= A _ + _ _ _ B _"),  # deletion: token -> blank
        ("= NA", "= NA ( )", "= _ NA _ _", "= _ NA ( )"),  # two insertions, one slot: one extra blank
    ],
)
def test_align_examples(broken, fixed, want_in, want_out):
    inp, out = align(broken.split(), fixed.split())
    assert " ".join(inp).replace(BLANK, "_") == want_in
    assert " ".join(out).replace(BLANK, "_") == want_out


SYMS = st.lists(st.sampled_from(["(", ")", ",", "A", "B", "SUM", "+"]), max_size=12)


@given(SYMS, SYMS, st.integers(0, 3), st.integers(1, 2))
def test_align_is_lossless_and_equal_length(broken, fixed, margin, slots):
    inp, out = align(broken, fixed, margin=margin, slots=slots)
    assert len(inp) == len(out)
    assert strip_blanks(inp) == broken and strip_blanks(out) == fixed
    # equal stretches stay in place: only the differing tokens (difflib's opcodes) change their cell
    ops = difflib.SequenceMatcher(a=broken, b=fixed, autojunk=False).get_opcodes()
    budget = sum((i2 - i1) + (j2 - j1) for op, i1, i2, j1, j2 in ops if op != "equal")
    assert sum(a != b for a, b in zip(inp, out, strict=False)) <= budget

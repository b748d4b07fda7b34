"""The Python oracle's shortcut for rejected text gives the full verdict's answer, newer syntax included."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lastfix.grammars.python.errors import PythonSyntax, _verdict, is_valid_with
from lastfix.grammars.python.newer_syntax import NEWER_SYNTAX, applicable, may_hold
from lastfix.grammars.python.parse import PythonParser

from tests.conftest import read_jsonl
from tests.grammars.test_python_properties import PIECES

PARSER = PythonParser()
TARGETS = [PythonSyntax(), PythonSyntax((3, 11)), PythonSyntax(off=frozenset({"python.pep701-fstring"}))]
FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Newer constructs and their near misses, so that generated text reaches the tolerance's paths.
NEWER = [
    "type X = int\n",
    "type ",
    "def f[T](x): pass\n",
    "class A[T]: pass\n",
    'f"{d["k"]}"',
    "f'{x!r}'",
    'rf"{a}"',
    "F'",
    "[",
    "\r",
]
texts = st.lists(st.sampled_from(PIECES + NEWER), max_size=25).map("".join)


def _agrees(text: str, syntax: PythonSyntax) -> None:
    assert is_valid_with(text, PARSER, syntax) == (_verdict(text, PARSER, syntax).error is None), text


@FAST
@given(texts, st.sampled_from(TARGETS))
def test_the_shortcut_gives_the_full_verdict_on_generated_text(text, syntax):
    _agrees(text, syntax)


@pytest.mark.parametrize(
    "text",
    [
        "type X = int\n",
        "type X = (int\n",
        "def f[T](x):\n    return x\n",
        'print(f"{d["k"]}")\n',
        'print(f"{d["k"]}"\n',
        "x = 1\rtype Y = str\n",  # a lone CR ends the line before ``type``
        "x = 1\0",
        "print 'hello'\n",
    ],
)
def test_the_shortcut_gives_the_full_verdict_on_newer_syntax_and_odd_text(text):
    for syntax in TARGETS:
        _agrees(text, syntax)


def test_every_match_of_a_hint_holds_one_of_its_quick_substrings():
    samples = [
        "type X = int",
        "  type\tY = 1",
        "def f [T]():",
        "class A[T]:",
        'f"x"',
        "Rf'x'",
        "fR'x'",
        'rF"x"',
    ]
    for s in NEWER_SYNTAX:
        for text in samples:
            m = s.hint.search(text)
            if m is not None:
                assert any(q in m.group() for q in s.quick), (s.what, text)
    assert may_hold("type X = int", applicable((3, 12), running=(3, 11)))
    assert not may_hold("x = [1, 2]", applicable((3, 12), running=(3, 11)))


def test_the_shortcut_gives_the_full_verdict_on_edited_dev_snippets(shared):
    """Every single-character deletion in the first 60 dev records' broken and fixed text."""
    pairs = read_jsonl(shared / "benchmarks" / "python" / "dev.jsonl")[:60]
    for pair in pairs:
        for text in (pair["broken"], pair["fixed"]):
            for i in range(0, len(text), 3):
                _agrees(text[:i] + text[i + 1 :], TARGETS[0])

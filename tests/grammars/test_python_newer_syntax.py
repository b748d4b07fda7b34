"""Python newer than the running interpreter: valid for its target version, judged by CPython elsewhere."""

import pytest
from lastfix.grammars.base import line_col
from lastfix.grammars.python.grammar import PythonGrammar
from lastfix.grammars.python.newer_syntax import NEWEST, RUNNING, parse_version
from lastfix.grammars.registry import get_grammar
from lastfix.grammars.rules import RuleKind

PY312 = {
    "type_alias": "type X = int\n",
    "generic_alias": "type Pair[T] = tuple[T, T]\n",
    "alias_with_param_spec": "type Call[**P, R] = Callable[P, R]\n",
    "generic_function": "def f[T](x: T) -> T:\n    return x\n",
    "generic_class": "class A[T: int, *Ts, **P]:\n    pass\n",
    "generic_method": "class A[T](B[T]):\n    def m[S](self, s: S) -> T: ...\n",
    "multiline_type_params": "def f[\n    T,\n    S,\n](x: T, y: S) -> None:\n    pass\n",
    "nested_quotes_fstring": "d = {'k': 1}\nx = f'{d['k']}'\n",
    "fstring_field_across_lines": "x = f'{\n    1 + 2}'\n",
}

needs_older_python = pytest.mark.skipif(RUNNING >= (3, 12), reason="the interpreter parses 3.12 itself")


def _rejected_by_cpython(text):
    try:
        compile(text, "<s>", "exec")
    except SyntaxError:
        return True
    return False


@needs_older_python
@pytest.mark.parametrize("text", PY312.values(), ids=list(PY312))
def test_312_syntax_is_not_flagged_under_an_older_cpython(text):
    assert _rejected_by_cpython(text)  # the case needs the newer parser
    grammar = get_grammar("python")
    assert grammar.errors(text) == [] and grammar.is_valid(text)


@needs_older_python
@pytest.mark.parametrize("text", PY312.values(), ids=list(PY312))
def test_312_syntax_is_an_error_for_a_311_target(text):
    grammar = PythonGrammar("3.11")
    assert grammar.errors(text) and not grammar.is_valid(text)


@needs_older_python
def test_a_slip_next_to_newer_syntax_is_found_by_cpython_at_its_own_place():
    text = "type X = int\ndef f[T](x: T) -> T:\n    return x\n\ny = f(1 2)\nz = f'{y['a']}'\n"
    grammar = get_grammar("python")
    (issue,) = grammar.errors(text)
    assert line_col(text, issue.start) == (4, 6) and issue.message.startswith("invalid syntax. Perhaps")
    assert not grammar.is_valid(text)
    assert grammar.is_valid(text.replace("1 2", "1, 2"))  # the repair oracle accepts the fix


@needs_older_python
def test_python2_print_beside_newer_syntax_is_still_an_error():
    text = "type X = int\nprint x\n"
    (issue,) = get_grammar("python").errors(text)
    assert issue.message.startswith("Missing parentheses in call to 'print'")
    assert line_col(text, issue.start)[0] == 1


@needs_older_python
def test_newer_syntax_that_tree_sitter_rejects_is_not_excused():
    grammar = get_grammar("python")
    assert grammar.errors("type X = \n") and grammar.errors("def f[T=int](): ...\n")


def test_target_version_settings():
    assert get_grammar("python").target_version == NEWEST >= (3, 12)
    assert PythonGrammar("py311").target_version == (3, 11)
    assert get_grammar("python").for_version("3.10").target_version == (3, 10)
    assert parse_version("3.12") == parse_version("312") == parse_version((3, 12)) == (3, 12)
    with pytest.raises(ValueError, match="not a Python version"):
        PythonGrammar("three")


@needs_older_python
def test_each_tolerance_can_be_switched_off_by_name():
    grammar = get_grammar("python")
    names = {r.name for r in grammar.rules() if r.kind is RuleKind.TOLERANCE}
    assert names == {"python.type-alias", "python.type-parameters", "python.pep701-fstring"}
    without = grammar.without(["python.type-alias"])
    assert without.errors(PY312["type_alias"]) and not without.errors(PY312["generic_function"])
    assert "python.type-alias" not in {r.name for r in without.rules()}


def test_code_the_running_cpython_accepts_is_an_error_for_a_target_older_than_its_syntax():
    """Issue 17, point 4: newer than the target is an error (it was valid for any target before)."""
    assert not PythonGrammar("3.8").is_valid("match x:\n    case 1:\n        pass\n")
    assert PythonGrammar("3.10").is_valid("match x:\n    case 1:\n        pass\n")

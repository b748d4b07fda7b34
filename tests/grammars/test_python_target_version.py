"""The Python target version: syntax newer than it is an error, also where the running CPython takes it."""

import pytest
from lastfix.grammars.base import line_col
from lastfix.grammars.python.grammar import PythonGrammar
from lastfix.grammars.python.newer_syntax import RUNNING
from lastfix.grammars.python.parse import ByteOffsets, PythonParser
from lastfix.grammars.python.target_syntax import TARGET_VERSIONS, forbidden, needs_pep701, too_new

TYPE_ALIAS = "type X = int\n"
GENERIC_FUNCTION = "def f[T](x: T): ...\n"
MATCH = "match command:\n    case 'go':\n        pass\n"
EXCEPT_STAR = "try:\n    pass\nexcept* ValueError:\n    pass\n"


@pytest.mark.parametrize("text", [TYPE_ALIAS, GENERIC_FUNCTION], ids=["type-alias", "type-parameters"])
def test_312_code_is_valid_for_312_and_an_error_for_311_in_the_target_versions_words(text):
    assert PythonGrammar("3.12").is_valid(text) and PythonGrammar("3.12").errors(text) == []
    old = PythonGrammar("3.11")
    (issue,) = old.errors(text)
    assert not old.is_valid(text)
    assert issue.message.endswith("need Python 3.12 (the target version is 3.11)")


def test_the_error_points_at_the_newer_construct():
    (alias,) = PythonGrammar("3.11").errors("x = 1\n" + TYPE_ALIAS)
    assert line_col("x = 1\n" + TYPE_ALIAS, alias.start) == (1, 0) and alias.end - alias.start == len("type")
    (params,) = PythonGrammar("3.11").errors(GENERIC_FUNCTION)
    assert GENERIC_FUNCTION[params.start : params.end] == "[T]"


@pytest.mark.skipif(RUNNING < (3, 11), reason="the running CPython must take match and except*")
@pytest.mark.parametrize(
    "text,target,newest_excluded",
    [(MATCH, "3.9", "3.10"), (EXCEPT_STAR, "3.10", "3.11")],
    ids=["match", "except-star"],
)
def test_syntax_the_running_cpython_takes_is_an_error_for_an_older_target(text, target, newest_excluded):
    grammar = PythonGrammar(target)
    (issue,) = grammar.errors(text)
    assert not grammar.is_valid(text)
    assert issue.message.endswith(f"need Python {newest_excluded} (the target version is {target})")
    assert PythonGrammar(newest_excluded).is_valid(text) and PythonGrammar(newest_excluded).errors(text) == []


def test_the_default_target_flags_nothing_the_running_cpython_takes():
    grammar = PythonGrammar()
    for text in (MATCH, EXCEPT_STAR, "if (n := 3):\n    pass\n", "def f(a, /, b):\n    pass\n"):
        assert grammar.is_valid(text) and grammar.errors(text) == []


def test_a_newer_interpreter_with_an_older_target_still_flags_312_syntax():
    """What a 3.12 interpreter would take: the construct is found by tree-sitter, not by CPython."""
    parser = PythonParser()
    assert [s.since for s in forbidden((3, 11), running=(3, 12))] == [(3, 12)] * 3
    found = too_new(TYPE_ALIAS, (3, 11), parser.parse, running=(3, 12))
    assert found is not None and (found.start, found.end) == (0, 4)
    assert too_new(TYPE_ALIAS, (3, 12), parser.parse, running=(3, 12)) is None
    assert too_new("x = 1\n", (3, 11), lambda t: pytest.fail("no hint, no parse"), running=(3, 12)) is None


# f-strings and whether 3.11's tokenizer read them (compiled under 3.11 when this table was written)
FSTRINGS = {
    'f"{x}"': False,
    'f"{x:#x}"': False,
    "f\"{d['k']}\"": False,
    'f"{d["k"]}"': True,
    'f"{x!r:>{w}}"': False,
    'f"{x = }"': False,
    'f"{"\\n".join(a)}"': True,
    'f"{x # c\n}"': True,
    'f"""{x\n}"""': False,
    'f"{x\n}"': True,
    'f"{f"{x}"}"': True,
    "f'{f\"{x}\"}'": False,
    'f"""{d["k"]}"""': False,
    'f"{a}{b["c"]}"': True,
}


@pytest.mark.parametrize("literal,needs_312", FSTRINGS.items(), ids=[str(i) for i in range(len(FSTRINGS))])
def test_pep701_fstrings_are_told_apart_from_older_ones(literal, needs_312):
    text = f"x = {literal}\n"
    tree = PythonParser().parse(text)
    (string,) = [n for n in tree.root_node.children[0].children[0].children if n.type == "string"]
    assert needs_pep701(text, string, ByteOffsets(text)) is needs_312
    if RUNNING < (3, 12):  # the table is CPython 3.11's verdict
        try:
            compile(text, "<s>", "exec")
            rejected = False
        except SyntaxError:
            rejected = True
        assert rejected is needs_312


def test_target_versions_are_those_the_settings_offer():
    assert TARGET_VERSIONS[0] == "3.8" and "3.12" in TARGET_VERSIONS
    for version in TARGET_VERSIONS:
        assert PythonGrammar(version).target_version == tuple(int(p) for p in version.split("."))

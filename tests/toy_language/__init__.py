"""A toy fourth language that lives only in this folder: JSON-like values, one per line (``.toyjson``).

It proves issue 15's "one folder per language": registered by naming this module in ``LASTFIX_LANGUAGES``
(``LASTFIX_LANGUAGES=tests.toy_language``), it gets ``lastfix check``, the edit search, ``lastfix repair``
and the server's quick fixes with no edit anywhere else.
"""

from lastfix.grammars.language import Language

__all__ = ["LANGUAGE"]

LANGUAGE = Language(
    name="toyjson",
    grammar="tests.toy_language.grammar:ToyJsonGrammar",
    extensions=(".toyjson",),
    language_ids=("toyjson",),
    canvas=32,
    case_sensitive=True,
    max_lexemes=50,
    broken_example="[1, 2",
)

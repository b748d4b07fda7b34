"""Look up a language by name, alias, LSP language id or file extension.

The languages are the built-in folders of this package plus any module named in the environment
variable ``LASTFIX_LANGUAGES`` (comma-separated) or published under the entry-point group
``lastfix.languages``; each such module defines ``LANGUAGE`` (a :class:`Language`). Every table here is
derived from those records: no per-language fact is written twice.
"""

from __future__ import annotations

import functools
import importlib
import os
from importlib import metadata
from pathlib import Path

from .base import Grammar
from .errors import GrammarError, UnknownLanguageError
from .language import Language

__all__ = [
    "LANGUAGES",
    "ENV_VARIABLE",
    "get_language",
    "get_grammar",
    "language_for_path",
    "language_for_id",
]

ENV_VARIABLE = "LASTFIX_LANGUAGES"
_BUILT_IN = ("lastfix.grammars.python", "lastfix.grammars.powershell", "lastfix.grammars.excel")


def _language_of(module_name: str) -> Language:
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise GrammarError(
            f"cannot import language module {module_name!r} ({e}); check {ENV_VARIABLE}"
        ) from e
    language = getattr(module, "LANGUAGE", None)
    if not isinstance(language, Language):
        raise GrammarError(f"language module {module_name!r} defines no LANGUAGE = Language(...)")
    return language


def _plugin_modules() -> list[str]:
    named = [m.strip() for m in os.environ.get(ENV_VARIABLE, "").split(",") if m.strip()]
    published = [ep.value for ep in metadata.entry_points(group="lastfix.languages")]
    return named + published


def _load() -> dict[str, Language]:
    languages: dict[str, Language] = {}
    for module_name in (*_BUILT_IN, *_plugin_modules()):
        language = _language_of(module_name)
        if language.name in languages and languages[language.name] != language:
            raise GrammarError(f"two languages are named {language.name!r} (the second from {module_name})")
        languages[language.name] = language
    return languages


_LANGUAGES = _load()
LANGUAGES: tuple[str, ...] = tuple(_LANGUAGES)
_BY_NAME = {
    key.lower(): lang.name
    for lang in _LANGUAGES.values()
    for key in (lang.name, *lang.aliases, *lang.language_ids, *(e.lstrip(".") for e in lang.extensions))
}
_BY_EXTENSION = {ext: lang.name for lang in _LANGUAGES.values() for ext in lang.extensions}
_BY_LANGUAGE_ID = {
    key: lang.name for lang in _LANGUAGES.values() for key in (lang.name, *lang.language_ids, *lang.aliases)
}


def get_language(language: str) -> Language:
    """The record of ``language`` (a name, alias, language id or extension); raises UnknownLanguageError."""
    name = _BY_NAME.get(language.lower())
    if name is None:
        raise UnknownLanguageError(f"unknown language {language!r}; valid names are {', '.join(LANGUAGES)}")
    return _LANGUAGES[name]


@functools.cache
def get_grammar(language: str) -> Grammar:
    """The (shared, stateless) grammar of ``language``; raises UnknownLanguageError listing valid names."""
    record = get_language(language)
    module_name, class_name = record.grammar.split(":")
    grammar: Grammar = getattr(importlib.import_module(module_name), class_name)()
    return grammar


def language_for_path(path: str | Path) -> str:
    """Language name from a file extension; raises UnknownLanguageError naming the known extensions."""
    suffix = Path(path).suffix.lower()
    if suffix not in _BY_EXTENSION:
        raise UnknownLanguageError(
            f"cannot tell the language of {str(path)!r} from its extension; pass --lang "
            f"({', '.join(LANGUAGES)}) or use one of {', '.join(_BY_EXTENSION)}"
        )
    return _BY_EXTENSION[suffix]


def language_for_id(language_id: str) -> str | None:
    """Language name for an LSP language id (or an editor's filetype), or None when lastfix has none."""
    return _BY_LANGUAGE_ID.get(language_id)

"""Look up a language's grammar by name, LSP language id or file extension."""

from __future__ import annotations

import functools
from pathlib import Path

from .base import Grammar
from .errors import UnknownLanguageError

__all__ = ["LANGUAGES", "get_grammar", "language_for_path", "language_for_id"]

# name -> "module:Class"; imported lazily so that using one language never loads another's parser.
_GRAMMARS = {
    "python": "grammars.python:PythonGrammar",
    "powershell": "grammars.powershell:PowerShellGrammar",
    "excel": "grammars.excel:ExcelGrammar",
}
LANGUAGES: tuple[str, ...] = tuple(_GRAMMARS)
_ALIASES = {
    "py": "python",
    "ps": "powershell",
    "ps1": "powershell",
    "pwsh": "powershell",
    "excel-formula": "excel",
    "xlf": "excel",
    "formula": "excel",
}
_EXTENSIONS = {
    ".py": "python",
    ".pyw": "python",
    ".ps1": "powershell",
    ".psm1": "powershell",
    ".psd1": "powershell",
    ".xlf": "excel",
    ".formula": "excel",
}
_LANGUAGE_IDS = {"python": "python", "powershell": "powershell", "excel-formula": "excel", "excel": "excel"}


@functools.cache
def get_grammar(language: str) -> Grammar:
    """The (shared, stateless) grammar of ``language``; raises UnknownLanguageError listing valid names."""
    name = _ALIASES.get(language.lower(), language.lower())
    if name not in _GRAMMARS:
        raise UnknownLanguageError(f"unknown language {language!r}; valid names are {', '.join(LANGUAGES)}")
    module_name, class_name = _GRAMMARS[name].split(":")
    module = __import__(module_name, fromlist=[class_name])
    grammar: Grammar = getattr(module, class_name)()
    return grammar


def language_for_path(path: str | Path) -> str:
    """Language name from a file extension; raises UnknownLanguageError naming the known extensions."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise UnknownLanguageError(
            f"cannot tell the language of {str(path)!r} from its extension; pass --lang "
            f"({', '.join(LANGUAGES)}) or use one of {', '.join(_EXTENSIONS)}"
        )
    return _EXTENSIONS[suffix]


def language_for_id(language_id: str) -> str | None:
    """Language name for an LSP language id, or None when lastfix does not handle it."""
    return _LANGUAGE_IDS.get(language_id)

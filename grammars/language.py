"""What lastfix knows about a language before it loads the language's parser: one frozen record.

Each language folder (``grammars/<language>/__init__.py``) defines one ``LANGUAGE``; the registry, the
server's language detection, the corpus builder, the repair search and the benchmarks all read their
per-language facts from it, so adding a language is a folder and one line (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["Language"]


@dataclass(frozen=True)
class Language:
    """One language's identity, editor ids, model canvas and the search settings measured for it."""

    name: str  # lastfix's name: --lang, settings keys, model folders
    grammar: str  # "module:Class" of its Grammar, imported on first use (one language never loads another)
    extensions: tuple[str, ...]  # with the dot, lower-case; the first names new files (benchmarks)
    language_ids: tuple[str, ...]  # LSP language ids; the first is what lastfix's own clients send
    aliases: tuple[str, ...] = ()  # more names for --lang and ids editors send (Neovim's filetype "ps1")
    canvas: int = 64  # the model's canvas in tokens, EOS included
    case_sensitive: bool = True
    max_lexemes: int = 400  # corpus lexemes the model's vocabulary keeps as themselves
    # overrides of model_runtime.repair.SearchSettings measured on this language's dev split
    search: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # one line with a syntax error the language's own parser rejects, for smoke checks and benchmarks
    broken_example: str = ""
    # every document of its corpus (shared/corpora/<name>) is meant to parse alone (a list of formulas, no
    # console output or prompts), so the grammar benchmark reports how much of it the grammar accepts
    corpus_documents_valid: bool = False
    # each top-level statement means the same alone (a list of formulas): a repair of one error reads
    # its own statement only, as the model and the n-gram prior were trained on one at a time
    independent_statements: bool = False

    def __post_init__(self) -> None:
        if ":" not in self.grammar:
            raise ValueError(f"Language.grammar must be 'module:Class', got {self.grammar!r}")
        if not self.extensions or any(not e.startswith(".") or e != e.lower() for e in self.extensions):
            raise ValueError(
                f"{self.name}: extensions must be lower-case and start with '.': {self.extensions}"
            )
        object.__setattr__(self, "search", MappingProxyType(dict(self.search)))

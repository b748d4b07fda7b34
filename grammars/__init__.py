"""Per-language parsing, syntax errors, tokens and edits. No ML, no LSP."""

from .base import Grammar, SyntaxIssue, TextEdit, Token, TokenClass, apply_edits, line_col, offset_of
from .errors import (
    GrammarError,
    InferenceError,
    InputError,
    LastfixError,
    ModelLoadError,
    UnknownLanguageError,
)
from .language import Language
from .registry import LANGUAGES, get_grammar, get_language, language_for_id, language_for_path
from .vocab import Vocabulary

__all__ = [
    "Grammar",
    "SyntaxIssue",
    "TextEdit",
    "Token",
    "TokenClass",
    "apply_edits",
    "line_col",
    "offset_of",
    "LastfixError",
    "GrammarError",
    "UnknownLanguageError",
    "InputError",
    "ModelLoadError",
    "InferenceError",
    "LANGUAGES",
    "Language",
    "get_language",
    "get_grammar",
    "language_for_id",
    "language_for_path",
    "Vocabulary",
]

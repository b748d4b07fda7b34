"""The project's error hierarchy: every message says what went wrong, why, and how to fix it."""

from __future__ import annotations

__all__ = [
    "LastfixError",
    "GrammarError",
    "UnknownLanguageError",
    "InputError",
    "ModelLoadError",
    "InferenceError",
]


class LastfixError(Exception):
    """Base of every error lastfix raises on purpose; the CLI prints its message without a traceback."""


class GrammarError(LastfixError):
    """A grammar could not be built or used."""


class UnknownLanguageError(GrammarError, ValueError):
    """A language name or file extension that lastfix does not know."""


class InputError(LastfixError):
    """Input that cannot be processed: unreadable file, non-UTF-8 bytes, a file over the size limit."""


class ModelLoadError(LastfixError):
    """A model directory is missing, truncated, corrupt or from an incompatible version."""


class InferenceError(LastfixError):
    """The model failed while running."""

"""The server's settings: one frozen dataclass, parsed leniently from what clients send.

Clients send settings three ways: ``initializationOptions``, the ``settings`` of
``workspace/didChangeConfiguration``, and the answer to a ``workspace/configuration`` pull of the
``lastfix`` section. Each may nest the values under ``"lastfix"`` or not, and VS Code may flatten them
as ``"lastfix.candidates"``. A bad value never fails the server: it is reported and the previous value
stays (ruff_server's settings resolution works the same way).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from lastfix.grammars import LANGUAGES, Grammar, get_grammar, get_language
from lastfix.grammars.python.grammar import PythonGrammar
from lastfix.grammars.python.newer_syntax import NEWEST
from lastfix.grammars.python.target_syntax import parse_target, version_name

__all__ = [
    "SECTION",
    "DEVICES",
    "INTEGER_RANGES",
    "SETTING_FIELDS",
    "Settings",
    "parse_settings",
    "section_of",
]

SECTION = "lastfix"
DEVICES = ("auto", "cpu", "cuda")
# camelCase key -> the whole numbers it accepts, both ends included. The VS Code client repeats these
# (package.json's minimum/maximum, settings.ts); tests/server/test_client_manifest.py keeps them equal.
INTEGER_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "candidates": (1, 20),
        "fixOnSaveMaxDeletedTokens": (0, 50),
        "timeBudgetMs": (10, 60_000),
        "diagnosticsDelayMs": (0, 5_000),
    }
)


@dataclass(frozen=True)
class Settings:
    """What the user can configure (names are the camelCase keys under ``lastfix``)."""

    enable: Mapping[str, bool] = field(default_factory=lambda: {lang: True for lang in LANGUAGES})
    candidates: int = 3  # quick fixes offered per error
    fix_on_save: bool = False  # opt-in: fixes that delete code still being typed annoy (ruff-vscode#88)
    fix_on_save_max_deleted_tokens: int = 3
    device: str = "auto"
    # per repair request, None = the language's (1000 ms; PowerShell 400 ms); a save participant gets at
    # most SAVE_BUDGET_MS
    time_budget_ms: int | None = None
    model_dir: str | Mapping[str, str] | None = (
        None  # a folder of <language>/ model dirs, or one per language
    )
    diagnostics_delay_ms: int = 50  # debounce of diagnostics after a change
    # the Python the code is written for: newer syntax is an error (PythonGrammar.for_version); by
    # default the newest syntax lastfix knows
    python_target_version: str = version_name(NEWEST)

    def enabled(self, language: str | None) -> bool:
        return language is not None and self.enable.get(language, False)

    def grammar(self, language: str) -> Grammar:
        """The grammar of ``language`` these settings ask for (Python's: for ``python_target_version``)."""
        return _grammar(language, self.python_target_version)


@functools.cache
def _grammar(language: str, python_target_version: str) -> Grammar:
    """One grammar per language and target, shared as ``get_grammar``'s are (engines are cached by it)."""
    grammar = get_grammar(language)
    if (
        not isinstance(grammar, PythonGrammar)
        or version_name(grammar.target_version) == python_target_version
    ):
        return grammar  # the shared one
    return grammar.for_version(python_target_version)


# camelCase key -> (field name, validator returning the parsed value or raising ValueError)
def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise ValueError("expected true or false")


def _int_in(lo: int, hi: int):  # type: ignore[no-untyped-def]
    def parse(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v or not lo <= v <= hi:
            raise ValueError(f"expected a whole number from {lo} to {hi}")
        return int(v)

    return parse


def _or_none(parse):  # type: ignore[no-untyped-def]
    return lambda v: None if v is None else parse(v)


# An editor may key ``enable`` by its LSP language id (VS Code's "excel-formula"), derived from the records
_NAME_OF_ID = {language_id: name for name in LANGUAGES for language_id in get_language(name).language_ids}


def _enable(v: Any) -> Mapping[str, bool]:
    if isinstance(v, bool):
        return {lang: v for lang in LANGUAGES}
    if isinstance(v, Mapping):
        out = {lang: True for lang in LANGUAGES}
        for key, value in v.items():
            lang = _NAME_OF_ID.get(key, key)
            if lang not in LANGUAGES or not isinstance(value, bool):
                raise ValueError(
                    f"expected true/false or {{language: bool}} with languages {', '.join(LANGUAGES)}"
                )
            out[lang] = value
        return out
    raise ValueError("expected true/false or an object {language: true/false}")


def _python_version(v: Any) -> str:
    return version_name(parse_target(v))


def _device(v: Any) -> str:
    if v in DEVICES:
        return str(v)
    raise ValueError(f"expected one of {', '.join(DEVICES)}")


def _model_dir(v: Any) -> str | Mapping[str, str] | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, Mapping) and all(k in LANGUAGES and isinstance(p, str) for k, p in v.items()):
        return dict(v)
    raise ValueError(f"expected a folder path or {{language: folder}} with languages {', '.join(LANGUAGES)}")


_FIELDS: dict[str, tuple[str, Any]] = {
    "enable": ("enable", _enable),
    "candidates": ("candidates", _int_in(*INTEGER_RANGES["candidates"])),
    "fixOnSave": ("fix_on_save", _bool),
    "fixOnSaveMaxDeletedTokens": (
        "fix_on_save_max_deleted_tokens",
        _int_in(*INTEGER_RANGES["fixOnSaveMaxDeletedTokens"]),
    ),
    "device": ("device", _device),
    # null: the language's
    "timeBudgetMs": ("time_budget_ms", _or_none(_int_in(*INTEGER_RANGES["timeBudgetMs"]))),
    "modelDir": ("model_dir", _model_dir),
    "diagnosticsDelayMs": ("diagnostics_delay_ms", _int_in(*INTEGER_RANGES["diagnosticsDelayMs"])),
    "python.targetVersion": ("python_target_version", _python_version),
}
# camelCase key under ``lastfix`` -> the Settings field it sets: every setting the server reads
SETTING_FIELDS: Mapping[str, str] = MappingProxyType({key: name for key, (name, _) in _FIELDS.items()})


def section_of(raw: Any) -> Mapping[str, Any] | None:
    """The ``lastfix`` values inside whatever a client sent, or None when it holds none."""
    if not isinstance(raw, Mapping):
        return None
    if isinstance(raw.get(SECTION), Mapping):
        return raw[SECTION]  # type: ignore[no-any-return]
    dotted = {
        k[len(SECTION) + 1 :]: v for k, v in raw.items() if isinstance(k, str) and k.startswith(SECTION + ".")
    }
    if dotted:
        return dotted
    if any(k in _FIELDS for k in raw):
        return raw
    return None


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client's values over ``base``, and one warning per value that was ignored."""
    base = base or Settings()
    values = section_of(raw)
    if values is None:
        return base, []
    nested = values.get("python")
    if isinstance(nested, Mapping):  # VS Code's object for lastfix.python.*: its keys are dotted ones
        values = {**values, **{f"python.{k}": v for k, v in nested.items()}}
    changes: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in values.items():
        if key not in _FIELDS:
            continue  # client-side keys (the VS Code extension's interpreter path, trace.server, ...)
        name, parse = _FIELDS[key]
        try:
            changes[name] = parse(value)
        except (ValueError, TypeError) as e:
            warnings.append(f"lastfix.{key} = {value!r} ignored: {e}")
    return dataclasses.replace(base, **changes), warnings

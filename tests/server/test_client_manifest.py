"""The VS Code client repeats facts of the Python side; these tests keep the copies equal.

``client-vscode/package.json`` (activation events, contributed languages, the ``lastfix.*`` settings with
their defaults and ranges) and ``client-vscode/src/settings.ts`` (``LANGUAGE_IDS``, ``GRAMMAR_OF``,
``DEVICES``, ``DEFAULTS``, the range constants, ``ServerSettings``) against the built-in language folders
(``grammars/<language>/``'s ``LANGUAGE``) and ``server/settings.py``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import re
from pathlib import Path
from typing import Any

import lastfix.grammars
import pytest
from lastfix.grammars import Language, language_for_id
from lastfix.server.settings import DEVICES, INTEGER_RANGES, SETTING_FIELDS, Settings, parse_settings

CLIENT = Path(__file__).resolve().parents[2] / "client-vscode"
PACKAGE = json.loads((CLIENT / "package.json").read_text(encoding="utf-8"))
SETTINGS_TS = (CLIENT / "src" / "settings.ts").read_text(encoding="utf-8")
PROPERTIES: dict[str, Any] = PACKAGE["contributes"]["configuration"]["properties"]


def built_in_languages() -> list[Language]:
    """The records of the language folders inside lastfix.grammars (plugins are not the client's)."""
    records = []
    for module in pkgutil.iter_modules(lastfix.grammars.__path__):
        if module.ispkg:
            record = getattr(importlib.import_module(f"lastfix.grammars.{module.name}"), "LANGUAGE", None)
            if isinstance(record, Language):
                records.append(record)
    return records


BUILT_IN = built_in_languages()
CLIENT_IDS = {lang.language_ids[0]: lang.name for lang in BUILT_IN}  # what lastfix's own clients send


# ----- reading the TypeScript constants ----------------------------------------------------------


def ts_block(pattern: str) -> str:
    """The text a regex's first group captures in settings.ts; fails the test when it is not there."""
    m = re.search(pattern, SETTINGS_TS, re.DOTALL | re.MULTILINE)
    assert m is not None, f"settings.ts no longer matches {pattern!r}: update this test's reader"
    return m.group(1)


def ts_strings(body: str) -> list[str]:
    return re.findall(r"'([^']*)'", body)


def ts_literal(source: str) -> Any:
    """A TypeScript literal of the simple kind settings.ts uses (numbers, strings, objects, arrays)."""
    as_json = re.sub(r"'([^']*)'", lambda m: json.dumps(m.group(1)), source)
    as_json = re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', as_json)
    return json.loads(re.sub(r",\s*([}\]])", r"\1", as_json))


def ts_language_ids() -> list[str]:
    return ts_strings(ts_block(r"^export const LANGUAGE_IDS = \[([^\]]*)\] as const;"))


def ts_grammar_of() -> dict[str, str]:
    return ts_literal("{" + ts_block(r"^export const GRAMMAR_OF\b[^=]*= \{(.*?)\};") + "}")  # type: ignore[no-any-return]


def ts_defaults() -> dict[str, Any]:
    body = ts_block(r"^export const DEFAULTS: ExtensionSettings = \{\n(.*?)^\};")
    # a dotted key ('python.targetVersion') is quoted
    pairs = re.findall(r"^\s+'?([A-Za-z][\w.]*)'?: (.+),$", body, re.MULTILINE)
    return {key: ts_literal(value) for key, value in pairs}


def ts_ranges() -> dict[str, tuple[int, int]]:
    """Setting key -> the (lo, hi) constant readSettings validates it with."""
    constants = {
        name: (int(lo), int(hi))
        for name, lo, hi in re.findall(
            r"^const (\w+_RANGE): readonly \[number, number\] = \[(\d+), (\d+)\];", SETTINGS_TS, re.MULTILINE
        )
    }
    uses = re.findall(r"integerIn\(\s*'(\w+)',\s*root\.get\('(\w+)'\),\s*(\w+_RANGE)\b", SETTINGS_TS)
    assert uses, "settings.ts no longer calls integerIn(key, root.get(key), RANGE, ...): update this test"
    for key, read, _ in uses:
        assert key == read, f"settings.ts validates {read!r} under the name {key!r}"
    return {key: constants[constant] for key, _, constant in uses}


def ts_server_keys() -> list[str]:
    body = ts_block(r"^export interface ServerSettings \{\n(.*?)^\}")
    return re.findall(r"^\s+'?([A-Za-z][\w.]*)'?\??:", body, re.MULTILINE)


# ----- languages -------------------------------------------------------------------------------------


def test_the_built_in_languages_are_found() -> None:
    assert len(BUILT_IN) >= 3 and len(CLIENT_IDS) == len(BUILT_IN)


def test_the_client_serves_every_built_in_language_under_its_name() -> None:
    assert sorted(ts_language_ids()) == sorted(CLIENT_IDS)
    assert ts_grammar_of() == CLIENT_IDS
    for language_id, name in CLIENT_IDS.items():
        assert language_for_id(language_id) == name


def test_package_json_activates_on_and_enables_every_built_in_language() -> None:
    events = [e.split(":", 1)[1] for e in PACKAGE["activationEvents"] if e.startswith("onLanguage:")]
    assert sorted(events) == sorted(CLIENT_IDS)
    assert sorted(PROPERTIES["lastfix.enable"]["properties"]) == sorted(CLIENT_IDS)
    assert sorted(ts_defaults()["enable"]) == sorted(CLIENT_IDS)


def test_contributed_languages_are_lastfix_languages_with_their_extensions() -> None:
    """VS Code knows Python and PowerShell; a language the extension contributes has lastfix's extensions."""
    contributed = PACKAGE["contributes"]["languages"]
    assert contributed, "the extension contributes no language (Excel formulas need one)"
    by_id = {lang.language_ids[0]: lang for lang in BUILT_IN}
    for entry in contributed:
        assert entry["id"] in by_id, f"{entry['id']} is no built-in language's first language id"
        assert tuple(entry["extensions"]) == by_id[entry["id"]].extensions
    grammars = {g["language"] for g in PACKAGE["contributes"]["grammars"]}
    assert grammars <= {entry["id"] for entry in contributed}


# ----- settings --------------------------------------------------------------------------------------


def server_default(key: str) -> Any:
    return getattr(Settings(), SETTING_FIELDS[key])


def parsed(key: str, value: Any) -> Any:
    """What the server makes of ``value`` sent as ``lastfix.<key>`` (no warning allowed)."""
    settings, warnings = parse_settings({key: value})
    assert warnings == [], warnings
    return getattr(settings, SETTING_FIELDS[key])


def test_the_client_contributes_and_sends_every_server_setting() -> None:
    assert {f"lastfix.{key}" for key in SETTING_FIELDS} <= set(PROPERTIES)
    assert sorted(ts_server_keys()) == sorted(SETTING_FIELDS)


@pytest.mark.parametrize("key", sorted(SETTING_FIELDS))
def test_defaults_agree(key: str) -> None:
    """The client's defaults, in package.json and settings.ts, mean the server's default."""
    assert parsed(key, PROPERTIES[f"lastfix.{key}"]["default"]) == server_default(key)
    assert parsed(key, ts_defaults()[key]) == server_default(key)


@pytest.mark.parametrize("key", sorted(INTEGER_RANGES))
def test_integer_ranges_agree(key: str) -> None:
    prop = PROPERTIES[f"lastfix.{key}"]
    assert "integer" in (prop["type"] if isinstance(prop["type"], list) else [prop["type"]])
    assert (prop["minimum"], prop["maximum"]) == INTEGER_RANGES[key]
    assert ts_ranges()[key] == INTEGER_RANGES[key]


def test_every_ranged_setting_of_the_client_is_ranged_in_the_server() -> None:
    ranged = {k.removeprefix("lastfix.") for k, p in PROPERTIES.items() if "minimum" in p or "maximum" in p}
    assert ranged == set(INTEGER_RANGES) == set(ts_ranges())


def test_devices_agree() -> None:
    assert tuple(PROPERTIES["lastfix.device"]["enum"]) == DEVICES
    assert tuple(ts_strings(ts_block(r"^export const DEVICES = \[([^\]]*)\] as const;"))) == DEVICES


def test_python_target_versions_agree() -> None:
    from lastfix.grammars.python.target_syntax import TARGET_VERSIONS

    assert tuple(PROPERTIES["lastfix.python.targetVersion"]["enum"]) == TARGET_VERSIONS
    assert (
        tuple(ts_strings(ts_block(r"^export const PYTHON_VERSIONS = \[([^\]]*)\] as const;")))
        == TARGET_VERSIONS
    )
    for version in TARGET_VERSIONS:
        assert parsed("python.targetVersion", version) == version


def test_settings_defaults_are_the_dataclass_fields() -> None:
    """Every key the server reads names a Settings field (the table above compares their defaults)."""
    assert set(SETTING_FIELDS.values()) <= {f.name for f in dataclasses.fields(Settings)}

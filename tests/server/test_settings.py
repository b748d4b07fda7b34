"""server.settings: every shape clients send, bad values reported and ignored."""

from __future__ import annotations

from lastfix.server.settings import Settings, parse_settings, section_of


def test_defaults():
    s = Settings()
    assert s.candidates == 3 and s.fix_on_save is False and s.fix_on_save_max_deleted_tokens == 3
    assert s.device == "auto" and s.time_budget_ms is None and s.model_dir is None
    assert all(s.enabled(lang) for lang in ("python", "powershell", "excel")) and not s.enabled(None)


def test_nested_flat_and_dotted_shapes_parse_alike():
    nested, _ = parse_settings({"lastfix": {"candidates": 5, "fixOnSave": True}})
    flat, _ = parse_settings({"candidates": 5, "fixOnSave": True})
    dotted, _ = parse_settings({"lastfix.candidates": 5, "lastfix.fixOnSave": True})
    assert nested == flat == dotted
    assert nested.candidates == 5 and nested.fix_on_save


def test_enable_per_language_or_for_all():
    s, w = parse_settings({"lastfix": {"enable": {"python": False, "excel-formula": True}}})
    assert not w and not s.enabled("python") and s.enabled("excel") and s.enabled("powershell")
    s, _ = parse_settings({"lastfix": {"enable": False}})
    assert not any(s.enabled(lang) for lang in ("python", "powershell", "excel"))


def test_time_budget_null_is_the_languages_own():
    s, w = parse_settings({"lastfix": {"timeBudgetMs": 500}})
    assert not w and s.time_budget_ms == 500
    s, w = parse_settings({"lastfix": {"timeBudgetMs": None}})
    assert not w and s.time_budget_ms is None


def test_bad_values_are_reported_and_keep_the_previous_value():
    base, _ = parse_settings({"lastfix": {"candidates": 4}})
    s, warnings = parse_settings(
        {
            "lastfix": {
                "candidates": "many",
                "device": "tpu",
                "timeBudgetMs": True,
                "modelDir": 3,
                "enable": {"cobol": True},
            }
        },
        base,
    )
    assert s == base
    assert len(warnings) == 5 and any("lastfix.device" in w and "auto, cpu, cuda" in w for w in warnings)


def test_unknown_keys_and_non_objects_are_ignored_silently():
    s, warnings = parse_settings(
        {"lastfix": {"interpreter": ["/usr/bin/python3"], "trace": {"server": "off"}}}
    )
    assert s == Settings() and warnings == []
    assert parse_settings(None) == (Settings(), [])
    assert parse_settings("nonsense") == (Settings(), [])
    assert section_of({"settings": None}) is None  # vscode-languageclient's "pull again"


def test_model_dir_as_folder_or_per_language():
    s, _ = parse_settings({"lastfix": {"modelDir": "/models"}})
    assert s.model_dir == "/models"
    s, _ = parse_settings({"lastfix": {"modelDir": {"python": "/m/py"}}})
    assert s.model_dir == {"python": "/m/py"}
    s, _ = parse_settings({"lastfix": {"modelDir": ""}}, s)
    assert s.model_dir is None


def test_python_target_version_picks_the_grammar_and_is_capped_at_the_newest_known():
    from lastfix.grammars import get_grammar
    from lastfix.grammars.python.newer_syntax import NEWEST

    default = Settings()
    assert default.python_target_version == f"{NEWEST[0]}.{NEWEST[1]}"
    assert default.grammar("python") is get_grammar("python")  # the shared one: engines are cached by it
    s, w = parse_settings({"lastfix": {"python": {"targetVersion": "py311"}}})
    assert not w and s.python_target_version == "3.11"
    assert s.grammar("python").target_version == (3, 11) and s.grammar("python") is s.grammar("python")
    assert s.grammar("excel") is get_grammar("excel")  # the setting is Python's alone
    for unknown in ("3.13", "2.7", "3", 3.11):
        kept, w = parse_settings({"lastfix": {"python.targetVersion": unknown}}, s)
        assert kept.python_target_version == "3.11" and w and "from 3.8 to 3.12" in w[0]

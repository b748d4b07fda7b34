"""``lastfix generate --method rules``: the rule-based corrupter over real corpus snippets."""

import json

import pytest
from lastfix.grammars import get_grammar

from lastfix.cli import main


@pytest.mark.parametrize("lang", ["excel", "powershell", "python"])
def test_rule_pairs_are_real_errors_of_corpus_snippets_and_seeded(shared, tmp_path, lang):
    grammar = get_grammar(lang)
    outs = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        out = tmp_path / f"{name}.jsonl"
        assert (
            main(
                [
                    "generate",
                    "--lang",
                    lang,
                    "--method",
                    "rules",
                    "--n",
                    "40",
                    "--seed",
                    str(seed),
                    "--max-documents",
                    "300",
                    "--out",
                    str(out),
                    "--no-progress",
                ]
            )
            == 0
        )
        outs.append(out.read_bytes())
    pairs = [json.loads(line) for line in outs[0].decode().splitlines()]
    assert len(pairs) == 40
    for p in pairs:
        assert set(p) == {"broken", "fixed", "t", "lang", "seed", "method"}
        assert p["method"] == "rules" and p["t"] is None and p["lang"] == lang and p["seed"] == 1
        assert grammar.is_valid(p["fixed"]) and not grammar.is_valid(p["broken"]), p
    assert outs[0] == outs[1] and outs[0] != outs[2]


def test_rules_from_a_corpus_directory(shared, tmp_path):
    d = tmp_path / "corpus"
    assert main(["corpus", "--lang", "excel", "--max-documents", "200", "--out", str(d)]) == 0
    out = tmp_path / "p.jsonl"
    assert (
        main(
            [
                "generate",
                "--lang",
                "excel",
                "--method",
                "rules",
                "--n",
                "10",
                "--corpus",
                str(d),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    snippets = {json.loads(line)["text"] for line in (d / "snippets.jsonl").read_text().splitlines()}
    assert all(json.loads(line)["fixed"] in snippets for line in out.read_text().splitlines())


@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "--lang", "excel", "--method", "rules", "--n", "5", "--no-progress"],
        ["generate", "--lang", "excel", "--n", "5", "--no-progress"],  # corpus-started chains
        ["train", "--lang", "excel", "--steps", "1", "--no-progress"],
    ],
    ids=["generate-rules", "generate-diffusion", "train"],
)
def test_without_a_corpus_the_hint_names_the_commands_own_flag(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.setenv("LASTFIX_SHARED", str(tmp_path / "no-shared"))
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no corpus for excel: pass --corpus PATH" in err and "--source" not in err
    assert not (tmp_path / "out").exists()

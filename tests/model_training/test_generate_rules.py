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

"""Figure 7's properties on hand-made pairs whose answers are known, and the ``lastfix datastats`` command."""

import json
import math

import pytest
from lastfix.grammars import get_grammar
from lastfix.model_training.pair_stats import (
    diversity,
    edit_positions,
    localisation,
    ngram_similarity,
    pair_stats,
)

from lastfix.cli import main

# One missing ')' at the end (one edit), and two ';' for ',' two tokens apart (two edits, distance 2).
PAIRS = [
    {"broken": "=SUM(A1", "fixed": "=SUM(A1)", "lang": "excel"},
    {"broken": "=IF(A1>1;2;3)", "fixed": "=IF(A1>1,2,3)", "lang": "excel"},
]


def test_edit_positions_and_localisation():
    assert edit_positions(list("abc"), list("abcd")) == [2.5]  # an insertion sits in the gap after 'c'
    assert edit_positions(list("axcxe"), list("abcde")) == [1.0, 3.0]
    assert localisation(list("abc"), list("abcd")) == 0.0  # one edit: fully local
    assert localisation(list("axcxe"), list("abcde")) == 2.0
    assert localisation(list("xbcdx"), list("abcde")) == 4.0
    assert localisation(list("xxcdx"), list("abcde")) == pytest.approx((1 + 4 + 3) / 3)
    assert localisation(list("abc"), list("abc")) == 0.0


def test_ngram_similarity_and_diversity():
    assert ngram_similarity(["x", "y"], ["x", "z"], max_n=2) == pytest.approx(1 / 5)  # {x} of {x,y,z,xy,xz}
    assert ngram_similarity(["a", "b"], ["a", "b"]) == 1.0
    assert ngram_similarity(["a"], ["b"]) == 0.0
    mean, se = diversity([["a", "b"], ["a", "b"], ["c"]], max_n=1)  # pairs: 1, 0, 0
    assert mean == pytest.approx(1 / 3) and se > 0
    many = [[str(i), str(i % 7)] for i in range(300)]
    assert diversity(many, samples=500, seed=1) == diversity(many, samples=500, seed=1)
    assert diversity(many, samples=500, seed=1) != diversity(many, samples=500, seed=2)
    assert math.isnan(diversity([["a"]])[0])


def test_pair_stats_of_hand_made_pairs():
    grammar = get_grammar("excel")
    s = pair_stats(grammar, PAIRS, "hand", tokens="exact", max_n=1)
    assert s.n == 2
    assert s.localisation == pytest.approx(1.0)  # (0 + 2) / 2
    assert s.complexity == pytest.approx(1.5)  # (1 + 2) / 2
    # exact 1-grams: {=, SUM, (, A1, )} and {=, IF, (, A1, >, 1, ',', 2, 3, )}: 4 shared of 11
    assert s.diversity == pytest.approx(4 / 11)
    assert s.fixed_tokens == pytest.approx((5 + 11) / 2)
    assert s.fixed_valid == 1.0 and s.broken_invalid == 1.0
    # sketches anonymise the constants: A1 and the numbers become the same placeholders
    sketch = pair_stats(grammar, PAIRS, "hand", tokens="sketch", max_n=1)
    assert sketch.diversity > s.diversity


def test_datastats_command_prints_the_table_and_writes_png_and_json(tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(p) + "\n" for p in PAIRS))
    b.write_text(json.dumps(PAIRS[0]) + "\n" + json.dumps({**PAIRS[0], "broken": "=SUM(A1))"}) + "\n")
    png, js = tmp_path / "fig7.png", tmp_path / "stats.json"
    assert (
        main(
            [
                "datastats",
                str(a),
                str(b),
                "--labels",
                "two-edits",
                "one-edit",
                "--png",
                str(png),
                "--json",
                str(js),
                "--tokens",
                "exact",
                "--ngram",
                "1",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "two-edits" in out and "one-edit" in out and "localisation" in out
    rows = json.loads(js.read_text())
    assert [r["label"] for r in rows] == ["two-edits", "one-edit"]
    assert rows[0]["localisation"] == 1.0 and rows[0]["complexity"] == 1.5
    assert rows[1]["localisation"] == 0.0 and rows[1]["complexity"] == 1.0 and rows[1]["diversity"] == 1.0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_datastats_languages_from_benchmark_ids_and_clear_errors(shared, tmp_path, capsys):
    dev = shared / "benchmarks" / "excel" / "dev.jsonl"
    assert main(["datastats", str(dev), "--limit", "20", "--no-oracle"]) == 0
    assert "excel" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"broken": 1}\n')
    assert main(["datastats", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
    nolang = tmp_path / "nolang.jsonl"
    nolang.write_text(json.dumps({"broken": "x", "fixed": "y"}) + "\n")
    assert main(["datastats", str(nolang)]) == 2
    assert "--lang" in capsys.readouterr().err
    assert main(["datastats", str(dev), str(nolang), "--labels", "one"]) == 2

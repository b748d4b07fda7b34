import json

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.model_training.corpus import build_vocabulary
from lastfix.model_training.corrupt import LOOKALIKES, MAX_MOVE, RULES, Corrupter, corrupt

S = "= SUM ( <CELL> , <CELL> , <NUMBER> )".split()


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_makes_one_small_change(rule):
    rng = np.random.default_rng(0)
    out = corrupt(S, rng, [rule])
    assert out is not None and out != S
    if rule == "drop":
        assert len(out) == len(S) - 1
    if rule in ("duplicate", "insert"):
        assert len(out) == len(S) + 1
    if rule == "swap":
        assert sorted(out) == sorted(S)
    if rule == "misspell":
        assert "SUM" not in out and len(out) == len(S)
    if rule == "drop_keyword":
        assert out == [s for s in S if s != "SUM"]
    if rule == "drop_argument":
        assert out in (S[:4] + S[6:], S[:6] + S[8:])
    if rule == "move":  # the same symbols, one bracket elsewhere
        assert sorted(out) == sorted(S) and len(out) == len(S)
        assert [x for x in out if x not in "()"] == [x for x in S if x not in "()"]
    if rule == "lookalike":
        changed = [(a, b) for a, b in zip(S, out, strict=True) if a != b]
        assert len(changed) == 1 and changed[0][1] in LOOKALIKES[changed[0][0]]


def test_two_slips_are_one_edit_over_the_span_between_them():
    for seed in range(30):
        out = corrupt(S, np.random.default_rng(seed), ["twice"])
        assert out is not None and out != S
        # the edit changes at most the two slips' worth of symbols
        assert abs(len(out) - len(S)) <= 2 * (MAX_MOVE + 2)


def test_corrupt_is_seeded_and_validates_rule_names():
    a = [corrupt(S, np.random.default_rng(5)) for _ in range(3)]
    assert a[0] == a[1] == a[2]
    assert corrupt([], np.random.default_rng(0)) is None
    assert corrupt(["x"], np.random.default_rng(0), ["drop_argument"]) is None
    with pytest.raises(ValueError, match="valid names: drop"):
        corrupt(S, np.random.default_rng(0), ["explode"])


def test_corrupter_keeps_only_what_the_excel_oracle_rejects(shared):
    grammar = get_grammar("excel")
    with (shared / "corpora" / "excel" / "formulas.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(300), f, strict=False)]
    texts = [t for t in texts if grammar.is_valid(t)]
    vocab = build_vocabulary("excel", texts)
    corrupter = Corrupter(grammar, vocab)
    rng = np.random.default_rng(0)
    made = [(t, corrupter(t, rng)) for t in texts]
    made = [(t, c) for t, c in made if c is not None]
    assert len(made) >= 0.8 * len(texts)
    for text, c in made:
        assert not grammar.is_valid(c.broken_text)
        assert c.fixed == vocab.symbols_of(grammar.tokenize(text))
        assert c.broken == vocab.symbols_of(grammar.tokenize(c.broken_text)) and c.broken != c.fixed

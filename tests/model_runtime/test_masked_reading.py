"""Repair by reading the masked model at every cell ("read" decoder): the k-best enumeration, the
reading on the real tiny model, the candidate source, and the shipped Excel model on plain slips.

The tiny model (tests/model_training/test_masked_train.py) is trained without slip rows, so its tests
assert what any model gives (well-formed, distinct, ordered, deterministic output); what a slip-trained
model repairs is asserted on the shipped one.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.grammars.errors import ModelLoadError
from lastfix.grammars.vocab import SPECIALS, Vocabulary
from lastfix.model_runtime.candidate_sources import WindowTask
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import create_engine
from lastfix.model_runtime.hints import hints_from_issues
from lastfix.model_runtime.masked_likelihood import reading_gains
from lastfix.model_runtime.masked_reading import (
    _retypes_to,
    _room_for_stretch,
    best_choices,
    channel_bonus,
    read_window,
    symbol_kinds,
)
from lastfix.model_runtime.masked_repair import (
    MaskedRepairSettings,
    lay_stretches,
    masked_stretch,
    settings_for,
)
from lastfix.model_runtime.masked_runtime import MASKED_GRAPH, load_masked_model
from lastfix.model_runtime.masked_source import MaskedSource
from lastfix.model_runtime.model_files import default_model_dir, load_model
from lastfix.model_runtime.repair_settings import RepairSettings
from lastfix.model_runtime.windows import find_window

from tests.model_training.test_masked_train import tiny_masked_model

READ = MaskedRepairSettings(decoder="read", samples=8, ranking="sample", slots_before=64, slots_after=64)
READ2 = MaskedRepairSettings(decoder="read", keep_bonus=2.0)
READ3 = MaskedRepairSettings(decoder="read", keep_bonus=3.0, content_cost=1.0)


@pytest.fixture(scope="module")
def runtime():
    return load_masked_model(tiny_masked_model().model_dir, device="cpu", threads=1)


def _window(text: str, canvas: int = 32):
    grammar = get_grammar("excel")
    tokens = grammar.tokenize(text)
    issues = grammar.errors(text)
    return grammar, tokens, issues, find_window(grammar, text, tokens, issues[0], canvas - 8)


def test_best_choices_are_the_k_highest_sums_in_order():
    rng = np.random.default_rng(0)
    for _ in range(20):
        lists = [
            np.sort(rng.normal(size=int(rng.integers(1, 4))))[::-1] for _ in range(int(rng.integers(1, 5)))
        ]
        every = sorted(
            (sum(float(lst[i]) for lst, i in zip(lists, pick, strict=True)), pick)
            for pick in itertools.product(*(range(len(lst)) for lst in lists))
        )[::-1]
        k = int(rng.integers(1, len(every) + 2))
        got = best_choices(lists, k)
        assert len(got) == min(k, len(every))
        assert len({pick for _, pick in got}) == len(got)  # each choice once
        assert [s for s, _ in got] == pytest.approx([s for s, _ in every[: len(got)]])
    assert best_choices([], 3) == [] and best_choices([np.array([0.0])], 0) == []


def test_a_reading_gives_distinct_edited_documents_best_first_deterministically(runtime):
    text = "=SUM(A1:A3"
    grammar, tokens, _, window = _window(text)
    a = read_window(grammar, runtime, text, tokens, window, READ)
    assert a == read_window(grammar, runtime, text, tokens, window, READ)
    assert 0 < len(a) <= READ.samples
    assert len({s.text for s in a}) == len(a) and all(s.text != text and s.edits for s in a)
    assert [s.score for s in a] == sorted((s.score for s in a), reverse=True)
    assert all(s.score <= 0 for s in a)  # a sum of log-probabilities


def test_an_unknown_decoder_names_the_valid_ones():
    with pytest.raises(ValueError, match="valid names: unmask, read"):
        MaskedRepairSettings(decoder="guess")


def test_the_source_reads_when_the_settings_say_so_and_offers_only_accepted_text(runtime):
    text = "=IF(A1>0,,"
    grammar, tokens, issues, window = _window(text)
    task = WindowTask(
        grammar, text, tokens, window, issues[0], grammar.is_valid, hints_from_issues(issues), k=5
    )
    run = MaskedSource(runtime, READ).open(task)
    run.propose(Deadline.never(), others_found=False)
    read = {s.text for s in read_window(grammar, runtime, text, tokens, window, READ)}
    found = run.found()
    assert all(grammar.is_valid(p.text) and p.text in read for p in found)


SHIPPED = Path(__file__).resolve().parents[2] / "model_runtime" / "models" / "excel" / "masked"


@pytest.mark.skipif(not (SHIPPED / MASKED_GRAPH).is_file(), reason="no shipped masked Excel model")
@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("=SUM(A1:A3", "=SUM(A1:A3)"),  # the last closer forgotten
        ("=IF(A1>0;1;2)", "=IF(A1>0,1,2)"),  # a locale's separator
        ("=SUM(A1:A3))", "=SUM(A1:A3)"),  # one closer too many
    ],
)
def test_the_shipped_excel_model_reads_a_plain_slip_first(broken, fixed):
    shipped = load_masked_model(SHIPPED, device="cpu", threads=1)
    settings = settings_for(shipped)
    if settings.decoder != "read":
        pytest.skip("the shipped Excel masked model is not slip-trained")
    grammar, tokens, _, window = _window(broken, shipped.canvas)
    found = [s.text for s in read_window(grammar, shipped, broken, tokens, window, settings)]
    valid = [t for t in found if grammar.is_valid(t)]
    assert valid and valid[0] == fixed


def _shipped_reader():
    shipped = load_masked_model(SHIPPED, device="cpu", threads=1)
    if settings_for(shipped).decoder != "read":
        pytest.skip("the shipped Excel masked model is not slip-trained")
    return shipped


@pytest.mark.skipif(not (SHIPPED / MASKED_GRAPH).is_file(), reason="no shipped masked Excel model")
def test_the_reading_gain_believes_the_plain_fix_over_a_broken_range_or_a_closer_too_many():
    shipped = _shipped_reader()
    g = get_grammar("excel")
    broken = g.tokenize("=SUM(A1:A10")
    fixes = [g.tokenize(t) for t in ("=SUM(A1:A10)", "=SUM(A1:A)", "=SUM(A1:A10))")]
    close, broken_range, two_closers = reading_gains(shipped, broken, fixes, settings_for(shipped))
    assert None not in (close, broken_range, two_closers)
    assert close > broken_range and close > two_closers


def test_the_hybrid_reads_when_the_masked_model_says_read_and_describes_the_reading(tmp_path):
    # the shipped Excel model with its masked model's settings switched to "read" (whatever it was
    # trained as): the wiring, not the quality
    folder = tmp_path / "excel"
    shutil.copytree(default_model_dir("excel"), folder)
    config_file = folder / "masked" / "config.json"
    config = json.loads(config_file.read_text())
    config["repair"] = {
        **config.get("repair", {}),
        "decoder": "read",
        "keep_bonus": 4.0,
        "hybrid_source": True,
    }
    config_file.write_text(json.dumps(config))
    runtime = load_model(folder, "cpu", threads=1)
    described = create_engine(
        get_grammar("excel"), runtime, RepairSettings(ranking="hand-set", describe=True)
    )
    assert any(isinstance(s, MaskedSource) for s in described.sources)
    top = described.repair("=IF(A1>0;1;2)", deadline=Deadline.never())
    assert top and all("read" in c.features for c in top)
    plain = create_engine(
        get_grammar("excel"), load_model(default_model_dir("excel"), "cpu", threads=1), RepairSettings()
    )
    shipped = settings_for(load_masked_model(SHIPPED, device="cpu", threads=1))
    shipped_reads = shipped.decoder == "read" and shipped.hybrid_source
    assert any(isinstance(s, MaskedSource) for s in plain.sources) == shipped_reads


def test_a_bad_repair_section_fails_when_the_model_loads(tmp_path):
    folder = tmp_path / "excel"
    shutil.copytree(default_model_dir("excel"), folder)
    config_file = folder / "masked" / "config.json"
    config = json.loads(config_file.read_text())
    config["repair"] = {"decoder": "guess"}
    config_file.write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="repair.*valid names: unmask, read"):
        load_model(folder, "cpu", threads=1)


@pytest.mark.skipif(not (SHIPPED / MASKED_GRAPH).is_file(), reason="no shipped masked Excel model")
def test_reading_gains_do_not_depend_on_the_other_candidates():
    # the shipped int8 graph quantises activations per batch: rows of one length read together would
    # score differently with each set of neighbours
    shipped = load_masked_model(SHIPPED, device="cpu", threads=1)
    g = get_grammar("excel")
    base = g.tokenize("=SUM(A1:A10+B1+B2+B3+B4")
    one = g.tokenize("=SUM(A1:A10)+B1+B2+B3+B4")
    same_length = g.tokenize("=SUM(A1:A10+B1+B2+B3)+B4")
    other = g.tokenize("=SUM((A1:A10)+B1+B2+B3+B4)")
    alone = reading_gains(shipped, base, [one], READ2)
    together = reading_gains(shipped, base, [same_length, other, one], READ2)
    assert alone[0] is not None and together[2] == alone[0]


@pytest.mark.skipif(not (SHIPPED / MASKED_GRAPH).is_file(), reason="no shipped masked Excel model")
def test_a_reading_prices_a_retype_only_where_the_typed_token_can_keep_its_characters():
    shipped = load_masked_model(SHIPPED, device="cpu", threads=1)
    grammar, tokens, _, window = _window("=SUM(A1:10)+SUM(10)", shipped.canvas)
    settings = dataclasses.replace(settings_for(shipped), decoder="read", slots_before=64, slots_after=64)
    lay = lay_stretches(
        shipped, window, shipped.vocab.symbols_of(tokens), [masked_stretch(window, settings, 64)]
    )
    win = tokens[window.first : window.last]
    targets = ["<CELL>", "<STRING>"]
    to = _retypes_to(grammar, "=SUM(A1:10)+SUM(10)", win, lay.a - window.first, lay, targets, shipped.vocab)
    cell = shipped.vocab.id_of("<CELL>")
    by_token = [r for r, slot in zip(to, lay.slots, strict=True) if not slot]
    texts = [t.text for t in tokens[lay.a : lay.b]]
    # the range's end may become a cell (A10); the lone 10 is a number as it stands; a function neither
    assert by_token[texts.index("10")] == [cell]
    assert by_token[len(texts) - 2] == []
    assert by_token[texts.index("SUM")] == []
    assert all(r == [] for r, slot in zip(to, lay.slots, strict=True) if slot)


def test_a_wide_window_gives_way_to_the_stretch_in_its_context():
    text = "=" + "+".join(["A1"] * 12) + "+"
    grammar, tokens, _, window = _window(text)
    settings = dataclasses.replace(READ, slots_before=8, slots_after=4)
    roomy = _room_for_stretch(window, tokens, settings, 32)
    a, b = max(window.first, window.focus - 8), min(window.last, window.focus + 4)
    assert roomy.first <= a and roomy.last >= b and roomy.focus == window.focus
    assert masked_stretch(roomy, settings, 32) == (a, b)  # the whole stretch, not a narrowed one
    assert roomy.size + (b - a + 1) + 1 <= 32 < window.size + (b - a + 1) + 1
    assert text[roomy.start : roomy.end] == "".join(t.text for t in tokens[roomy.first : roomy.last])
    assert _room_for_stretch(roomy, tokens, settings, 32) == roomy


def test_a_hybrid_source_must_be_read():
    with pytest.raises(ValueError, match="read"):
        MaskedRepairSettings(hybrid_source=True)


def test_reading_gains_of_no_change_two_insertions_and_an_overflowing_change(runtime):
    g = get_grammar("excel")
    base = g.tokenize("=SUM(A1:A10")
    same, two, plain = reading_gains(
        runtime,
        base,
        [g.tokenize(t) for t in ("=sum(A1:A10", "=SUM(A1:A10))", "=SUM(A1:A10)")],
        READ3,
    )
    assert same == 0.0  # the model's symbols do not change (function names fold case)
    # two closers in one gap are read at its one slot: one more insertion, one more keep bonus lost
    assert two is not None and plain is not None and two < plain
    long_base = g.tokenize("=" + "+".join(["A1"] * 20))
    far = g.tokenize("=(" + "+".join(["A1"] * 20) + ")")
    assert (
        reading_gains(runtime, long_base, [far], READ2, margin=2)[0] is None
    )  # 41 tokens + slots overflow 32


def test_a_resumed_reading_stays_distinct_ordered_and_deterministic(runtime):
    text = "=IF(SUM(A1:A3>1,1"
    grammar, tokens, _, window = _window(text)
    settings = dataclasses.replace(READ, rounds=2, resume_from=2)
    a = read_window(grammar, runtime, text, tokens, window, settings)
    assert a == read_window(grammar, runtime, text, tokens, window, settings)
    assert len({s.text for s in a}) == len(a) and all(s.text != text for s in a)
    assert [s.score for s in a] == sorted((s.score for s in a), reverse=True)
    for s in a:
        assert apply_edits(text, s.edits) == s.text


def _bonus(language: str, symbols: tuple[str, ...], pairs, settings, retypable=None):
    """channel_bonus over every (typed, wrote) pair of ``symbols`` in a vocabulary of them."""
    vocab = Vocabulary(language, SPECIALS + symbols)
    kinds = symbol_kinds(vocab, get_grammar(language).retype_pairs())
    typed = np.array([vocab.id_of(a) for a, _ in pairs])
    wrote = np.array([vocab.id_of(b) for _, b in pairs])
    return channel_bonus(typed, wrote, kinds, settings, retypable).tolist()


def test_the_channel_prices_only_the_languages_retypes_apart_from_other_content_edits():
    plain = MaskedRepairSettings(decoder="read", keep_bonus=2.0, content_cost=10.0)
    retype = dataclasses.replace(plain, retype_cost=1.0)
    excel = ("10", "SUM", ",", "<CELL>", "<NUMBER>", "<STRING>", "<NAME>")
    pairs = [
        ("10", "<CELL>"),  # a row that is a range's end: a retype
        ("<STRING>", "<CELL>"),  # a reference typed as text: a retype
        ("<NUMBER>", "<STRING>"),  # the first number of a time typed as into a cell: a retype
        ("10", "<NUMBER>"),  # the number's own stand-in: new content
        ("<CELL>", "<NUMBER>"),  # no retype writes a number over a cell
        ("SUM", "<CELL>"),  # a function is no value
        ("<NAME>", "<STRING>"),  # a name is as likely meant as it stands
        (",", "<CELL>"),
        ("10", "10"),
    ]
    assert _bonus("excel", excel, pairs, plain) == [-10.0] * 8 + [2.0]
    assert _bonus("excel", excel, pairs, retype) == [-1.0, -1.0, -1.0] + [-10.0] * 5 + [2.0]
    # where the grammar cannot keep the typed characters in their context, the stand-in is new content
    context = np.array([False, True, True, True, True, True, True, True, True])
    assert _bonus("excel", excel, pairs, retype, context) == [-10.0, -1.0, -1.0] + [-10.0] * 5 + [2.0]
    # languages without retypes: Python's layout tokens and PowerShell's placeholders are new content
    python = ("<NAME>", "<NEWLINE>", "<INDENT>", "<STRING>")
    layout = [("<NEWLINE>", "<INDENT>"), ("<NAME>", "<NEWLINE>"), ("<NAME>", "<STRING>")]
    assert _bonus("python", python, layout, retype) == [-10.0] * 3
    powershell = ("<VARIABLE>", "<STRING>", "<ARG>")
    assert _bonus("powershell", powershell, [("<VARIABLE>", "<STRING>"), ("<ARG>", "<STRING>")], retype) == [
        -10.0,
        -10.0,
    ]

"""The seq2seq baseline's runtime and engine on a real tiny trained model, run by ONNX Runtime (no torch)."""

import json
import shutil
import subprocess
import sys

import pytest
from lastfix.benchmarks.seq2seq_engine import BENCH_ENGINES, Seq2SeqEngine, Seq2SeqSettings
from lastfix.benchmarks.seq2seq_runtime import is_seq2seq_dir, load_seq2seq
from lastfix.grammars import get_grammar
from lastfix.grammars.base import apply_edits
from lastfix.grammars.errors import InferenceError, ModelLoadError
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import create_engine
from lastfix.model_runtime.repair_settings import RepairSettings

from tests.model_training.seq2seq_tiny import tiny_seq2seq

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_seq2seq(shared)


@pytest.fixture(scope="module")
def runtime(tiny):
    return load_seq2seq(tiny.directory, device="cpu", threads=1)


def test_runtime_never_imports_torch(tiny):
    code = (
        "import sys; from lastfix.benchmarks.seq2seq_runtime import load_seq2seq; "
        "from lastfix.benchmarks.seq2seq_engine import Seq2SeqEngine; "
        f"load_seq2seq({str(tiny.directory)!r}, device='cpu').greedy([[5, 1]]); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_repairs_what_it_learned_and_every_candidate_is_valid_with_edits_on_the_original(tiny, runtime):
    grammar = get_grammar("excel")
    engine = Seq2SeqEngine(grammar, runtime, Seq2SeqSettings(k=3))
    top = 0
    for broken, fixed in tiny.pairs:
        cands = engine.repair(broken, deadline=Deadline.after_ms(1000))
        assert len(cands) <= 3
        for c in cands:
            assert grammar.is_valid(c.text) and c.text.strip()
            assert apply_edits(broken, c.edits) == c.text
            assert c.source == "seq2seq" and c.rules == {"seq2seq"} and c.noise is None and c.distance >= 1
        assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
        top += bool(cands) and grammar.exact(cands[0].text) == grammar.exact(fixed)
    assert top >= 0.7 * len(tiny.pairs)
    assert engine.repair("=SUM(A1:A3)", deadline=Deadline.after_ms(1000)) == []  # nothing to repair


def test_each_formula_of_a_document_is_repaired_in_its_own_window(tiny, runtime):
    grammar = get_grammar("excel")
    doc = "\n".join(b for b, _ in tiny.pairs[:6])
    cands = Seq2SeqEngine(grammar, runtime).repair(doc, deadline=Deadline.after_ms(1000))
    assert cands and grammar.is_valid(cands[0].text)
    assert apply_edits(doc, cands[0].edits) == cands[0].text
    assert len(cands[0].text.splitlines()) == 6  # no formula merged into or lost from its neighbours
    want = "\n".join(f for _, f in tiny.pairs[:6])
    fixed_lines = sum(a == b for a, b in zip(cands[0].text.splitlines(), want.splitlines(), strict=True))
    assert fixed_lines >= 4


def test_too_long_input_is_an_inference_error(runtime):
    with pytest.raises(InferenceError, match="do not fit"):
        runtime.source_ids(["="] * runtime.max_len)


def test_load_errors_name_the_file_and_the_fix(tiny, tmp_path):
    with pytest.raises(ModelLoadError, match="missing"):
        load_seq2seq(tmp_path)
    bad = tmp_path / "bad"
    shutil.copytree(tiny.directory, bad)
    config = json.loads((bad / "config.json").read_text())
    assert is_seq2seq_dir(bad) and not is_seq2seq_dir(tmp_path)
    (bad / "config.json").write_text(json.dumps({**config, "kind": "diffusion"}))
    with pytest.raises(ModelLoadError, match="not a seq2seq model"):
        load_seq2seq(bad)
    (bad / "config.json").write_text(json.dumps({**config, "model": {**config["model"], "vocab_size": 7}}))
    with pytest.raises(ModelLoadError, match="different runs"):
        load_seq2seq(bad)
    (bad / "config.json").write_text(json.dumps(config))
    (bad / "seq2seq_decoder.onnx").write_bytes(b"truncated")
    with pytest.raises(ModelLoadError, match="truncated or corrupt"):
        load_seq2seq(bad)


def test_the_bench_factory_builds_it_and_refuses_a_model_of_another_language(runtime):
    seq2seq = RepairSettings(engine="seq2seq")
    engine = create_engine(get_grammar("excel"), runtime, seq2seq, extra=BENCH_ENGINES)
    assert isinstance(engine, Seq2SeqEngine) and engine.name == "seq2seq"
    with pytest.raises(ModelLoadError, match="not 'python'"):
        create_engine(get_grammar("python"), runtime, seq2seq, extra=BENCH_ENGINES)
    with pytest.raises(ModelLoadError, match="train-seq2seq --export"):
        create_engine(get_grammar("excel"), None, seq2seq, extra=BENCH_ENGINES)
    with pytest.raises(ValueError, match="valid engines are diffusion, edits, hybrid, masked$"):
        create_engine(get_grammar("excel"), runtime, seq2seq)  # the runtime alone has no seq2seq engine

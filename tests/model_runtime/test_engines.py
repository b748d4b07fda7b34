"""The repair engines behind one interface: the factory, the engines' common answers, and one deadline
spent by a document repaired error by error (real grammars, the shipped Excel model, real searches)."""

from __future__ import annotations

import threading

import pytest
from lastfix.grammars import get_grammar
from lastfix.grammars.base import SyntaxIssue, apply_edits
from lastfix.grammars.errors import ModelLoadError
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import (
    ENGINES,
    RUNTIME_ENGINES,
    EngineRecipe,
    RepairEngine,
    create_engine,
)
from lastfix.model_runtime.local_repair import repair_document
from lastfix.model_runtime.model_resolver import choose_model, require_model
from lastfix.model_runtime.repair import Candidate, Repairer
from lastfix.model_runtime.repair_settings import RepairSettings

_FUNCTION = "def f{i}(x, y={i}):\n    return [x + y, (x * {i}) % 7]\n\n\n"


@pytest.fixture(scope="module")
def excel_model():
    return require_model(choose_model("excel", threads=1))


class Recording:
    """A real engine that notes the deadline of every repair it is asked for."""

    def __init__(self, engine: RepairEngine) -> None:
        self.engine = engine
        self.deadlines: list[Deadline] = []

    @property
    def name(self) -> str:
        return self.engine.name

    @property
    def grammar(self):
        return self.engine.grammar

    def repair(
        self, text: str, issue: SyntaxIssue | None = None, *, deadline: Deadline, k: int | None = None
    ) -> list[Candidate]:
        self.deadlines.append(deadline)
        return self.engine.repair(text, issue, deadline=deadline, k=k)


def test_the_factory_names_the_valid_engines():
    excel = get_grammar("excel")
    assert ENGINES == tuple(sorted(RUNTIME_ENGINES)) == ("diffusion", "edits", "hybrid", "masked")
    with pytest.raises(
        ValueError,
        match=r"unknown repair engine 'magic'; valid engines are diffusion, edits, hybrid, masked$",
    ):
        create_engine(excel, None, RepairSettings(engine="magic"))
    # a caller's own engines join the list (the bench adds its seq2seq baseline this way)
    extra = {
        "echo": EngineRecipe(lambda g, r, s, search: create_engine(g, None, RepairSettings(engine="edits")))
    }
    with pytest.raises(ValueError, match="valid engines are diffusion, echo, edits, hybrid, masked$"):
        create_engine(excel, None, RepairSettings(engine="magic"), extra=extra)
    assert create_engine(excel, None, RepairSettings(engine="echo"), extra=extra).name == "edits"
    for name in ("diffusion", "hybrid", "masked"):  # engines with a model say which and how to get one
        with pytest.raises(
            ModelLoadError, match=f"the {name} engine needs a diffusion model.*--engine edits"
        ):
            create_engine(excel, None, RepairSettings(engine=name))


def test_a_model_of_another_language_is_refused(excel_model):
    with pytest.raises(ModelLoadError, match="not 'python'"):
        create_engine(get_grammar("python"), excel_model, RepairSettings(engine="hybrid"))


@pytest.mark.parametrize("name", ENGINES)
def test_every_engine_answers_through_the_same_interface(excel_model, name):
    excel = get_grammar("excel")
    engine: RepairEngine = create_engine(excel, excel_model, RepairSettings(k=3, engine=name))
    assert engine.name == name and engine.grammar is excel
    text = '=IF(A1>2,"a","b"'
    cands = engine.repair(text, deadline=Deadline.after_ms(5000))
    assert cands and len(cands) <= 3
    for c in cands:
        assert isinstance(c, Candidate) and excel.is_valid(c.text) and apply_edits(text, c.edits) == c.text
        # what made it: a model's sampler, or the search (its plain edits or a named rule), as its source says
        assert ("diffusion" in c.rules) == (c.source in ("diffusion", "both"))
        assert ("masked" in c.rules) == (c.source == "masked")
        assert (c.rules - {"diffusion", "masked"} != frozenset()) == (c.source in ("edits", "both"))
    assert len(engine.repair(text, deadline=Deadline.after_ms(5000), k=1)) == 1
    assert engine.repair("=SUM(A1:A3)", deadline=Deadline.after_ms(5000)) == []  # nothing to repair
    # no time, or cancelled: nothing (and at once)
    assert engine.repair(text, deadline=Deadline.after_ms(0)) == []
    cancel = threading.Event()
    cancel.set()
    assert engine.repair(text, deadline=Deadline.never(cancel)) == []


def test_the_repairer_is_the_named_engine_with_its_budget():
    repairer = Repairer(get_grammar("powershell"), None, RepairSettings(engine="edits"))
    assert repairer.name == "edits" and repairer.budget_ms == 400
    direct = create_engine(get_grammar("powershell"), None, RepairSettings(engine="edits"))
    text = "$x = (1\n"
    assert [c.text for c in repairer.repair(text)] == [
        c.text for c in direct.repair(text, deadline=Deadline.after_ms(400))
    ]


def test_a_document_repaired_error_by_error_spends_one_deadline():
    grammar = get_grammar("python")
    lines = [_FUNCTION.format(i=i) for i in range(200)]
    broken = "def g(x):\n    return [x + 1, (x * 2 % 7]\n\n\n"
    text = "".join(lines[:100]) + broken + "".join(lines[100:]) + "def h(:\n    pass\n"
    assert len(grammar.errors(text)) == 2 and len(text) > 2_000  # large: repaired one error at a time
    engine = Recording(create_engine(grammar, None, RepairSettings(engine="edits")))
    root = Deadline.after_ms(5_000)
    cands = repair_document(engine, text, deadline=root)
    assert cands and grammar.is_valid(cands[0].text) and "def h():" in cands[0].text
    first, second = engine.deadlines  # one repair per error
    # both under the one deadline, their common safety cap (a time share each would depend on the load)
    assert first is root and second is root


def test_deadline_accounting():
    root = Deadline.after_ms(1_000)
    assert root.budget_s == pytest.approx(1.0) and not root.expired()
    for sub in (root.cap_ms(100), root.cap_ms(10_000), root.leave(0.4)):
        assert sub.within(root) and not root.within(sub) or sub == root
    assert root.cap_ms(10_000).expires_at == root.expires_at  # a cap never extends the deadline
    assert root.leave(0.4).expires_at == pytest.approx(root.expires_at - 0.4)
    assert root.leave(0.4).budget_s == pytest.approx(0.6) and root.leave(0) is root
    assert Deadline.after_ms(0).expired() and Deadline.after_ms(0).remaining_s() == 0.0
    never = Deadline.never()
    assert not never.expired() and never.leave(0.5).expires_at == never.expires_at
    assert never.cap_ms(500).within(never) and never.cap_ms(500).budget_s == pytest.approx(0.5, abs=0.01)
    cancel = threading.Event()
    cancelled = Deadline.after_ms(1_000, cancel)
    cancel.set()
    assert cancelled.expired() and cancelled.cancelled() and cancelled.cap_ms(500).cancelled()


def test_the_shipped_python_model_repairs_alone_through_the_masked_engine():
    python = get_grammar("python")
    runtime = require_model(choose_model("python", threads=1))
    assert runtime.masked is not None and runtime.masked.canvas == 128  # shipped beside the model
    engine = create_engine(python, runtime, RepairSettings(k=3, engine="masked"))
    cands = engine.repair("print(len(x)\n", deadline=Deadline.after_ms(60_000))
    assert cands and all(python.is_valid(c.text) and c.source == "masked" for c in cands)
    again = engine.repair("print(len(x)\n", deadline=Deadline.after_ms(60_000))
    assert [c.text for c in again] == [c.text for c in cands]  # seeded: the same samples every time
    assert engine.repair("print(len(x))\n", deadline=Deadline.after_ms(60_000)) == []

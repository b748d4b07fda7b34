"""The benchmark harness: run the real repair engine on {"id","broken","fixed"} records and score it.

One block per engine (DESIGN.md "Measuring": diffusion only = the paper's protocol, grammar-guided edits
ranked by distance = no model, hybrid = the product): exact/sketch/valid/close at 1 and k, latency, each
record's top-1 repair with the rules that made it, and, with a noise sweep, accuracy per noise level
(paper fig. 5), the any/best/vote pooling (table 1) and the band of noise levels that repaired each error
size (fig. 6). The engines are the runtime's factory plus the bench's own (:data:`BENCH_RECIPES`: the
seq2seq baseline), and each record is repaired under its own deadline of one repair's budget.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from lastfix.grammars.base import Grammar
from lastfix.grammars.errors import InputError
from lastfix.model_runtime.deadline import Deadline
from lastfix.model_runtime.engines import (
    RUNTIME_ENGINES,
    EngineRecipe,
    LoadedModel,
    RepairEngine,
    create_engine,
)
from lastfix.model_runtime.noise_table import SWEEP_LEVELS
from lastfix.model_runtime.ranking import edit_shape, token_distance
from lastfix.model_runtime.repair_result import Candidate
from lastfix.model_runtime.repair_settings import RepairSettings, budget_ms
from lastfix.model_runtime.windows import error_size, find_windows

from .cross_validation import PoolRecord
from .metrics import Judgement, at_k, judge_all, latency_summary, pooling
from .seq2seq_engine import BENCH_ENGINES

if TYPE_CHECKING:
    from lastfix.model_runtime.sampler import DiffusionRuntime

__all__ = [
    "BENCH_RECIPES",
    "BenchSettings",
    "bench_engine",
    "RecordResult",
    "SizedModel",
    "load_records",
    "model_info",
    "run_engine",
    "engine_block",
    "sweep",
    "repair_time_size",
    "size_bucket",
    "stderr_progress",
    "MAX_FAILURES",
]

MAX_FAILURES = 50
# every engine the bench can run: the runtime's and its own baselines
BENCH_RECIPES: Mapping[str, EngineRecipe] = {**RUNTIME_ENGINES, **BENCH_ENGINES}
_SIZE_BUCKETS = ((1, "1"), (2, "2"), (3, "3"), (4, "4"), (8, "5-8"), (16, "9-16"))


@dataclass(frozen=True)
class BenchSettings:
    """What one bench run measures."""

    k: int = 5
    time_budget_ms: int | None = None  # None = the product's default for the language
    seeds: int = 8
    without_rules: frozenset[str] = frozenset()  # named rules switched off (ablation)
    ranking: str = "learned"  # RepairSettings.ranking: "hand-set" to refit the learned ranking
    describe: bool = False  # RepairSettings.describe: every feature, for --folds


@dataclass(frozen=True)
class RecordResult:
    """One record's outcome under one engine (and noise level)."""

    id: str
    outputs: tuple[str, ...]  # candidate texts, best first
    noises: tuple[float | None, ...]
    judgements: tuple[Judgement, ...]
    ms: float
    rules: tuple[str, ...] = ()  # what made the top-1 candidate (sorted rule names)
    fired: tuple[str, ...] = ()  # what made any of the candidates (sorted rule names)
    capped: bool = False  # the wall-clock cap ran out during the repair (its result may depend on load)
    pool: PoolRecord | None = None  # every valid candidate found, when the engine exposes them


def load_records(path: str | Path, limit: int | None = None) -> list[dict[str, str]]:
    """Records of a benchmark JSONL; InputError naming the line that is not a record."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{p}: no such benchmark file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read benchmark file ({e})") from None
    out: list[dict[str, str]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not all(isinstance(rec.get(f), str) for f in ("broken", "fixed")):
                raise ValueError('"broken" and "fixed" must be strings')
        except (json.JSONDecodeError, ValueError, AttributeError) as e:
            raise InputError(f'{p}:{n}: not a {{"id","broken","fixed"}} record ({e})') from None
        out.append({"id": str(rec.get("id", n)), "broken": rec["broken"], "fixed": rec["fixed"]})
        if limit is not None and len(out) >= limit:
            break
    return out


class SizedModel(Protocol):
    """A loaded model of any kind, as the report describes it."""

    @property
    def params(self) -> int: ...


def model_info(model_dir: str | Path | None, runtime: SizedModel | None) -> dict[str, Any] | None:
    """Path, sha256 of the weights (denoiser, decoder, embedding, vocabulary) and parameter count."""
    if model_dir is None or runtime is None:
        return None
    d = Path(model_dir)
    h = hashlib.sha256()
    # config.json is left out on purpose: calibration rewrites its noise table without changing weights.
    for name in (
        "denoiser.onnx",
        "decoder.onnx",
        "embedding.npy",
        "vocab.json",
        "seq2seq_encoder.onnx",
        "seq2seq_decoder.onnx",
    ):
        f = d / name
        if f.exists():
            h.update(name.encode())
            h.update(f.read_bytes())
    return {"path": str(d), "sha256": h.hexdigest(), "params": int(runtime.params)}


def bench_engine(
    grammar: Grammar,
    runtime: LoadedModel | None,
    engine: str,
    settings: BenchSettings,
    *,
    noise: float | None = None,
) -> RepairEngine:
    """The engine ``engine`` (a name of :data:`BENCH_RECIPES`) as the bench runs it."""
    chosen = RepairSettings(
        k=settings.k,
        engine=engine,
        seeds=settings.seeds,
        noise=noise,
        without_rules=settings.without_rules,
        ranking=settings.ranking,
        describe=settings.describe,
    )
    return create_engine(grammar, runtime, chosen, extra=BENCH_ENGINES)


def run_engine(
    grammar: Grammar,
    runtime: LoadedModel | None,
    records: Sequence[dict[str, str]],
    engine: str,
    settings: BenchSettings,
    *,
    noise: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RecordResult]:
    """Repair every record with one engine, each under its own deadline; the whole-document repair the CLI
    runs."""
    repair_engine = bench_engine(grammar, runtime, engine, settings, noise=noise)
    budget = budget_ms(grammar.name, settings.time_budget_ms)
    out: list[RecordResult] = []
    for i, rec in enumerate(records):
        deadline = Deadline.after_ms(budget)
        t0 = time.perf_counter()
        if isinstance(repair_engine, PoolingEngine):
            pool = repair_engine.repair_pool(rec["broken"], deadline=deadline, k=settings.k)
        else:
            pool = repair_engine.repair(rec["broken"], deadline=deadline, k=settings.k)
        ms = (time.perf_counter() - t0) * 1000.0
        capped = deadline.fired()  # some stage stopped early on the cap, not on its own work
        cands = pool[: settings.k]
        texts = tuple(c.text for c in cands)
        judged = tuple(judge_all(grammar, rec["broken"], rec["fixed"], [c.text for c in pool]))
        out.append(
            RecordResult(
                rec["id"],
                texts,
                tuple(c.noise for c in cands),
                judged[: settings.k],
                ms,
                tuple(sorted(cands[0].rules)) if cands else (),
                tuple(sorted(set().union(*(c.rules for c in cands)))),
                capped,
                _pool_record(rec["id"], pool, judged) if isinstance(repair_engine, PoolingEngine) else None,
            )
        )
        if progress is not None:
            progress(i + 1, len(records))
    return out


@runtime_checkable
class PoolingEngine(Protocol):
    """An engine that can give every valid candidate it found, not only its top k."""

    def repair_pool(self, text: str, *, deadline: Deadline, k: int | None = None) -> list[Candidate]: ...


def _pool_record(record_id: str, pool: Sequence[Candidate], judged: Sequence[Judgement]) -> PoolRecord:
    return PoolRecord(
        record_id,
        tuple(c.features for c in pool),
        tuple(judged),
        tuple(c.rules for c in pool),
        tuple(edit_shape(c.edits) for c in pool),
    )


def _metrics(results: Sequence[RecordResult], k: int) -> dict[str, float]:
    js = [r.judgements for r in results]
    m = {
        "exact@1": at_k(js, "exact", 1),
        "exact@k": at_k(js, "exact", k),
        "sketch@1": at_k(js, "sketch", 1),
        "sketch@k": at_k(js, "sketch", k),
        "valid@1": at_k(js, "valid", 1),
        "close@1": at_k(js, "close", 1),
        "close@k": at_k(js, "close", k),
        "no_candidate": (sum(1 for r in results if not r.outputs) / len(results)) if results else 0.0,
        # records whose repair ran into the wall-clock cap: only these may answer differently under load
        "capped": (sum(1 for r in results if r.capped) / len(results)) if results else 0.0,
    }
    return {key: round(v, 4) for key, v in m.items()}


def rule_figures(results: Sequence[RecordResult]) -> dict[str, dict[str, int]]:
    """Per rule (and "search"/"diffusion"): records where it made a candidate ("fired"), made the top-1,
    and made a top-1 that matches the human fix (exactly, and up to the sketch)."""
    out: dict[str, dict[str, int]] = {}
    for r in results:
        for name in r.fired:
            out.setdefault(name, {"fired": 0, "top1": 0, "top1_exact": 0, "top1_sketch": 0})["fired"] += 1
        best = r.judgements[0] if r.judgements else None
        for name in r.rules:
            row = out[name]
            row["top1"] += 1
            row["top1_exact"] += bool(best is not None and best.exact)
            row["top1_sketch"] += bool(best is not None and best.sketch)
    return dict(sorted(out.items()))


def engine_block(
    records: Sequence[dict[str, str]],
    results: Sequence[RecordResult],
    k: int,
    sweep_result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON block of one engine: metrics, latency, pooling, by-noise accuracy and the first failures."""
    by_id = {r["id"]: r for r in records}
    failures = []
    for r in results:
        if r.judgements and r.judgements[0].exact:
            continue
        rec = by_id[r.id]
        failures.append(
            {
                "id": r.id,
                "broken": rec["broken"],
                "expected": rec["fixed"],
                "got": r.outputs[0] if r.outputs else None,
            }
        )
        if len(failures) >= MAX_FAILURES:
            break
    block: dict[str, Any] = {
        "metrics": _metrics(results, k),
        "latency_ms": latency_summary([r.ms for r in results]),
        "pooling": {"any": None, "best": None, "vote": None},
        "by_noise": {},
        "failures": failures,
        "rules": rule_figures(results),
        "records": [
            {
                "id": r.id,
                "top1": r.outputs[0] if r.outputs else None,
                "ms": round(r.ms, 1),
                "rules": list(r.rules),
                "capped": r.capped,
            }
            for r in results
        ],
    }
    if sweep_result is not None:
        block.update(sweep_result)
    return block


def repair_time_size(grammar: Grammar, broken: str, canvas: int) -> int:
    """Error size the engine sees at repair time (the noise table's key): tokens under the first issues."""
    issues = grammar.errors(broken)
    if not issues:
        return 1
    tokens = grammar.tokenize(broken)
    return error_size(tokens, find_windows(grammar, broken, tokens, issues, canvas)[0])


def size_bucket(size: int) -> str:
    """Label of the error-size bucket (token edit distance broken -> fixed) for the fig. 6 band."""
    for bound, label in _SIZE_BUCKETS:
        if size <= bound:
            return label
    return f"{_SIZE_BUCKETS[-1][0] + 1}+"


def sweep(
    grammar: Grammar,
    runtime: DiffusionRuntime,
    records: Sequence[dict[str, str]],
    engine: str,
    settings: BenchSettings,
    levels: Sequence[float] = SWEEP_LEVELS,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], list[tuple[int, dict[float, bool]]]]:
    """Run ``engine`` at each noise level: (report fields, per record (repair-time size, {level: ok}))."""
    per_level: dict[float, list[RecordResult]] = {}
    for level in levels:
        if progress is not None:
            progress(f"{engine}: noise {level:.1f}")
        per_level[level] = run_engine(grammar, runtime, records, engine, settings, noise=level)
    by_noise = {f"{lv:.1f}": _metrics(res, settings.k) for lv, res in per_level.items()}
    top1: list[dict[float, tuple[str | None, bool]]] = []
    calib: list[tuple[int, dict[float, bool]]] = []
    band: dict[str, list[float]] = {}
    band_n: dict[str, int] = {}
    for i, rec in enumerate(records):
        row = {
            lv: (
                res[i].outputs[0] if res[i].outputs else None,
                bool(res[i].judgements and res[i].judgements[0].sketch),
            )
            for lv, res in per_level.items()
        }
        top1.append(row)
        calib.append(
            (
                repair_time_size(grammar, rec["broken"], runtime.canvas),
                {lv: ok for lv, (_, ok) in row.items()},
            )
        )
        # fig. 6: levels at which the right code was generated at least once (any of the top k)
        bucket = size_bucket(token_distance(grammar.exact(rec["broken"]), grammar.exact(rec["fixed"])))
        band_n[bucket] = band_n.get(bucket, 0) + 1
        band.setdefault(bucket, []).extend(
            lv for lv, res in per_level.items() if any(j.sketch for j in res[i].judgements)
        )
    noise_band = [
        {
            "size": b,
            "n": band_n[b],
            "min": min(band[b]) if band[b] else None,
            "max": max(band[b]) if band[b] else None,
        }
        for b in [label for _, label in _SIZE_BUCKETS] + [f"{_SIZE_BUCKETS[-1][0] + 1}+"]
        if b in band_n
    ]
    return {"by_noise": by_noise, "pooling": pooling(top1), "noise_band": noise_band}, calib


def stderr_progress(label: str) -> Callable[[int, int], None]:
    """A progress counter on stderr when it is a terminal (silent in logs and tests)."""

    def show(done: int, total: int) -> None:
        if sys.stderr.isatty():
            end = "\n" if done == total else ""
            print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show

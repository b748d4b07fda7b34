"""Figures of an exported masked model, measured through ONNX Runtime (what ships), as JSON:

- masked-token accuracy on held-apart corpus snippets (the training run's own split) at masking ratios
  0.15 / 0.5 / 0.9, every masked cell predicted at once (argmax);
- likelihood per token on the same snippets: the model's pseudo-log-likelihood and its MDLM bound,
  beside the 4-gram prior (the shipped one, which counted the held-apart snippets too, and one counted
  on the training split only, the fair comparison);
- diffusion-only repair of a benchmark JSONL ({"broken", "fixed"}): the first error's window
  (``windows.find_window``), ``masked_repair.repair_window`` alone, valid candidates only; sketch@1/@5.

    python -m lastfix.model_training.masked_measure --model model_runtime/models/excel/masked \
        --corpus runs/corpus-excel --bench ../shared/benchmarks/excel/dev.jsonl \
        --out runs/masked-excel/figures.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from lastfix.grammars import get_grammar
from lastfix.model_runtime.diffusion_candidates import DiffusionSettings, slot_room
from lastfix.model_runtime.masked_repair import MaskedRepairSettings, repair_window
from lastfix.model_runtime.masked_runtime import MaskedRuntime, load_masked_model
from lastfix.model_runtime.model_files import default_model_dir
from lastfix.model_runtime.ngram import NGRAM_FILE, NgramModel
from lastfix.model_runtime.windows import find_window

from .masked_train import MaskedTrainConfig, encode_corpus, held_apart

__all__ = ["held_apart_rows", "token_accuracy", "likelihoods", "repair_bench", "calibrate", "main"]

RATIOS = (0.15, 0.5, 0.9)


def held_apart_rows(runtime: MaskedRuntime, corpus: str) -> tuple[list[list[int]], list[list[int]]]:
    """(train rows, held-apart rows) of the corpus, split exactly as the model's training run split it."""
    train = MaskedTrainConfig(**runtime.config["trained"]["train"])
    rows = encode_corpus(runtime.language, corpus, runtime.vocab, runtime.canvas).ids
    train_index, eval_index = held_apart(len(rows), train)
    return [rows[int(i)] for i in train_index], [rows[int(i)] for i in eval_index]


def token_accuracy(
    runtime: MaskedRuntime, rows: Sequence[Sequence[int]], ratios: Sequence[float] = RATIOS, seed: int = 0
) -> dict[str, float]:
    """Share of masked cells whose argmax is the original token, per ratio (at least one cell per row):
    over the whole vocabulary, and over the symbols other than ``<blank>`` (a masked cell of a complete
    snippet may rightly be read as an empty slot; the second figure asks which token it holds)."""
    out: dict[str, float] = {}
    lengths = np.array([len(r) for r in rows])
    for r in ratios:
        rng = np.random.default_rng([seed, int(r * 1000)])
        hits = token_hits = total = 0
        for n in np.unique(lengths):
            ids, content = runtime.lay([rows[i] for i in np.flatnonzero(lengths == n)])
            masked = content & (rng.random(ids.shape) < r)
            for b in np.flatnonzero(~masked.any(1)):
                masked[b, int(rng.integers(0, n))] = True
            logits = runtime.logits(np.where(masked, runtime.mask_id, ids))
            hits += int((logits.argmax(-1) == ids)[masked].sum())
            logits[:, :, runtime.vocab.blank_id] = -np.inf
            token_hits += int((logits.argmax(-1) == ids)[masked].sum())
            total += int(masked.sum())
        out[f"acc@{r:g}"] = hits / total
        out[f"acc_token@{r:g}"] = token_hits / total  # the cell is known to hold a token (no blank)
        out[f"masked_cells@{r:g}"] = total
    return out


def likelihoods(
    runtime: MaskedRuntime, rows: Sequence[Sequence[int]], ngrams: dict[str, NgramModel]
) -> dict[str, float]:
    """Nats per token: the model's -PLL and MDLM bound, each 4-gram's NLL (without and with the end)."""
    tokens = sum(len(r) for r in rows)
    out = {
        "snippets": float(len(rows)),
        "tokens": float(tokens),
        "masked_pll_nats_per_token": float(-runtime.pseudo_log_likelihood(rows).sum() / tokens),
        "masked_elbo_nats_per_token": float(runtime.elbo_nll(rows, samples=16, seed=0).sum() / tokens),
    }
    symbols = [[runtime.vocab.symbols[i] for i in r] for r in rows]
    for name, ngram in ngrams.items():
        tokens_only = -sum(ngram.logprob(s, 0, len(s)) for s in symbols)
        with_end = -sum(ngram.logprob(s) for s in symbols)
        out[f"{name}_nats_per_token"] = tokens_only / tokens
        out[f"{name}_with_end_nats_per_token"] = with_end / (tokens + len(rows))
    return out


def repair_bench(
    runtime: MaskedRuntime, records: Sequence[dict[str, Any]], settings: MaskedRepairSettings, seed: int = 0
) -> dict[str, Any]:
    """Diffusion-only repair of each record's first error window: sketch@1/@5, valid@1, latency."""
    grammar = get_grammar(runtime.language)
    room = slot_room(DiffusionSettings())  # the engines' window width (window_step.window_width)
    at1 = at5 = valid = anywhere = 0
    times: list[float] = []
    per_record: list[dict[str, Any]] = []
    for rec in records:
        broken, fixed = rec["broken"], rec["fixed"]
        target = grammar.sketch(fixed)
        started = time.perf_counter()
        issues = grammar.errors(broken)
        texts: list[str] = []
        if issues:
            tokens = grammar.tokenize(broken)
            window = find_window(grammar, broken, tokens, issues[0], runtime.canvas - 1 - room)
            samples = repair_window(grammar, runtime, broken, tokens, window, settings, seed=seed)
            texts = [s.text for s in samples if grammar.is_valid(s.text)]
        times.append(time.perf_counter() - started)
        hits = [grammar.sketch(t) == target for t in texts]
        at1 += bool(hits[:1] and hits[0])
        at5 += any(hits[:5])
        anywhere += any(hits)
        valid += bool(texts)
        per_record.append({"id": rec.get("id"), "top": texts[:1], "sketch@1": bool(hits[:1] and hits[0])})
    n = max(len(records), 1)
    return {
        "records": len(records),
        "settings": dataclasses.asdict(settings),
        "sketch@1": at1 / n,
        "sketch@5": at5 / n,
        "sketch@any": anywhere / n,
        "valid@1": valid / n,
        "latency_p50_ms": 1000 * float(np.percentile(times, 50)) if times else 0.0,
        "latency_p95_ms": 1000 * float(np.percentile(times, 95)) if times else 0.0,
        "per_record": per_record,
    }


def calibrate(model_dir: Path, token_pll_nats: float) -> None:
    """Record the model's length credit in its config.json ("repair": the window repair's defaults)."""
    path = model_dir / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["repair"] = {**config.get("repair", {}), "length_credit": round(token_pll_nats, 4)}
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def _credit(value: str | None, figures: dict[str, Any]) -> float | None:
    """--length-credit: a number, 'corpus' for the held-apart mean -PLL per token just measured, or
    None (the model's calibrated one)."""
    if value is None:
        return None
    if value != "corpus":
        return float(value)
    if "likelihood" not in figures:
        raise SystemExit("--length-credit corpus needs --corpus (the held-apart likelihood)")
    return float(figures["likelihood"]["masked_pll_nats_per_token"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=f"python -m {__name__}", description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, type=Path, help="an exported masked model folder")
    p.add_argument("--corpus", help="the training corpus (`lastfix corpus` folder): held-apart figures")
    p.add_argument("--bench", type=Path, help="JSONL of {broken, fixed}: diffusion-only repair")
    p.add_argument("--snippets", type=int, default=1000, help="held-apart snippets measured")
    p.add_argument("--samples", type=int, default=MaskedRepairSettings.samples)
    p.add_argument("--ranking", default=MaskedRepairSettings.ranking)
    p.add_argument("--ratios", default=",".join(map(str, MaskedRepairSettings.ratios)))
    p.add_argument("--steps", type=int, default=MaskedRepairSettings.steps)
    p.add_argument("--slots-before", type=int, default=MaskedRepairSettings.slots_before)
    p.add_argument("--slots-after", type=int, default=MaskedRepairSettings.slots_after)
    p.add_argument("--temperature", type=float, default=MaskedRepairSettings.temperature)
    p.add_argument("--keep-bonus", type=float, default=MaskedRepairSettings.keep_bonus)
    p.add_argument("--no-mask-slots", action="store_true", help="the ratio picks slots and tokens alike")
    p.add_argument(
        "--overrides",
        default="{}",
        help="JSON of further MaskedRepairSettings fields (anchors, together, rounds, ...), as "
        "benchmarks.masked_cv's --grid; applied after the flags above",
    )
    p.add_argument(
        "--length-credit",
        help="nats per token added to the pll ranking; 'corpus': the model's mean -PLL per held-apart "
        "token; default: the model's calibrated value (config.json 'repair')",
    )
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="write the held-apart mean -PLL per token into the model's config.json as its length credit",
    )
    p.add_argument("--out", type=Path)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    runtime = load_masked_model(args.model, device="cpu", threads=args.threads)
    figures: dict[str, Any] = {"model": str(args.model), "params": runtime.params}
    if args.corpus:
        train_rows, rows = held_apart_rows(runtime, args.corpus)
        rows = rows[: args.snippets]
        figures["token_accuracy"] = token_accuracy(runtime, rows)
        ngrams = {}
        shipped = default_model_dir(runtime.language) / NGRAM_FILE
        if shipped.is_file():
            ngrams["ngram4_shipped"] = NgramModel.load(shipped)
        train_symbols = [[runtime.vocab.symbols[i] for i in r] for r in train_rows]
        ngrams["ngram4_train_split"] = NgramModel.build(train_symbols, 4, len(runtime.vocab))
        figures["likelihood"] = likelihoods(runtime, rows, ngrams)
        print(json.dumps({k: figures[k] for k in ("token_accuracy", "likelihood")}, indent=1), flush=True)
        if args.calibrate:
            calibrate(args.model, figures["likelihood"]["masked_pll_nats_per_token"])
            runtime = load_masked_model(args.model, device="cpu", threads=args.threads)
    if args.bench:
        with args.bench.open(encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
        settings = MaskedRepairSettings(
            samples=args.samples,
            ranking=args.ranking,
            ratios=tuple(float(x) for x in args.ratios.split(",")),
            steps=args.steps,
            temperature=args.temperature,
            slots_before=args.slots_before,
            slots_after=args.slots_after,
            keep_bonus=args.keep_bonus,
            mask_slots=not args.no_mask_slots,
            length_credit=_credit(args.length_credit, figures),
        )
        try:
            settings = settings.with_overrides(json.loads(args.overrides))
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as e:
            raise SystemExit(f"--overrides: {e}") from None
        figures["repair"] = repair_bench(runtime, records, settings)
        print(json.dumps({k: v for k, v in figures["repair"].items() if k != "per_record"}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

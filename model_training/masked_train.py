"""Training of the masked diffusion model: the MDLM loss, the loop, checkpoints and exact resume.

Loss (MDLM, Sahoo et al. 2024; DESIGN "The diffusion model of the product"): cross-entropy of the
original token at the masked cells, weighted by 1/t. With t taken as the row's actual masked fraction
the weighted sum over a row of L content cells is L x (mean CE over its masked cells); the batch loss
divides by the batch's content cells, so it is a per-token bound on the negative log-likelihood.

Run it as a background job on the shared 2-core CPU (one thread)::

    nohup python -m lastfix.model_training.masked_train --lang excel --corpus runs/corpus-excel \
        --vocab model_runtime/models/excel/vocab.json --out runs/masked-excel --minutes 60 \
        > runs/masked-excel.log 2>&1 &

It checkpoints every few minutes and on SIGINT/SIGTERM (``--resume`` continues the same run exactly: the
weights, the optimiser, the step and the data stream); ``kill -STOP``/``-CONT`` pause it harmlessly.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from lastfix.grammars import get_grammar
from lastfix.grammars.errors import ModelLoadError
from lastfix.grammars.vocab import Vocabulary

from .corpus import corpus_snippets
from .data import EncodedSnippets, encode_snippets, split_held_apart
from .masked_data import LengthSampler, MaskedBatch, MaskedDataConfig, make_batch, mask_rows
from .masked_network import MaskedDenoiser, MaskedModelConfig, mask_id_of
from .slip_rows import SlipRow, make_slip_batch, slip_rows
from .train_process import StopFlag

__all__ = [
    "MaskedTrainConfig",
    "MaskedRunConfig",
    "MaskedState",
    "Budget",
    "mdlm_loss",
    "masked_accuracy",
    "held_apart",
    "load_masked_run",
    "build_state",
    "save_state",
    "train_masked",
    "main",
]

log = logging.getLogger("lastfix.masked_train")

CHECKPOINT = "checkpoint.pt"
EVAL_RATIOS = (0.15, 0.5, 0.9)


@dataclass(frozen=True)
class MaskedTrainConfig:
    """Optimisation and bookkeeping."""

    lr: float = 5e-4
    warmup: int = 300
    decay_steps: int = 0  # cosine decay to ``min_lr_ratio`` x lr by this step (0: constant after warmup)
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    seed: int = 0
    held_apart: int = 1000  # snippets never trained on (at most a fifth), for every measurement
    eval_snippets: int = 300  # of those, evaluated during training
    log_every: int = 100
    eval_every: int = 1000
    checkpoint_minutes: float = 4.0


@dataclass(frozen=True)
class MaskedRunConfig:
    """Everything to rebuild the model and continue its training; saved as config.json beside it."""

    language: str
    model: MaskedModelConfig = field(default_factory=MaskedModelConfig)
    data: MaskedDataConfig = field(default_factory=MaskedDataConfig)
    train: MaskedTrainConfig = field(default_factory=MaskedTrainConfig)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "masked", **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaskedRunConfig:
        def build(kind: Any, values: dict[str, Any]) -> Any:
            names = {f.name for f in dataclasses.fields(kind)}
            return kind(
                **{k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in names}
            )

        return cls(
            language=str(data["language"]),
            model=build(MaskedModelConfig, data.get("model", {})),
            data=build(MaskedDataConfig, data.get("data", {})),
            train=build(MaskedTrainConfig, data.get("train", {})),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> MaskedRunConfig:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def apply_overrides(config: MaskedRunConfig, overrides: list[str]) -> MaskedRunConfig:
    """``section.name=value`` (``model.d=192``, ``train.lr=1e-3``); ValueError lists the valid names."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        section, dot, name = key.strip().partition(".")
        parts: dict[str, Any] = {"model": config.model, "data": config.data, "train": config.train}
        if not sep or not dot or section not in parts:
            raise ValueError(
                f"override {item!r} is not SECTION.NAME=VALUE with SECTION in {', '.join(parts)}"
            )
        names = {f.name: f for f in dataclasses.fields(parts[section])}
        if name not in names:
            raise ValueError(f"{section} has no setting {name!r}; valid names: {', '.join(names)}")
        value = type(getattr(parts[section], name))(json.loads(raw))
        config = dataclasses.replace(
            config, **{section: dataclasses.replace(parts[section], **{name: value})}
        )
    return config


def mdlm_loss(model: MaskedDenoiser, batch: MaskedBatch) -> tuple[torch.Tensor, dict[str, float]]:
    """(loss, terms): 1/t-weighted CE at the scored cells (the masked ones; a slip row's stretch too)
    per content token, and the accuracy there."""
    x_t = torch.from_numpy(batch.x_t)
    x0 = torch.from_numpy(batch.x0)
    masked = torch.from_numpy(batch.scored).float()  # [B, n]
    content = torch.from_numpy(batch.content).float().sum(1)  # [B] L_b
    logits = model(x_t)  # [B, n, V]
    ce = F.cross_entropy(logits.transpose(1, 2), x0, reduction="none")  # [B, n]
    per_row = (ce * masked).sum(1) / masked.sum(1).clamp(min=1.0)  # mean CE over the row's masked cells
    loss = (per_row * content).sum() / content.sum()
    with torch.no_grad():
        hit = (logits.argmax(-1) == x0).float()
        acc = float((hit * masked).sum() / masked.sum().clamp(min=1.0))
    return loss, {
        "loss": float(loss.detach()),
        "acc": acc,
        "rows": float(len(batch.x0)),
        "n": float(batch.x0.shape[1]),
    }


@torch.no_grad()
def masked_accuracy(
    model: MaskedDenoiser,
    rows: list[list[int]],
    vocab: Vocabulary,
    ratios: tuple[float, ...] = EVAL_RATIOS,
    *,
    seed: int = 0,
    batch: int = 128,
) -> dict[str, float]:
    """Accuracy and CE (nats) at the masked cells of clean held-apart snippets, per masking ratio."""
    was_training = model.training
    model.eval()
    out: dict[str, float] = {}
    mask = mask_id_of(model.config)
    for r in ratios:
        rng = np.random.default_rng([seed, int(r * 1000)])
        hits = total = 0.0
        nll = 0.0
        for i in range(0, len(rows), batch):
            chunk = rows[i : i + batch]
            b = mask_rows(
                chunk,
                [(0, 0)] * len(chunk),
                MaskedDataConfig(),
                eos=vocab.eos_id,
                pad=vocab.pad_id,
                mask=mask,
                rng=rng,
                ratios=np.full(len(chunk), r),
                window_mask=False,
            )
            logits = model(torch.from_numpy(b.x_t))
            m = torch.from_numpy(b.masked)
            x0 = torch.from_numpy(b.x0)
            hits += float(((logits.argmax(-1) == x0) & m).sum())
            nll += float((F.cross_entropy(logits.transpose(1, 2), x0, reduction="none") * m).sum())
            total += float(m.sum())
        out[f"acc@{r:g}"] = hits / max(total, 1.0)
        out[f"nll@{r:g}"] = nll / max(total, 1.0)
    model.train(was_training)
    return out


@torch.no_grad()
def slip_exact(model: MaskedDenoiser, rows: list[SlipRow], vocab: Vocabulary, *, batch: int = 128) -> float:
    """Share of slipped snippets (laid whole, slots masked) whose one argmax reading is the fix."""
    was_training = model.training
    model.eval()
    mask = mask_id_of(model.config)
    hits = 0
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        n = max(len(inp) for inp, _ in chunk) + 1
        x_t = np.full((len(chunk), n), vocab.pad_id, dtype=np.int64)
        for b, (inp, _) in enumerate(chunk):
            x_t[b, : len(inp)] = [mask if t == vocab.blank_id else t for t in inp]
            x_t[b, len(inp)] = vocab.eos_id
        guess = model(torch.from_numpy(x_t)).argmax(-1).numpy()
        for b, (inp, tgt) in enumerate(chunk):
            hits += vocab.decode(guess[b, : len(inp)]) == vocab.decode(tgt)
    model.train(was_training)
    return hits / max(len(rows), 1)


@dataclass
class MaskedState:
    """One run: config, vocabulary, model, optimiser, the data stream and where it is."""

    config: MaskedRunConfig
    vocab: Vocabulary
    model: MaskedDenoiser
    optimizer: torch.optim.Optimizer
    rng: np.random.Generator
    step: int = 0
    elapsed: float = 0.0  # seconds trained by earlier calls


def build_state(
    config: MaskedRunConfig,
    vocab: Vocabulary,
    out: Path | None,
    resume: bool,
    init_from: Path | None = None,
) -> MaskedState:
    """Fresh (seeded), or resumed exactly from ``out/checkpoint.pt``; ``init_from``: a fresh run (new
    optimiser, step 0) that starts from another run's weights (fine-tuning with slip rows)."""
    torch.manual_seed(config.train.seed)
    model = MaskedDenoiser(config.model)
    if init_from is not None and not resume:
        start = MaskedRunConfig.load(Path(init_from) / "config.json")
        if start.model != config.model or (start.train.seed, start.train.held_apart) != (
            config.train.seed,
            config.train.held_apart,
        ):
            # other sizes cannot take the weights; another split would train on the start's held-apart text
            raise ValueError(
                f"--init-from {init_from}: a run must keep the starting run's model sizes, seed and "
                "held-apart count (change data.* and the other train.* settings only)"
            )
        model.load_state_dict(load_checkpoint(init_from)["model"])
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.dim() >= 2 and not name.startswith(("E.", "pos")) else no_decay).append(p)
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": config.train.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=config.train.lr,
    )
    state = MaskedState(config, vocab, model, optimizer, np.random.default_rng(config.train.seed))
    if resume and out is not None:
        saved = load_checkpoint(out)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        state.rng.bit_generator.state = saved["numpy_rng"]
        torch.set_rng_state(saved["torch_rng"])
        state.step, state.elapsed = int(saved["step"]), float(saved["elapsed"])
    return state


def load_checkpoint(directory: str | Path) -> dict[str, Any]:
    """The saved state dict; ModelLoadError saying what is missing."""
    path = Path(directory) / CHECKPOINT
    try:
        saved: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
    except FileNotFoundError:
        raise ModelLoadError(f"{path}: no checkpoint; train one with `python -m {__name__}`") from None
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a truncated file
        raise ModelLoadError(f"{path}: unreadable checkpoint ({type(e).__name__}: {e})") from None
    return saved


def load_masked_run(directory: str | Path) -> tuple[MaskedRunConfig, Vocabulary, MaskedDenoiser, int]:
    """(config, vocabulary, model in eval mode, step) of a checkpoint directory."""
    d = Path(directory)
    config = MaskedRunConfig.load(d / "config.json")
    vocab = Vocabulary.load(d / "vocab.json")
    saved = load_checkpoint(d)
    model = MaskedDenoiser(config.model)
    model.load_state_dict(saved["model"])
    model.eval()
    return config, vocab, model, int(saved["step"])


def save_state(state: MaskedState, out: Path, elapsed: float) -> None:
    """Atomic checkpoint (temporary file, then rename) with config.json and vocab.json beside it."""
    out.mkdir(parents=True, exist_ok=True)
    state.config.save(out / "config.json")
    state.vocab.save(out / "vocab.json")
    saved = {
        "model": state.model.state_dict(),
        "optimizer": state.optimizer.state_dict(),
        "step": state.step,
        "numpy_rng": state.rng.bit_generator.state,
        "torch_rng": torch.get_rng_state(),
        "elapsed": elapsed,
    }
    tmp = out / (CHECKPOINT + ".tmp")
    torch.save(saved, tmp)
    os.replace(tmp, out / CHECKPOINT)
    log.info("checkpoint step=%d -> %s", state.step, out)


def _lr(config: MaskedTrainConfig, step: int) -> float:
    """Linear warmup, then constant or cosine decay to ``min_lr_ratio`` x lr by ``decay_steps``."""
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    if config.decay_steps <= config.warmup:
        return config.lr
    frac = min(1.0, (step - config.warmup) / (config.decay_steps - config.warmup))
    low = config.lr * config.min_lr_ratio
    return low + 0.5 * (config.lr - low) * (1.0 + math.cos(math.pi * frac))


def held_apart(rows_count: int, config: MaskedTrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-apart indices) of the encoded snippets: the split every measurement uses."""
    return split_held_apart(rows_count, config.held_apart, config.seed)


def train_masked(
    config: MaskedRunConfig,
    vocab: Vocabulary,
    rows: list[list[int]],
    out: Path,
    *,
    minutes: float | None = None,
    steps: int | None = None,
    resume: bool = False,
    texts: Sequence[str] | None = None,
    init_from: Path | None = None,
) -> MaskedState:
    """Train until ``steps`` (total) or ``minutes`` (this call) or a signal; checkpoint on the way out.
    ``texts``: the rows' snippets, needed for slip rows (``data.slip_share`` > 0)."""
    out.mkdir(parents=True, exist_ok=True)
    state = build_state(config, vocab, out, resume, init_from)
    train_index, eval_index = held_apart(len(rows), config.train)
    sampler = LengthSampler(rows, train_index)
    eval_rows = [rows[int(i)] for i in eval_index[: config.train.eval_snippets]]
    tc, dc, mask = config.train, config.data, mask_id_of(config.model)
    slips: list[SlipRow] = []
    eval_slips: list[SlipRow] = []
    if dc.slip_share > 0:
        if texts is None or len(texts) != len(rows):
            raise ValueError("slip rows need the texts of the training rows")
        grammar = get_grammar(config.language)
        # the pool is a function of the seed alone, so a resumed run draws from the same one
        pool_rng = np.random.default_rng([tc.seed, 11])
        pick = [texts[int(i)] for i in train_index]
        slips = slip_rows(
            grammar, vocab, pick, dc.slip_pool, config.model.canvas, pool_rng, dc.slip_margins, dc.habit_share
        )
        held = [texts[int(i)] for i in eval_index[: tc.eval_snippets]]
        canvas = config.model.canvas
        # the corrupter's slips only, whatever habit_share is: slip_exact stays comparable across runs
        eval_slips = slip_rows(grammar, vocab, held, len(held), canvas, pool_rng, margins=(1000,))
        log.info("slip rows: %d training, %d held apart", len(slips), len(eval_slips))
    slip_sampler = LengthSampler([r for r, _ in slips], np.arange(len(slips))) if slips else None
    log.info(
        "params=%d train=%d held_apart=%d step=%d threads=%d",
        state.model.parameter_count(),
        len(train_index),
        len(eval_index),
        state.step,
        torch.get_num_threads(),
    )
    started = time.monotonic()
    budget = Budget(started, minutes)
    next_save = started + 60.0 * tc.checkpoint_minutes
    window: list[dict[str, float]] = []
    state.model.train()
    with StopFlag() as flag:
        while not flag.set and not budget.spent(time.monotonic()) and (steps is None or state.step < steps):
            ids = {"blank": vocab.blank_id, "eos": vocab.eos_id, "pad": vocab.pad_id, "mask": mask}
            slip = slip_sampler is not None and state.rng.random() < dc.slip_share
            if slip_sampler is not None and slip:
                batch = make_slip_batch(slips, slip_sampler.draw(dc, state.rng), dc, rng=state.rng, **ids)
            else:
                batch = make_batch(
                    rows, sampler.draw(dc, state.rng), config.model.canvas, dc, rng=state.rng, **ids
                )
            for group in state.optimizer.param_groups:
                group["lr"] = _lr(tc, state.step)
            loss, terms = mdlm_loss(state.model, batch)
            terms["slip"] = float(slip)
            state.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(state.model.parameters(), tc.grad_clip)
            state.optimizer.step()
            state.step += 1
            window.append(terms)
            if state.step % tc.log_every == 0:
                spent = time.monotonic() - started
                avg = {k: sum(t[k] for t in window) / len(window) for k in window[0]}
                slipped = [t["loss"] for t in window if t["slip"]]
                log.info(
                    "step=%d loss=%.4f slip_loss=%s acc=%.3f rows/batch=%.0f n=%.1f lr=%.2e elapsed=%.0fs",
                    state.step,
                    avg["loss"],
                    f"{sum(slipped) / len(slipped):.4f}" if slipped else "-",
                    avg["acc"],
                    avg["rows"],
                    avg["n"],
                    _lr(tc, state.step),
                    state.elapsed + spent,
                )
                window = []
            if state.step % tc.eval_every == 0:
                _evaluate(state, eval_rows, eval_slips, out)
            if time.monotonic() >= next_save:
                save_state(state, out, state.elapsed + time.monotonic() - started)
                next_save = time.monotonic() + 60.0 * tc.checkpoint_minutes
        save_state(state, out, state.elapsed + time.monotonic() - started)
    if state.step % tc.eval_every != 0:
        _evaluate(state, eval_rows, eval_slips, out)
    log.info("stopped at step=%d%s", state.step, " (signal)" if flag.set else "")
    return state


class Budget:
    """The ``--minutes`` of one call, in wall-clock time the run was not paused.

    Other jobs on the shared machine pause the run with SIGSTOP while they benchmark; a step that takes
    longer than ``pause_s`` (one takes about a second) was paused, and its time does not count.
    """

    def __init__(self, started: float, minutes: float | None, pause_s: float = 60.0) -> None:
        self.deadline = started + 60.0 * minutes if minutes is not None else math.inf
        self.last, self.pause_s, self.paused = started, pause_s, 0.0

    def spent(self, now: float) -> bool:
        gap = now - self.last
        if gap > self.pause_s:
            self.paused += gap
            self.deadline += gap
            log.info("paused for %.0f s; the budget now ends %.0f s later", gap, gap)
        self.last = now
        return now >= self.deadline


def _evaluate(state: MaskedState, eval_rows: list[list[int]], eval_slips: list[SlipRow], out: Path) -> None:
    """Masked-token accuracy on held-apart snippets (and the share of held-apart slips the model fixes
    in one reading), logged and appended to metrics.jsonl."""
    metrics = masked_accuracy(state.model, eval_rows, state.vocab, seed=state.config.train.seed)
    if eval_slips:
        metrics["slip_exact"] = slip_exact(state.model, eval_slips, state.vocab)
    with (out / "metrics.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"step": state.step, **metrics}) + "\n")
    log.info("eval step=%d %s", state.step, " ".join(f"{k}={v:.3f}" for k, v in metrics.items()))


def encode_corpus(language: str, corpus: str, vocab: Vocabulary, canvas: int) -> EncodedSnippets:
    """The corpus's snippets that fit the canvas, as id rows with their texts (in corpus order: the
    split depends on it)."""
    grammar = get_grammar(language)
    texts, _ = corpus_snippets(language, [corpus], vocab=vocab)
    return encode_snippets(grammar, vocab, texts, canvas)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=f"python -m {__name__}", description=__doc__.split("\n")[0])
    p.add_argument("--lang", required=True)
    p.add_argument("--corpus", required=True, help="a `lastfix corpus` directory (or raw sources)")
    p.add_argument("--vocab", help="vocab.json to use (default: the corpus's); the shipped one keeps symbols")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--minutes", type=float)
    p.add_argument("--steps", type=int)
    p.add_argument("--resume", action="store_true", help="continue the checkpoint in --out exactly")
    p.add_argument("--init-from", type=Path, help="start a new run from this run directory's weights")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.NAME=VALUE")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    if args.resume and args.init_from:
        p.error("--resume continues a run from its own checkpoint; --init-from starts a new one (not both)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    torch.set_num_threads(args.threads)
    if args.resume or args.init_from:  # the run's (or the starting weights') sizes and vocabulary
        source = args.out if args.resume else args.init_from
        config = MaskedRunConfig.load(source / "config.json")
        vocab = Vocabulary.load(source / "vocab.json")
        if args.set:
            config = apply_overrides(config, args.set)  # e.g. a longer decay, or slip rows
    else:
        vocab = Vocabulary.load(args.vocab) if args.vocab else corpus_snippets(args.lang, [args.corpus])[1]
        config = MaskedRunConfig(args.lang, model=MaskedModelConfig(vocab_size=len(vocab)))
        config = apply_overrides(config, args.set)
        config = dataclasses.replace(config, model=dataclasses.replace(config.model, vocab_size=len(vocab)))
    encoded = encode_corpus(config.language, args.corpus, vocab, config.model.canvas)
    train_masked(
        config,
        vocab,
        encoded.ids,
        args.out,
        minutes=args.minutes,
        steps=args.steps,
        resume=args.resume,
        texts=encoded.texts,
        init_from=args.init_from,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

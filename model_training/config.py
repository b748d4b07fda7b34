"""Frozen configuration of the model, the noise schedule and training; saved beside every checkpoint.

DESIGN.md "Conventions": one frozen dataclass per component, passed explicitly, written as JSON next to
each checkpoint and into the ONNX metadata so that the runtime rebuilds everything from it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["ModelConfig", "ScheduleConfig", "TrainConfig", "RunConfig", "apply_overrides", "tiny_config"]

T = TypeVar("T")


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of E, N, D, H: what a 2-core CPU trains in about an hour (DESIGN "Model")."""

    vocab_size: int = 0  # filled from the vocabulary
    canvas: int = 64  # n: tokens on the canvas, EOS and PAD included
    d: int = 128  # embedding width (x_t, x0 live in R^{n x d})
    heads: int = 4
    denoiser_layers: int = 4  # N: pre-norm transformer blocks
    decoder_layers: int = 2  # D: full self-attention over x̂0
    ff_mult: int = 4
    time_dim: int = 128  # sinusoidal features before the time MLP


@dataclass(frozen=True)
class ScheduleConfig:
    """Diffusion-LM's sqrt schedule alpha_bar(t) = 1 - sqrt(t/T + s) (Li et al. 2022, appendix A)."""

    T: int = 2000
    s: float = 1e-4


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation and data-noising settings for both stages."""

    batch: int = 64
    lr: float = 1e-3
    warmup: int = 500
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    seed: int = 0
    # t sampling: "uniform" over 1..T, or "repair": a share of each batch drawn from the small-t range
    # where resumed diffusion repairs (paper fig. 5: 10%..90% noise, best results at the lower end).
    t_sampling: str = "repair"
    repair_share: float = 0.5
    repair_t_max: float = 0.6  # fraction of T
    # blank slots (DESIGN "Blank slots"): up to this many random <blank>s inserted per snippet
    max_blanks: int = 4
    blank_prob: float = 0.5  # share of snippets that get any blanks
    pad_weight: float = 0.1  # loss weight of positions after EOS (trivially predictable, they dominate)
    rounding_weight: float = 1.0  # CE through D, H on the clean E(c): keeps E from collapsing
    # repair stage: share of each batch that is plain pre-training (so the model does not forget)
    pretrain_share: float = 0.3
    repair_noise_min: float = 0.05
    repair_noise_max: float = 0.5
    repair_pool: int = 20_000  # rule-based corruptions made up front from the training snippets
    # bookkeeping
    log_every: int = 50
    eval_every: int = 1000
    checkpoint_minutes: float = 5.0
    eval_snippets: int = 200  # held apart from training


@dataclass(frozen=True)
class RunConfig:
    """Everything needed to rebuild a model and continue its training."""

    language: str
    model: ModelConfig = field(default_factory=ModelConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunConfig:
        return cls(
            language=str(data["language"]),
            model=_build(ModelConfig, data.get("model", {})),
            schedule=_build(ScheduleConfig, data.get("schedule", {})),
            train=_build(TrainConfig, data.get("train", {})),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def _build(kind: type[T], values: dict[str, Any]) -> T:
    """Dataclass from a dict, ignoring unknown keys so older/newer files still load."""
    names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    return kind(**{k: v for k, v in values.items() if k in names})


def apply_overrides(config: RunConfig, overrides: list[str]) -> RunConfig:
    """Apply ``section.name=value`` strings (``model.d=256``, ``train.lr=3e-4``); ValueError lists names."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        section, dot, name = key.strip().partition(".")
        sections: dict[str, Any] = {"model": config.model, "schedule": config.schedule, "train": config.train}
        if not sep or not dot or section not in sections:
            raise ValueError(
                f"override {item!r} is not SECTION.NAME=VALUE with SECTION in {', '.join(sections)}"
            )
        part = sections[section]
        fields = {f.name: f for f in dataclasses.fields(part)}
        if name not in fields:
            raise ValueError(f"{section} has no setting {name!r}; valid names: {', '.join(fields)}")
        current = getattr(part, name)
        value: Any = type(current)(json.loads(raw)) if not isinstance(current, str) else raw
        config = dataclasses.replace(config, **{section: dataclasses.replace(part, **{name: value})})
    return config


def tiny_config(language: str, vocab_size: int, canvas: int = 32) -> RunConfig:
    """A model that trains in seconds: for tests and the parity check, never for shipping."""
    return RunConfig(
        language=language,
        model=ModelConfig(
            vocab_size=vocab_size,
            canvas=canvas,
            d=32,
            heads=2,
            denoiser_layers=2,
            decoder_layers=1,
            ff_mult=2,
            time_dim=32,
        ),
        schedule=ScheduleConfig(T=200),
        train=TrainConfig(
            batch=32,
            lr=3e-3,
            warmup=20,
            log_every=10,
            eval_every=10_000,
            checkpoint_minutes=60.0,
            eval_snippets=20,
        ),
    )

"""Synthetic (broken, fixed) pairs: from the reverse diffusion process (paper 3.3) or from rules.

Diffusion (paper 3.3, 4.3): start the reverse process from pure noise, decode every intermediate x̂0
into a canvas c_T .. c_0, pick a step t uniformly among those where c_t != c_0, and keep (c_t, c_0) as
(broken, fixed) when the oracle accepts c_0 and, by default, rejects c_t (so every pair is a real syntax
error with a known fix). Placeholders become corpus lexemes, the same text on both sides of a slot.
Rules: the rule-based corrupter (BIFI/FLAME-style operators, ``corrupt.py``) on corpus snippets, the
baseline the paper compares with. Both are deterministic under a seed (and, for diffusion, a batch size).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from lastfix.grammars.base import Grammar
from lastfix.grammars.vocab import SPECIALS, Vocabulary
from lastfix.model_runtime.schedule import respaced, timestep_of

from .corrupt import Corrupter
from .placeholder_filling import Filler, detokenize

if TYPE_CHECKING:
    from lastfix.model_runtime.sampler import DiffusionRuntime

__all__ = [
    "DROP_REASONS",
    "METHODS",
    "Pair",
    "GenerationSettings",
    "GenerationReport",
    "diffusion_pairs",
    "rule_pairs",
    "parse_t_range",
]

METHODS = ("diffusion", "rules")
# Why a chain (or a snippet) made no pair, in the words a user reads when generation stops short.
DROP_REASONS = {
    "c0_empty_or_unk": "the chain ended empty or with an unknown symbol",
    "no_differing_step": "every step of the chain decoded to its end canvas",
    "c0_invalid": "the chain ended in code the grammar rejects",
    "c_t_all_valid": "every earlier step of the chain was valid code too",
    "no_usable_step": "no earlier step of the chain made a usable broken side",
    "no_rejected_corruption": "no corruption of the snippet was a syntax error",
    "snippet_invalid": "the snippet itself was not valid code",
}
FILL_TRIES = 3  # fresh placeholder draws for a c_0 the oracle rejects (a lexeme can matter: Excel names)
STEP_TRIES = 6  # differing steps of one chain tried before giving the chain up


@dataclass(frozen=True)
class Pair:
    """One training pair, as written to the JSONL file."""

    broken: str
    fixed: str
    t: float | None  # noise fraction t/T of the broken canvas (diffusion); None for rules
    lang: str
    seed: int
    method: str

    def to_json(self) -> dict[str, Any]:
        return {
            "broken": self.broken,
            "fixed": self.fixed,
            "t": self.t,
            "lang": self.lang,
            "seed": self.seed,
            "method": self.method,
        }


@dataclass(frozen=True)
class GenerationSettings:
    """How many pairs and how they are drawn."""

    n: int
    seed: int = 0
    steps: int = 20  # respaced reverse steps of each chain (each one a candidate c_t)
    batch: int = 64  # chains sampled together
    t_range: tuple[float, float] | None = None  # noise fractions [lo, hi] c_t may come from; None = any
    valid_only: bool = True  # keep only pairs whose broken side the oracle rejects
    # None: chains start from pure noise (paper 3.3). (lo, hi): each chain starts from a corpus snippet
    # noised to a fraction of T drawn from [lo, hi], its length kept -- for a model too weak to end
    # pure-noise chains in valid code (a CPU budget); (1, 1) is pure noise with a corpus length.
    # c_0 then keeps the snippet's own texts where its symbols survive.
    start_noise: tuple[float, float] | None = None
    max_chains: int | None = (
        None  # give up after this many chains (default 100 per requested pair, at least 1000)
    )

    @property
    def chain_limit(self) -> int:
        """Chains (rules: snippets) tried before giving up short of ``n``."""
        return self.max_chains if self.max_chains is not None else max(1000, 100 * self.n)


@dataclass
class GenerationReport:
    """What a generation run did: chains sampled, pairs kept, and why the others were dropped."""

    method: str
    chains: int = 0
    pairs: int = 0
    seconds: float = 0.0
    dropped: Counter[str] = field(default_factory=Counter)

    @property
    def pairs_per_s(self) -> float:
        return self.pairs / self.seconds if self.seconds > 0 else 0.0

    @property
    def chains_per_s(self) -> float:
        return self.chains / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "chains": self.chains,
            "pairs": self.pairs,
            "seconds": round(self.seconds, 2),
            "pairs_per_s": round(self.pairs_per_s, 2),
            "chains_per_s": round(self.chains_per_s, 2),
            "dropped": dict(self.dropped),
        }


def parse_t_range(text: str, option: str = "--t") -> tuple[float, float] | None:
    """``uniform`` -> None; ``LO-HI`` (noise fractions in [0, 1]) -> (lo, hi); ValueError otherwise."""
    if text == "uniform":
        return None
    try:
        lo_s, hi_s = text.split("-")
        lo, hi = float(lo_s), float(hi_s)
    except ValueError:
        raise ValueError(f"{option} {text!r}: give a range of noise fractions like 0.05-0.5") from None
    if not 0.0 <= lo <= hi <= 1.0:
        raise ValueError(f"{option} {text!r}: need 0 <= LO <= HI <= 1 (fractions of the diffusion steps T)")
    return lo, hi


def _clean(symbols: list[str]) -> bool:
    """A decoded canvas that can become text: not empty, no special symbol (``<unk>``) left in it."""
    return bool(symbols) and not any(s in SPECIALS for s in symbols)


def _chain_pair(
    grammar: Grammar,
    filler: Filler,
    canvases: Sequence[np.ndarray],
    fractions: np.ndarray,
    vocab: Vocabulary,
    settings: GenerationSettings,
    rng: np.random.Generator,
    dropped: Counter[str],
    source: tuple[list[str], list[str]] | None = None,
) -> tuple[str, str, float] | None:
    """(broken, fixed, t) from one chain's decoded canvases (noisiest first); None, reason counted."""
    c0 = vocab.decode(canvases[-1])
    if not _clean(c0):
        dropped["c0_empty_or_unk"] += 1
        return None
    steps = []
    for k in range(len(canvases) - 1):
        if settings.t_range is not None and not settings.t_range[0] <= fractions[k] <= settings.t_range[1]:
            continue
        ct = vocab.decode(canvases[k])
        if ct != c0:
            steps.append((k, ct))
    if not steps:
        dropped["no_differing_step"] += 1
        return None
    for _ in range(FILL_TRIES):
        palette: dict[str, list[str]] = {}
        fixed_texts = (
            filler.texts_for(c0, rng, palette)
            if source is None
            else filler.aligned_texts(source[0], source[1], c0, rng, palette)
        )
        fixed = detokenize(grammar, c0, fixed_texts)
        if grammar.is_valid(fixed):
            break
    else:
        dropped["c0_invalid"] += 1
        return None
    order = rng.permutation(len(steps))  # t uniformly among the differing steps (paper 4.3)
    for j in order[:STEP_TRIES]:
        k, ct = steps[int(j)]
        if not _clean(ct):
            continue
        broken = detokenize(grammar, ct, filler.aligned_texts(c0, fixed_texts, ct, rng, dict(palette)))
        if not broken.strip() or grammar.exact(broken) == grammar.exact(fixed):
            continue
        if settings.valid_only and grammar.is_valid(broken):
            continue
        return broken, fixed, round(float(fractions[k]), 4)
    dropped["no_usable_step" if not settings.valid_only else "c_t_all_valid"] += 1
    return None


def diffusion_pairs(
    runtime: DiffusionRuntime,
    grammar: Grammar,
    filler: Filler,
    settings: GenerationSettings,
    report: GenerationReport | None = None,
    progress: Callable[[GenerationReport], None] | None = None,
    snippets: Sequence[str] = (),
) -> Iterator[Pair]:
    """Pairs (c_t, c_0) from reverse chains, ``settings.n`` of them at most.

    Chains start from pure noise, or (``settings.start_noise``) from ``snippets`` noised part of the way.
    """
    report = report if report is not None else GenerationReport("diffusion")
    max_chains = settings.chain_limit
    starts = _start_canvases(runtime, grammar, snippets) if settings.start_noise is not None else None
    if starts is not None and not starts[0]:
        return
    method = "diffusion" if starts is None else "diffusion+corpus"
    t0 = time.monotonic()
    b = 0
    while report.pairs < settings.n and report.chains < max_chains:
        seed = int(np.random.SeedSequence([settings.seed, b]).generate_state(1)[0])
        pick = None
        if starts is None:
            res = runtime.generate(settings.batch, steps=settings.steps, seed=seed, trajectory=True)
            t_start = np.full(settings.batch, runtime.T)
        else:
            assert settings.start_noise is not None
            r = np.random.default_rng([settings.seed, b, 2])
            pick = r.integers(len(starts[0]), size=settings.batch)
            noise = r.uniform(*settings.start_noise, size=settings.batch)
            ids = np.stack([starts[0][int(p)] for p in pick])
            # The snippet's length is kept (its <eos> and padding clamped): a model this small cannot
            # choose a length from pure noise, and keeping it lifts valid chains from 2% to ~13%
            # (Excel, noise 0.8-1.0) while everything inside the length is still sampled.
            length = (ids == runtime.vocab.eos_id) | (ids == runtime.vocab.pad_id)
            res = runtime.resume(
                ids,
                noise,
                length,
                steps=settings.steps,
                seed=seed,
                trajectory=True,
            )
            t_start = timestep_of(noise, runtime.T)
        assert res.trajectory is not None
        # step k decodes the x̂0 predicted from x_t at t = ts[k]: the noise fraction of c_t
        fractions = respaced(t_start, settings.steps) / runtime.T  # [steps + 1, B]
        for i in range(settings.batch):
            report.chains += 1
            rng = np.random.default_rng([settings.seed, b, i])
            source = None if pick is None or starts is None else starts[1][int(pick[i])]
            got = _chain_pair(
                grammar,
                filler,
                [c[i] for c in res.trajectory],
                fractions[:, i],
                runtime.vocab,
                settings,
                rng,
                report.dropped,
                source,
            )
            if got is not None:
                report.pairs += 1
                yield Pair(got[0], got[1], got[2], grammar.name, settings.seed, method)
                if report.pairs >= settings.n:
                    break
        report.seconds = time.monotonic() - t0
        if progress is not None:
            progress(report)
        b += 1
    report.seconds = time.monotonic() - t0


def _start_canvases(
    runtime: DiffusionRuntime, grammar: Grammar, snippets: Sequence[str]
) -> tuple[list[np.ndarray], list[tuple[list[str], list[str]]]]:
    """Canvases of the snippets that fit, with each one's (symbols, token texts) for placeholder texts."""
    canvases, sources = [], []
    for text in snippets:
        tokens = grammar.tokenize(text)
        symbols = runtime.vocab.symbols_of(tokens)
        if len(symbols) + 1 <= runtime.canvas and "<unk>" not in symbols:
            canvases.append(runtime.encode_canvas(symbols))
            sources.append((symbols, [t.text for t in tokens]))
    return canvases, sources


def rule_pairs(
    grammar: Grammar,
    vocab: Vocabulary,
    snippets: Sequence[str],
    settings: GenerationSettings,
    report: GenerationReport | None = None,
    progress: Callable[[GenerationReport], None] | None = None,
) -> Iterator[Pair]:
    """Pairs (rule-corrupted snippet, snippet) over the corpus in a seeded order, cycling if it runs short."""
    report = report if report is not None else GenerationReport("rules")
    if not snippets:
        return
    corrupter = Corrupter(grammar, vocab)
    order = np.random.default_rng([settings.seed, 0]).permutation(len(snippets))
    max_chains = settings.chain_limit
    t0 = time.monotonic()
    while report.pairs < settings.n and report.chains < max_chains:
        k = report.chains
        text = snippets[int(order[k % len(snippets)])]
        report.chains += 1
        rng = np.random.default_rng([settings.seed, 1, k])
        c = corrupter(text, rng)
        if c is None:
            report.dropped["no_rejected_corruption"] += 1
        elif not grammar.is_valid(text):
            report.dropped["snippet_invalid"] += 1
        else:
            report.pairs += 1
            yield Pair(c.broken_text, text, None, grammar.name, settings.seed, "rules")
        if progress is not None and (report.chains % 256 == 0 or report.pairs >= settings.n):
            report.seconds = time.monotonic() - t0
            progress(report)
    report.seconds = time.monotonic() - t0

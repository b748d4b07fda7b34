"""The diffusion model's naturalness of repaired code: mean denoising cross-entropy of the changed statements.

Used by the hybrid ranking when its weight is on (off by default, EXPERIMENTS.md): all candidates go
through one batched call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from lastfix.grammars.base import Grammar, SyntaxIssue

from .diffusion_candidates import encode_window
from .repair_result import PartialRepair
from .windows import find_window

if TYPE_CHECKING:  # onnxruntime stays out of this import
    from .sampler import DiffusionRuntime

__all__ = ["naturalness_scores"]


def naturalness_scores(
    grammar: Grammar, runtime: DiffusionRuntime, states: Sequence[PartialRepair], seed: int = 0
) -> dict[str, float]:
    """Mean denoising cross-entropy of each candidate's changed statements (lower: more natural)."""
    rows: list[np.ndarray] = []
    keys: list[str] = []
    width = runtime.canvas - 1
    for s in states:
        symbols = _changed_symbols(grammar, runtime, s, width)
        ids = encode_window(runtime, symbols) if symbols is not None else None
        if ids is not None:
            rows.append(ids)
            keys.append(s.text)
    if not rows:
        return {}
    scores = runtime.naturalness(np.stack(rows), seed=seed)
    return {key: float(v) for key, v in zip(keys, scores, strict=True)}


def _changed_symbols(
    grammar: Grammar, runtime: DiffusionRuntime, state: PartialRepair, width: int
) -> list[str] | None:
    """Model symbols of the statements around the candidate's first edit (same window shape as repair)."""
    if not state.edits:
        return None
    first = state.edits[0]
    tokens = grammar.tokenize(state.text)
    point = SyntaxIssue(first.start, first.start + len(first.new_text), "edit")
    window = find_window(grammar, state.text, tokens, point, width)
    return runtime.vocab.symbols_of(tokens[window.first : window.last])

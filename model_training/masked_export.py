"""Export a masked diffusion checkpoint to the folder ``model_runtime.masked_runtime`` loads (no torch).

masked.onnx: x_t [B, n] int64 (n <= canvas, the mask id is V) -> logits [B, n, V] float32, dynamic batch
and length; vocab.json (the shipped vocabulary, so symbols match the rest of the product); config.json
(also in the graph's metadata_props, so a lone .onnx file still says what it is)::

    python -m lastfix.model_training.masked_export --checkpoint runs/masked-excel \
        --out model_runtime/models/excel/masked --quantize
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lastfix.model_runtime.masked_runtime import MASKED_FORMAT, MASKED_GRAPH

from .export import export_graph, quantize_graph
from .masked_network import MaskedDenoiser, mask_id_of
from .masked_train import MaskedRunConfig, load_masked_run

__all__ = ["masked_config_json", "export_masked", "main"]

log = logging.getLogger("lastfix.export")


def masked_config_json(config: MaskedRunConfig, model: MaskedDenoiser, step: int) -> dict[str, Any]:
    """The runtime's config.json: format, kind, language, canvas, mask id, sizes, how it was trained."""
    run = config.to_json()
    return {
        "format": MASKED_FORMAT,
        "kind": "masked",
        "language": config.language,
        "canvas": config.model.canvas,
        "mask_id": mask_id_of(config.model),
        "model": run["model"],
        "params": model.parameter_count(),
        "trained": {"step": step, "data": run["data"], "train": run["train"]},
    }


def _export_graph(model: MaskedDenoiser, path: Path, metadata: str) -> None:
    """masked.onnx with dynamic batch and length, the config in its metadata, checked."""
    c = model.config
    example = torch.randint(0, c.vocab_size + 1, (2, min(8, c.canvas)), dtype=torch.int64)
    batch = torch.export.Dim("batch", min=1, max=4096)
    length = torch.export.Dim("length", min=2, max=c.canvas)
    export_graph(model, (example,), path, ["x_t"], ["logits"], metadata, {"x_t": {0: batch, 1: length}})


def export_masked(checkpoint_dir: str | Path, out_dir: str | Path, *, quantize: bool = False) -> Path:
    """Write masked.onnx, vocab.json and config.json for ``checkpoint_dir`` into ``out_dir``."""
    config, vocab, model, step = load_masked_run(checkpoint_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = masked_config_json(config, model, step)
    meta["quantized"] = "int8-dynamic" if quantize else None
    text = json.dumps(meta, indent=2)
    with torch.no_grad():
        _export_graph(model, out / MASKED_GRAPH, text)
    if quantize:
        quantize_graph(out / MASKED_GRAPH)
    vocab.save(out / "vocab.json")
    (out / "config.json").write_text(text + "\n", encoding="utf-8")
    log.info("exported %s (step %d, %d params) -> %s", checkpoint_dir, step, meta["params"], out)
    return out


def torch_logits(model: MaskedDenoiser, x_t: np.ndarray) -> np.ndarray:
    """The PyTorch model's logits for ``x_t`` (the parity reference of the exported graph)."""
    with torch.no_grad():
        return np.asarray(model(torch.from_numpy(np.asarray(x_t, dtype=np.int64))).numpy())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=f"python -m {__name__}", description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--quantize", action="store_true", help="int8 dynamic quantisation of the weights")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    export_masked(args.checkpoint, args.out, quantize=args.quantize)
    return 0


if __name__ == "__main__":
    sys.exit(main())

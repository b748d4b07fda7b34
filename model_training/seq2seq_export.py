"""Export a trained one-shot repair model to the ONNX directory ``benchmarks.seq2seq_runtime`` loads.

    python -m lastfix.model_training.seq2seq_export --checkpoint DIR --out MODEL_DIR

seq2seq_encoder.onnx: src [B, S] int64 -> memory [B, S, d]; seq2seq_decoder.onnx: tgt [B, L] int64,
memory [B, S, d], src [B, S] int64 -> next_logits [B, V] (the last position only: decoding needs no
more). Batch, source and target lengths are dynamic. config.json says ``"kind": "seq2seq"`` so a
diffusion loader refuses the directory with a clear message, and vice versa.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from lastfix.benchmarks.seq2seq_runtime import DECODER_FILE, ENCODER_FILE, SEQ2SEQ_FORMAT, load_seq2seq
from lastfix.grammars.errors import LastfixError, ModelLoadError
from lastfix.grammars.vocab import Vocabulary
from torch import nn

from .export import export_graph
from .seq2seq import Seq2Seq, Seq2SeqConfig
from .seq2seq_train import CHECKPOINT

__all__ = ["load_seq2seq_checkpoint", "export_seq2seq", "main"]


def load_seq2seq_checkpoint(directory: str | Path) -> tuple[Seq2Seq, dict[str, Any], Vocabulary]:
    """(model in eval mode, raw state, vocabulary) of a seq2seq_train output directory."""
    d = Path(directory)
    try:
        state: dict[str, Any] = torch.load(d / CHECKPOINT, map_location="cpu", weights_only=False)
    except FileNotFoundError:
        raise ModelLoadError(
            f"{d / CHECKPOINT}: no checkpoint; train one with `lastfix train-seq2seq --pairs P --out DIR`"
        ) from None
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a truncated file
        raise ModelLoadError(f"{d / CHECKPOINT}: unreadable ({type(e).__name__}: {e}); train again") from None
    model = Seq2Seq(Seq2SeqConfig.from_json(state["config"]))
    model.load_state_dict(state["model"])
    model.eval()
    return model, state, Vocabulary.load(d / "vocab.json")


class _EncoderGraph(nn.Module):
    def __init__(self, model: Seq2Seq) -> None:
        super().__init__()
        self.model = model

    def forward(self, src: torch.Tensor) -> torch.Tensor:
        return self.model.encode(src)  # memory [B, S, d]


class _DecoderGraph(nn.Module):
    def __init__(self, model: Seq2Seq) -> None:
        super().__init__()
        self.model = model

    def forward(self, tgt: torch.Tensor, memory: torch.Tensor, src: torch.Tensor) -> torch.Tensor:
        return self.model.decode(tgt, memory, src)[:, -1]  # next_logits [B, V]


def export_seq2seq(checkpoint_dir: str | Path, out_dir: str | Path) -> Path:
    """Write config.json, vocab.json and the two graphs into ``out_dir``; prove they load; return it."""
    model, state, vocab = load_seq2seq_checkpoint(checkpoint_dir)
    c = model.config
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": SEQ2SEQ_FORMAT,
        "kind": "seq2seq",
        "language": state["language"],
        "model": c.to_json(),
        "params": model.parameter_count(),
        "trained": {"step": state["step"], "train": state["train"]},
    }
    text = json.dumps(meta, indent=2)
    B, S, L = (
        torch.export.Dim("batch", min=1, max=4096),
        torch.export.Dim("src", min=2, max=c.max_len),
        torch.export.Dim("tgt", min=1, max=c.max_len),
    )
    # example inputs of distinct, non-trivial sizes so the exporter keeps every axis symbolic
    src = torch.randint(4, c.vocab_size, (3, min(5, c.max_len)))
    tgt = torch.randint(4, c.vocab_size, (3, min(4, c.max_len)))
    with torch.no_grad():
        memory = model.encode(src)
        export_graph(
            _EncoderGraph(model), (src,), out / ENCODER_FILE, ["src"], ["memory"], text, {"src": {0: B, 1: S}}
        )
        export_graph(
            _DecoderGraph(model),
            (tgt, memory, src),
            out / DECODER_FILE,
            ["tgt", "memory", "src"],
            ["next_logits"],
            text,
            {"tgt": {0: B, 1: L}, "memory": {0: B, 1: S}, "src": {0: B, 1: S}},
        )
    if Path(checkpoint_dir).resolve() != out.resolve():
        vocab.save(out / "vocab.json")
    (out / "config.json").write_text(text + "\n", encoding="utf-8")
    load_seq2seq(out, device="cpu", threads=1)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lastfix.model_training.seq2seq_export",
        description="export a seq2seq_train checkpoint to ONNX",
    )
    parser.add_argument(
        "--checkpoint", required=True, metavar="DIR", help="directory written by seq2seq_train"
    )
    parser.add_argument("--out", required=True, metavar="MODEL_DIR", help="model directory to write")
    args = parser.parse_args(argv)
    try:
        out = export_seq2seq(args.checkpoint, args.out)
    except LastfixError as e:
        print(f"seq2seq_export: error: {e}", file=sys.stderr)
        return 2
    print(f"seq2seq_export: {out} loads with ONNX Runtime")
    return 0


if __name__ == "__main__":
    sys.exit(main())

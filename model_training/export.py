"""Export a checkpoint to the model directory that ``model_runtime`` loads (no torch at runtime).

denoiser.onnx: x_t [B, n, d] float32, t [B] int64 -> x0_hat [B, n, d]; decoder.onnx: x0_hat -> logits
[B, n, V] (D then H fused); embedding.npy: E [V, d]; vocab.json; config.json. The config is also stored
in both graphs' metadata_props, so a lone .onnx file still says what it is.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lastfix.model_runtime.model_files import DEFAULT_NOISE_TABLE, FORMAT_VERSION, InferenceSettings
from torch import nn

from .checkpoint import load_checkpoint, load_run
from .network import CodeFusion

__all__ = ["OPSET", "export_graph", "export_model", "model_config_json", "quantize_graph"]

log = logging.getLogger("lastfix.export")

OPSET = 18  # run by onnxruntime >= 1.14; the torch.export-based exporter's lowest well-tested opset


class _DenoiserGraph(nn.Module):
    def __init__(self, model: CodeFusion) -> None:
        super().__init__()
        self.N = model.N

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.N(x_t, t)  # x0_hat [B, n, d]


class _DecoderGraph(nn.Module):
    def __init__(self, model: CodeFusion) -> None:
        super().__init__()
        self.D, self.H = model.D, model.H

    def forward(self, x0_hat: torch.Tensor) -> torch.Tensor:
        return self.H(self.D(x0_hat))  # logits [B, n, V]


def model_config_json(
    run: dict[str, Any],
    *,
    params: int,
    step: int,
    stage: str,
    inference: InferenceSettings,
    noise_table: dict[str, Any],
) -> dict[str, Any]:
    """The runtime's config.json: format version, language, canvas, model, schedule, defaults, noise table."""
    return {
        "format": FORMAT_VERSION,
        "language": run["language"],
        "canvas": run["model"]["canvas"],
        "model": run["model"],
        "schedule": run["schedule"],
        "inference": dataclasses.asdict(inference),
        "noise_table": noise_table,
        "params": params,
        "trained": {"step": step, "stage": stage, "train": run["train"]},
    }


def export_graph(
    module: nn.Module,
    args: tuple[torch.Tensor, ...],
    path: Path,
    inputs: list[str],
    outputs: list[str],
    metadata: str,
    dynamic: dict[str, dict[int, Any]] | None = None,
) -> None:
    """One ONNX graph with the run's config in its metadata, checked; dynamic batch axis by default."""
    import onnx

    if dynamic is None:
        batch = torch.export.Dim("batch", min=1, max=4096)
        dynamic = {name: {0: batch} for name in inputs}
    torch.onnx.export(
        module,
        args,
        str(path),
        input_names=inputs,
        output_names=outputs,
        dynamic_shapes=dynamic,
        opset_version=OPSET,
        dynamo=True,
        external_data=False,
        verbose=False,
    )
    proto = onnx.load(str(path))
    entry = proto.metadata_props.add()
    entry.key, entry.value = "lastfix_config", metadata
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def export_model(
    checkpoint_dir: str | Path,
    out_dir: str | Path,
    *,
    quantize: bool = False,
    inference: InferenceSettings | None = None,
    noise_table: dict[str, Any] | None = None,
) -> Path:
    """Write the model directory for ``checkpoint_dir`` into ``out_dir`` and return it."""
    config, vocab = load_run(checkpoint_dir)
    state = load_checkpoint(checkpoint_dir)
    model = CodeFusion(config.model)
    model.load_state_dict(state["model"])
    model.eval()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    previous = out / "config.json"
    if noise_table is None and previous.is_file():  # keep a calibrated table across re-exports
        try:
            noise_table = json.loads(previous.read_text(encoding="utf-8")).get("noise_table")
        except (OSError, json.JSONDecodeError):
            noise_table = None
    meta = model_config_json(
        config.to_json(),
        params=model.parameter_count(),
        step=int(state["step"]),
        stage=str(state.get("stage", "pretrain")),
        inference=inference or InferenceSettings(),
        noise_table=noise_table or DEFAULT_NOISE_TABLE,
    )
    meta["quantized"] = "int8-dynamic" if quantize else None
    text = json.dumps(meta, indent=2)
    n, d = config.model.canvas, config.model.d
    x = torch.randn(2, n, d)
    with torch.no_grad():
        export_graph(
            _DenoiserGraph(model),
            (x, torch.tensor([1, config.schedule.T])),
            out / "denoiser.onnx",
            ["x_t", "t"],
            ["x0_hat"],
            text,
        )
        export_graph(_DecoderGraph(model), (x,), out / "decoder.onnx", ["x0_hat"], ["logits"], text)
    if quantize:
        _quantize(out)
    np.save(out / "embedding.npy", model.E.weight.detach().numpy().astype(np.float32))
    vocab.save(out / "vocab.json")
    (out / "config.json").write_text(text + "\n", encoding="utf-8")
    log.info(
        "exported %s (step %d, %d params) -> %s", checkpoint_dir, meta["trained"]["step"], meta["params"], out
    )
    return out


def _quantize(out: Path) -> None:
    """int8 dynamic quantisation of the weights of both graphs (MatMul/Gemm), in place."""
    for name in ("denoiser.onnx", "decoder.onnx"):
        quantize_graph(out / name)


def quantize_graph(path: Path) -> None:
    """int8 dynamic quantisation of one graph's MatMul/Gemm weights, in place."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_name(path.name + ".fp32")
    proto = onnx.load(str(path))
    # The exporter's intermediate shapes carry the example batch; the quantiser's shape inference
    # then disagrees with them, so let it infer every intermediate shape afresh.
    del proto.graph.value_info[:]
    onnx.save(proto, str(tmp))
    quantize_dynamic(str(tmp), str(path), weight_type=QuantType.QInt8)
    tmp.unlink()

import json
import shutil

import numpy as np
import pytest
from lastfix.grammars.errors import ModelLoadError
from lastfix.model_runtime.model_files import MODEL_FILES, choose_providers, default_model_dir, load_model

from tests.model_training.tiny_model import tiny_excel_model


@pytest.fixture(scope="session")
def tiny(shared):
    return tiny_excel_model(shared)


@pytest.fixture()
def model_copy(tiny, tmp_path):
    d = tmp_path / "model"
    shutil.copytree(tiny.model_dir, d)
    return d


def test_loads_the_exported_directory(tiny):
    runtime = load_model(tiny.model_dir, device="cpu")
    assert runtime.language == "excel" and runtime.canvas == 64 and runtime.provider == "CPUExecutionProvider"
    assert runtime.params > 10_000 and runtime.noise_table["default"] > 0
    assert runtime.E.shape == (len(runtime.vocab), runtime.d)


def test_onnx_metadata_carries_the_config(tiny):
    import onnx

    meta = {p.key: p.value for p in onnx.load(str(tiny.model_dir / "denoiser.onnx")).metadata_props}
    assert json.loads(meta["lastfix_config"]) == json.loads((tiny.model_dir / "config.json").read_text())


def test_missing_directory(tmp_path):
    with pytest.raises(ModelLoadError, match="no model directory.*lastfix export"):
        load_model(tmp_path / "nope")


@pytest.mark.parametrize("name", MODEL_FILES)
def test_missing_file_is_named(model_copy, name):
    (model_copy / name).unlink()
    with pytest.raises(ModelLoadError, match=name.replace(".", r"\.") + ".*missing"):
        load_model(model_copy)


def test_truncated_onnx_is_named(model_copy):
    data = (model_copy / "decoder.onnx").read_bytes()
    (model_copy / "decoder.onnx").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelLoadError, match=r"decoder\.onnx.*truncated or corrupt"):
        load_model(model_copy, device="cpu")


def test_wrong_format_version(model_copy):
    config = json.loads((model_copy / "config.json").read_text())
    config["format"] = 99
    (model_copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="format 99.*re-export"):
        load_model(model_copy)


def test_embedding_from_another_export(model_copy):
    np.save(model_copy / "embedding.npy", np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ModelLoadError, match="embedding.npy.*does not match"):
        load_model(model_copy)


def test_providers_and_default_dir():
    assert choose_providers("cpu") == ["CPUExecutionProvider"]
    assert choose_providers("auto")[-1] == "CPUExecutionProvider"
    with pytest.raises(ModelLoadError, match="valid names: auto, cpu, cuda"):
        choose_providers("tpu")
    assert default_model_dir("excel").parts[-3:] == ("model_runtime", "models", "excel")

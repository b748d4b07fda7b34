import dataclasses

import pytest
from lastfix.model_training.config import ModelConfig, RunConfig, apply_overrides, tiny_config


def test_json_round_trip(tmp_path):
    config = tiny_config("excel", 123)
    config.save(tmp_path / "config.json")
    assert RunConfig.load(tmp_path / "config.json") == config


def test_unknown_keys_are_ignored_when_loading():
    data = tiny_config("excel", 50).to_json()
    data["model"]["future_setting"] = 1
    assert RunConfig.from_json(data).model.d == 32


def test_overrides_convert_types_and_name_valid_settings():
    config = apply_overrides(
        RunConfig("excel", ModelConfig(vocab_size=9)),
        ["model.d=256", "train.lr=3e-4", "train.t_sampling=uniform"],
    )
    assert (config.model.d, config.train.lr, config.train.t_sampling) == (256, 3e-4, "uniform")
    with pytest.raises(ValueError, match="valid names: .*denoiser_layers"):
        apply_overrides(config, ["model.depth=3"])
    with pytest.raises(ValueError, match="SECTION.NAME=VALUE"):
        apply_overrides(config, ["d=3"])


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ModelConfig().d = 3  # type: ignore[misc]

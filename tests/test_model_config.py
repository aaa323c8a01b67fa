"""config.json is checked when a model loads: a bad setting names the directory and the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from perfeval.model import ModelConfig, ModelLoadError, PerfevalModel, VALUE_CLASSES, document_candidates
pytest.importorskip("torch", reason="building a network needs the train extra")
from perfeval.model.encoder import CompactEncoder, CompactEncoderConfig
from perfeval.model.network import CandidateNetwork
from perfeval.model.tokenization import build_char_tokenizer

TEXT = "年度预算 2054.25 万元，完成预算的 90.6%。"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained model directory small enough to build in milliseconds."""
    tokenizer = build_char_tokenizer([TEXT], min_freq=1)
    encoder = CompactEncoderConfig(
        vocab_size=len(tokenizer), hidden_size=8, num_hidden_layers=1, num_attention_heads=1, intermediate_size=8,
        max_position_embeddings=128,
    )
    config = ModelConfig(encoder=encoder.to_dict(), head_dim=8, feature_dim=4)
    model = PerfevalModel.from_network(CandidateNetwork(config, CompactEncoder(encoder)), tokenizer)
    return model.save_pretrained(tmp_path_factory.mktemp("tiny") / "model")


def _with_setting(source: Path, target: Path, key: str, value: Any) -> Path:
    target.mkdir()
    for file in source.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config[key] = value
    (target / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return target


def test_the_untouched_directory_loads_and_decides(tiny: Path) -> None:
    text = TEXT * 20
    candidates = document_candidates(text)
    decisions = PerfevalModel.from_pretrained(tiny).decide(text, candidates)
    assert len(decisions) == len(candidates)
    assert all(abs(d.value.sum() - 1) < 1e-5 and len(d.link) == 1 + len(c.links) for d, c in zip(decisions, candidates))


def test_a_threshold_of_null_turns_that_override_off_and_loads(tiny: Path, tmp_path: Path) -> None:
    path = _with_setting(tiny, tmp_path / "off", "relink_threshold", None)
    assert PerfevalModel.from_pretrained(path).config.relink_threshold is None


@pytest.mark.parametrize("key, value", [
    ("classes", list(reversed(VALUE_CLASSES))),
    ("classes", list(VALUE_CLASSES[:-1])),
    ("window_left", 0),
    ("window_right", "24"),
    ("window_left", 200),  # longer than the encoder's 128 positions
    ("max_links", -5),
    ("head_dim", 1.5),
    ("drop_threshold", 1.5),
    ("relink_threshold", "high"),
    ("value_temperature", 0),
    ("encoder", "perfeval-compact"),
])
def test_a_bad_setting_fails_at_load_naming_the_directory_and_the_key(tiny: Path, tmp_path: Path, key: str, value: Any) -> None:
    path = _with_setting(tiny, tmp_path / "bad", key, value)
    with pytest.raises(ModelLoadError) as info:
        PerfevalModel.from_pretrained(path)
    message = str(info.value)
    assert message.startswith(f"model directory {path}: config.json key ")
    assert key.split("_")[0] in message and "\n" not in message and message.endswith("; fix the key or retrain the model")


def test_a_config_built_in_code_says_what_is_wrong() -> None:
    good = ModelConfig(encoder={"model_type": "perfeval-compact", "max_position_embeddings": 512})
    assert good.problems() == []
    bad = ModelConfig(encoder={"model_type": "bert", "max_position_embeddings": 64}, window_left=100)
    assert [p.split(":")[0] for p in bad.problems()] == ["window_left + window_right"]

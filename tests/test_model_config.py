"""config.json is checked when a model loads: a bad setting names the directory and the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from perfeval.data.bio import BIO_LABELS
from perfeval.model import ModelConfig, ModelLoadError, PerfevalModel
from perfeval.model.config import ConfigError
from perfeval.model.encoder import CompactEncoder, CompactEncoderConfig
from perfeval.model.modeling import PerfevalNetwork
from perfeval.model.tokenization import build_char_tokenizer

TEXT = "年度预算 2054.25 万元，完成预算的 90.6%。"
POSITIONS = 64


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained model directory small enough to build in milliseconds."""
    tokenizer = build_char_tokenizer([TEXT], min_freq=1)
    encoder = CompactEncoderConfig(
        vocab_size=len(tokenizer), hidden_size=8, num_hidden_layers=1, num_attention_heads=1, intermediate_size=8,
        max_position_embeddings=POSITIONS,
    )
    config = ModelConfig(encoder=encoder.to_dict(), window_tokens=32, window_overlap=8)
    model = PerfevalModel(config, tokenizer, PerfevalNetwork(config, CompactEncoder(encoder)))
    return model.save_pretrained(tmp_path_factory.mktemp("tiny") / "model")


def _with_setting(source: Path, target: Path, key: str, value: Any) -> Path:
    target.mkdir()
    for file in source.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config[key] = value
    (target / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return target


def test_the_untouched_directory_loads_and_predicts(tiny: Path) -> None:
    text = TEXT * 20  # several windows
    prediction = PerfevalModel.from_pretrained(tiny).predict(text)
    assert all(text[e.start : e.end] == e.text for e in prediction.entities)


SHUFFLED = BIO_LABELS[:1] + BIO_LABELS[3:5] + BIO_LABELS[1:3] + BIO_LABELS[5:]


@pytest.mark.parametrize("key, value", [
    ("labels", SHUFFLED),
    ("labels", BIO_LABELS[:-2]),
    ("id2label", {str(i): tag for i, tag in enumerate(SHUFFLED)}),
    ("window_overlap", 32),  # as large as the window: no step forward
    ("window_overlap", -1),
    ("window_tokens", 0),
    ("window_tokens", POSITIONS - 1),  # no room for [CLS] and [SEP]
    ("window_tokens", "32"),
    ("span_dim", 0),
    ("pair_hidden", 1.5),
    ("max_pair_chars", -5),
    ("use_rule_features", "yes"),
    ("encoder", "perfeval-compact"),
])
def test_a_bad_setting_fails_at_load_naming_the_directory_and_the_key(tiny: Path, tmp_path: Path, key: str, value: Any) -> None:
    path = _with_setting(tiny, tmp_path / "bad", key, value)
    with pytest.raises(ModelLoadError) as info:
        PerfevalModel.from_pretrained(path)
    message = str(info.value)
    assert message.startswith(f"model directory {path}: config.json key {key!r} ")
    assert "\n" not in message and message.endswith("; correct it or retrain the model")


def test_a_config_built_in_code_is_checked_too() -> None:
    with pytest.raises(ConfigError) as info:
        ModelConfig(encoder={"model_type": "perfeval-compact", "max_position_embeddings": 512}, window_tokens=100, window_overlap=100)
    assert info.value.key == "window_overlap"
    with pytest.raises(ConfigError, match="'labels' is"):
        ModelConfig(encoder={"model_type": "bert"}, labels=list(reversed(BIO_LABELS)))

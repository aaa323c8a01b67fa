"""Reading model directories, with one clear error for every way a directory can be unusable.

A directory holds ``config.json`` (:class:`~perfeval.model.config.ModelConfig`), the network
as ``model.onnx`` (what predicting runs, with onnxruntime: no torch needed) and as
``model.safetensors`` (its weights, for training on), the tokenizer files and a
``README.md`` model card. This module reads what needs no torch; the weights are read and
written by :mod:`perfeval.model.network`.
"""

from __future__ import annotations

import json
from pathlib import Path

from perfeval.model.config import CONFIG_NAME, MODEL_TYPE, ONNX_NAME, SCHEMA_VERSION, WEIGHTS_NAME, ModelConfig
from perfeval.model.tokenization import TOKENIZER_FILE, ModelTokenizer

CARD_NAME = "README.md"


class ModelLoadError(Exception):
    """A model directory is missing, incomplete, corrupt or from an incompatible schema."""


def read_config(path: Path) -> ModelConfig:
    """The validated config of the model directory ``path``."""
    if not path.exists():
        raise ModelLoadError(f"model directory {path} does not exist; pass a directory written by `perfeval train` or save_pretrained")
    if not path.is_dir():
        raise ModelLoadError(f"model path {path} is not a directory; a perfeval model is a directory with {CONFIG_NAME} and {ONNX_NAME}")
    file = path / CONFIG_NAME
    if not file.is_file():
        raise ModelLoadError(f"model directory {path} is incomplete: {CONFIG_NAME} is missing; re-save or retrain the model")
    try:
        obj = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise ModelLoadError(f"model directory {path} is corrupt: {CONFIG_NAME} is not valid JSON ({one_line(err)}); re-save or retrain the model") from None
    if not isinstance(obj, dict) or obj.get("model_type") != MODEL_TYPE:
        kind = obj.get("model_type") if isinstance(obj, dict) else None
        raise ModelLoadError(
            f"{path} is not a perfeval model (model_type={kind!r}); a plain encoder belongs in `perfeval train --base-model {path}`"
        )
    version = obj.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ModelLoadError(
            f"model directory {path} has schema version {version}, this perfeval reads version {SCHEMA_VERSION}; "
            "retrain it with `perfeval train` or use the perfeval release it was made with"
        )
    try:
        config = ModelConfig.from_dict(obj)
    except (KeyError, TypeError) as err:
        raise ModelLoadError(f"model directory {path} is corrupt: {CONFIG_NAME} lacks or mistypes {one_line(err)}; re-save or retrain the model") from None
    problems = config.problems()
    if problems:
        raise ModelLoadError(f"model directory {path}: {CONFIG_NAME} key {problems[0]}; fix the key or retrain the model")
    return config


def one_line(err: BaseException) -> str:
    return f"{type(err).__name__}: " + " ".join(str(err).split())[:300]


def read_tokenizer(path: Path) -> ModelTokenizer:
    if not (path / TOKENIZER_FILE).is_file():
        raise ModelLoadError(
            f"model directory {path} is incomplete: {TOKENIZER_FILE} is missing (perfeval needs a fast tokenizer for exact offsets); "
            "re-save or retrain the model"
        )
    try:
        return ModelTokenizer.from_dir(path)
    except Exception as err:  # tokenizers raises plain Exception for unreadable files
        raise ModelLoadError(f"model directory {path} has an unreadable tokenizer ({one_line(err)}); re-save or retrain the model") from None


def network_file(path: Path, prefer_onnx: bool) -> Path:
    """The network file to load: ``model.onnx`` or ``model.safetensors`` (whichever is there, the
    preferred one first); raises :class:`ModelLoadError` when neither is."""
    order = (ONNX_NAME, WEIGHTS_NAME) if prefer_onnx else (WEIGHTS_NAME, ONNX_NAME)
    for name in order:
        if (path / name).is_file():
            return path / name
    raise ModelLoadError(f"model directory {path} is incomplete: neither {ONNX_NAME} nor {WEIGHTS_NAME} is there; re-save or retrain the model")


def read_card(path: Path) -> str | None:
    file = path / CARD_NAME
    return file.read_text(encoding="utf-8") if file.is_file() else None

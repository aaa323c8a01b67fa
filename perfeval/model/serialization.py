"""Reading and writing model directories, with one clear error for every way a directory can be unusable.

A directory holds ``config.json`` (:class:`~perfeval.model.config.ModelConfig`),
``model.safetensors`` (all network weights), the tokenizer files and a ``README.md``
model card.
"""

from __future__ import annotations

import json
from pathlib import Path

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from perfeval.model.config import CONFIG_NAME, MODEL_TYPE, SCHEMA_VERSION, WEIGHTS_NAME, ConfigError, ModelConfig
from perfeval.model.encoder import COMPACT_MODEL_TYPE, CompactEncoder, CompactEncoderConfig
from perfeval.model.modeling import PerfevalNetwork
from perfeval.model.tokenization import TOKENIZER_FILE, ModelTokenizer

CARD_NAME = "README.md"


class ModelLoadError(Exception):
    """A model directory is missing, incomplete, corrupt or from an incompatible schema."""


def read_config(path: Path) -> ModelConfig:
    if not path.exists():
        raise ModelLoadError(f"model directory {path} does not exist; pass a directory written by `perfeval train` or save_pretrained")
    if not path.is_dir():
        raise ModelLoadError(f"model path {path} is not a directory; a perfeval model is a directory with {CONFIG_NAME} and {WEIGHTS_NAME}")
    file = path / CONFIG_NAME
    if not file.is_file():
        raise ModelLoadError(f"model directory {path} is incomplete: {CONFIG_NAME} is missing; re-save or retrain the model")
    try:
        obj = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelLoadError(f"model directory {path} is corrupt: {CONFIG_NAME} is not valid JSON ({_one_line(err)}); re-save or retrain the model") from None
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
        return ModelConfig.from_dict(obj)
    except ConfigError as err:
        raise ModelLoadError(f"model directory {path}: {CONFIG_NAME} key {err.key!r} {err.problem}; correct it or retrain the model") from None
    except (KeyError, TypeError) as err:
        raise ModelLoadError(f"model directory {path} is corrupt: {CONFIG_NAME} lacks or mistypes {_one_line(err)}; re-save or retrain the model") from None


def _one_line(err: Exception) -> str:
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
        raise ModelLoadError(f"model directory {path} has an unreadable tokenizer ({_one_line(err)}); re-save or retrain the model") from None


def build_encoder(settings: dict) -> nn.Module:
    """A randomly initialised encoder from its config dict (``model_type`` picks the class):
    the compact encoder, or any transformers architecture (imported only then)."""
    settings = dict(settings)
    model_type = settings.pop("model_type")
    if model_type == COMPACT_MODEL_TYPE:
        return CompactEncoder(CompactEncoderConfig(**settings))
    from transformers import AutoConfig, AutoModel

    return AutoModel.from_config(AutoConfig.for_model(model_type, **settings))


def build_network(config: ModelConfig, path: Path | None = None) -> PerfevalNetwork:
    """A network with a randomly initialised encoder made from ``config.encoder``."""
    try:
        encoder = build_encoder(config.encoder)
    except (KeyError, ValueError, TypeError) as err:
        raise ModelLoadError(f"model directory {path}: cannot build the encoder from {CONFIG_NAME} ({_one_line(err)}); retrain the model") from None
    return PerfevalNetwork(config, encoder)


def read_weights(network: PerfevalNetwork, path: Path) -> None:
    file = path / WEIGHTS_NAME
    if not file.is_file():
        raise ModelLoadError(f"model directory {path} is incomplete: {WEIGHTS_NAME} is missing; re-save or retrain the model")
    try:
        state = load_file(str(file))
    except (SafetensorError, OSError, ValueError) as err:
        raise ModelLoadError(f"model directory {path} is corrupt: {WEIGHTS_NAME} cannot be read ({_one_line(err)}); re-save or retrain the model") from None
    try:
        result = network.load_state_dict(state, strict=False)
    except RuntimeError as err:
        first = str(err).strip().splitlines()[-1].strip()
        raise ModelLoadError(f"model directory {path}: {WEIGHTS_NAME} does not fit {CONFIG_NAME} ({first}); retrain the model") from None
    problems = [*result.missing_keys, *result.unexpected_keys]
    if problems:
        raise ModelLoadError(
            f"model directory {path}: {WEIGHTS_NAME} does not fit {CONFIG_NAME} "
            f"({len(result.missing_keys)} missing, {len(result.unexpected_keys)} unexpected tensors, e.g. {problems[0]}); retrain the model"
        )


def write_dir(path: Path, config: ModelConfig, network: PerfevalNetwork, tokenizer: ModelTokenizer, card: str | None) -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / CONFIG_NAME).write_text(json.dumps(config.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    state = {k: v.detach().contiguous().clone() for k, v in network.state_dict().items()}
    save_file(state, str(path / WEIGHTS_NAME), metadata={"format": "pt"})
    (path / WEIGHTS_NAME).chmod(0o644)  # safetensors creates it owner-only; a shipped model must be readable
    tokenizer.save(path)
    if card is not None:
        (path / CARD_NAME).write_text(card, encoding="utf-8")


def read_card(path: Path) -> str | None:
    file = path / CARD_NAME
    return file.read_text(encoding="utf-8") if file.is_file() else None

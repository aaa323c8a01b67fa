"""The settings of a perfeval model directory (``config.json``).

Everything needed to rebuild the network before its weights are loaded lives here:
the BIO tag set, the encoder's own config, the input features and the relation
head's sizes. ``schema_version`` changes whenever a saved directory could no longer
be read by this code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from perfeval.data.bio import BIO_LABELS

SCHEMA_VERSION = 1
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
MODEL_TYPE = "perfeval"
SPECIAL_TOKENS_PER_WINDOW = 2  # [CLS] and [SEP] around each window
_FLAGS = ("use_rule_features", "snap_to_rules", "defer_to_rule_abstention")
_SIZES = ("feature_dim", "span_dim", "pair_hidden", "window_tokens", "max_pair_chars")  # positive integers


class ConfigError(ValueError):
    """A setting this code cannot run with: ``key`` names it, ``problem`` says what is wrong."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key!r} {problem}")
        self.key = key
        self.problem = problem


@dataclass
class ModelConfig:
    """Network and decoding settings saved as ``config.json``.

    ``encoder`` is the encoder's ``PretrainedConfig.to_dict()``; ``base_model`` records
    the name or path it was initialised from (``None`` for a from-scratch encoder).
    Window sizes count tokens of the model's tokenizer, ``[CLS]``/``[SEP]`` excluded.
    Building one checks every setting (:meth:`validate`), so a config that exists can run.
    """

    encoder: dict[str, Any]
    base_model: str | None = None
    labels: list[str] = field(default_factory=lambda: list(BIO_LABELS))
    use_rule_features: bool = True
    snap_to_rules: bool = True
    defer_to_rule_abstention: bool = True
    feature_dim: int = 32
    span_dim: int = 128
    pair_hidden: int = 128
    window_tokens: int = 254
    window_overlap: int = 64
    max_pair_chars: int = 400
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise :class:`ConfigError` for the first setting the network or decoding cannot run with.

        ``labels`` must be this code's BIO tag set in its order: the tagger's outputs are read by
        position, so a reordered list would silently read every tag as another.
        """
        if self.labels != BIO_LABELS:
            raise ConfigError("labels", f"is {self.labels!r}; this perfeval reads the tags {BIO_LABELS!r}, in that order")
        if not isinstance(self.encoder, dict) or not isinstance(self.encoder.get("model_type"), str):
            raise ConfigError("encoder", "is not an encoder config with a model_type")
        if self.base_model is not None and not isinstance(self.base_model, str):
            raise ConfigError("base_model", f"is {self.base_model!r}, not a name, a path or null")
        for name in _FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(name, f"is {getattr(self, name)!r}, not true or false")
        for name in _SIZES:
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ConfigError(name, f"is {value!r}, not a positive integer")
        if not _is_int(self.window_overlap) or not 0 <= self.window_overlap < self.window_tokens:
            raise ConfigError("window_overlap", f"is {self.window_overlap!r}, not an integer from 0 to window_tokens - 1 ({self.window_tokens - 1})")
        positions = self.encoder.get("max_position_embeddings")
        if _is_int(positions) and self.window_tokens + SPECIAL_TOKENS_PER_WINDOW > positions:
            raise ConfigError(
                "window_tokens",
                f"is {self.window_tokens}: with [CLS] and [SEP] a window needs {self.window_tokens + SPECIAL_TOKENS_PER_WINDOW} "
                f"positions, the encoder has {positions} (encoder.max_position_embeddings)",
            )

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.labels))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["model_type"] = MODEL_TYPE
        out["id2label"] = {str(i): tag for i, tag in self.id2label.items()}
        return out

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> "ModelConfig":
        """Inverse of :meth:`to_dict`; unknown keys are ignored, missing ones raise ``KeyError``,
        bad settings :class:`ConfigError` (``id2label``, if present, must agree with ``labels``)."""
        names = {f.name for f in fields(cls)}
        if "encoder" not in obj:
            raise KeyError("encoder")
        config = cls(**{k: v for k, v in obj.items() if k in names})
        id2label = obj.get("id2label")
        if id2label is not None and id2label != config.to_dict()["id2label"]:
            raise ConfigError("id2label", "does not give labels[i] for each id i; this perfeval reads the tags in the order of labels")
        return config


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

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


@dataclass
class ModelConfig:
    """Network and decoding settings saved as ``config.json``.

    ``encoder`` is the encoder's ``PretrainedConfig.to_dict()``; ``base_model`` records
    the name or path it was initialised from (``None`` for a from-scratch encoder).
    Window sizes count tokens of the model's tokenizer, ``[CLS]``/``[SEP]`` excluded.
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
        """Inverse of :meth:`to_dict`; unknown keys are ignored, missing ones raise ``KeyError``."""
        names = {f.name for f in fields(cls)}
        if "encoder" not in obj:
            raise KeyError("encoder")
        return cls(**{k: v for k, v in obj.items() if k in names})

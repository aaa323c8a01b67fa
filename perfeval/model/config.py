"""The settings of a perfeval model directory (``config.json``).

Everything needed to rebuild the network before its weights are loaded, and to turn its
scores into decisions, lives here: the value classes, the encoder's own config, the window
and feature sizes, the hybrid's thresholds and the calibration temperatures.
``schema_version`` changes whenever a saved directory could no longer be read by this code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from perfeval.types import VALUE_LABELS

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "default"  # shipped inside the package
SCHEMA_VERSION = 2
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
ONNX_NAME = "model.onnx"
MODEL_TYPE = "perfeval"
NO_VALUE = "NONE"
VALUE_CLASSES: tuple[str, ...] = (NO_VALUE,) + VALUE_LABELS


@dataclass
class ModelConfig:
    """Network, decoding and calibration settings saved as ``config.json``.

    ``encoder`` is the encoder's config dict (``model_type`` picks the class);
    ``base_model`` records the name or path it was initialised from (None for the compact
    encoder trained from scratch). A value candidate is read through a window of
    ``window_left`` tokens before it and ``window_right`` after it; at most ``max_links``
    indicator candidates are scored per value. ``drop_threshold``: in the hybrid a rule
    value is dropped (or retyped) when the model's probability for that is at least this;
    ``add_threshold``: a figure the rules left out comes in when the model's probability
    for its label is at least this; ``relink_threshold``: the model's indicator replaces
    the rules' when its probability is at least this. Probabilities are the softmax of
    the logits divided by ``value_temperature`` / ``link_temperature``, fitted on
    cross-validation predictions (1.0: not calibrated).
    """

    encoder: dict[str, Any]
    base_model: str | None = None
    classes: list[str] = field(default_factory=lambda: list(VALUE_CLASSES))
    window_left: int = 56
    window_right: int = 24
    max_links: int = 192
    feature_dim: int = 32
    head_dim: int = 128
    drop_threshold: float | None = 0.9
    add_threshold: float | None = 0.8
    relink_threshold: float | None = 0.5
    value_temperature: float = 1.0
    link_temperature: float = 1.0
    schema_version: int = SCHEMA_VERSION

    @property
    def window_tokens(self) -> int:
        """Longest window: [CLS], the context on both sides and a value of up to 16 tokens."""
        return 1 + self.window_left + 16 + self.window_right

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["model_type"] = MODEL_TYPE
        return out

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> "ModelConfig":
        """Inverse of :meth:`to_dict`; unknown keys are ignored, a missing ``encoder`` raises ``KeyError``."""
        names = {f.name for f in fields(cls)}
        if "encoder" not in obj:
            raise KeyError("encoder")
        return cls(**{k: v for k, v in obj.items() if k in names})

    def problems(self) -> list[str]:
        """What makes these settings unusable: ``"key: why"`` for each (empty when fine)."""
        out = []
        if list(self.classes) != list(VALUE_CLASSES):
            out.append(f"classes: must be {list(VALUE_CLASSES)} in this order, not {self.classes}")
        for key in ("window_left", "window_right", "max_links", "feature_dim", "head_dim"):
            value = getattr(self, key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                out.append(f"{key}: must be a positive integer, not {value!r}")
        positions = self.encoder.get("max_position_embeddings") if isinstance(self.encoder, dict) else None
        if isinstance(positions, int) and not out and self.window_tokens + 1 > positions:
            out.append(f"window_left + window_right: a window of {self.window_tokens + 1} tokens is longer than the "
                       f"encoder's max_position_embeddings {positions}")
        for key in ("drop_threshold", "add_threshold", "relink_threshold"):
            value = getattr(self, key)
            if value is None:
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
                out.append(f"{key}: must be a probability in [0, 1] or null (off), not {value!r}")
        for key in ("value_temperature", "link_temperature"):
            value = getattr(self, key)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                out.append(f"{key}: must be a positive number, not {value!r}")
        if not isinstance(self.encoder, dict) or "model_type" not in self.encoder:
            out.append("encoder: must be an encoder config with a model_type")
        return out

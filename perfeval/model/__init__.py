"""The neural layer: a character-level BIO tagger and a value -> indicator linker on any
Hugging Face encoder, saved as a model directory.

>>> from perfeval.model import PerfevalModel
>>> model = PerfevalModel.from_pretrained("default")  # doctest: +SKIP
>>> pred = model.predict("年度预算 2054.25 万元，完成预算的 90.6%。")  # doctest: +SKIP
"""

from perfeval.model.config import SCHEMA_VERSION, ModelConfig
from perfeval.model.extractor import DEFAULT_MODEL_DIR, ModelPrediction, PerfevalModel
from perfeval.model.serialization import ModelLoadError

__all__ = ["PerfevalModel", "ModelPrediction", "ModelLoadError", "ModelConfig", "SCHEMA_VERSION", "DEFAULT_MODEL_DIR"]

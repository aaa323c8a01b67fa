"""The neural layer: a network that decides on the rule layer's candidates, saved as a model directory.

The rules and the table stage propose value candidates and, for each, the spans that could be
its indicator (:mod:`perfeval.model.candidates`); the network types or drops each value and
picks its indicator (:mod:`perfeval.model.network`). A model directory is read with
:meth:`PerfevalModel.from_pretrained` and runs its exported ``model.onnx`` with onnxruntime,
so predicting needs no torch.

>>> from perfeval.model import PerfevalModel, document_candidates
>>> model = PerfevalModel.from_pretrained("default")  # doctest: +SKIP
>>> text = "年度预算 2054.25 万元，完成预算的 90.6%。"
>>> model.decide(text, document_candidates(text))  # doctest: +SKIP
"""

from perfeval.model.candidates import LinkCandidate, ValueCandidate, document_candidates
from perfeval.model.config import SCHEMA_VERSION, VALUE_CLASSES, ModelConfig
from perfeval.model.extractor import DEFAULT_MODEL_DIR, Decision, PerfevalModel
from perfeval.model.serialization import ModelLoadError

__all__ = [
    "PerfevalModel", "Decision", "ModelLoadError", "ModelConfig", "SCHEMA_VERSION", "VALUE_CLASSES", "DEFAULT_MODEL_DIR",
    "ValueCandidate", "LinkCandidate", "document_candidates",
]

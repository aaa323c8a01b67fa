"""perfeval: figures from Chinese budget-performance self-evaluation reports as linked records.

>>> import perfeval
>>> doc = perfeval.extract("2023年年度预算 2054.25 万元，完成预算的 90.6%。", rules_only=True)
>>> [(r.text, r.value, r.indicator.text) for r in doc.records]
[('2054.25 万元', 20542500, '年度预算'), ('90.6%', 90.6, '完成预算')]
"""

from __future__ import annotations

from pathlib import Path

from perfeval.evaluation import evaluate
from perfeval.model import DEFAULT_MODEL_DIR as DEFAULT_MODEL
from perfeval.model import PerfevalModel
from perfeval.pipeline import Extractor
from perfeval.sheet import SheetRow, sheet
from perfeval.types import Document, Entity, Indicator, Record, Relation

__version__ = "0.1.0"
__all__ = [
    "load", "extract", "evaluate", "sheet", "Extractor", "Document", "Entity", "Indicator", "Record", "Relation", "SheetRow",
    "__version__",
]

def load(model: str | Path | None = None, rules_only: bool = False, hybrid: bool = True) -> Extractor:
    """An :class:`Extractor`.

    ``model``: a model directory (``save_pretrained`` output) or None for the embedded
    default. ``rules_only``: the regex layer alone, no model. ``hybrid=False``: the
    model's values and links only (the rules still normalise values).
    """
    if rules_only:
        return Extractor(None)
    return Extractor(PerfevalModel.from_pretrained(model or DEFAULT_MODEL), hybrid=hybrid)


def extract(text: str, *, model: str | Path | None = None, rules_only: bool = False) -> Document:
    """Shortcut for ``load(model, rules_only).extract(text)``; loading is cached per setting."""
    return _cached_extractor(str(model) if model else None, rules_only).extract(text)


_EXTRACTORS: dict[tuple[str | None, bool], Extractor] = {}


def _cached_extractor(model: str | None, rules_only: bool) -> Extractor:
    key = (model, rules_only)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = load(model, rules_only=rules_only)
    return _EXTRACTORS[key]

"""Annotated documents <-> a Hugging Face ``datasets.Dataset``, one row per document.

Columns:

- ``id`` (str), ``text`` (str), ``synthetic`` (bool), ``origin`` (str, how a synthetic
  document was made; empty when not said);
- ``chars``: ``list(text)``, one item per code point, so item ``i`` is ``text[i]``
  (newlines and spaces included) and character offsets are token offsets;
- ``ner_tags``: one BIO tag id per character (``ClassLabel`` over :data:`BIO_LABELS`);
- ``entities``: ``{"label", "start", "end"}`` in :attr:`Document.entities` order;
- ``relations``: ``{"head", "tail"}`` indices into ``entities`` (all ``value_of``).

The conversion is lossless for annotated documents: :func:`from_hf_example` rebuilds the
:class:`~perfeval.types.Document` that :func:`~perfeval.data.doccano.read_doccano` gives.

Documents, or an annotation file or folder::

    to_hf_dataset(docs)                              # a Dataset
    to_hf_dataset("annotations/")                    # the same from doccano JSONL
    to_hf_dataset("annotations/", test_size=0.25)    # a DatasetDict: train and test, split by document
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, overload

import datasets

from perfeval.data.bio import BIO_LABELS, bio_tags
from perfeval.data.doccano import read_doccano
from perfeval.types import VALUE_OF, Document, Entity, Relation

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "text": datasets.Value("string"),
        "chars": [datasets.Value("string")],
        "ner_tags": [datasets.ClassLabel(names=BIO_LABELS)],
        "entities": [
            {"label": datasets.Value("string"), "start": datasets.Value("int32"), "end": datasets.Value("int32")}
        ],
        "relations": [{"head": datasets.Value("int32"), "tail": datasets.Value("int32")}],
        "synthetic": datasets.Value("bool"),
        "origin": datasets.Value("string"),
    }
)


def _row(doc: Document) -> dict[str, Any]:
    if any(rel.label != VALUE_OF for rel in doc.relations):
        raise ValueError(f"document {doc.name}: only {VALUE_OF} relations can be stored")
    try:
        tags = bio_tags(len(doc.text), doc.entities)
    except ValueError as err:
        raise ValueError(f"document {doc.name}: {err}") from None
    return {
        "id": doc.name or "",
        "text": doc.text,
        "chars": list(doc.text),
        "ner_tags": tags,
        "entities": [{"label": e.label, "start": e.start, "end": e.end} for e in doc.entities],
        "relations": [{"head": r.head, "tail": r.tail} for r in doc.relations],
        "synthetic": bool(doc.meta.get("synthetic", False)),
        "origin": str(doc.meta.get("origin", "")),
    }


@overload
def to_hf_dataset(source: Iterable[Document] | str | Path, *, test_size: None = None, seed: int = 0) -> datasets.Dataset: ...


@overload
def to_hf_dataset(source: Iterable[Document] | str | Path, *, test_size: float | int, seed: int = 0) -> datasets.DatasetDict: ...


def to_hf_dataset(
    source: Iterable[Document] | str | Path, *, test_size: float | int | None = None, seed: int = 0
) -> datasets.Dataset | datasets.DatasetDict:
    """One row per document with the columns described in the module docstring.

    ``source``: documents, or an annotation file or folder (doccano JSONL, read with
    :func:`~perfeval.data.doccano.read_doccano`). With ``test_size`` (a share of the
    documents, or their number) the result is a ``DatasetDict`` of ``train`` and ``test``
    drawn by document with ``seed``: a document is wholly in one split.
    """
    docs = read_doccano(source) if isinstance(source, (str, Path)) else source
    rows = [_row(doc) for doc in docs]
    columns = {name: [row[name] for row in rows] for name in FEATURES}
    dataset = datasets.Dataset.from_dict(columns, features=FEATURES)
    if test_size is None:
        return dataset
    return dataset.train_test_split(test_size=test_size, seed=seed)


def from_hf_example(example: dict[str, Any]) -> Document:
    """The annotated :class:`Document` of one dataset row (entities and relations are ``source="gold"``)."""
    text = example["text"]
    entities = [
        Entity(e["label"], e["start"], e["end"], text[e["start"] : e["end"]], source="gold")
        for e in example["entities"]
    ]
    relations = [Relation(r["head"], r["tail"], VALUE_OF, source="gold") for r in example["relations"]]
    return Document(
        text=text,
        entities=entities,
        relations=relations,
        name=example["id"],
        meta={"synthetic": bool(example["synthetic"]), **({"origin": example["origin"]} if example["origin"] else {})},
    )

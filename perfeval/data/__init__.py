"""Annotated data: doccano JSONL on disk, converted once into the shapes tools need.

- :mod:`perfeval.data.doccano` — doccano JSONL <-> :class:`~perfeval.types.Document`
- :mod:`perfeval.data.hf` — Hugging Face ``datasets.Dataset`` (characters, BIO tags, relation pairs)
- :mod:`perfeval.data.spacy` — spaCy ``Doc`` / ``DocBin`` (``doc.ents``, ``doc._.perfeval_links``)
"""

from perfeval.data.doccano import (
    annotation_files,
    doc_from_doccano,
    doc_to_doccano,
    read_doccano,
    write_doccano,
)

__all__ = ["annotation_files", "doc_from_doccano", "doc_to_doccano", "read_doccano", "write_doccano"]

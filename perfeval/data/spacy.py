"""Documents <-> spaCy ``Doc`` and ``DocBin``.

A :class:`~perfeval.types.Document` becomes a ``Doc`` with **one token per character**
(whitespace and newlines included, no trailing spaces), so ``doc.text == document.text``,
token ``i`` is ``text[i]`` and every entity span aligns to tokens. Entities go to
``doc.ents``; relations, records, the name and ``meta`` go to the extension attributes
registered by :func:`perfeval.spacy_ext.register_extensions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from perfeval.spacy_ext import register_extensions, storable_records
from perfeval.types import Document, Entity, Indicator, Record, Relation


@lru_cache(maxsize=1)
def _blank_zh() -> Language:
    return spacy.blank("zh")


def _link(doc: Document, rel: Relation) -> dict[str, Any]:
    head, tail = doc.entities[rel.head], doc.entities[rel.tail]
    return {"value": [head.start, head.end], "indicator": [tail.start, tail.end], "label": rel.label}


def to_spacy_doc(document: Document, nlp: Language | None = None) -> Doc:
    """The spaCy ``Doc`` of ``document`` on ``nlp``'s vocab (default: ``spacy.blank("zh")``).

    Raises ``ValueError`` if entities overlap (``doc.ents`` cannot hold them).
    """
    register_extensions()
    vocab = (nlp or _blank_zh()).vocab
    chars = list(document.text)
    doc = Doc(vocab, words=chars, spaces=[False] * len(chars))
    spans = [Span(doc, e.start, e.end, label=e.label) for e in document.entities]
    try:
        doc.ents = spans
    except ValueError as err:
        raise ValueError(f"document {document.name}: entities overlap ({err})") from None
    doc._.perfeval_links = sorted((_link(document, rel) for rel in document.relations), key=lambda link: link["value"])
    doc._.perfeval_records = storable_records(document.records)
    doc._.perfeval_meta = {"name": document.name, "meta": document.meta}
    return doc


def _record(obj: dict[str, Any]) -> Record:
    indicator = obj.get("indicator")
    return Record(**{**obj, "indicator": Indicator(**indicator) if indicator else None})


def from_spacy_doc(spacy_doc: Doc, name: str | None = None, source: str = "gold") -> Document:
    """The :class:`Document` of a ``Doc``: entities from ``doc.ents`` (marked ``source``),
    relations from ``doc._.perfeval_links``; ``name`` overrides the stored name.

    Raises ``ValueError`` for a link whose spans are not entities of the ``Doc``.
    """
    register_extensions()
    entities = [Entity(e.label_, e.start_char, e.end_char, e.text, source=source) for e in spacy_doc.ents]
    index_of = {(e.start, e.end): i for i, e in enumerate(entities)}
    relations = []
    for link in spacy_doc._.perfeval_links or []:
        value, indicator = tuple(link["value"]), tuple(link["indicator"])
        if value not in index_of or indicator not in index_of:
            raise ValueError(f"link {link} does not join two entities of the Doc")
        relations.append(Relation(index_of[value], index_of[indicator], link["label"], source=source))
    stored = spacy_doc._.perfeval_meta or {}
    return Document(
        text=spacy_doc.text,
        entities=entities,
        relations=relations,
        records=[_record(r) for r in spacy_doc._.perfeval_records or []],
        name=name if name is not None else stored.get("name"),
        meta=dict(stored.get("meta", {})),
    )


def to_docbin(docs: Iterable[Document], nlp: Language | None = None) -> DocBin:
    """A ``DocBin`` (with user data, so links and records survive) of ``docs``;
    ``to_docbin(docs).to_disk("train.spacy")`` writes a corpus for ``spacy train``."""
    docbin = DocBin(store_user_data=True)
    for document in docs:
        docbin.add(to_spacy_doc(document, nlp))
    return docbin


def from_docbin(docbin: DocBin, nlp: Language | None = None, source: str = "gold") -> list[Document]:
    """The documents of a ``DocBin`` written by :func:`to_docbin` (or any ``DocBin`` with ``ents``)."""
    register_extensions()
    vocab = (nlp or _blank_zh()).vocab
    return [from_spacy_doc(doc, source=source) for doc in docbin.get_docs(vocab)]

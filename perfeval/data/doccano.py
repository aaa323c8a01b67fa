"""Annotation files (doccano JSONL, ANNOTATION.md section 4) <-> :class:`Document`.

On disk one JSON object per line: ``id``, ``text``, ``entities`` (``id``, ``label``,
``start_offset``, ``end_offset``, optionally ``norm``: the normalised value), ``relations`` (``id``, ``from_id``, ``to_id``,
``type``) and optionally ``"synthetic": true`` and an ``"origin"`` string saying how a
synthetic document was made (``"written"`` passages are kept in every training epoch). In
memory an annotated document is a :class:`~perfeval.types.Document` whose relations index
into its entities and whose ``meta`` keeps ``synthetic`` and ``origin``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from perfeval.types import Document, Entity, Relation
from perfeval.writers import atomic_path


def doc_from_doccano(obj: dict[str, Any]) -> Document:
    """Build a gold :class:`Document` from one doccano JSON object."""
    text = obj["text"]
    spans = sorted(obj.get("entities", []), key=lambda e: (e["start_offset"], e["end_offset"]))
    index_of = {}
    entities = []
    for i, ent in enumerate(spans):
        index_of[ent["id"]] = i
        start, end = ent["start_offset"], ent["end_offset"]
        norm = ent.get("norm")
        entities.append(Entity(ent["label"], start, end, text[start:end], source="gold",
                               norm=None if norm is None else float(norm)))
    relations = [
        Relation(index_of[rel["from_id"]], index_of[rel["to_id"]], rel.get("type", "value_of"), source="gold")
        for rel in obj.get("relations", [])
    ]
    relations.sort(key=lambda r: (r.head, r.tail))
    meta: dict[str, Any] = {"synthetic": bool(obj.get("synthetic", False))}
    if obj.get("origin"):
        meta["origin"] = str(obj["origin"])
    return Document(text=text, entities=entities, relations=relations, name=str(obj["id"]), meta=meta)


def doc_to_doccano(doc: Document) -> dict[str, Any]:
    """The doccano JSON object of ``doc``; entity ids are 1-based positions in text order."""
    obj: dict[str, Any] = {
        "id": doc.name,
        "text": doc.text,
        "entities": [
            {"id": i + 1, "label": e.label, "start_offset": e.start, "end_offset": e.end}
            | ({"norm": e.norm} if e.norm is not None else {})
            for i, e in enumerate(doc.entities)
        ],
        "relations": [
            {"id": i + 1, "from_id": r.head + 1, "to_id": r.tail + 1, "type": r.label}
            for i, r in enumerate(doc.relations)
        ],
    }
    if doc.meta.get("synthetic"):
        obj["synthetic"] = True
    if doc.meta.get("origin"):
        obj["origin"] = doc.meta["origin"]
    return obj


def annotation_files(path: str | Path) -> list[Path]:
    """``path`` itself if it is a file, else every ``*.jsonl`` below it, sorted."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    return [path]


def read_doccano(path: str | Path) -> list[Document]:
    """Read every annotated document in a JSONL file or a directory of them."""
    docs = []
    for file in annotation_files(path):
        with open(file, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    docs.append(doc_from_doccano(json.loads(line)))
    return docs


def write_doccano(docs: Iterable[Document], path: str | Path) -> None:
    """Write ``docs`` as doccano JSONL, atomically (folders created; see :func:`perfeval.writers.atomic_path`)."""
    lines = [json.dumps(doc_to_doccano(doc), ensure_ascii=False) + "\n" for doc in docs]
    with atomic_path(Path(path)) as tmp:
        tmp.write_text("".join(lines), encoding="utf-8")

"""The one place that registers perfeval's spaCy extension attributes.

On the ``Doc`` (stored):

- ``Doc._.perfeval_links``: ``value_of`` links as
  ``{"value": [start, end], "indicator": [start, end], "label": "value_of"}``, character offsets
  of a value in ``doc.ents`` and of its ``INDICATOR`` in ``doc.ents``, sorted by the value's offsets;
- ``Doc._.perfeval_records``: the record dicts of ANNOTATION.md section 5 (``Record.to_dict()``),
  in text order (:func:`storable_records`);
- ``Doc._.perfeval_meta``: the document's ``name`` and :attr:`Document.meta`, so that a ``DocBin``
  round trip keeps them.

All default to ``None`` (a mutable default would be shared by every ``Doc``); whoever fills a
``Doc`` sets them. Values are plain lists and dicts so that ``DocBin(store_user_data=True)`` and
``nlp.pipe(..., n_process=2)`` serialise them (both use msgpack).

On each entity (computed from the ``Doc``'s attributes, so nothing more is stored and a ``DocBin``
round trip keeps them):

- ``ent._.value``: the normalised value of the value record inside the span, else ``None``;
- ``ent._.unit``: that record's unit, else ``None``;
- ``ent._.indicator``: the ``INDICATOR`` span in ``doc.ents`` that the value is linked to, else ``None``.

An attribute name that another package has already registered on ``Span`` is left to it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

from perfeval.types import INDICATOR, VALUE_LABELS, Record

EXTENSIONS: tuple[str, ...] = ("perfeval_links", "perfeval_records", "perfeval_meta")
MSGPACK_INTEGERS = range(-(2**63), 2**64)


def register_extensions() -> None:
    """Register the ``Doc._.perfeval_*`` and ``Span._.value/unit/indicator`` attributes; calling
    it again does nothing."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name, getter in (("value", _value), ("unit", _unit), ("indicator", _indicator)):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


def storable_records(records: Iterable[Record]) -> list[dict[str, Any]]:
    """The value of ``Doc._.perfeval_records``: record dicts in text order, an integer value that
    msgpack cannot hold (beyond 64 bits) as a float, so that the ``Doc`` can still be sent
    between processes and written to a ``DocBin``."""
    out = []
    for record in sorted(records, key=lambda r: (r.start, r.end)):
        obj = record.to_dict()
        if isinstance(obj["value"], int) and obj["value"] not in MSGPACK_INTEGERS:
            obj["value"] = float(obj["value"])
        out.append(obj)
    return out


def _record(span: Span) -> dict[str, Any] | None:
    """The first record of the span's label inside a value span (records are in text order)."""
    if span.label_ not in VALUE_LABELS:
        return None
    records = span.doc._.perfeval_records or []
    for record in records[bisect_left(records, span.start_char, key=lambda r: r["start"]) :]:
        if record["start"] >= span.end_char:
            break
        if record["type"] == span.label_ and record["end"] <= span.end_char:
            return record
    return None


def _value(span: Span) -> float | int | None:
    record = _record(span)
    return None if record is None else record["value"]


def _unit(span: Span) -> str | None:
    record = _record(span)
    return None if record is None else record["unit"]


def _indicator(span: Span) -> Span | None:
    links = span.doc._.perfeval_links or []
    i = bisect_left(links, span.start_char, key=lambda link: link["value"][0])
    if i == len(links) or list(links[i]["value"]) != [span.start_char, span.end_char]:
        return None
    start, end = links[i]["indicator"]
    return span.doc.char_span(start, end, label=INDICATOR)

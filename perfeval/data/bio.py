"""BIO tags over characters: the label set and conversions both ways.

Kept apart from :mod:`perfeval.data.hf` so that inference code can use the tag set
without importing ``datasets``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from perfeval.types import LABELS, Entity

BIO_LABELS: list[str] = ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in ("B", "I")]
label2id: dict[str, int] = {tag: i for i, tag in enumerate(BIO_LABELS)}
id2label: dict[int, str] = dict(enumerate(BIO_LABELS))


def bio_tags(length: int, entities: Iterable[Entity]) -> list[int]:
    """BIO tag ids for ``length`` characters; raises ``ValueError`` on overlapping or empty spans."""
    tags = [label2id["O"]] * length
    for ent in entities:
        if not 0 <= ent.start < ent.end <= length:
            raise ValueError(f"entity {ent.label} {ent.start}-{ent.end} is outside a text of {length} characters")
        if any(tags[i] != label2id["O"] for i in range(ent.start, ent.end)):
            raise ValueError(f"entity {ent.label} {ent.start}-{ent.end} overlaps another entity")
        tags[ent.start] = label2id[f"B-{ent.label}"]
        for i in range(ent.start + 1, ent.end):
            tags[i] = label2id[f"I-{ent.label}"]
    return tags


def spans_from_bio(tags: Sequence[int | str]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` spans of a BIO sequence (ids or tag strings).

    An ``I-`` tag that does not continue a span of its label starts a new span,
    the usual lenient reading of model output.
    """
    spans: list[tuple[str, int, int]] = []
    current: tuple[str, int] | None = None
    for i, tag in enumerate(tags):
        name = tag if isinstance(tag, str) else BIO_LABELS[tag]
        prefix, _, label = name.partition("-")
        if current is not None and (prefix != "I" or label != current[0]):
            spans.append((current[0], current[1], i))
            current = None
        if prefix in ("B", "I") and current is None:
            current = (label, i)
    if current is not None:
        spans.append((current[0], current[1], len(tags)))
    return spans

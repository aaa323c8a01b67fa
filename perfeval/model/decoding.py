"""From network outputs to entities and links.

Entities: the argmax BIO tag of every token, read leniently (an ``I-`` that does not
continue a span starts one); a span's character offsets run from its first token's
start to its last token's end, so whitespace inside a value (``1,519.36⏎⏎万元``) is
covered and offsets are exact. Links: each value takes the argmax over
``[no link, candidate indicators...]``, so it gets at most one ``value_of``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from perfeval.data.hf import spans_from_bio
from perfeval.model.modeling import NO_LINK
from perfeval.types import Entity


@dataclass
class TokenSpan:
    """An entity and the tokens ``[first, last]`` it was decoded from."""

    entity: Entity
    first: int
    last: int


def decode_entities(
    probs: torch.Tensor, offsets: Sequence[tuple[int, int]], text: str, labels: Sequence[str]
) -> list[TokenSpan]:
    """probs: (n, T) tag probabilities of the document's n tokens -> entities in text order.

    Confidence is the mean probability of the chosen tag over the span's tokens.
    """
    if probs.shape[0] == 0:
        return []
    best, tags = probs.max(dim=1)
    spans = spans_from_bio([labels[t] for t in tags.tolist()])
    out = []
    for label, first, stop in spans:
        start, end = offsets[first][0], offsets[stop - 1][1]
        confidence = float(best[first:stop].mean())
        out.append(TokenSpan(Entity(label, start, end, text[start:end], "model", confidence), first, stop - 1))
    return out


def decode_links(logits: torch.Tensor, candidates: Sequence[int]) -> tuple[int | None, float]:
    """logits: (1 + C,) for one value, column :data:`NO_LINK` first, then ``candidates``.

    Returns the chosen candidate (an entity index) or ``None`` for no link, and its probability.
    """
    probs = logits.softmax(dim=0)
    choice = int(probs.argmax())
    if choice == NO_LINK:
        return None, float(probs[choice])
    return candidates[choice - 1], float(probs[choice])

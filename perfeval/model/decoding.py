"""From network outputs to entities and links.

Entities: the most probable *valid* BIO tag sequence (Viterbi; ``I-X`` only after
``B-X`` or ``I-X``), so one unsure token inside a span does not cut it in two; a span's
character offsets run from its first token's start to its last token's end, so whitespace inside a value (``1,519.36⏎⏎万元``) is
covered and offsets are exact. Links: each value takes the argmax over
``[no link, candidate indicators...]``, so it gets at most one ``value_of``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from perfeval.data.hf import spans_from_bio
from perfeval.model.modeling import NO_LINK
from perfeval.model.features import LONGEST_INDICATOR
from perfeval.types import INDICATOR, Entity


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
    tags = viterbi(probs.clamp_min(1e-9).log().numpy(), labels)
    best = probs[torch.arange(len(tags)), torch.tensor(tags)]
    spans = spans_from_bio([labels[t] for t in tags])
    out = []
    for label, first, stop in spans:
        start, end = offsets[first][0], offsets[stop - 1][1]
        confidence = float(best[first:stop].mean())
        out.append(TokenSpan(Entity(label, start, end, text[start:end], "model", confidence), first, stop - 1))
    return out


def snap_indicators(
    spans: list[TokenSpan], rule_indicators: Sequence[tuple[int, int]], offsets: Sequence[tuple[int, int]], text: str
) -> list[TokenSpan]:
    """Give a predicted ``INDICATOR`` the boundaries of the one rule indicator span it overlaps.

    Cross-validation showed the tagger's own indicator boundaries to be worse than the
    rule linker's where the two overlap, while it finds indicators the rules miss. A span
    is left alone when it overlaps no or several rule spans, or when the rule span would
    overlap another predicted entity or cut a token.
    """
    starts = [s for s, _ in offsets]
    rule_starts = [s for s, _ in rule_indicators]
    out = list(spans)
    for k, span in enumerate(spans):
        ent = span.entity
        if ent.label != INDICATOR:
            continue
        lo = bisect_left(rule_starts, ent.start - LONGEST_INDICATOR)
        hits = [r for r in rule_indicators[lo:] if r[0] < ent.end and ent.start < r[1]][:2]
        if len(hits) != 1 or hits[0] == (ent.start, ent.end):
            continue
        start, end = hits[0]
        first, stop = bisect_left(starts, start), bisect_left(starts, end)
        neighbours_clear = (k == 0 or spans[k - 1].entity.end <= start) and (k + 1 == len(spans) or end <= spans[k + 1].entity.start)
        if stop <= first or offsets[first][0] != start or offsets[stop - 1][1] != end or not neighbours_clear:
            continue
        entity = Entity(INDICATOR, start, end, text[start:end], "model", ent.confidence)
        out[k] = TokenSpan(entity, first, stop - 1)
    return out


def allowed_transitions(labels: Sequence[str]) -> np.ndarray:
    """(T, T) bool: may tag ``j`` follow tag ``i``? ``I-X`` only continues ``B-X`` / ``I-X``."""
    allowed = np.ones((len(labels), len(labels)), dtype=bool)
    for j, tag in enumerate(labels):
        if tag.startswith("I-"):
            allowed[:, j] = [prev in (f"B-{tag[2:]}", tag) for prev in labels]
    return allowed


def viterbi(log_probs: np.ndarray, labels: Sequence[str]) -> list[int]:
    """log_probs: (n, T) -> the tag ids of the most probable valid BIO sequence (length n)."""
    n, n_tags = log_probs.shape
    penalty = np.where(allowed_transitions(labels), 0.0, -np.inf)
    starts_ok = np.array([not tag.startswith("I-") for tag in labels])
    score = np.where(starts_ok, log_probs[0], -np.inf)
    back = np.zeros((n, n_tags), dtype=np.int64)
    for t in range(1, n):
        candidates = score[:, None] + penalty
        back[t] = candidates.argmax(axis=0)
        score = candidates[back[t], np.arange(n_tags)] + log_probs[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def decode_links(logits: torch.Tensor, candidates: Sequence[int]) -> tuple[int | None, float]:
    """logits: (1 + C,) for one value, column :data:`NO_LINK` first, then ``candidates``.

    Returns the chosen candidate (an entity index) or ``None`` for no link, and its probability.
    """
    probs = logits.softmax(dim=0)
    choice = int(probs.argmax())
    if choice == NO_LINK:
        return None, float(probs[choice])
    return candidates[choice - 1], float(probs[choice])

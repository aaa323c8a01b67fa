"""From network outputs to entities and links.

Entities: the most probable *valid* BIO tag sequence (Viterbi; ``I-X`` only after
``B-X`` or ``I-X``), so one unsure token inside a span does not cut it in two; a span's
character offsets run from its first token's start to its last token's end, so whitespace inside a value (``1,519.36⏎⏎万元``) is
covered and offsets are exact. Links: each value takes the argmax over
``[no link, candidate indicators...]``, so it gets at most one ``value_of``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from perfeval.data.bio import spans_from_bio
from perfeval.model.modeling import NO_LINK
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
    tags = viterbi(probs.detach().clamp_min(1e-9).log().numpy(), labels)
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
    """Give predicted indicators the boundaries of the rule indicator span they overlap.

    Cross-validation showed the tagger's own indicator boundaries to be worse than the rule
    linker's where the two overlap, while the tagger finds indicators the rules miss. A rule
    span replaces the predicted indicators that overlap it (merging them when there are
    several: the tagger says where an indicator is, the rules where it starts and ends) unless
    it overlaps a predicted value or an earlier snapped span, one of those indicators also
    overlaps another rule span, or the rule span would cut a token. Of nested rule spans only
    the innermost take part: the long clause that the rule linker gave one value
    (``人大代表⏎⏎进社区接待选民群众``) says less about where an indicator ends than the
    phrase inside it that it gave another (``人大代表``), and the tagger's pieces say how the
    clause divides.
    ``spans`` are in text order; so is the result.
    """
    rule_indicators = innermost(rule_indicators)
    starts = [s for s, _ in offsets]
    ent_starts = [s.entity.start for s in spans]
    replaced: dict[int, TokenSpan | None] = {}  # index in spans -> replacement (None: merged away)
    last_end = -1
    for k, (start, end) in enumerate(rule_indicators):
        lo = max(0, bisect_left(ent_starts, start) - 1)
        hits = [i for i in range(lo, bisect_left(ent_starts, end)) if spans[i].entity.end > start]
        if not hits or start < last_end or any(not spans[i].entity.label == INDICATOR or i in replaced for i in hits):
            continue
        # innermost spans start and end in increasing order, so a piece that overlaps span k and
        # another one overlaps a neighbour of k too: looking at neighbours keeps this linear
        neighbours = rule_indicators[max(0, k - 3) : k] + rule_indicators[k + 1 : k + 4]
        if any(r[0] < spans[i].entity.end and spans[i].entity.start < r[1] for i in hits for r in neighbours):
            continue
        first, stop = bisect_left(starts, start), bisect_left(starts, end)
        if stop <= first or offsets[first][0] != start or offsets[stop - 1][1] != end:
            continue
        confidence = max(spans[i].entity.confidence for i in hits)
        entity = Entity(INDICATOR, start, end, text[start:end], "model", confidence)
        replaced.update({i: None for i in hits})
        replaced[hits[0]] = TokenSpan(entity, first, stop - 1)
        last_end = end
    out = []
    for i, span in enumerate(spans):
        new = replaced.get(i, span)
        if new is not None:
            out.append(new)
    return out


def innermost(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sorted distinct ``spans`` that contain no other of them."""
    unique = sorted(set(spans))
    later_min_end = [math.inf] * (len(unique) + 1)  # smallest end among spans after i (start >= its start)
    for i in range(len(unique) - 1, -1, -1):
        later_min_end[i] = min(later_min_end[i + 1], unique[i][1])
    return [
        (start, end)
        for i, (start, end) in enumerate(unique)
        if later_min_end[i + 1] > end and not (i and unique[i - 1][0] == start)  # same start, shorter: inside
    ]


VITERBI_ROWS = 8192  # rows of scores turned into Python floats at a time


def viterbi(log_probs: np.ndarray, labels: Sequence[str]) -> list[int]:
    """log_probs: (n, T) -> the tag ids of the most probable valid BIO sequence (length n).

    ``I-X`` may only follow ``B-X`` or ``I-X``; every other tag may follow any tag, so it
    takes the best previous tag overall, and a step costs one max plus one comparison per
    ``I-`` tag (plain Python floats: numpy's per-call cost dominates on 11 tags). Ties go
    to the lower tag id. Memory: the back pointers take one byte per token and tag; scores
    become Python floats :data:`VITERBI_ROWS` rows at a time.
    """
    n, n_tags = log_probs.shape
    inside = [(j, labels.index(f"B-{tag[2:]}")) for j, tag in enumerate(labels) if tag.startswith("I-")]
    score = log_probs[0].tolist()
    for j, _ in inside:
        score[j] = -math.inf
    back = np.zeros((n, n_tags), dtype=np.min_scalar_type(n_tags - 1))
    for first in range(1, n, VITERBI_ROWS):
        pointer_rows = []
        for row in log_probs[first : first + VITERBI_ROWS].tolist():
            best = score.index(max(score))
            pointers = [best] * n_tags
            for j, b in inside:
                pointers[j] = b if score[b] >= score[j] else j
            score = [score[k] + x for k, x in zip(pointers, row)]
            pointer_rows.append(pointers)
        back[first : first + len(pointer_rows)] = pointer_rows
    path = [score.index(max(score))]
    for stop in range(n, 1, -VITERBI_ROWS):
        for pointers in reversed(back[max(1, stop - VITERBI_ROWS) : stop].tolist()):
            path.append(pointers[path[-1]])
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

"""Overlapping token windows over long documents, and which window owns each token.

A document of ``n`` tokens is cut into windows of ``size`` tokens that overlap by
``overlap`` tokens. Every token is *owned* by exactly one window: the one in which it
sits most centrally (the boundary between two neighbours is the middle of their
overlap). Predictions are kept only from the owning window, so spans are decoded once
over the merged document and no entity is cut at a window edge.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """Tokens ``[start, end)`` are fed to the encoder; tokens ``[own_start, own_end)`` are kept."""

    start: int
    end: int
    own_start: int
    own_end: int


def plan_windows(n: int, size: int, overlap: int) -> list[Window]:
    """Windows covering ``n`` tokens; the last one is aligned to the end of the text."""
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError(f"need size > overlap >= 0, got size={size}, overlap={overlap}")
    if n <= size:
        return [Window(0, n, 0, n)]
    step = size - overlap
    starts = list(range(0, n - size, step)) + [n - size]
    spans = [(s, s + size) for s in starts]
    bounds = [0] + [(nxt[0] + cur[1]) // 2 for cur, nxt in zip(spans, spans[1:])] + [n]
    return [Window(s, e, bounds[i], bounds[i + 1]) for i, (s, e) in enumerate(spans)]

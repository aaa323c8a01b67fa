"""A sorted set of non-overlapping ``(start, end)`` spans with O(log n) overlap queries."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable


class SpanSet:
    """Non-overlapping half-open spans, kept sorted by start.

    Because the spans never overlap, their ends are sorted too, so the only stored span
    that can overlap a query ``[start, end)`` is the last one starting before ``end``.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans: list[tuple[int, int]] = sorted(spans)

    def find(self, start: int, end: int) -> tuple[int, int] | None:
        """A stored span overlapping ``[start, end)``, or None."""
        i = bisect_left(self._spans, (end, -1)) - 1
        if i >= 0 and self._spans[i][1] > start:
            return self._spans[i]
        return None

    def overlaps(self, start: int, end: int) -> bool:
        return self.find(start, end) is not None

    def add(self, start: int, end: int) -> None:
        """Store a span; the caller guarantees it overlaps none already stored."""
        insort(self._spans, (start, end))

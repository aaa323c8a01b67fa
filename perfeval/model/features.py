"""Input features beside the tokens: rule tags and (value, indicator) pair features.

Rule features: the values that :func:`perfeval.tables.find_values` finds and the
indicators the rule linker (or a table row) gives them, as one BIO id per token
(:data:`RULE_TAGS`), and for each pair whether the rules link it (:data:`RULE_AGREES`).
While the rule layer is unavailable all are ``O`` / :data:`RULE_NONE`; training drops
the rule features of some windows so the network also works without them.

Pair features describe where an indicator stands relative to a value, from the
characters between them: signed bucketed distance, sentence breaks (。；！？), line
breaks, how many other indicators / values lie in between, and the rules' opinion.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from perfeval.tables import find_values
from perfeval.rules.linker import link_values
from perfeval.types import INDICATOR, LABELS

RULE_TAGS: list[str] = ["O"] + [f"{p}-{label}" for label in LABELS for p in ("B", "I")]
DISTANCE_EDGES = (1, 2, 3, 4, 6, 9, 16, 32, 64, 128, 256)
NUM_DISTANCE = 2 * (len(DISTANCE_EDGES) + 1)
NUM_BREAKS = 4
NUM_NEWLINES = 5
NUM_BETWEEN = 4
RULE_NONE, RULE_UNLINKED, RULE_ELSEWHERE, RULE_AGREES = range(4)
NUM_RULE_LINK = 4
NUM_PAIR_FEATURES = 6
SENTENCE_BREAKS = "。；;！？!?"
LONGEST_INDICATOR = 200  # characters; candidate search looks this far further back

Span = tuple[int, int]


@dataclass
class RuleView:
    """What the rule layer says about a text: value spans (text order, not overlapping) and
    the indicator span it links each of them to."""

    values: list[tuple[str, int, int]] = field(default_factory=list)
    links: list[Span | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [v[1] for v in self.values]

    def spans(self) -> list[tuple[str, int, int]]:
        """Values and linked indicators as ``(label, start, end)``, for :func:`token_rule_tags`."""
        indicators = {link for link in self.links if link is not None}
        return self.values + [(INDICATOR, s, e) for s, e in sorted(indicators)]

    def link_feature(self, value: Span, indicator: Span) -> int:
        """:data:`RULE_AGREES` when a rule value overlapping ``value`` links to a span overlapping
        ``indicator``; else :data:`RULE_ELSEWHERE`, :data:`RULE_UNLINKED` or :data:`RULE_NONE`."""
        k = bisect_left(self._starts, value[1]) - 1
        if k < 0 or self.values[k][2] <= value[0]:
            return RULE_NONE
        link = self.links[k]
        if link is None:
            return RULE_UNLINKED
        return RULE_AGREES if link[0] < indicator[1] and indicator[0] < link[1] else RULE_ELSEWHERE


def rule_view(text: str) -> RuleView:
    """Values found by :func:`perfeval.tables.find_values`, linked by their table row or the rule
    linker."""
    matches = find_values(text)
    values = [(m.label, m.start, m.end) for m in matches]
    linked = link_values(text, values)
    links = [m.indicator or ((lk.start, lk.end) if lk else None) for m, lk in zip(matches, linked)]
    return RuleView(values, links)


def token_rule_tags(offsets: Sequence[Span], spans: Sequence[tuple[str, int, int]]) -> list[int]:
    """One :data:`RULE_TAGS` id per token: ``B-`` on the first token inside a span, ``I-`` after."""
    tags = [0] * len(offsets)
    starts = [start for start, _ in offsets]
    for label, start, end in spans:
        first = bisect_left(starts, start)
        for i in range(first, len(offsets)):
            if starts[i] >= end:
                break
            tags[i] = RULE_TAGS.index(f"{'B' if i == first else 'I'}-{label}")
    return tags


def _bucket(n: int, edges: Sequence[int]) -> int:
    return bisect_left(edges, n + 1) if n >= 0 else 0


@dataclass
class PairFeatures:
    """Ids of one (value, indicator) pair; each indexes its own embedding table."""

    distance: int
    breaks: int
    newlines: int
    indicators_between: int
    values_between: int
    rule_link: int

    def as_list(self) -> list[int]:
        return [self.distance, self.breaks, self.newlines, self.indicators_between, self.values_between, self.rule_link]


class TextStats:
    """Prefix counts over a text and the rules' links, so pair features cost O(log n) each."""

    def __init__(self, text: str, indicator_starts: Sequence[int], value_starts: Sequence[int], rules: RuleView) -> None:
        chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        breaks = np.isin(chars, [ord(c) for c in SENTENCE_BREAKS])
        self._breaks = np.concatenate([[0], np.cumsum(breaks)])
        self._newlines = np.concatenate([[0], np.cumsum(chars == ord("\n"))])
        self._indicators = sorted(indicator_starts)
        self._values = sorted(value_starts)
        self.rules = rules

    def pair(self, value: Span, indicator: Span) -> PairFeatures:
        """Features of ``value`` -> ``indicator`` (both ``(start, end)`` character spans)."""
        after = indicator[0] >= value[1]
        lo, hi = (value[1], indicator[0]) if after else (indicator[1], value[0])
        hi = max(hi, lo)
        distance = _bucket(hi - lo, DISTANCE_EDGES) + (len(DISTANCE_EDGES) + 1 if after else 0)
        between_ind = bisect_left(self._indicators, hi) - bisect_left(self._indicators, lo)
        between_val = bisect_left(self._values, hi) - bisect_left(self._values, lo)
        return PairFeatures(
            distance,
            min(int(self._breaks[hi] - self._breaks[lo]), NUM_BREAKS - 1),
            _bucket(int(self._newlines[hi] - self._newlines[lo]), (1, 2, 3, 6)),
            min(between_ind, NUM_BETWEEN - 1),
            min(between_val, NUM_BETWEEN - 1),
            self.rules.link_feature(value, indicator),
        )


def candidate_indicators(
    values: Sequence[Span], indicators: Sequence[Span], stats: TextStats, max_chars: int
) -> list[list[tuple[int, PairFeatures]]]:
    """For each value span, ``(indicator index, features)`` of every indicator whose nearer
    edge lies within ``max_chars`` characters of it. ``indicators`` must be sorted by start."""
    starts = [s for s, _ in indicators]
    out = []
    for value in values:
        lo = bisect_left(starts, value[0] - max_chars - LONGEST_INDICATOR)
        hi = bisect_left(starts, value[1] + max_chars + 1)
        row = []
        for k in range(lo, hi):
            ind = indicators[k]
            gap = ind[0] - value[1] if ind[0] >= value[1] else value[0] - ind[1]
            if gap <= max_chars and not (ind[0] < value[1] and value[0] < ind[1]):
                row.append((k, stats.pair(value, ind)))
        out.append(row)
    return out


def pad_candidates(rows: Sequence[Sequence[tuple[int, PairFeatures]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate lists -> index (V, C), feature ids (V, C, F) and mask (V, C) arrays, C the longest list."""
    width = max((len(r) for r in rows), default=0)
    index = np.zeros((len(rows), width), dtype=np.int64)
    feats = np.zeros((len(rows), width, NUM_PAIR_FEATURES), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=bool)
    for v, row in enumerate(rows):
        for c, (k, f) in enumerate(row):
            index[v, c], feats[v, c], mask[v, c] = k, f.as_list(), True
    return index, feats, mask

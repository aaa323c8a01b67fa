"""Candidates as arrays: one window of tokens per value candidate, its indicator candidates as
token positions in that window, and their categorical features. NumPy only (no torch), so the
same arrays feed the network in training and the exported model at prediction time.

Shapes: ``N`` value candidates, ``W`` tokens per window (``[CLS]`` first, padded), ``K``
indicator candidates per value (padded), ``FV`` / ``FL`` value / link features.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perfeval.model.candidates import LABEL_NAMES, PROPOSERS, ROLE_NAMES, SOURCES, ValueCandidate
from perfeval.model.config import ModelConfig
from perfeval.model.tokenization import Encoded

LAYOUTS = ("prose", "pipe", "spaced", "stream", "pdf", "docx")
# sizes of the categorical value features, in column order
VALUE_FEATURES = (
    ("source", len(SOURCES)),
    ("rule label", 1 + len(LABEL_NAMES)),
    ("column role", 1 + len(ROLE_NAMES)),
    ("layout", 1 + len(LAYOUTS)),
    ("unit written", 2),
    ("rules link it", 2),
)
# distance buckets: tokens from an indicator candidate's end to the value's start (negative:
# the candidate comes after the value)
_DISTANCE_EDGES = (-32, -16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32, 64)
_LENGTH_EDGES = (1, 2, 3, 4, 6, 8, 12, 16, 24)
# a candidate's start and end against the rules' choice, in tokens (its own bucket when the rules chose nothing)
_SHIFT_EDGES = (-8, -4, -3, -2, -1, 0, 1, 2, 3, 4, 8)
LINK_FEATURES = (
    ("proposers", 2 ** len(PROPOSERS)),
    ("distance", len(_DISTANCE_EDGES) + 1),
    ("length", len(_LENGTH_EDGES) + 1),
    ("in window", 2),
    ("start shift", len(_SHIFT_EDGES) + 2),
    ("end shift", len(_SHIFT_EDGES) + 2),
)
VALUE_MARK = 1  # marks: 0 context, 1 the value's own tokens


@dataclass
class CandidateArrays:
    """The network's inputs for ``N`` value candidates (see the module docstring for shapes)."""

    input_ids: np.ndarray  # (N, W) int64
    gaps: np.ndarray  # (N, W) layout ids of the whitespace before each token
    marks: np.ndarray  # (N, W) 1 on the value's tokens
    attention_mask: np.ndarray  # (N, W) 1 on real tokens
    value_features: np.ndarray  # (N, FV)
    link_start: np.ndarray  # (N, K) window position of a candidate's first token (0: outside the window)
    link_end: np.ndarray  # (N, K) window position of its last token
    link_features: np.ndarray  # (N, K, FL)
    link_mask: np.ndarray  # (N, K) bool, False on padding

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self.__dict__)


@dataclass
class CandidateRow:
    """One candidate's unpadded inputs."""

    ids: list[int]
    gaps: list[int]
    marks: list[int]
    value_features: list[int]
    links: list[tuple[int, int, list[int]]]  # (start, end, features) per indicator candidate


def candidate_rows(
    encoded: Encoded, candidates: Sequence[ValueCandidate], config: ModelConfig, cls_id: int
) -> list[CandidateRow]:
    """Each candidate's window, marks, features and indicator candidates (unpadded);
    ``encoded`` is the whole document's tokens (:func:`~perfeval.model.tokenization.encode`),
    the candidates are cut to ``config.max_links`` already (:func:`link_limit`)."""
    starts = [s for s, _ in encoded.offsets]
    n = len(starts)
    rows = []
    for c in candidates:
        vs = bisect_left(starts, c.start)
        ve = max(vs + 1, bisect_left(starts, c.end))
        ve = min(ve, vs + 16)
        w0, w1 = max(0, vs - config.window_left), min(n, ve + config.window_right)
        ids = [cls_id] + encoded.ids[w0:w1]
        gaps = [0] + encoded.gaps[w0:w1]
        marks = [0] + [VALUE_MARK if vs <= t < ve else 0 for t in range(w0, w1)]
        links = []
        tokens = [(bisect_left(starts, link.start), bisect_left(starts, link.end)) for link in c.links]
        rule = tokens[c.rule_link] if c.rule_link is not None else None
        for link, (first, stop) in zip(c.links, tokens):
            last = max(first, stop - 1)
            inside = w0 <= first and last < w1
            features = [
                sum(1 << k for k, p in enumerate(PROPOSERS) if p in link.proposers),
                _bucket(vs - (last + 1), _DISTANCE_EDGES),
                _bucket(last - first + 1, _LENGTH_EDGES),
                int(inside),
                _shift(first, rule[0] if rule else None),
                _shift(stop, rule[1] if rule else None),
            ]
            links.append((first - w0 + 1 if inside else 0, last - w0 + 1 if inside else 0, features))
        rows.append(CandidateRow(ids, gaps, marks, value_features(c), links))
    return rows


def value_features(c: ValueCandidate) -> list[int]:
    """The categorical features of a value candidate, in :data:`VALUE_FEATURES` order."""
    return [
        SOURCES.index(c.source),
        0 if c.label is None else 1 + LABEL_NAMES.index(c.label),
        0 if c.column_role not in ROLE_NAMES else 1 + ROLE_NAMES.index(c.column_role),
        0 if c.layout not in LAYOUTS else 1 + LAYOUTS.index(c.layout),
        int(c.has_unit),
        int(c.rule_link is not None),
    ]


def link_limit(candidates: Sequence[ValueCandidate], config: ModelConfig) -> list[ValueCandidate]:
    """Candidates whose indicator candidates are cut to ``config.max_links`` (the rules' choice kept)."""
    out = []
    for c in candidates:
        if len(c.links) <= config.max_links:
            out.append(c)
            continue
        keep = c.links[: config.max_links - 1]
        if c.rule_link is not None and c.rule_link >= config.max_links - 1:
            keep.append(c.links[c.rule_link])
            rule_link: int | None = len(keep) - 1
        else:
            keep.append(c.links[config.max_links - 1])
            rule_link = c.rule_link
        out.append(ValueCandidate(c.start, c.end, c.source, c.rule, c.label, c.column_role, c.layout, c.has_unit,
                                  keep, rule_link))
    return out


def pad(rows: Sequence[CandidateRow], pad_id: int) -> CandidateArrays:
    """Rows stacked into arrays, padded to the longest window and the most indicator candidates."""
    n = len(rows)
    width = max((len(r.ids) for r in rows), default=1)
    k = max((len(r.links) for r in rows), default=0)
    input_ids = np.full((n, width), pad_id, dtype=np.int64)
    gaps = np.zeros((n, width), dtype=np.int64)
    marks = np.zeros((n, width), dtype=np.int64)
    attention = np.zeros((n, width), dtype=np.int64)
    values = np.zeros((n, len(VALUE_FEATURES)), dtype=np.int64)
    link_start = np.zeros((n, max(k, 1)), dtype=np.int64)
    link_end = np.zeros((n, max(k, 1)), dtype=np.int64)
    link_features = np.zeros((n, max(k, 1), len(LINK_FEATURES)), dtype=np.int64)
    link_mask = np.zeros((n, max(k, 1)), dtype=bool)
    for i, r in enumerate(rows):
        length = len(r.ids)
        input_ids[i, :length], gaps[i, :length], marks[i, :length] = r.ids, r.gaps, r.marks
        attention[i, :length] = 1
        values[i] = r.value_features
        for j, (start, end, features) in enumerate(r.links):
            link_start[i, j], link_end[i, j] = start, end
            link_features[i, j] = features
            link_mask[i, j] = True
    return CandidateArrays(input_ids, gaps, marks, attention, values, link_start, link_end, link_features, link_mask)


def _shift(x: int, rule: int | None) -> int:
    """Bucket of ``x - rule``; the last bucket when the rules chose nothing."""
    return len(_SHIFT_EDGES) + 1 if rule is None else _bucket(x - rule, _SHIFT_EDGES)


def _bucket(x: int, edges: tuple[int, ...]) -> int:
    return bisect_left(edges, x)

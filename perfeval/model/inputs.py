"""Candidates as arrays: one window of tokens per value candidate, its indicator candidates as
token positions in that window, and their categorical features. NumPy only (no torch), so the
same arrays feed the network in training and the exported model at prediction time.

Shapes: ``N`` value candidates, ``W`` tokens per window (``[CLS]`` first, padded), ``FV`` /
``FL`` value / link features. Indicator candidates are packed, not padded: ``L`` of them in
all, each with the row of its value candidate and its place in the network's link output
``(N, K)``, ``K`` the most indicator candidates of one value.
"""

from __future__ import annotations

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
INPUT_NAMES = ("input_ids", "gaps", "marks", "attention_mask", "value_features", "link_row", "link_start", "link_end",
               "link_features", "link_index", "link_mask")  # the network's inputs, in order


@dataclass
class CandidateArrays:
    """The network's inputs for ``N`` value candidates (see the module docstring for shapes)."""

    input_ids: np.ndarray  # (N, W) int64
    gaps: np.ndarray  # (N, W) layout ids of the whitespace before each token
    marks: np.ndarray  # (N, W) 1 on the value's tokens
    attention_mask: np.ndarray  # (N, W) 1 on real tokens
    value_features: np.ndarray  # (N, FV)
    link_row: np.ndarray  # (L,) the value candidate (row) of each indicator candidate
    link_start: np.ndarray  # (L,) window position of a candidate's first token (0: outside the window)
    link_end: np.ndarray  # (L,) window position of its last token
    link_features: np.ndarray  # (L, FL)
    link_index: np.ndarray  # (L,) its place in the flattened (N, K) link output: row * K + its rank
    link_mask: np.ndarray  # (N, K) bool, False where a value has fewer candidates

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self.__dict__)


@dataclass
class CandidateRow:
    """One candidate's unpadded inputs: its window (token ids, gaps, marks: ``[CLS]`` first)
    and, per indicator candidate, its first and last token's window positions (0 0: outside
    the window) and its features."""

    ids: np.ndarray
    gaps: np.ndarray
    marks: np.ndarray
    value_features: list[int]
    link_positions: np.ndarray  # (K, 2) int64
    link_features: np.ndarray  # (K, FL) int64

    @property
    def num_links(self) -> int:
        return len(self.link_positions)


def candidate_rows(
    encoded: Encoded, candidates: Sequence[ValueCandidate], config: ModelConfig, cls_id: int
) -> list[CandidateRow]:
    """Each candidate's window, marks, features and indicator candidates (unpadded);
    ``encoded`` holds the tokens of the text around the candidates
    (:func:`~perfeval.model.tokenization.encode`), the candidates are cut to
    ``config.max_links`` already (:func:`link_limit`)."""
    if not candidates:
        return []
    starts, n = encoded.starts, len(encoded)
    vs = np.searchsorted(starts, [c.start for c in candidates])
    ve = np.minimum(np.maximum(vs + 1, np.searchsorted(starts, [c.end for c in candidates])), vs + 16)
    w0, w1 = np.maximum(0, vs - config.window_left), np.minimum(n, ve + config.window_right)
    # every candidate's indicator candidates, one after another
    counts = np.array([len(c.links) for c in candidates], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(counts)]
    owner = np.repeat(np.arange(len(candidates)), counts)
    first = np.searchsorted(starts, np.concatenate([c.links.starts for c in candidates]))
    stop = np.searchsorted(starts, np.concatenate([c.links.ends for c in candidates]))
    last = np.maximum(first, stop - 1)
    inside = (w0[owner] <= first) & (last < w1[owner])
    rule = np.array([-1 if c.rule_link is None else offsets[i] + c.rule_link for i, c in enumerate(candidates)])
    rule_of = rule[owner]
    no_rule = len(_SHIFT_EDGES) + 1
    features = np.stack([
        np.concatenate([c.links.proposers for c in candidates]),
        np.searchsorted(_DISTANCE_EDGES, vs[owner] - (last + 1)),
        np.searchsorted(_LENGTH_EDGES, last - first + 1),
        inside,
        np.where(rule_of >= 0, np.searchsorted(_SHIFT_EDGES, first - first[rule_of]), no_rule),
        np.where(rule_of >= 0, np.searchsorted(_SHIFT_EDGES, stop - stop[rule_of]), no_rule),
    ], axis=1).astype(np.int64)
    positions = np.where(inside[:, None], np.stack([first, last], axis=1) - w0[owner][:, None] + 1, 0)
    rows = []
    for i, c in enumerate(candidates):
        a, b, v0, v1 = int(w0[i]), int(w1[i]), int(vs[i]), int(ve[i])
        marks = np.zeros(1 + b - a, dtype=np.int64)
        marks[1 + v0 - a:1 + min(v1, b) - a] = VALUE_MARK
        k0, k1 = offsets[i], offsets[i + 1]
        rows.append(CandidateRow(np.r_[cls_id, encoded.ids[a:b]], np.r_[0, encoded.gaps[a:b]], marks, value_features(c),
                                 positions[k0:k1], features[k0:k1]))
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
        last = config.max_links - 1
        if c.rule_link is not None and c.rule_link >= last:
            keep, rule_link = np.r_[np.arange(last), c.rule_link], last
        else:
            keep, rule_link = np.arange(config.max_links), c.rule_link
        out.append(ValueCandidate(c.start, c.end, c.source, c.rule, c.label, c.column_role, c.layout, c.has_unit,
                                  c.links.take(keep), rule_link))
    return out


def pad(rows: Sequence[CandidateRow], pad_id: int) -> CandidateArrays:
    """Rows stacked into arrays: windows padded to the longest, indicator candidates packed."""
    n = len(rows)
    width = max((len(r.ids) for r in rows), default=1)
    counts = np.array([r.num_links for r in rows], dtype=np.int64)
    k = max(int(counts.max(initial=0)), 1)
    input_ids = np.full((n, width), pad_id, dtype=np.int64)
    gaps = np.zeros((n, width), dtype=np.int64)
    marks = np.zeros((n, width), dtype=np.int64)
    attention = np.zeros((n, width), dtype=np.int64)
    values = np.zeros((n, len(VALUE_FEATURES)), dtype=np.int64)
    for i, r in enumerate(rows):
        length = len(r.ids)
        input_ids[i, :length], gaps[i, :length], marks[i, :length] = r.ids, r.gaps, r.marks
        attention[i, :length] = 1
        values[i] = r.value_features
    link_row = np.repeat(np.arange(n, dtype=np.int64), counts)
    rank = np.arange(len(link_row), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = np.concatenate([r.link_positions for r in rows]) if n else np.zeros((0, 2), dtype=np.int64)
    features = np.concatenate([r.link_features for r in rows]) if n else np.zeros((0, len(LINK_FEATURES)), dtype=np.int64)
    link_mask = np.arange(k)[None, :] < counts[:, None]
    return CandidateArrays(input_ids, gaps, marks, attention, values, link_row, positions[:, 0].copy(),
                           positions[:, 1].copy(), features, link_row * k + rank, link_mask)

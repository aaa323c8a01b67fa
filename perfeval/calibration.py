"""Calibration of the model's probabilities: temperature scaling, reliability tables, ECE.

Pure functions over held-out predictions (cross-validation): ``confidence`` is the
probability the model gives its choice, ``correct`` whether the choice was right.

- :func:`temperature` finds the ``T`` that minimises the negative log-likelihood of the
  targets under ``softmax(logits / T)``;
- :func:`reliability` cuts ``[0, 1]`` into equal-width bins and gives, per bin, how many
  choices fell in it, their mean confidence and their accuracy;
- :func:`expected_calibration_error` is the mean of ``|accuracy - confidence|`` over the
  bins, weighted by the share of choices in each (Guo et al., 2017).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Bin:
    """Choices whose confidence lies in ``[low, high)`` (the last bin includes 1)."""

    low: float
    high: float
    count: int
    confidence: float  # mean confidence of the bin's choices (0 when empty)
    accuracy: float  # share of them that were right (0 when empty)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


def temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature (a grid over 0.25 … 8) minimising the NLL of ``targets``: (N, C) logits,
    (N,) class indices."""
    best, best_nll = 1.0, math.inf
    rows = np.arange(len(targets))
    for t in np.exp(np.linspace(math.log(0.25), math.log(8.0), 61)):
        log_probs = np.log(softmax(logits, float(t)) + 1e-12)
        nll = -float(log_probs[rows, targets].mean())
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> list[Bin]:
    """Per equal-width confidence bin: count, mean confidence, accuracy."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        members = index == b
        n = int(members.sum())
        out.append(Bin(float(edges[b]), float(edges[b + 1]), n,
                       float(confidence[members].mean()) if n else 0.0, float(correct[members].mean()) if n else 0.0))
    return out


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Sum over bins of (share of choices in the bin) x |accuracy - mean confidence|."""
    total = len(confidence)
    if total == 0:
        return 0.0
    return float(sum(b.count / total * abs(b.accuracy - b.confidence) for b in reliability(confidence, correct, bins)))

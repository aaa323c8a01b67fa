"""Normalisation of value spans (ANNOTATION.md section 5)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Normalized:
    value: float | int | None
    unit: str
    approximate: bool = False


def normalize(label: str, span_text: str, implied_unit: str | None = None) -> Normalized:
    raise NotImplementedError  # being written now

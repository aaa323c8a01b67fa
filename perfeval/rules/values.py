"""Value grammar: MONEY / PERCENT / COUNT / SCORE spans in raw report text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ValueMatch:
    """A value found by the rules, normalised (ANNOTATION.md section 5).

    ``indicator`` is an optional ``(start, end)`` span that the finder already knows
    the value belongs to (table cells know their row); the linker fills the rest.
    """

    label: str
    start: int
    end: int
    value: float | int | None
    unit: str
    approximate: bool = False
    qualifier: str | None = None
    indicator: tuple[int, int] | None = None


def find_values(text: str, skip: list[tuple[int, int]] | tuple = ()) -> list[ValueMatch]:
    raise NotImplementedError  # being written now

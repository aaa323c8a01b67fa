"""All values of a text: table cells (which know their column and row) and prose."""

from __future__ import annotations

from perfeval.rules.tables import find_table_values
from perfeval.rules.values import ValueMatch, find_prose_values
from perfeval.spans import SpanSet


def find_values(text: str, skip: list[tuple[int, int]] | tuple = ()) -> list[ValueMatch]:
    """Every MONEY / PERCENT / COUNT / SCORE value in ``text``, in text order.

    Table cells win where a table reading and a prose reading overlap. ``skip`` lists
    ``(start, end)`` spans (running headers, page numbers) where no value is looked for.
    """
    prose = find_prose_values(text, skip)
    cells = find_table_values(text, skip)
    if not cells:
        return prose
    cell_spans = SpanSet((c.start, c.end) for c in cells)
    return sorted(cells + [v for v in prose if not cell_spans.overlaps(v.start, v.end)], key=lambda v: v.start)

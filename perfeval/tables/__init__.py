"""The table stage: score sheets and budget blocks as grids, their values, and the rule layer's values.

A :class:`Table` comes from a reader (PDF and DOCX grids) or is rebuilt from flattened text
(:func:`find_tables`); :func:`find_values` turns tables and prose into the rule layer's values.
"""

from __future__ import annotations

from collections.abc import Iterable

from perfeval.rules.values import ValueMatch, find_prose_values
from perfeval.spans import SpanSet
from perfeval.tables.grid import Cell, Column, Role, Row, Table, role_of
from perfeval.tables.layout import find_tables, tables_from_grid
from perfeval.tables.values import table_values

__all__ = ["Cell", "Column", "Role", "Row", "Table", "find_tables", "find_values", "role_of", "table_cell_spans",
           "table_values", "tables_from_grid"]


def find_values(text: str, skip: list[tuple[int, int]] | tuple = (), tables: list[Table] | None = None) -> list[ValueMatch]:
    """Every value the rule layer finds in ``text``, in text order.

    Table cells (of ``tables``, or of the tables rebuilt from ``text`` when None) are read
    by their column and row, and the figures inside their text cells (scoring rules, names)
    by the prose grammar on each cell alone; the prose grammar finds the rest. ``skip``
    lists ``(start, end)`` spans (running headers, page numbers) where no value is looked for.
    """
    prose = find_prose_values(text, skip)
    if tables is None:
        tables = find_tables(text, skip)
    if not tables:
        return prose
    skipped = SpanSet(skip)
    cells = [v for table in tables for v in table_values(text, table) if not skipped.overlaps(v.start, v.end)]
    in_tables = SpanSet(table_cell_spans(tables))
    rest = [v for v in prose if not in_tables.overlaps(v.start, v.end)]
    return sorted(cells + rest, key=lambda v: v.start)


def table_cell_spans(tables: Iterable[Table]) -> list[tuple[int, int]]:
    """The spans of every cell of ``tables``, overlapping ones merged (disjoint, for a SpanSet)."""
    out: list[list[int]] = []
    for cell in sorted((c for table in tables for c in table.cells()), key=lambda c: c.start):
        if out and cell.start < out[-1][1]:
            out[-1][1] = max(out[-1][1], cell.end)
        else:
            out.append([cell.start, cell.end])
    return [(s, e) for s, e in out]

"""Table rows as text lines, and the grid of cells they hold; shared by the PDF and DOCX readers.

A table row becomes one line of ``|``-separated cells (``一级指标|二级指标|三级指标``), the
layout the text reader's table stage also reads. A cell's own line breaks are removed; an
empty or merged-away cell is an empty string, so every row of a table keeps one slot per
column. :func:`grid_cells` gives each written cell's span in the document text, so the
table stage can read the reader's grid (:func:`perfeval.tables.tables_from_grid`) instead of
re-parsing the lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from perfeval.tables.grid import Cell

CELL_SEPARATOR = "|"

# Two ASCII word characters around a break keep a space ("ISO\n9001"); CJK text and
# numbers split from their units ("2054.25\n万元", "年度预算数\n(万元)") join directly.
_BREAK = re.compile(r"\s*\n\s*")


def cell_text(text: str | None) -> str:
    """One cell's text on one line, with ``|`` (the separator) replaced by ``/``."""
    if not text:
        return ""
    pieces = _BREAK.split(text.strip())
    out = pieces[0]
    for piece in pieces[1:]:
        glue = " " if out[-1:].isascii() and out[-1:].isalnum() and piece[:1].isascii() and piece[:1].isalpha() else ""
        out += glue + piece
    return out.replace(CELL_SEPARATOR, "/")


def row_line(cells: Iterable[str | None]) -> str:
    """One table row as a ``|``-separated line."""
    return CELL_SEPARATOR.join(cell_text(cell) for cell in cells)


@dataclass(frozen=True)
class GridRow:
    """One row of a table a reader found: ``table`` numbers the table, ``cells`` its texts."""

    table: int
    cells: tuple[str | None, ...]

    @property
    def line(self) -> str:
        return row_line(self.cells)


def grid_cells(cells: Sequence[str | None], offset: int) -> list[Cell | None]:
    """The spans of a row's cells once its :func:`row_line` is written at ``offset`` (None: empty)."""
    out: list[Cell | None] = []
    pos = offset
    for cell in cells:
        text = cell_text(cell)
        out.append(Cell(pos, pos + len(text), text) if text.strip() else None)
        pos += len(text) + len(CELL_SEPARATOR)
    return out

"""Table rows as text lines, shared by the PDF and DOCX readers.

A table row becomes one line of ``|``-separated cells (``一级指标|二级指标|三级指标``),
the layout :func:`perfeval.rules.tables.find_table_values` reads. A cell's own line
breaks are removed; an empty or merged-away cell is an empty string, so every row of a
table keeps one slot per column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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

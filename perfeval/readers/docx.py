"""Word (.docx) reports: body paragraphs and tables in document order.

Each paragraph is one line; each table row is one line of ``|``-separated cells (see
:mod:`perfeval.readers.rows`), and each table's grid of cells, with their spans in the
text, is read by the table stage (:attr:`SourceText.tables`). A merged cell's text is written once, in its first grid
column and first row; the columns and rows it also covers get empty cells, so rows keep
one slot per grid column and no figure is read twice. Page headers and footers are not
part of the body and are not read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from perfeval.readers import ReadError, SourceText
from perfeval.readers.rows import GridRow, grid_cells
from perfeval.tables.layout import tables_from_grid


def read_docx(path: Path) -> SourceText:
    """Read a .docx file's body; raise :class:`ReadError` if it is not a readable Word file."""
    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
        rows = [_block_rows(block) for block in blocks]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ReadError(
            f"{path}: is not a readable Word .docx file ({exc or type(exc).__name__}); "
            "open and re-save it as .docx (not .doc) and retry"
        ) from exc
    lines: list[str] = []
    tables = []
    offset = 0
    for block_rows in rows:
        grid = []
        for row in block_rows:
            if isinstance(row, GridRow):
                grid.append(grid_cells(row.cells, offset))
            lines.append(row.line if isinstance(row, GridRow) else row)
            offset += len(lines[-1]) + 1
        if grid:
            tables += tables_from_grid(grid, "docx")
    count = sum(isinstance(block, Table) for block in blocks)
    return SourceText(text="\n".join(lines), path=path, meta={"format": "docx", "tables": count}, tables=tables)


def _block_rows(block: Paragraph | Table) -> list[str | GridRow]:
    if isinstance(block, Paragraph):
        return [block.text]
    return table_rows(block)


def table_rows(table: Table) -> list[str | GridRow]:
    """One :class:`GridRow` per row; cells that continue a merge (across or down) are empty."""
    rows: list[str | GridRow] = []
    above: list[object] = []
    for row in table.rows:
        cells = row.cells
        texts = []
        for column, cell in enumerate(cells):
            merged_left = column > 0 and cells[column - 1]._tc is cell._tc
            merged_up = column < len(above) and above[column] is cell._tc
            texts.append("" if merged_left or merged_up else cell.text)
        rows.append(GridRow(id(table), tuple(texts)))
        above = [cell._tc for cell in cells]
    return rows

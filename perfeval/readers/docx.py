"""Word (.docx) reports: body paragraphs and tables in document order.

Each paragraph is one line; each table row is one line of ``|``-separated cells (see
:mod:`perfeval.readers.rows`). A merged cell's text is written once, in its first grid
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
from perfeval.readers.rows import row_line


def read_docx(path: Path) -> SourceText:
    """Read a .docx file's body; raise :class:`ReadError` if it is not a readable Word file."""
    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
        lines = [line for block in blocks for line in _block_lines(block)]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ReadError(
            f"{path}: is not a readable Word .docx file ({exc or type(exc).__name__}); "
            "open and re-save it as .docx (not .doc) and retry"
        ) from exc
    tables = sum(isinstance(block, Table) for block in blocks)
    return SourceText(text="\n".join(lines), path=path, meta={"format": "docx", "tables": tables})


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    return table_lines(block)


def table_lines(table: Table) -> list[str]:
    """One ``|`` line per row; cells that continue a merge (across or down) are empty."""
    lines = []
    above: list[object] = []
    for row in table.rows:
        cells = row.cells
        texts = []
        for column, cell in enumerate(cells):
            merged_left = column > 0 and cells[column - 1]._tc is cell._tc
            merged_up = column < len(above) and above[column] is cell._tc
            texts.append("" if merged_left or merged_up else cell.text)
        lines.append(row_line(texts))
        above = [cell._tc for cell in cells]
    return lines

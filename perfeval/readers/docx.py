"""Word (.docx) reports: body paragraphs and tables in document order.

Each paragraph is one line; each table row is one line of ``|``-separated cells (see
:mod:`perfeval.readers.rows`), and each table's grid of cells, with their spans in the
text, is read by the table stage (:attr:`SourceText.tables`). A merged cell's text is written once, in its first grid
column and first row; the columns and rows it also covers get empty cells, so rows keep
one slot per grid column and no figure is read twice. Page headers and footers are not
part of the body and are not read.

A .docx is a zip: before anything is parsed, the sizes its parts would expand to are
checked against :class:`DocxLimits` (python-docx reads every part into memory and parses
each XML part into a tree many times its size), and the text read is checked too.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from perfeval.readers import ReadError, SourceText
from perfeval.readers.rows import GridRow, grid_cells
from perfeval.tables.layout import tables_from_grid


MB = 1_000_000


@dataclass(frozen=True)
class DocxLimits:
    """What a .docx may expand to. Defaults leave room for reports of thousands of pages; each
    can be changed in the environment (in MB or characters) without code:
    ``PERFEVAL_DOCX_MAX_UNZIPPED_MB``, ``PERFEVAL_DOCX_MAX_XML_MB``, ``PERFEVAL_DOCX_MAX_CHARS``.
    """

    unzipped_bytes: int = 512 * MB  # all parts, images included, as python-docx holds them
    xml_bytes: int = 64 * MB  # the XML parts, which python-docx parses into trees
    text_chars: int = 2_000_000  # the text read from the body

    @classmethod
    def from_environment(cls) -> DocxLimits:
        """The defaults, with any set ``PERFEVAL_DOCX_MAX_*`` variable taking over."""
        default = cls()
        return cls(
            unzipped_bytes=_setting("PERFEVAL_DOCX_MAX_UNZIPPED_MB", default.unzipped_bytes, MB),
            xml_bytes=_setting("PERFEVAL_DOCX_MAX_XML_MB", default.xml_bytes, MB),
            text_chars=_setting("PERFEVAL_DOCX_MAX_CHARS", default.text_chars, 1),
        )


def _setting(variable: str, default: int, unit: int) -> int:
    raw = os.environ.get(variable)
    if raw is None:
        return default
    try:
        return int(float(raw) * unit)
    except ValueError:
        raise ReadError(f"{variable}={raw!r} is not a number; set it to a limit in {'MB' if unit == MB else 'characters'}") from None


def check_docx_size(path: Path, limits: DocxLimits) -> None:
    """Raise :class:`ReadError` if the parts of the .docx would expand past ``limits``.

    Reads only the zip's directory. The sizes it declares are the most that Python's
    ``zipfile`` (and so python-docx) will decompress from each part. A file that is not a zip
    passes: parsing reports it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        return
    unzipped = sum(part.file_size for part in parts)
    xml = sum(part.file_size for part in parts if part.filename.endswith((".xml", ".rels")))
    for size, limit, what, variable in (
        (unzipped, limits.unzipped_bytes, "its parts", "PERFEVAL_DOCX_MAX_UNZIPPED_MB"),
        (xml, limits.xml_bytes, "its XML", "PERFEVAL_DOCX_MAX_XML_MB"),
    ):
        if size > limit:
            raise ReadError(
                f"{path}: {what} would expand to {size / MB:,.1f} MB, over the limit of {limit / MB:,.1f} MB "
                f"(a zip bomb, or a very large document); if the file is genuine, set {variable} higher and retry"
            )


def read_docx(path: Path, limits: DocxLimits | None = None) -> SourceText:
    """Read a .docx file's body; raise :class:`ReadError` if it is not a readable Word file or
    expands past ``limits`` (default: :meth:`DocxLimits.from_environment`)."""
    limits = DocxLimits.from_environment() if limits is None else limits
    check_docx_size(path, limits)
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
    text = "\n".join(lines)
    if len(text) > limits.text_chars:
        raise ReadError(
            f"{path}: has {len(text):,} characters of text, over the limit of {limits.text_chars:,}; "
            "if the file is genuine, set PERFEVAL_DOCX_MAX_CHARS higher and retry"
        )
    return SourceText(text=text, path=path, meta={"format": "docx", "tables": count}, tables=tables)


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

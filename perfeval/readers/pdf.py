"""PDF reports: the text layer, page by page, with tables rebuilt as ``|``-separated rows.

Layout of the returned text:

- pages are joined with ``"\\n"``; ``page_starts[i]`` is the offset where page ``i + 1`` begins;
- within a page, text lines and tables are emitted top to bottom (reading order);
- a table found by pdfplumber replaces its region: the characters inside the table's
  bounding box are left out of the running text and the table is written instead, one
  row per line, cells joined by ``|`` (see :mod:`perfeval.readers.rows`), at the
  vertical position of the table's top edge; its grid of cells, with their spans in the
  text, becomes :attr:`SourceText.tables` (one table when it goes on over a page break);
- a page whose glyphs pdfminer cannot map to characters is read by pdfium instead, in plain
  lines (see :func:`_decode_unmapped_glyphs`);
- running headers and footers (an edge line that recurs, digits aside, on more than half
  of the pages) and page-number lines at a page's edge (``- 4 -``, ``第 3 页 共 12 页``,
  ``3/12``, a bare number) stay in the text and are listed in ``skip``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from perfeval.readers import ReadError, SourceText
from perfeval.readers.rows import GridRow, grid_cells
from perfeval.tables.grid import Cell
from perfeval.tables.layout import tables_from_grid

EDGE_LINES = 2  # lines at the top and at the bottom of a page checked for boilerplate

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d+[-—–－\s]*"  # 4, - 4 -, —4—
    r"|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"  # 第 3 页 共 12 页
    r"|\d+\s*/\s*\d+)$"  # 3/12
)
_DIGITS = re.compile(r"\d+")
UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")  # pdfminer's text for a glyph that its font maps to no character
UNMAPPED_SHARE = 0.05  # a page with more of its glyphs unmapped than this is read again by pdfium
REPLACEMENT_CHARACTER = "\ufffd"

Box = tuple[float, float, float, float]


def read_pdf(path: Path) -> SourceText:
    """Read a PDF's text layer; raise :class:`ReadError` for scanned, encrypted or broken files."""
    try:
        with pdfplumber.open(path) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(_page_lines(page, sum(count for _, count in pages)))
            has_text = any(page.chars for page in pdf.pages)
    except PdfminerException as exc:
        raise _read_error(path, exc.args[0] if exc.args else exc) from exc
    except (PDFSyntaxError, PSException, PDFEncryptionError, PDFPasswordIncorrect, ValueError, KeyError) as exc:
        raise _read_error(path, exc) from exc
    if not has_text:
        raise ReadError(f"{path}: has no text layer (scanned PDF?); run OCR first, e.g. ocrmypdf, then retry")
    lines = _decode_unmapped_glyphs(path, [page_lines for page_lines, _ in pages])
    source = _assemble(lines, _boilerplate(lines))
    source.path = path
    source.meta = {"format": "pdf", "pages": len(pages), "tables": sum(count for _, count in pages)}
    return source


def _read_error(path: Path, cause: object) -> ReadError:
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return ReadError(f"{path}: is encrypted (password-protected); remove the password, e.g. qpdf --decrypt, then retry")
    reason = str(cause) or type(cause).__name__
    return ReadError(f"{path}: is not a readable PDF (damaged or not a PDF: {reason}); re-export it and retry")


def _decode_unmapped_glyphs(path: Path, pages: list[list[str | GridRow]]) -> list[list[str | GridRow]]:
    """The pages' lines with the glyphs that pdfminer left unmapped decoded, or replaced.

    pdfminer writes a glyph whose font it cannot map to a character as ``(cid:N)``: whole pages
    of them where the map is out of its reach (PDFs with only an owner password, some CID
    fonts), a stray one for a symbol. A page with more than :data:`UNMAPPED_SHARE` of its glyphs
    unmapped is read again by pdfium, which decodes those fonts: plain lines in content order,
    its tables as space-separated rows (no grid). A stray unmapped glyph becomes U+FFFD, in
    lines and table cells, so that the digits of ``(cid:19)`` never read as a figure. Raises
    :class:`ReadError` when pdfium cannot map a page either.
    """
    redo = [i for i, lines in enumerate(pages) if _unmapped_share([_text(line) for line in lines]) > UNMAPPED_SHARE]
    if redo:
        pages = list(pages)
        try:
            document = pypdfium2.PdfDocument(path)
        except pypdfium2.PdfiumError as exc:
            raise _read_error(path, exc) from exc
        try:
            for i in redo:
                pages[i] = [*_pdfium_lines(path, document, i)]
        finally:
            document.close()
    return [[_replace_unmapped(line) for line in lines] for lines in pages]


def _unmapped_share(lines: list[str]) -> float:
    """The share of a page's glyphs (whitespace aside) that pdfminer wrote as ``(cid:N)``."""
    unmapped = sum(len(UNMAPPED_GLYPH.findall(line)) for line in lines)
    if not unmapped:
        return 0.0
    glyphs = sum(len("".join(UNMAPPED_GLYPH.sub(REPLACEMENT_CHARACTER, line).split())) for line in lines)
    return unmapped / glyphs


def _replace_unmapped(line: str | GridRow) -> str | GridRow:
    if isinstance(line, GridRow):
        return GridRow(line.table, tuple(cell and UNMAPPED_GLYPH.sub(REPLACEMENT_CHARACTER, cell) for cell in line.cells))
    return UNMAPPED_GLYPH.sub(REPLACEMENT_CHARACTER, line)


def _pdfium_lines(path: Path, document: pypdfium2.PdfDocument, index: int) -> list[str]:
    """The non-blank text lines of page ``index`` as pdfium reads them."""
    page = document[index]
    text_page = page.get_textpage()
    try:
        count = text_page.count_chars()
        unmapped = sum(bool(pdfium_c.FPDFText_HasUnicodeMapError(text_page.raw, i)) for i in range(count))
        if unmapped > UNMAPPED_SHARE * count:
            raise ReadError(
                f"{path}: page {index + 1} has text in a font that maps its glyphs to no characters; "
                "run OCR on the file first, e.g. ocrmypdf --force-ocr, then retry"
            )
        text = text_page.get_text_range()
    finally:
        text_page.close()
        page.close()
    return [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


def _page_lines(page: Any, first_table: int) -> tuple[list[str | GridRow], int]:
    """The lines of one page in reading order, a table's rows as :class:`GridRow` (numbered
    from ``first_table``), and the table count."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside_any(obj, boxes))
    blocks: list[tuple[float, list[str | GridRow]]] = [(line["top"], [line["text"]]) for line in outside.extract_text_lines()]
    blocks += [
        (table.bbox[1], [GridRow(first_table + k, tuple(row)) for row in table.extract()])
        for k, table in enumerate(tables)
    ]
    blocks.sort(key=lambda block: block[0])
    return [line for _, block_lines in blocks for line in block_lines], len(tables)


def _inside_any(obj: dict[str, Any], boxes: list[Box]) -> bool:
    """Whether the centre of a character lies in one of ``boxes`` (x0, top, x1, bottom)."""
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _edge_indices(count: int) -> list[int]:
    """Indices of the first and last :data:`EDGE_LINES` lines of a page with ``count`` lines."""
    return sorted(set(range(min(EDGE_LINES, count))) | set(range(max(count - EDGE_LINES, 0), count)))


def _text(line: str | GridRow) -> str:
    return line.line if isinstance(line, GridRow) else line


def _boilerplate(pages: list[list[str | GridRow]]) -> list[set[int]]:
    """Per page, the indices of page-number lines and running header/footer lines."""
    def key(line: str) -> str:
        return _DIGITS.sub("#", "".join(line.split()))

    recurring: Counter[str] = Counter()
    for lines in pages:
        recurring.update({key(_text(lines[i])) for i in _edge_indices(len(lines)) if _text(lines[i]).strip()})
    running = {k for k, n in recurring.items() if len(pages) >= 2 and n > len(pages) / 2}
    found = []
    for lines in pages:
        found.append({
            i for i in _edge_indices(len(lines))
            if not isinstance(lines[i], GridRow)  # a table header repeated on each page is content
            and (_PAGE_NUMBER.match(lines[i].strip()) or key(lines[i]) in running)
            and lines[i].strip()
        })
    return found


def _assemble(pages: list[list[str | GridRow]], skipped: list[set[int]]) -> SourceText:
    """Join pages with ``"\\n"``, recording page starts, the spans of skipped lines and the tables.

    A table that goes on over a page break (the page before ends with it, the next opens
    with its rows, its header repeated or not) is one grid.
    """
    text_parts: list[str] = []
    page_starts: list[int] = []
    skip: list[tuple[int, int]] = []
    grids: list[tuple[int, list[list[Cell | None]]]] = []  # (first page, rows) per table
    table_of: dict[int, int] = {}  # the reader's table number -> index into grids
    ends_with_table = False  # the page before ended with a table
    offset = 0
    for number, (lines, skip_lines) in enumerate(zip(pages, skipped, strict=True), start=1):
        page_starts.append(offset)
        written = []
        opening = True  # nothing but boilerplate so far on this page
        for i, line in enumerate(lines):
            if i in skip_lines:
                skip.append((offset, offset + len(line)))
            if isinstance(line, GridRow):
                if line.table not in table_of:
                    continues = opening and ends_with_table and len(grids[-1][1][-1]) == len(line.cells)
                    if not continues:
                        grids.append((number, []))
                    table_of[line.table] = len(grids) - 1
                grids[table_of[line.table]][1].append(grid_cells(line.cells, offset))
            if i not in skip_lines and _text(line).strip():
                opening = False
                ends_with_table = isinstance(line, GridRow)
            written.append(_text(line))
            offset += len(written[-1]) + 1
        text_parts.append("\n".join(written))
        offset += 0 if lines else 1
    tables = [table for page, rows in grids for table in tables_from_grid(rows, "pdf", page)]
    return SourceText(text="\n".join(text_parts), page_starts=page_starts, skip=skip, tables=tables)

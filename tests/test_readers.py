"""PDF and DOCX readers on documents built here from the shared reports: the same values
as the plain text, page numbers, running headers and page numbers skipped, tables as
``|`` rows, and clear errors for scanned, encrypted and broken files."""

import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from reportlab.lib import colors
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

import perfeval
from perfeval.readers import ReadError, read
from perfeval.readers import docx as docx_reader
from perfeval.readers.docx import DocxLimits
from perfeval.tables import find_values

FONT = "STSong-Light"
RUNNING_HEADER = "越秀区人大常委会办公室绩效自评报告（预算 2054.25 万元）"
SCORE_TABLE = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "召开常委会会议", "≥12次", "13次", "10", "10"],
    ["", "质量指标", "审议及时率", "≥90%", "100%", "10", "9.5"],
]
TABLE_VALUES = [
    ("COUNT", "12次", "召开常委会会议"), ("COUNT", "13次", "召开常委会会议"),
    ("SCORE", "10", "召开常委会会议"), ("SCORE", "10", "召开常委会会议"),
    ("PERCENT", "90%", "审议及时率"), ("PERCENT", "100%", "审议及时率"),
    ("SCORE", "10", "审议及时率"), ("SCORE", "9.5", "审议及时率"),
]

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def pages_of(text: str, lines_per_page: int = 30) -> list[list[str]]:
    """The non-blank lines of ``text`` cut into pages, each cut after a sentence's end."""
    pages: list[list[str]] = [[]]
    for line in (line for line in text.split("\n") if line.strip()):
        pages[-1].append(line)
        if len(pages[-1]) >= lines_per_page and line.rstrip().endswith("。"):
            pages.append([])
    return [page for page in pages if page]


def write_pdf(path: Path, pages: list[list[str]], table: list[list[str]] | None = None) -> Path:
    """One line of text per drawn line, a running header and a ``- n -`` footer on every page;
    ``table`` (ruled) on a last page of its own."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    total = len(pages) + (table is not None)
    for number in range(1, total + 1):
        pdf.setFont(FONT, 9)
        pdf.drawString(60, height - 40, RUNNING_HEADER)
        pdf.drawCentredString(width / 2, 30, f"- {number} -")
        pdf.setFont(FONT, 11)
        if number <= len(pages):
            for k, line in enumerate(pages[number - 1]):
                pdf.drawString(60, height - 70 - 14 * k, line)
        else:
            grid = Table(table)
            grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            _, table_height = grid.wrapOn(pdf, width - 120, height)
            grid.drawOn(pdf, 60, height - 100 - table_height)
        pdf.showPage()
    pdf.save()
    return path


def value_keys(text, skip=()):
    """What a value is, whatever the layout: label, span without whitespace, normalised value."""
    return Counter((v.label, "".join(text[v.start:v.end].split()), v.value) for v in find_values(text, skip))


@pytest.fixture(scope="module")
def report(reports):
    return reports["001_ce0cf8ca0992a465"]


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory, report):
    return write_pdf(tmp_path_factory.mktemp("pdf") / "001.pdf", pages_of(report), SCORE_TABLE)


def test_pdf_text_has_the_values_of_the_plain_text(report, report_pdf):
    source = read(report_pdf)
    table_start = source.page_starts[-1]
    prose = value_keys(source.text[:table_start], [s for s in source.skip if s[1] <= table_start])
    assert prose == value_keys(report)


def test_pdf_pages_and_skipped_boilerplate(report, report_pdf):
    source = read(report_pdf)
    pages = pages_of(report)
    assert source.meta == {"format": "pdf", "pages": len(pages) + 1, "tables": 1}
    assert len(source.page_starts) == len(pages) + 1
    skipped = Counter(source.text[start:end] for start, end in source.skip)
    assert skipped[RUNNING_HEADER] == len(pages) + 1
    assert {f"- {n} -" for n in range(1, len(pages) + 2)} <= set(skipped)
    assert all(line == RUNNING_HEADER or re.fullmatch(r"- \d+ -", line) for line in skipped)
    for number, page_lines in enumerate(pages, start=1):
        start = source.page_starts[number - 1]
        assert source.text[start:].startswith(RUNNING_HEADER + "\n" + page_lines[0].strip())


def test_pdf_table_becomes_pipe_rows_with_linked_values(report_pdf):
    source = read(report_pdf)
    last_page = source.text[source.page_starts[-1]:]
    assert "\n".join("|".join(row) for row in SCORE_TABLE) in last_page
    table_values = [v for v in find_values(source.text, source.skip) if v.start >= source.page_starts[-1]]
    found = [(v.label, source.text[v.start:v.end], source.text[v.indicator[0]:v.indicator[1]]) for v in table_values]
    assert found == TABLE_VALUES


def test_records_from_a_pdf_carry_their_page(report, report_pdf):
    doc = perfeval.load(rules_only=True).extract_file(report_pdf)
    pages = pages_of(report)
    expected = Counter()
    for number, page_lines in enumerate(pages, start=1):
        for key, count in value_keys("\n".join(page_lines)).items():
            expected[(number, key)] += count
    expected.update((len(pages) + 1, (label, span, None)) for label, span, _ in TABLE_VALUES)
    got = Counter((r.page, (r.type, "".join(r.text.split()), None if r.page == len(pages) + 1 else r.value))
                  for r in doc.records)
    assert got == expected


def test_docx_keeps_paragraphs_and_puts_tables_in_body_order(tmp_path, report):
    document = docx.Document()
    lines = report.split("\n")
    for line in lines[:10]:
        document.add_paragraph(line)
    grid = document.add_table(rows=len(SCORE_TABLE), cols=len(SCORE_TABLE[0]))
    for r, row in enumerate(SCORE_TABLE):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    grid.cell(1, 0).merge(grid.cell(2, 0))  # 产出指标 spans both rows
    for line in lines[10:]:
        document.add_paragraph(line)
    document.save(tmp_path / "001.docx")

    source = read(tmp_path / "001.docx")
    table_lines = ["|".join(row) for row in SCORE_TABLE]
    assert source.text == "\n".join(lines[:10] + table_lines + lines[10:])
    assert source.meta == {"format": "docx", "tables": 1}
    assert source.page_starts == [] and source.skip == []
    table_at = source.text.index(table_lines[0])
    prose = value_keys(source.text[:table_at]) + value_keys(source.text[table_at + len("\n".join(table_lines)):])
    assert prose == value_keys(report)


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(60, 60, 400, 600, fill=1)  # a page image stands in for the scan
    pdf.showPage()
    pdf.save()
    with pytest.raises(ReadError) as error:
        read(path)
    assert str(error.value) == f"{path}: has no text layer (scanned PDF?); run OCR first, e.g. ocrmypdf, then retry"


def test_encrypted_pdf_says_so(tmp_path):
    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt="secret")
    pdf.setFont(FONT, 11)
    pdf.drawString(60, 700, "年度预算 2054.25 万元")
    pdf.save()
    with pytest.raises(ReadError, match="locked.pdf: is encrypted"):
        read(path)


@pytest.mark.parametrize("name, data, message", [
    ("broken.pdf", b"%PDF-1.4\nthis is not a PDF body", "is not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "is not a readable Word .docx file"),
])
def test_broken_files_raise_read_error(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError, match=message):
        read(path)


# --- glyphs that pdfminer cannot map to characters --------------------------------------------

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # shipped with reportlab


def drop_unicode_maps(path: Path) -> Path:
    """Rename the fonts' ``/ToUnicode`` entries in place (same length: the xref offsets hold),
    so their glyphs map to no character. Needs a PDF written with ``pageCompression=0``."""
    data = path.read_bytes()
    assert b"/ToUnicode" in data
    path.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
    return path


def test_pdf_with_only_an_owner_password_is_read_through_pdfium(tmp_path, report):
    """pdfminer gives ``(cid:N)`` for every glyph of such a file; pdfium decodes them."""
    lines = [line for line in report.split("\n") if line.strip()][:60]
    path = tmp_path / "owner.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    for page in (lines[:30], lines[30:]):
        pdf.setFont(FONT, 11)
        for k, line in enumerate(page):
            pdf.drawString(60, A4[1] - 40 - 14 * k, line)
        pdf.showPage()
    pdf.save()
    source = read(path)
    assert "(cid:" not in source.text and "\ufffd" not in source.text
    assert len(source.page_starts) == 2
    expected = value_keys("\n".join(lines))
    assert value_keys(source.text) == expected and sum(expected.values()) > 5


def test_a_stray_unmapped_glyph_becomes_a_replacement_character(tmp_path):
    path = tmp_path / "symbol.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    pdf.setFont(FONT, 11)
    for k in range(20):
        pdf.drawString(60, 780 - 14 * k, "年度预算 2054.25 万元，完成预算的 90.6%。")
    pdf.setFont("Vera", 11)
    pdf.drawString(60, 400, "\u2022 \u00e9")  # two glyphs of a font without its map
    pdf.save()
    source = read(drop_unicode_maps(path))
    assert source.text == "\n".join(["年度预算 2054.25 万元，完成预算的 90.6%。"] * 20 + ["\ufffd \ufffd"])


def test_a_stray_unmapped_glyph_in_a_table_cell_becomes_a_replacement_character(tmp_path):
    path = tmp_path / "symbol_table.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    rows = [row[:] for row in SCORE_TABLE]
    rows[1][5] = "\u2022"  # the 分值 cell of 召开常委会会议, in a font without its map
    grid = Table(rows)
    grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("FONT", (5, 1), (5, 1), "Vera", 9),
                              ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    _, height = grid.wrapOn(pdf, A4[0] - 120, A4[1])
    grid.drawOn(pdf, 60, A4[1] - 100 - height)
    pdf.save()
    source = read(drop_unicode_maps(path))
    assert "(cid:" not in source.text
    assert "召开常委会会议|≥12次|13次|\ufffd|10" in source.text
    assert "\ufffd" in [cell.text for table in source.tables for row in table.rows for cell in row.cells if cell is not None]


def test_pdf_whose_font_maps_no_glyph_asks_for_ocr(tmp_path):
    path = tmp_path / "unmapped.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    pdf.setFont("Vera", 11)
    pdf.drawString(60, 700, "\u00e9t\u00e9 \u00e0 \u00fcber 2054,25 \u20ac")
    pdf.save()
    with pytest.raises(ReadError) as error:
        read(drop_unicode_maps(path))
    assert str(error.value) == (
        f"{path}: page 1 has text in a font that maps its glyphs to no characters; "
        "run OCR on the file first, e.g. ocrmypdf --force-ocr, then retry"
    )


# --- DOCX size limits -------------------------------------------------------------------------


def write_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(path)
    return path


def test_docx_expanding_past_the_xml_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "bomb.docx", ["年度预算 9 万元" + "9" * 2_000_000])  # 2 MB of XML, a few kB zipped
    assert path.stat().st_size < 100_000

    def parse(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(docx_reader.docx, "Document", parse)
    with zipfile.ZipFile(path) as archive:
        sizes = {part.filename: part.file_size for part in archive.infolist()}
    xml = sum(size for name, size in sizes.items() if name.endswith((".xml", ".rels")))
    assert xml > 2_000_000
    with pytest.raises(ReadError) as error:
        docx_reader.read_docx(path, DocxLimits(xml_bytes=1_000_000))
    assert str(error.value) == (
        f"{path}: its XML would expand to {xml / 1e6:.1f} MB, over the limit of 1.0 MB (a zip bomb, or a very large "
        "document); if the file is genuine, set PERFEVAL_DOCX_MAX_XML_MB higher and retry"
    )
    with pytest.raises(ReadError, match=f"its parts would expand to {sum(sizes.values()) / 1e6:.1f} MB, over the limit of 1.0 MB"):
        docx_reader.read_docx(path, DocxLimits(unzipped_bytes=1_000_000))


def test_docx_limits_come_from_the_environment(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "long.docx", ["完成预算的 90.6%。" * 100])
    assert read(path).text == "完成预算的 90.6%。" * 100
    monkeypatch.setenv("PERFEVAL_DOCX_MAX_XML_MB", "0.01")
    with pytest.raises(ReadError, match=r"its XML would expand to \d+\.\d MB, over the limit of 0\.0 MB"):
        read(path)
    monkeypatch.delenv("PERFEVAL_DOCX_MAX_XML_MB")
    monkeypatch.setenv("PERFEVAL_DOCX_MAX_CHARS", "1000")
    with pytest.raises(ReadError) as error:
        read(path)
    assert str(error.value) == (
        f"{path}: has 1,200 characters of text, over the limit of 1,000; "
        "if the file is genuine, set PERFEVAL_DOCX_MAX_CHARS higher and retry"
    )
    monkeypatch.setenv("PERFEVAL_DOCX_MAX_CHARS", "lots")
    with pytest.raises(ReadError, match="PERFEVAL_DOCX_MAX_CHARS='lots' is not a number"):
        read(path)

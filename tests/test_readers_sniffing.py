"""Files are read as what they are: a PDF or a Word file saved as .txt, UTF-16 text without a BOM."""

import json
import zipfile

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from perfeval.cli.main import app
from perfeval.readers import ReadError, read
from perfeval.readers.txt import decode

SENTENCE = "2023年年度预算 2054.25 万元，完成预算的 90.6%。召开常委会会议 13次。"
FIGURES = ["2054.25 万元", "90.6%", "13次"]
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def extracted(*args):
    result = CliRunner().invoke(app, ["extract", "--rules-only", "-f", "jsonl", *map(str, args)])
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def write_pdf(path):
    pdf = canvas.Canvas(str(path))
    pdf.setFont(FONT, 11)
    pdf.drawString(60, 750, SENTENCE)
    pdf.showPage()
    pdf.save()
    return path


def write_docx(path):
    document = docx.Document()
    document.add_paragraph(SENTENCE)
    document.save(path)
    return path


@pytest.mark.parametrize("write, kind", [(write_pdf, "pdf"), (write_docx, "docx")])
def test_a_pdf_or_docx_saved_as_txt_is_read_as_what_it_is(tmp_path, write, kind):
    disguised = write(tmp_path / "report.txt")
    source = read(disguised)
    assert SENTENCE in source.text and source.meta["format"] == kind
    result, rows = extracted(disguised)
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in rows] == FIGURES  # not dozens of junk records from the raw bytes


def test_a_pdf_saved_as_docx_is_read_as_a_pdf(tmp_path):
    assert SENTENCE in read(write_pdf(tmp_path / "report.docx")).text


def test_another_zip_archive_is_named_as_such(tmp_path):
    path = tmp_path / "report.txt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match="is a zip archive, not a report"):
        read(path)


def test_an_old_word_file_asks_for_docx(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match=r"old Word \(.doc\).*save it as .docx"):
        read(path)


def test_a_pdf_on_stdin_is_one_line(tmp_path):
    data = write_pdf(tmp_path / "r.pdf").read_bytes()
    result = CliRunner().invoke(app, ["extract", "-", "--rules-only", "-f", "jsonl"], input=data)
    assert result.exit_code == 1 and result.stdout == ""
    assert "error: <stdin>: is a PDF, not text" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_bom(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(SENTENCE.encode(encoding))  # "utf-16" writes a BOM, the others do not
    assert read(path).text == SENTENCE
    result, rows = extracted(path)
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in rows] == FIGURES


def test_utf16_of_a_report_with_line_breaks_and_little_ascii():
    text = "部门整体支出绩效自评报告\n一、部门基本情况\n年度预算 2054.25 万元。\n"
    assert decode(text.encode("utf-16-le"), "r.txt") == text


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03binary\x00",
    bytes(range(256)) * 4,  # NUL bytes in both byte positions
    "abc\x01\x02def".encode("utf-16-le"),  # UTF-16 in form, but control characters: not a report
])
def test_binary_data_is_still_binary(data):
    with pytest.raises(ReadError, match="binary"):
        decode(data, "x.txt")

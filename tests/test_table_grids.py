"""Tables that PDF and Word files hold as grids are read as grids: pdfplumber's table finder
and python-docx give the cells, with their spans in the extracted text, merged cells and
the page; a sheet split over two pages is one table. The sheets are written for these tests
and drawn with reportlab's ``Table``."""

import docx
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

import perfeval
from perfeval.readers import read
from perfeval.tables import Role, find_values

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BUDGET = [
    ["项目资金（万元）", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
    ["年度资金总额", "80", "76", "10", "95%", "9.5"],
    ["其中：财政拨款", "80", "76", "", "", ""],
]
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
ROWS = [
    ["产出指标", "数量指标", "培训基层干部人次", "≥300人次", "326人次", "20", "20"],
    ["", "质量指标", "培训考核合格率", "≥95%", "97%", "20", "20"],
    ["效益指标", "社会效益指标", "学员岗位胜任率", "≥90%", "92%", "30", "28"],
    ["满意度指标", "服务对象满意度指标", "参训学员满意度", "≥90%", "96%", "20", "20"],
]


def draw(pdf, rows, top, spans=()):
    width, height = A4
    grid = Table(rows)
    grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                              *[("SPAN", a, b) for a, b in spans]]))
    _, table_height = grid.wrapOn(pdf, width - 80, height)
    grid.drawOn(pdf, 40, height - top - table_height)


def page(pdf, number, text_lines=()):
    width, _ = A4
    pdf.setFont(FONT, 10)
    for k, line in enumerate(text_lines):
        pdf.drawString(40, A4[1] - 40 - 14 * k, line)
    pdf.drawCentredString(width / 2, 30, f"- {number} -")


@pytest.fixture(scope="module")
def sheet_pdf(tmp_path_factory):
    """Page 1: a budget block and a score sheet whose 产出指标 cell spans two rows; the sheet
    goes on on page 2 without its header."""
    path = tmp_path_factory.mktemp("grids") / "sheet.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page(pdf, 1, ["项目支出绩效自评表（2022年度）"])
    draw(pdf, BUDGET, 80)
    draw(pdf, [HEADER] + ROWS[:2], 200, spans=[((0, 1), (0, 2))])
    pdf.showPage()
    draw(pdf, ROWS[2:] + [["总分", "", "", "", "", "100", "97.5"]], 40, spans=[((0, 2), (4, 2))])
    page(pdf, 2)
    pdf.showPage()
    pdf.save()
    return path


def test_pdf_tables_are_grids_with_offsets_and_pages(sheet_pdf):
    source = read(sheet_pdf)
    assert [(t.kind, t.layout, t.page, len(t.rows)) for t in source.tables] == [("budget", "pdf", 1, 2), ("sheet", "pdf", 1, 5)]
    for table in source.tables:
        for cell in table.cells():
            assert source.text[cell.start:cell.end] == cell.text
    sheet = source.tables[1]
    assert [c.role for c in sheet.columns] == [Role.NAME, Role.NAME, Role.NAME, Role.TARGET, Role.ACTUAL, Role.WEIGHT,
                                               Role.SCORE]
    assert sheet.rows[1].cells[0] is None  # covered by the 产出指标 cell above it


def test_pdf_grid_values_are_typed_and_linked(sheet_pdf):
    source = read(sheet_pdf)
    values = find_values(source.text, source.skip, source.tables)
    got = [(v.label, source.text[v.start:v.end], v.role, source.text[v.indicator[0]:v.indicator[1]]) for v in values]
    assert got[:6] == [
        ("MONEY", "80", "budget", "全年预算数"), ("MONEY", "76", "executed", "全年执行数"), ("SCORE", "10", "weight", "分值"),
        ("PERCENT", "95%", "rate", "执行率"), ("SCORE", "9.5", "score", "得分"), ("MONEY", "80", "budget", "全年预算数"),
    ]
    assert ("COUNT", "300人次", "target", "培训基层干部人次") in got
    assert ("SCORE", "28", "score", "学员岗位胜任率") in got
    assert got[-2:] == [("SCORE", "100", "weight", "总分"), ("SCORE", "97.5", "score", "总分")]


def test_a_sheet_over_two_pages_is_one_sheet(sheet_pdf):
    doc = perfeval.load(rules_only=True).extract_file(sheet_pdf)
    rows = [r for r in perfeval.sheet(doc) if r.section in ("indicator", "total")]
    assert [(r.level1, r.level2, r.level3, r.weight, r.score, r.met) for r in rows] == [
        ("产出指标", "数量指标", "培训基层干部人次", 20, 20, True),
        ("产出指标", "质量指标", "培训考核合格率", 20, 20, True),
        ("效益指标", "社会效益指标", "学员岗位胜任率", 30, 28, True),
        ("满意度指标", "服务对象满意度指标", "参训学员满意度", 20, 20, True),
        (None, None, "总分", 100, 97.5, None),
    ]
    pages = {r.text: r.page for r in doc.records if r.role == "score"}
    assert pages["28"] == 2 and pages["9.5"] == 1


def test_docx_tables_are_grids_with_merged_cells(tmp_path):
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表")
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for r, row in enumerate([HEADER] + ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # 产出指标 over two rows
    table.cell(1, 0).text = "产出指标"
    path = tmp_path / "sheet.docx"
    document.save(str(path))
    source = read(path)
    assert [(t.kind, t.layout, len(t.rows)) for t in source.tables] == [("sheet", "docx", 4)]
    doc = perfeval.load(rules_only=True).extract_file(path)
    rows = [r for r in perfeval.sheet(doc) if r.section == "indicator"]
    assert [(r.level1, r.level3, r.target, r.qualifier, r.actual) for r in rows] == [
        ("产出指标", "培训基层干部人次", 300, "≥", 326),
        ("产出指标", "培训考核合格率", 95, "≥", 97),
        ("效益指标", "学员岗位胜任率", 90, "≥", 92),
        ("满意度指标", "参训学员满意度", 90, "≥", 96),
    ]

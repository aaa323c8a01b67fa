"""Report summaries: title facts and headline figures, each with its source span, and the CLI."""

import csv
import json
from pathlib import Path

import pytest
from conftest import report_paths
from typer.testing import CliRunner

import perfeval
from perfeval.cli.main import app
from perfeval.summary import grade_of, summarize
from perfeval.types import Document, Indicator, Record


@pytest.fixture(scope="module")
def summaries():
    extractor = perfeval.load(rules_only=True)
    return {path.stem: summarize(extractor.extract_file(path)) for path in report_paths()}


def values(summary):
    names = ("department", "year", "kind", "total_budget", "actual_expenditure", "execution_rate", "score", "grade")
    return {name: getattr(summary, name).value if getattr(summary, name) else None for name in names}


def test_seed_report_summary_with_spans(summaries, reports):
    summary = summaries["000_e314fb277ec6a483"]
    assert values(summary) == {
        "department": "广州市越秀区人民代表大会常务委员会办公室", "year": 2023, "kind": "部门整体",
        "total_budget": 20542500, "actual_expenditure": 18607700, "execution_rate": 90.6,
        "score": 98.1, "grade": "优",
    }
    text = reports["000_e314fb277ec6a483"]
    for name in ("department", "year", "kind", "total_budget", "actual_expenditure", "execution_rate", "score", "grade"):
        field = getattr(summary, name)
        assert text[field.start:field.end] == field.text
    assert summary.department.text == "广州市越秀区人民代表大会常务委员会\n办公室"
    assert summary.total_budget.text == "2054.25 万元"
    assert summary.grade.text == "优"


@pytest.mark.parametrize("name, expected", [
    ("001_ce0cf8ca0992a465", {
        "department": "广州市南沙区人民代表大会常务委员会办公室", "year": 2023, "kind": "部门整体",
        "total_budget": 25266300, "actual_expenditure": 25032200, "execution_rate": 99.07,
        "score": 98.75, "grade": "优"}),
    ("002_26b306ff38ad46e0", {
        "department": "广州市荔湾区人民代表大会常务委员会办公室", "year": 2021, "kind": "部门整体",
        "total_budget": None, "actual_expenditure": None, "execution_rate": None, "score": None, "grade": None}),
    ("004_82ea8d76d161cf34", {
        "department": "广州市海珠区人民政府办公室", "year": 2023, "kind": "部门整体",
        "total_budget": 30898000, "actual_expenditure": 30898000, "execution_rate": 100,
        "score": 99, "grade": "优"}),
])
def test_shared_report_summaries(summaries, name, expected):
    assert values(summaries[name]) == expected


def test_grade_not_stated_comes_from_the_score_band_without_a_span(summaries):
    grade = summaries["001_ce0cf8ca0992a465"].grade
    assert (grade.value, grade.start, grade.text) == ("优", None, None)


def record(text, doc_text, label, value, indicator, qualifier=None):
    start = doc_text.index(text)
    at = doc_text.index(indicator)
    return Record(label, text, start, start + len(text), value, "", qualifier=qualifier,
                  indicator=Indicator(indicator, at, at + len(indicator)))


def test_project_report_parts_targets_and_total_score_row():
    text = (
        "某区教育局2022年度课后服务项目支出绩效自评报告\n"
        "项目预算数 120万元，其中基本支出预算数 20万元。项目执行数 108万元，预算执行率 ≥95%，实际为 90%。\n"
        "总分|100|85.5\n自评等级：良好\n"
    )
    doc = Document(text, records=[
        record("120万元", text, "MONEY", 1_200_000, "项目预算数"),
        record("20万元", text, "MONEY", 200_000, "基本支出预算数"),
        record("108万元", text, "MONEY", 1_080_000, "项目执行数"),
        record("95%", text, "PERCENT", 95, "预算执行率", qualifier="≥"),
        record("90%", text, "PERCENT", 90, "预算执行率"),
        record("100", text, "SCORE", 100, "总分"),
        record("85.5", text, "SCORE", 85.5, "总分"),
    ])
    summary = summarize(doc)
    assert values(summary) == {
        "department": "某区教育局", "year": 2022, "kind": "项目支出", "total_budget": 1_200_000,
        "actual_expenditure": 1_080_000, "execution_rate": 90, "score": 85.5, "grade": "良",
    }
    assert summary.grade.text == "良好"


def test_summary_row_is_flat_with_spans():
    text = "2023年度某某局部门整体支出绩效自评报告\n"
    row = summarize(Document(text, name="x")).to_row()
    assert row["doc"] == "x"
    department = (row["department"], row["department_start"], row["department_end"], row["department_text"])
    assert department == ("某某局", 6, 9, "某某局")
    assert (row["year"], row["year_text"], row["kind"], row["kind_text"]) == (2023, "2023", "部门整体", "部门整体支出")
    assert row["score_points"] is None and row["score_start"] is None and row["project"] is None


@pytest.mark.parametrize("text, department, project", [
    ("某区教育局2022年度课后服务项目支出绩效自评报告\n", "某区教育局", "课后服务"),
    ("2023年度某市水务局农村供水保障项目支出绩效自评报告\n", "某市水务局", "农村供水保障"),
    ("2023年度某县人民政府办公室政务热线运行项目绩效自评报告\n", "某县人民政府办公室", "政务热线运行项目"),
    ("某区卫生健康局项目支出绩效自评报告\n项目名称：基层医疗机构设备购置\n", "某区卫生健康局", "基层医疗机构设备购置"),
])
def test_project_reports_keep_department_and_project_apart(text, department, project):
    row = summarize(Document(text, name="x")).to_row()
    assert (row["kind"], row["department"], row["project"]) == ("项目支出", department, project)
    assert text[row["project_start"]:row["project_end"]] == row["project_text"]


def test_summary_table_shows_the_project_column(tmp_path):
    report = tmp_path / "project.txt"
    report.write_text("2023年度某市水务局农村供水保障项目支出绩效自评报告\n项目预算数 120万元。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["summary", "--rules-only", str(report)])
    assert result.exit_code == 0, result.output
    header, row = [line for line in result.stdout.splitlines() if "project" in line or "农村供水" in line]
    assert "department" in header and "某市水务局" in row and "农村供水保障" in row


@pytest.mark.parametrize(
    "score, grade",
    [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.5, "中"), (60, "中"), (59.9, "差"), (0, "差")],
)
def test_grade_bands(score, grade):
    assert grade_of(score) == grade


def test_summary_cli_writes_csv_and_jsonl(tmp_path):
    paths = [str(p) for p in report_paths()]
    runner = CliRunner()
    result = runner.invoke(app, ["summary", "--rules-only", *paths, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "s.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["doc"] for r in rows] == [p.stem for p in report_paths()]
    assert rows[0]["execution_rate_percent"] == "90.6" and rows[0]["execution_rate_text"] == "90.6%"
    # offsets are integers, also in columns with empty cells (pandas wrote 2303.0); money is in 元, as named
    assert (rows[0]["total_budget_yuan"], rows[0]["total_budget_start"], rows[0]["total_budget_end"]) == ("20542500", "2303", "2313")
    assert rows[0]["project"] == "" and rows[0]["score_points"] == "98.1"

    result = runner.invoke(app, ["summary", "--rules-only", paths[0], "-o", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 0, result.output
    row = json.loads((tmp_path / "s.jsonl").read_text(encoding="utf-8"))
    assert (row["total_budget_yuan"], row["total_budget_start"], row["total_budget_text"]) == (20542500, 2303, "2054.25 万元")


def test_summary_cli_table_and_unreadable_file(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    result = CliRunner().invoke(app, ["summary", "--rules-only", str(report_paths()[0]), str(broken)])
    assert result.exit_code == 1
    assert "广州市越秀区人民代表大会常务委员会办公室" in result.stdout
    assert "broken.pdf: is not a readable PDF" in result.output


def test_a_report_with_a_budget_block_and_a_score_sheet_takes_its_totals_from_the_sheet():
    """The budget block's first funding source (its total row) and the 总分 row give the headline
    figures, each with its cell's span; a budget block's own 得分 cell is not the report's score."""
    sheets = Path(__file__).parent / "fixtures" / "sheets"
    extractor = perfeval.load(rules_only=True)
    wrapped = extractor.extract_file(sheets / "pipe_wrapped.txt")
    s = summarize(wrapped)
    assert (s.total_budget.value, s.actual_expenditure.value, s.execution_rate.value, s.score.value) == (126_000, 120_000, 95.24, 97.5)
    assert all(wrapped.text[f.start:f.end] == f.text for f in (s.total_budget, s.actual_expenditure, s.execution_rate, s.score))
    assert s.grade.value == "优" and s.grade.start is None  # derived from the score's band, not stated
    cells = summarize(extractor.extract_file(sheets / "cells_pipe.txt"))
    assert (cells.total_budget.value, cells.execution_rate.value, cells.score) == (1_200_000, 95, None)

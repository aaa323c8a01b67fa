"""Consistency checks on the shared reports and on small texts whose arithmetic is easy to redo."""

import pytest
from conftest import report_paths
from typer.testing import CliRunner

import perfeval
from perfeval.checks import check
from perfeval.cli.main import app


@pytest.fixture(scope="module")
def findings():
    extractor = perfeval.load(rules_only=True)
    return {path.stem: check(extractor.extract_file(path)) for path in report_paths()}


def summary(found):
    return [(f.check, f.severity, [text for _, _, text in f.spans]) for f in found]


def test_seed_report_rate_and_grade_agree(findings):
    assert summary(findings["000_e314fb277ec6a483"]) == [
        ("execution_rate", "info", ["90.6%", "1860.77万元", "2054.25 万元"]),  # 1860.77 / 2054.25 = 90.58%
        ("grade", "info", ["98.1分", "优"]),
    ]


def test_report_001_shares_parts_and_rates(findings):
    found = findings["001_ce0cf8ca0992a465"]
    by_check = {}
    for f in found:
        by_check.setdefault(f.check, []).append(f)
    assert {(f.severity, f.spans[0][2]) for f in by_check["execution_rate"]} == {
        ("info", "99.07%"), ("info", "100%"), ("info", "96.33%"),
    }
    assert [(f.severity, f.spans[0][2]) for f in by_check["share"]] == [
        ("info", "99.55%"), ("info", "0.45%"),  # of 总收入 2514.62 万元
        ("info", "62.56%"), ("info", "22.35%"), ("info", "14.68%"), ("info", "0.39%"), ("info", "0.02%"),
    ]
    assert "总费用 2,428.62万元 (not stated: the sum of its 5 listed parts)" in by_check["share"][2].message
    assert [(f.severity, [text for _, _, text in f.spans]) for f in by_check["parts"]] == [
        ("info", ["2514.62 万元", "2503.22 万元", "11.4万元"]),
        ("info", ["2503.53 万元", "1897.96 万元", "605.58 万元"]),  # 2503.54: within rounding
        ("info", ["2526.63万元", "1897.96万元", "628.67 万元"]),
        ("warning", ["2503.22万元", "1897.96万元", "605.58"]),  # 支出决算总数 vs its 执行数 parts
    ]
    assert "off by 0.32万元" in by_check["parts"][-1].message


def test_reports_without_figures_to_compare_have_no_findings(findings):
    assert findings["002_26b306ff38ad46e0"] == []
    assert summary(findings["004_82ea8d76d161cf34"]) == [
        ("execution_rate", "info", ["100%", "3,089.8 万元", "3,089.8 万元"]),
    ]


@pytest.mark.parametrize("text, expected", [
    ("年度预算 200 万元，实际支出 150 万元，预算执行率 80%。", ("execution_rate", "warning")),  # 75%
    ("年度预算 200 万元，实际支出 150 万元，预算执行率 75.1%。", ("execution_rate", "info")),
    ("自评得分为 85分，评价等级为“优”。", ("grade", "warning")),
    ("自评得分为 95分，评价等级为“优”。", ("grade", "info")),
])
def test_small_texts(text, expected):
    found = check(perfeval.extract(text, rules_only=True))
    assert [(f.check, f.severity) for f in found] == [expected]


def test_check_cli_prints_findings_and_exits_0(tmp_path):
    result = CliRunner().invoke(app, ["check", "--rules-only", "-w", *map(str, report_paths())])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines == [(
        "001_ce0cf8ca0992a465.txt\twarning\tparts\t其中 执行数 1897.96万元 + 执行数 605.58 = 2,503.54万元; "
        "支出决算总数 2503.22万元 (off by 0.32万元)\t@1642-1651,1707-1716,1755-1761"
    )]


def test_check_cli_exits_1_when_a_file_cannot_be_read(tmp_path):
    scanned = tmp_path / "empty.docx"
    scanned.write_bytes(b"")
    result = CliRunner().invoke(app, ["check", "--rules-only", str(report_paths()[0]), str(scanned)])
    assert result.exit_code == 1
    assert "execution_rate" in result.stdout
    assert "empty.docx" in result.output

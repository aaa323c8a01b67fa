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


# ------------------------------------------------------------------ audits of rebuilt sheets
# Small sheets written for these tests; each one gets one figure wrong.

BUDGET = (
    "项目资金（万元）|全年预算数（A）|全年执行数（B）|分值|执行率（B/A）|得分\n"
    "年度资金总额|{total}|{spent}|10|{rate}|{budget_score}\n"
    "其中：财政拨款|{part}|{part_spent}||| \n"
    "其他资金|40|36|||\n"
)
SHEET = (
    "一级指标|二级指标|三级指标|分值|年度指标值|全年实际值|得分\n"
    "产出指标（{output}分）|数量指标|培训人次|{weight}|≥100人次|120人次|{score}\n"
    "|质量指标|培训合格率|20|≥95%|97%|20\n"
    "效益指标（30分）|社会效益指标|就业带动人数|30|≥50人|56人|30\n"
    "满意度指标（10分）|服务对象满意度指标|学员满意度|10|≥90%|94%|9\n"
    "总分|100|{total_score}\n"
)


def sheet_findings(**changes):
    figures = dict(total=120, spent=108, rate="90%", budget_score=9, part=80, part_spent=72, output=50, weight=30,
                   score=28, total_score=96)
    figures.update(changes)
    text = BUDGET.format(**figures) + SHEET.format(**figures)
    return [(f.check, f.severity, f.message) for f in check(perfeval.extract(text, rules_only=True))]


def warnings(found):
    return [(c, m) for c, s, m in found if s == "warning"]


def test_a_consistent_sheet_has_no_warnings():
    found = sheet_findings()
    assert warnings(found) == []
    assert {c for c, _, _ in found} == {"execution_rate", "parts", "weights", "total_score"}


def test_a_score_above_its_weight():
    assert warnings(sheet_findings(score=32, total_score=100)) == [
        ("score_over_weight", "培训人次: 得分 32 is above its 分值 30"),
    ]


def test_weights_that_do_not_add_up_to_their_section_or_to_100():
    found = warnings(sheet_findings(weight=25))  # 25 + 20 != 50, and 95 != 100 against 总分
    assert ("weights", "分值 of 产出指标: 25 + 20 = 45, not 50") in found
    assert any(c == "weights" and "against 总分" in m for c, m in found)
    sections = warnings(sheet_findings(output=40))  # 40 + 30 + 10 (+ 10 budget) != 100
    assert ("weights", "section weights: 40 + 30 + 10 = 80, not 100") in sections


def test_scores_that_do_not_add_up_to_the_total():
    assert warnings(sheet_findings(total_score=90)) == [
        ("total_score", "得分 of the indicators against 总分: 28 + 20 + 30 + 9 = 87, not 90"),
    ]


def test_an_execution_rate_that_is_not_spending_over_budget():
    found = warnings(sheet_findings(rate="95%"))  # 108 / 120 = 90%
    assert len(found) == 1 and found[0][0] == "execution_rate" and "= 90.00%, not 95%" in found[0][1]


def test_parts_that_do_not_add_up_to_their_total():
    found = warnings(sheet_findings(part=70))  # 70 + 40 != 120
    assert found == [("parts", "全年预算数 of the rows under 年度资金总额: 70万元 + 40万元 = 110万元, not 120万元")]


def test_a_prose_rate_against_budget_and_spending_far_before_it():
    text = ("一、基本情况\n2023年年度预算 200 万元。" + "本单位认真履行职责，按时完成各项工作任务。" * 20
            + "\n二、支出情况\n全年实际支出 150 万元。" + "各项支出严格按照预算执行。" * 20
            + "\n三、绩效情况\n预算执行率为 80%。")
    found = check(perfeval.extract(text, rules_only=True))
    assert [(f.check, f.severity, [t for _, _, t in f.spans]) for f in found] == [
        ("execution_rate", "warning", ["80%", "150 万元", "200 万元"]),
    ]


def test_prose_parts_against_a_total_without_总_or_合计():
    text = "下达资金 120万元，其中：省级资金 70万元，市级资金 40万元。"
    found = check(perfeval.extract(text, rules_only=True))
    assert [(f.check, f.severity) for f in found] == [("parts", "warning")]
    assert "off by 10万元" in found[0].message


def test_check_strict_exits_1_on_a_warning(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    figures = dict(total=120, spent=108, rate="90%", budget_score=9, part=80, part_spent=72, output=50, weight=30,
                   score=28, total_score=96)
    good.write_text(BUDGET.format(**figures) + SHEET.format(**figures), encoding="utf-8")
    bad.write_text(BUDGET.format(**figures) + SHEET.format(**(figures | {"total_score": 90})), encoding="utf-8")
    assert CliRunner().invoke(app, ["check", "--rules-only", "--strict", str(good)]).exit_code == 0
    strict = CliRunner().invoke(app, ["check", "--rules-only", "--strict", str(bad)])
    assert strict.exit_code == 1 and "total_score" in strict.stdout
    assert CliRunner().invoke(app, ["check", "--rules-only", str(bad)]).exit_code == 0

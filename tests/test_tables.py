"""Table cells as values (ANNOTATION.md "Tables"): the three flattened layouts, header
roles, units from headers, links to the row name or the column header."""

import pytest

from perfeval.tables import Role, find_tables, find_values, role_of, table_values


def cells(text, skip=()):
    """(label, span, value, qualifier, indicator span) of every table value."""
    out = []
    values = [v for table in find_tables(text, skip) for v in table_values(text, table)]
    for v in sorted(values, key=lambda v: v.start):
        indicator = text[v.indicator[0]:v.indicator[1]] if v.indicator else None
        out.append((v.label, text[v.start:v.end], v.value, v.qualifier, indicator))
    return out


SCORE_SHEET_ROWS = [
    ("COUNT", "12次", 12, "≥", "召开常委会会议"),
    ("COUNT", "13次", 13, None, "召开常委会会议"),
    ("SCORE", "10", 10, None, "召开常委会会议"),
    ("SCORE", "10", 10, None, "召开常委会会议"),
    ("PERCENT", "90%", 90, "≥", "审议及时率"),
    ("PERCENT", "100%", 100, None, "审议及时率"),
    ("SCORE", "10", 10, None, "审议及时率"),
    ("SCORE", "9.5", 9.5, None, "审议及时率"),
    ("SCORE", "10", 10, None, "长效管理机制"),
    ("SCORE", "8", 8, None, "长效管理机制"),
    ("SCORE", "100", 100, None, "总分"),
    ("SCORE", "95.5", 95.5, None, "总分"),
]

PIPE_SHEET = """\
一级指标|二级指标|三级指标|年度指标值|实际完成值|分值|得分|偏差原因
产出指标|数量指标|召开常委会会议|≥12次|13次|10|10|
|质量指标|审议及时率|≥ 90%|100%|10|9.5|无
效益指标|社会效益指标|长效管理机制|有效提升|逐步完善|10|8|
总分|100|95.5
"""

FRAMED_SHEET = "\n".join(f"| {line.replace('|', ' | ')} |" for line in PIPE_SHEET.splitlines())

SPACED_SHEET = """\
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因
产出指标 数量指标 召开常委会会议 ≥12次 13次 10 10
质量指标 审议及时率 ≥ 90% 100% 10 9.5 无
效益指标 社会效益指标 长效管理机制 有效提升 逐步完善 10 8
总分 100 95.5
"""

CELL_SHEET = "\n".join(
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因".split()
    + "产出指标 数量指标 召开常委会会议 ≥12次 13次 10 10".split()
    + "质量指标 审议及时率 ≥90% 100% 10 9.5 无".split()
    + "效益指标 社会效益指标 长效管理机制 有效提升 逐步完善 10 8".split()
    + "总分 100 95.5".split()
)


@pytest.mark.parametrize(
    "text", [PIPE_SHEET, FRAMED_SHEET, SPACED_SHEET, CELL_SHEET], ids=["pipe", "framed", "spaced", "cell"]
)
def test_score_sheet_in_every_layout(text):
    assert cells(text) == SCORE_SHEET_ROWS


def test_budget_block_links_to_column_headers_and_takes_the_label_unit():
    text = (
        "项目资金（万元）||年初预算数|全年预算数（A）|全年执行数|分值|执行率|得分\n"
        "年度资金总额||2054.25|2,054.25|1860.77|10|90.58%|9.06\n"
        "其中：当年财政拨款||2000|2000|1800.5|—|90.03%|—\n"
        "上年结转资金||0|0|0|—|—|—\n"
    )
    assert cells(text) == [
        ("MONEY", "2054.25", 20542500, None, "年初预算数"),
        ("MONEY", "2,054.25", 20542500, None, "全年预算数"),
        ("MONEY", "1860.77", 18607700, None, "全年执行数"),
        ("SCORE", "10", 10, None, "分值"),
        ("PERCENT", "90.58%", 90.58, None, "执行率"),
        ("SCORE", "9.06", 9.06, None, "得分"),
        ("MONEY", "2000", 20000000, None, "年初预算数"),
        ("MONEY", "2000", 20000000, None, "全年预算数"),
        ("MONEY", "1800.5", 18005000, None, "全年执行数"),
        ("PERCENT", "90.03%", 90.03, None, "执行率"),
    ]


def test_spaced_department_sheet_with_section_weights():
    text = (
        "预算执行情况（万元） 年初预算数 全年预算数（A） 全年执行数（B） 预算执行率（%）\n"
        "总额 2054.25 2054.25 1860.77 90.58\n"
        "一级指标 二级指标 三级指标 分值 指标值 实际完成值 得分 扣分原因\n"
        "预算执行情况（10分） 预算管理 预算执行率 5 ≥95% 98% 5\n"
        "资金使用合规性 5 规范 规范 5\n"
    )
    assert cells(text) == [
        ("MONEY", "2054.25", 20542500, None, "年初预算数"),
        ("MONEY", "2054.25", 20542500, None, "全年预算数"),
        ("MONEY", "1860.77", 18607700, None, "全年执行数"),
        ("PERCENT", "90.58", 90.58, None, "预算执行率"),
        ("SCORE", "10分", 10, None, "预算执行情况"),
        ("SCORE", "5", 5, None, "预算执行率"),
        ("PERCENT", "95%", 95, "≥", "预算执行率"),
        ("PERCENT", "98%", 98, None, "预算执行率"),
        ("SCORE", "5", 5, None, "预算执行率"),
        ("SCORE", "5", 5, None, "资金使用合规性"),
        ("SCORE", "5", 5, None, "资金使用合规性"),
    ]


def test_measure_column_gives_bare_numbers_their_unit_and_nature_their_qualifier():
    text = "\n".join(
        "三级指标 指标性质 指标值 度量单位 实际完成值 分值 得分".split()
        + "会议次数 ≥ 12 次 13 10 10".split()
        + "审议及时率 = 100 % 100 10 9".split()
    )
    assert cells(text) == [
        ("COUNT", "12", 12, "≥", "会议次数"),
        ("COUNT", "13", 13, None, "会议次数"),
        ("SCORE", "10", 10, None, "会议次数"),
        ("SCORE", "10", 10, None, "会议次数"),
        ("PERCENT", "100", 100, "=", "审议及时率"),
        ("PERCENT", "100", 100, None, "审议及时率"),
        ("SCORE", "10", 10, None, "审议及时率"),
        ("SCORE", "9", 9, None, "审议及时率"),
    ]


def test_bare_numbers_of_unknown_kind_are_left_out():
    text = "三级指标|年度指标值|实际完成值\n资金使用合规性|12|13\n"
    assert cells(text) == []


def test_a_row_name_gives_bare_figures_their_kind():
    text = "三级指标|年度指标值|实际完成值\n会议次数|12|13\n审议及时率|95|100\n"
    assert cells(text) == [
        ("COUNT", "12", 12, None, "会议次数"),
        ("COUNT", "13", 13, None, "会议次数"),
        ("PERCENT", "95", 95, None, "审议及时率"),
        ("PERCENT", "100", 100, None, "审议及时率"),
    ]


def test_unit_from_a_column_header_and_rows_naming_what_they_measure():
    text = "项目|年度预算数(万元)|执行数(万元)|执行率\n办公经费|12.5|10|80%\n"
    assert cells(text) == [
        ("MONEY", "12.5", 125000, None, "办公经费"),
        ("MONEY", "10", 100000, None, "办公经费"),
        ("PERCENT", "80%", 80, None, "办公经费"),
    ]


def test_income_table_with_a_unit_line_links_to_row_names():
    text = (
        "部门收支总体情况表\n单位：万元\n"
        "项 目 年初预算数 全年预算数 决算数 完成率（%）\n"
        "一、收入合计 718.34 788.84 720.48 91.33\n"
        "其中：基本支出 641.32 612.87 561.17 91.6\n"
    )
    assert cells(text) == [
        ("MONEY", "718.34", 7183400, None, "收入合计"),
        ("MONEY", "788.84", 7888400, None, "收入合计"),
        ("MONEY", "720.48", 7204800, None, "收入合计"),
        ("PERCENT", "91.33", 91.33, None, "收入合计"),
        ("MONEY", "641.32", 6413200, None, "基本支出"),
        ("MONEY", "612.87", 6128700, None, "基本支出"),
        ("MONEY", "561.17", 5611700, None, "基本支出"),
        ("PERCENT", "91.6", 91.6, None, "基本支出"),
    ]


def test_wrapped_name_and_remarks_in_one_cell_per_line_text():
    text = "\n".join(
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因".split()
        + ["数量指标", "政府采购项", "目数", "≥12次", "13次", "10", "10", "执行进度偏慢"]
        + ["资金使用合", "规性", "100%", "100%", "5", "5"]
    )
    found = [(label, span, indicator) for label, span, _, _, indicator in cells(text)]
    assert found == [
        ("COUNT", "12次", "政府采购项\n目数"),
        ("COUNT", "13次", "政府采购项\n目数"),
        ("SCORE", "10", "政府采购项\n目数"),
        ("SCORE", "10", "政府采购项\n目数"),
        ("PERCENT", "100%", "资金使用合\n规性"),
        ("PERCENT", "100%", "资金使用合\n规性"),
        ("SCORE", "5", "资金使用合\n规性"),
        ("SCORE", "5", "资金使用合\n规性"),
    ]


def test_table_continues_past_skipped_page_lines():
    text = "三级指标|年度指标值|实际完成值|分值|得分\n会议次数|≥12次|13次|10|10\n- 2 -\n及时率|≥90%|95%|10|9\n"
    footer = text.index("- 2 -")
    found = cells(text, skip=[(footer, footer + 5)])
    assert [(label, span, indicator) for label, span, _, _, indicator in found][-4:] == [
        ("PERCENT", "90%", "及时率"),
        ("PERCENT", "95%", "及时率"),
        ("SCORE", "10", "及时率"),
        ("SCORE", "9", "及时率"),
    ]


def test_prose_is_not_a_table():
    text = "2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，完成预算的 90.6%。\n"
    assert cells(text) == []


@pytest.mark.parametrize(
    "header, role",
    [("三级指标", Role.NAME), ("年度指标值", Role.TARGET), ("实际完成值", Role.ACTUAL), ("分值", Role.WEIGHT),
     ("权重", Role.WEIGHT), ("自评得分", Role.SCORE), ("全年预算数（A）", Role.BUDGET), ("执行率（B/A）", Role.RATE),
     ("度量单位", Role.UNIT), ("偏差原因分析及改进措施", Role.NOTE), ("项目资金（万元）", Role.LABEL)],
)
def test_header_roles(header, role):
    assert role_of(header) is role


def test_table_values_win_over_prose_values_in_find_values():
    values = find_values(PIPE_SHEET)
    by_span = {(PIPE_SHEET[v.start:v.end], v.start): v for v in values}
    first_target = by_span[("12次", PIPE_SHEET.index("12次"))]
    assert first_target.indicator == (PIPE_SHEET.index("召开常委会会议"), PIPE_SHEET.index("召开常委会会议") + 7)
    assert sum(v.label == "SCORE" for v in values) == 8


# ------------------------------------------------------------------ layouts seen on real report pages
# Sheets written for these tests, each in a layout web pages and PDF text layers leave.

def linked(text):
    return [(label, span, indicator) for label, span, _, _, indicator in cells(text)]


def test_spaced_rows_with_a_header_over_two_lines_and_wrapped_names():
    text = (
        "项目资金   年初预算数 全年预算数 全年执行数 分值 执行率 得分\n(万元)\n"
        "  年度资金总额 60 60 54 10 90% 9\n"
        "一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施\n指标值 完成值\n"
        "  产出指标 数量指标 维修道路长度 12公里 12公里 20 20\n"
        "    社会效益 群众出行便利度 ≥85% 91% 20 20\n指标\n"
        "总分 40 40\n"
    )
    assert cells(text)[:6] == [
        ("MONEY", "60", 600000, None, "年初预算数"), ("MONEY", "60", 600000, None, "全年预算数"),
        ("MONEY", "54", 540000, None, "全年执行数"), ("SCORE", "10", 10, None, "分值"),
        ("PERCENT", "90%", 90, None, "执行率"), ("SCORE", "9", 9, None, "得分"),
    ]
    assert linked(text)[6:] == [
        ("SCORE", "20", "维修道路长度"), ("SCORE", "20", "维修道路长度"),  # 12公里: a physical measure
        ("PERCENT", "85%", "群众出行便利度"), ("PERCENT", "91%", "群众出行便利度"),
        ("SCORE", "20", "群众出行便利度"), ("SCORE", "20", "群众出行便利度"),
        ("SCORE", "40", "总分"), ("SCORE", "40", "总分"),
    ]


def test_cells_run_together_are_split_by_the_header_and_the_row():
    text = (
        "项目名称乡村道路维护项目资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分"
        "年度资金总额:505010100%10其中:本年财政拨款5050其他资金年度总体目标完成道路维护"
        "一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施"
        "产出指标(60分)数量指标维护道路里程20≥30公里≥30公里20质量指标道路完好率20100%100%20"
        "成本指标维护成本2050万元50万元20效益指标(40分)社会效益指标受益群众满意度40290%95%38总分10098"
    )
    found = cells(text)
    assert found[:5] == [
        ("MONEY", "50", 500000, None, "全年预算数"), ("MONEY", "50", 500000, None, "全年执行数"),
        ("SCORE", "10", 10, None, "分值"), ("PERCENT", "100%", 100, None, "执行率"), ("SCORE", "10", 10, None, "得分"),
    ]
    assert found[5:7] == [("MONEY", "50", 500000, None, "全年预算数"), ("MONEY", "50", 500000, None, "全年执行数")]
    assert [(label, span, qualifier, indicator) for label, span, _, qualifier, indicator in found[7:]] == [
        ("SCORE", "60分", None, "产出指标"),
        ("SCORE", "20", None, "维护道路里程"), ("SCORE", "20", None, "维护道路里程"),
        ("SCORE", "20", None, "道路完好率"), ("PERCENT", "100%", None, "道路完好率"),
        ("PERCENT", "100%", None, "道路完好率"), ("SCORE", "20", None, "道路完好率"),
        ("SCORE", "20", None, "维护成本"), ("MONEY", "50万元", None, "维护成本"),
        ("MONEY", "50万元", None, "维护成本"), ("SCORE", "20", None, "维护成本"),
        ("SCORE", "40分", None, "效益指标"),
        # 290%: a ≥ the source garbled into a 2, left outside the span (ANNOTATION.md section 7)
        ("SCORE", "40", None, "受益群众满意度"), ("PERCENT", "90%", "≥", "受益群众满意度"),
        ("PERCENT", "95%", None, "受益群众满意度"), ("SCORE", "38", None, "受益群众满意度"),
        ("SCORE", "100", None, "总分"), ("SCORE", "98", None, "总分"),
    ]


def test_a_page_number_run_into_a_run_together_page_is_not_a_cell():
    first_page = "一级指标二级指标三级指标年度指标值全年完成值产出指标数量指标" + "道路巡查覆盖率100%100%" * 12
    text = first_page + "村道清扫保洁率100%\n2、100%时效指标问题整改及时率95%97%"
    found = linked(text)
    assert found[-4:] == [
        ("PERCENT", "100%", "村道清扫保洁率"), ("PERCENT", "100%", "村道清扫保洁率"),
        ("PERCENT", "95%", "问题整改及时率"), ("PERCENT", "97%", "问题整改及时率"),
    ]
    assert all(span != "2" for _, span, _ in found)


def test_rows_cut_by_a_page_footer_keep_both_scores():
    text = "\n".join(
        "三级指标 年度指标值 全年实际值 分值 得分".split()
        + ["设备完好率", "100%", "100%", "- 1 -", "10", "10", "故障处理及时率", "≥95%", "98%", "10", "9"]
    )
    assert linked(text) == [
        ("PERCENT", "100%", "设备完好率"), ("PERCENT", "100%", "设备完好率"),
        ("SCORE", "10", "设备完好率"), ("SCORE", "10", "设备完好率"),
        ("PERCENT", "95%", "故障处理及时率"), ("PERCENT", "98%", "故障处理及时率"),
        ("SCORE", "10", "故障处理及时率"), ("SCORE", "9", "故障处理及时率"),
    ]


def test_pipe_rows_whose_header_is_not_in_the_excerpt():
    text = (
        "讲座参与人次 | ≥ | 500 | 人次 | 620 | 5 | 5 |\n| |||\n"
        "可持续影响指标 | 馆藏资源更新机制 | 定性 | 完善 |\n| 完善 | 5 | 5 |\n| ||\n"
        "满意度指标 | 服务对象满意度指标 | 读者满意度 | ≥ | 90 | % | 93 | 5 | 4 |\n"
        "合计 | 100 | 96 |\n"
    )
    assert cells(text) == [
        ("COUNT", "500", 500, "≥", "讲座参与人次"), ("COUNT", "620", 620, None, "讲座参与人次"),
        ("SCORE", "5", 5, None, "讲座参与人次"), ("SCORE", "5", 5, None, "讲座参与人次"),
        ("SCORE", "5", 5, None, "馆藏资源更新机制"), ("SCORE", "5", 5, None, "馆藏资源更新机制"),
        ("PERCENT", "90", 90, "≥", "读者满意度"), ("PERCENT", "93", 93, None, "读者满意度"),
        ("SCORE", "5", 5, None, "读者满意度"), ("SCORE", "4", 4, None, "读者满意度"),
        ("SCORE", "100", 100, None, "合计"), ("SCORE", "96", 96, None, "合计"),
    ]


def test_a_scoring_rule_links_its_figures_to_its_row():
    text = (
        "一级指标分值二级指标分值三级指标分值评价标准得分"
        "过程30资金管理10资金到位率5资金到位率达到100%的，得5分；每低于1个百分点扣0.5分。4"
    )
    assert linked(text) == [
        ("SCORE", "30", "过程"), ("SCORE", "10", "资金管理"), ("SCORE", "5", "资金到位率"),
        ("PERCENT", "100%", "资金到位率"), ("SCORE", "5分", "资金到位率"),
        ("PERCENT", "1个百分点", "资金到位率"), ("SCORE", "0.5分", "资金到位率"), ("SCORE", "4", "资金到位率"),
    ]


def test_every_table_value_carries_its_column_role():
    values = [v for table in find_tables(PIPE_SHEET) for v in table_values(PIPE_SHEET, table)]
    assert [v.role for v in values[:4]] == ["target", "actual", "weight", "score"]
    budget = "项目资金（万元）|年初预算数|全年执行数|执行率\n年度资金总额|10|9|90%\n"
    assert [v.role for t in find_tables(budget) for v in table_values(budget, t)] == ["budget", "executed", "rate"]


def test_an_amount_column_takes_the_unit_line_above_the_table():
    text = "二、支出明细\n单位：元\n项目 | 金额\n办公费 | 3500\n差旅费 | 1,200.50\n合计 | 4700.5\n"
    assert cells(text) == [
        ("MONEY", "3500", 3500, None, "办公费"), ("MONEY", "1,200.50", 1200.5, None, "差旅费"),
        ("MONEY", "4700.5", 4700.5, None, "合计"),
    ]
    assert cells(text.replace("单位：元\n", "")) == []  # no unit anywhere: the kind is not evident

"""The heuristic linker on the guideline's own examples."""

import pytest

from perfeval.tables import find_values
from perfeval.rules.linker import link_values


def linked(text):
    values = find_values(text)
    links = link_values(text, [(v.label, v.start, v.end) for v in values])
    return [(text[v.start:v.end], text[l.start:l.end] if l else None) for v, l in zip(values, links)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "2023年年度预算 2054.25 万元，全年累计\n\n实际开支 1860.77万元，完成预算的 90.6%。",
            [("2054.25 万元", "年度预算"), ("1860.77万元", "实际开支"), ("90.6%", "完成预算")],
        ),
        ("本单位 2023 年总收入 2514.62 万元，同比增加 198.68\n\n万元，增幅 8.58%，",
         [("2514.62 万元", "总收入"), ("198.68\n\n万元", "同比增加"), ("8.58%", "增幅")]),
        ("一般公共预算财政拨款收入 2503.22 万元，占总收入的\n\n99.55%；",
         [("2503.22 万元", "一般公共预算财政拨款收入"), ("99.55%", "占总收入")]),
        ("召开区人民代表大会会议 1次、常委会会议 13次、主任会议 15次",
         [("1次", "区人民代表大会会议"), ("13次", "常委会会议"), ("15次", "主任会议")]),
        ("走访 124 家民营企业，召开座谈会 51 次。", [("124 家", "民营企业"), ("51 次", "座谈会")]),
        ("全年保障了12次常委会会议、14次主任会议的顺利召开", [("12次", "常委会会议"), ("14次", "主任会议")]),
        ("开展 13个方面的专题调研", [("13个", "专题调研")]),
        ("我单位 2023年部门整体绩效自评得分为 98.75分。", [("98.75分", "部门整体绩效自评得分")]),
        ("2.本单位 2023 年总支出 2503.53 万元", [("2503.53 万元", "总支出")]),
        ("接待来访 3批次 7人次", [("3批次", "接待来访"), ("7人次", "接待来访")]),
    ],
)
def test_links(text, expected):
    assert linked(text) == expected


def test_value_with_no_nameable_indicator_stays_unlinked():
    assert linked("，100%。") == [("100%", None)]


def test_indicator_never_overlaps_a_value():
    text = "执行数 605.58 万元 12次会议"
    values = find_values(text)
    spans = [(v.start, v.end) for v in values]
    for link in link_values(text, [(v.label, v.start, v.end) for v in values]):
        if link:
            assert all(link.end <= s or e <= link.start for s, e in spans)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("资金到位率：100%", [("100%", "资金到位率")]),
        ("| 资金到位率 | 100% |", [("100%", "资金到位率")]),
        ("重点工作：一是召开常委会会议 13次", [("13次", "常委会会议")]),
    ],
)
def test_label_separators(text, expected):
    assert linked(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # reporting bodies, scope and time words stay out
        ("我中心2023年接收急救呼救电话15.2万个", [("15.2万个", "接收急救呼救电话")]),
        ("全区儿童免疫规划疫苗接种率达到98.2%", [("98.2%", "儿童免疫规划疫苗接种率")]),
        ("该项目自评得分为96.5分", [("96.5分", "自评得分")]),
        ("每季度开展督导2-3次", [("2", "督导"), ("3次", "督导")]),  # a range: both ends measure it
        # filler verbs go, but 完成 stays before a short object (完成预算)
        ("完成各类上报信息1031条", [("1031条", "上报信息")]),
        ("完成预算的 90.6%", [("90.6%", "完成预算")]),
        # change verbs beyond 增加/下降; the comparison basis stays out
        ("较年初目标高出3个百分点", [("3个百分点", "高出")]),
        ("增幅较上年回落3.1个百分点", [("3.1个百分点", "回落")]),
        # a share named by what is shared
        ("即办件占比68%", [("68%", "即办件占比")]),
        # trailing verbs of level
        ("参保率稳定在96.5%以上", [("96.5%", "参保率")]),
        ("导致预算执行率仅为86.3%", [("86.3%", "预算执行率")]),
        # a short quoted name inside the phrase
        ("“三公”经费支出23.45万元", [("23.45万元", "“三公”经费支出")]),
        # the phrase starts after a year, 累计 or a list's 等 inside the clause
        ("整理2020年文书档案1947件", [("1947件", "文书档案")]),
        ("部署会、座谈会等其他各类会议30余次", [("30余次", "其他各类会议")]),
        ("在平台累计发布新闻信息150余篇", [("150余篇", "发布新闻信息")]),
        ("中等职业学校在校生1200人", [("1200人", "中等职业学校在校生")]),  # 中等 is a word
    ],
)
def test_indicator_phrase_is_trimmed(text, expected):
    assert linked(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # page furniture inside a sentence or between paragraphs is read through
        ("全年累计\n- 3 -\n实际开支 1860.77万元", [("1860.77万元", "实际开支")]),
        (
            "项目支出1,520.36万元。\n\nXX市交通运输局2023年度部门整体支出绩效自评报告\n第 3 页 共 12 页\n\n道路养护里程完成率100%。",
            [("1,520.36万元", "项目支出"), ("100%", "道路养护里程完成率")],
        ),
        ("金额单位：万元\n年初预算数：580.00", [("580.00", "年初预算数")]),
        # a numbered heading line ends its clause
        ("（三）预算执行率\n本年度项目预算执行率为98%", [("98%", "项目预算执行率")]),
        ("2.资金到位情况\n本项目资金到位率100%", [("100%", "资金到位率")]),
    ],
)
def test_page_furniture_and_headings_bound_the_clause(text, expected):
    assert linked(text) == expected


def test_value_whose_clause_names_nothing_links_to_its_heading():
    text = "2.资金使用合规率。\n资金使用符合财务管理制度，达100%。"
    assert linked(text) == [("100%", "资金使用合规率")]


def test_heading_that_is_not_a_measure_is_no_fallback():
    assert linked("一、部门基本情况\n资金均按时到位，达100%。") == [("100%", None)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("决策（15分）：", [("15分", "决策")]),
        ("基本支出1,250.3万元（57.6%）", [("1,250.3万元", "基本支出"), ("57.6%", "基本支出")]),
    ],
)
def test_value_alone_in_brackets(text, expected):
    assert linked(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "基本支出和项目支出分别为320.5万元、186.2万元。",
            [("320.5万元", "基本支出"), ("186.2万元", "项目支出")],
        ),
        (
            "一般公共预算支出执行率和政府性基金支出执行率分别达到97.5%和92.1%。",
            [("97.5%", "一般公共预算支出执行率"), ("92.1%", "政府性基金支出执行率")],
        ),
    ],
)
def test_respectively_lists_pair_names_and_values_in_order(text, expected):
    assert linked(text) == expected


def test_qi_zhong_list():
    text = "全年支出8,912.47万元，其中：基本支出6,103.20万元，项目支出2,809.27万元。"
    assert linked(text) == [("8,912.47万元", "支出"), ("6,103.20万元", "基本支出"), ("2,809.27万元", "项目支出")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("| 培训满意度 | ≥90% | 95% |", [("90%", "培训满意度"), ("95%", "培训满意度")]),  # one row, one name
        ("资金到位率：=100%", [("100%", "资金到位率")]),
    ],
)
def test_row_values_share_the_row_name(text, expected):
    assert linked(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("预算执行率未达100%", [("100%", "预算执行率")]),
        ("下属事业单位4个", [("4个", "事业单位")]),
        ("全街道拨付240万元", [("240万元", "拨付")]),
        ("完成年度目标的125%", [("125%", "完成年度目标")]),  # a ratio keeps 完成
        ("项目验收合格率目标值为≥95%", [("95%", "项目验收合格率")]),
        ("群众投诉年度指标值≤9 件", [("9 件", "群众投诉")]),  # a trailing time word goes
        ("安全责任事故年度目标≤4起", [("4起", "安全责任事故")]),
    ],
)
def test_more_trimming(text, expected):
    assert linked(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("组织召开专题会议28次", [("28次", "专题会议")]),
        ("组织生活会4次", [("4次", "组织生活会")]),  # 组织 is part of the name here
        ("城乡义务教育学生营养改善计划项目资金总额1,286.50万元", [("1,286.50万元", "资金总额")]),
        ("项目预算执行率95%", [("95%", "项目预算执行率")]),  # no project name before 项目
        ("决策得16.9分", [("16.9分", "决策")]),
    ],
)
def test_verbs_and_project_names(text, expected):
    assert linked(text) == expected


def test_generic_phrase_takes_the_measure_of_its_sentence():
    text = "2、预算执行率(10分)：实际完成94.24%，得分4.8分。"
    assert linked(text) == [("10分", "预算执行率"), ("94.24%", "预算执行率"), ("4.8分", "预算执行率")]


def test_generic_phrase_does_not_reach_into_the_next_sentence():
    assert linked("预算执行率(10分)。得分4.8分。") == [("10分", "预算执行率"), ("4.8分", "得分")]


def test_clause_naming_nothing_does_not_inherit():
    assert linked("全部选区一次选举成功率100%，选民参选率95%，由群众投票，达100%")[-1] == ("100%", None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("资助标准为每生每年1,000元", [("1,000元", "资助标准")]),
        ("社区工作经费按每个社区每年20万元标准拨付", [("20万元", "社区工作经费")]),
        ("每千人口拥有医师3.2人", [("3.2人", "每千人口拥有医师")]),  # 每 at the start stays
    ],
)
def test_per_unit_phrase_stays_outside(text, expected):
    assert linked(text) == expected

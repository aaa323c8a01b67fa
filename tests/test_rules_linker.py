"""The heuristic linker on the guideline's own examples."""

import pytest

from perfeval.rules import find_values
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

"""The value grammar: each rule's positive and negative cases (ANNOTATION.md section 2)."""

import json

import pytest

import perfeval
from perfeval.tables import find_values


def spans(text):
    return [(v.label, text[v.start:v.end]) for v in find_values(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("年度预算 2054.25 万元", [("MONEY", "2054.25 万元")]),
        ("工资福利费用 1,519.36\n\n万元，", [("MONEY", "1,519.36\n\n万元")]),
        ("实际开支 1860.77万\n元，", [("MONEY", "1860.77万\n元")]),  # a unit wrapped by the line break
        ("总额３，０８９.８万元", [("MONEY", "３，０８９.８万元")]),
        ("共３，１５次", [("COUNT", "１５次")]),  # not a digit group: a clause comma
        ("总额３０８９.８万元", [("MONEY", "３０８９.８万元")]),
        ("投资 1.2亿元，其中 350千元、800元", [("MONEY", "1.2亿元"), ("MONEY", "350千元"), ("MONEY", "800元")]),
        ("完成预算的 90.6%。", [("PERCENT", "90.6%")]),
        ("满意度９５％", [("PERCENT", "９５％")]),
        ("较去年提高 13.%，", [("PERCENT", "13.%")]),
        ("提高 2.64个百分点", [("PERCENT", "2.64个百分点")]),
        ("达到百分之九十五", [("PERCENT", "百分之九十五")]),
        ("召开常委会会议 13次", [("COUNT", "13次")]),
        ("任免国家机关工作人员 119 名", [("COUNT", "119 名")]),
        ("收集反馈意见建议 100余条", [("COUNT", "100余条")]),
        ("各类综合性文稿350多篇", [("COUNT", "350多篇")]),
        ("抓实十件民生实事", [("COUNT", "十件")]),
        ("服务 1.2万人次", [("COUNT", "1.2万人次")]),
        ("自评结果为 98.1分，", [("SCORE", "98.1分")]),
        ("预算执行情况（10分）", [("SCORE", "10分")]),
        ("会议 1\n\n- 4 -\n\n次", [("COUNT", "1\n\n- 4 -\n\n次")]),
    ],
)
def test_values_found(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "区十七届人大三次会议代表议案",  # a meeting's name
        "根据《代表法》第三十七条规定",
        "全面落实省“1310”具体部署",
        "督办12345市民热线工单",
        "指标1，选举任务",
        "任务 3：年初目标",
        " 附件 2\n",
        "筹划开展庆祝建党 102周年活动",
        "坚决做到两个维护，争创四个机关",
        "一步一个脚印推动理论学习",
        "1.在本行政区域内",
        "（一）部门职能",
        "联系电话：020-83123456",
        "\n- 4 -\n",
        "2023年5月12日",
        "全天24小时联系代表",
        "新建场地 1000㎡",
        "“十四五”规划",
        "形成了《人大常委会千家民营企业调研报告》",
        "落实中央八项规定精神",
    ],
)
def test_not_values(text):
    assert spans(text) == []


def test_implied_money_unit_from_sibling():
    text = "项目预算数 628.67 万元，执行数\n\n605.58，项目支出完成率 96.33%"
    found = find_values(text)
    bare = next(v for v in found if text[v.start:v.end] == "605.58")
    assert (bare.label, bare.value, bare.unit) == ("MONEY", 6055800, "元")


def test_bare_number_without_money_sibling_is_not_a_value():
    assert spans("执行数 605.58，情况良好") == []


def test_count_implied_by_counted_word():
    found = find_values("安全保障事故发生次数为0。")
    assert [(v.label, v.value, v.unit) for v in found] == [("COUNT", 0, "次")]


@pytest.mark.parametrize(
    "text, qualifier, approximate",
    [
        ("覆盖面达90%以上", "以上", False),
        ("执行率超过 95%", "超过", False),
        ("满意度≥90%", "≥", False),
        ("满意度不低于 85%", "不低于", False),
        ("接收来文约2860件", None, True),
        ("调研近20次", None, True),
        ("会议30次左右", None, True),
    ],
)
def test_qualifiers_stay_outside(text, qualifier, approximate):
    (v,) = find_values(text)
    assert text[v.start:v.end][0].isdigit()
    assert (v.qualifier, v.approximate) == (qualifier, approximate)


def test_skip_spans_are_ignored():
    text = "页眉 12次\n正文 13次"
    assert [text[v.start:v.end] for v in find_values(text, skip=[(0, 6)])] == ["13次"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("预算执行率为97.\n8%。", [("PERCENT", "97.\n8%", 97.8)]),  # decimal part on the next line
        ("开展督导2-3次", [("COUNT", "2", 2), ("COUNT", "3次", 3)]),  # a range: two values
        ("召开联席会议4至6次", [("COUNT", "4", 4), ("COUNT", "6次", 6)]),
        ("项目预算50万，实际支出48.6万。", [("MONEY", "50万", 500000), ("MONEY", "48.6万", 486000)]),
        ("投入资金1.2亿。", [("MONEY", "1.2亿", 120000000)]),
        ("派车6.8万车次", [("COUNT", "6.8万车次", 68000)]),
        ("金额单位：万元\n年初预算数：580.00", [("MONEY", "580.00", 5800000)]),  # unit declared above
        ("分为三类。", [("COUNT", "三类", 3)]),
        ("更新路灯326盏、诊室12间", [("COUNT", "326盏", 326), ("COUNT", "12间", 12)]),
        ("检定计量器具13614台件", [("COUNT", "13614台件", 13614)]),
        ("72.45 — 94.95%", [("PERCENT", "94.95%", 94.95)]),  # a spaced dash is an empty cell, not a range
        ("资产总额1,236.8\n— 5 —\n万元", [("MONEY", "1,236.8\n— 5 —\n万元", 12368000)]),
        ("资产总额1,236.8\n第 5 页 共 12 页\n万元", [("MONEY", "1,236.8\n第 5 页 共 12 页\n万元", 12368000)]),
        ("执行数为326.9万元，结余1.6。", [("MONEY", "326.9万元", 3269000), ("MONEY", "1.6", 16000)]),
    ],
)
def test_values_found_beyond_the_shared_reports(text, expected):
    assert [(v.label, text[v.start:v.end], v.value) for v in find_values(text)] == expected


def test_range_ends_are_exact_values_in_the_second_ends_unit():
    low, high = find_values("每年补助10~20万元")
    assert (low.value, low.unit, low.approximate) == (100_000, "元", False)
    assert (high.value, high.unit, high.approximate) == (200_000, "元", False)


@pytest.mark.parametrize(
    "text",
    [
        "预算执行期为2021-2023年",
        "联系电话0755-88123456。",
        "1.\n2.资金到位情况",
        "惠及群众12.6万，",  # 万 without 元 outside a money clause
        "四类以上危桥",  # a grade
        "5个工作日内办结",  # a duration
        "全天3个小时值守",
        "综合排名前3位",  # a rank
        "压实两个责任",  # a fixed phrase
        "上述两项合计",  # a reference back, not a count
        "根据X财绩〔2023〕15号文件",
        "第 3 页 共 12 页",
    ],
)
def test_not_values_beyond_the_shared_reports(text):
    assert spans(text) == []


def test_a_range_dash_is_not_a_sign():
    text = "增幅20%-30%，差额为-35.6万元"
    assert [(text[v.start:v.end], v.value) for v in find_values(text)] == [("20%", 20), ("30%", 30), ("-35.6万元", -356_000)]


def test_a_direction_word_keeps_the_number_positive_and_says_so():
    (down,) = find_values("较上年减少120万元")
    (up,) = find_values("同比增长8.58%")
    (level,) = find_values("执行率下降至80%")
    assert (down.value, down.direction) == (1_200_000, "decrease")
    assert (up.value, up.direction) == (8.58, "increase")
    assert (level.value, level.direction) == (80, None)


def test_absurd_numbers_give_no_value_and_no_infinity():
    text = "资金" + "9" * 400 + "万元，另有25867048719552亿元"
    assert find_values(text) == []
    for record in perfeval.extract(text, rules_only=True).records:
        json.dumps(record.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    "text, span, value",
    [
        # each was found with a value off by a power of ten, or cut
        ("项目资金三千五百万元", "三千五百万元", 35_000_000),
        ("补助一万二千元", "一万二千元", 12_000),
        ("拨付二十万零五千元", "二十万零五千元", 205_000),
        ("投入一百零一万一千元", "一百零一万一千元", 1_011_000),
        ("单价零点五元", "零点五元", 0.5),
        ("预算一百二十三点四五万元", "一百二十三点四五万元", 1_234_500),
        ("达到百分之五 十", "百分之五 十", 50),
    ],
)
def test_chinese_numerals_are_read_whole(text, span, value):
    (v,) = find_values(text)
    assert (text[v.start:v.end], v.value) == (span, value)

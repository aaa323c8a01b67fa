from decimal import Decimal

import pytest

from perfeval.rules import Normalized, normalize
from perfeval.rules.normalize import direction_before, money_unit, parse_numeral


@pytest.mark.parametrize(
    "label, text, value, unit, approximate",
    [
        ("MONEY", "2054.25 万元", 20542500, "元", False),
        ("MONEY", "1,519.36\n\n万元", 15193600, "元", False),
        ("MONEY", "1.2亿元", 120000000, "元", False),
        ("MONEY", "350千元", 350000, "元", False),
        ("MONEY", "８００元", 800, "元", False),
        ("MONEY", "五百万元", 5000000, "元", False),
        ("PERCENT", "90.6%", 90.6, "%", False),
        ("PERCENT", "13.%", 13, "%", False),
        ("PERCENT", "９５％", 95, "%", False),
        ("PERCENT", "2.64个百分点", 2.64, "百分点", False),
        ("PERCENT", "百分之九十五", 95, "%", False),
        ("PERCENT", "-3.2%", -3.2, "%", False),
        ("COUNT", "100余条", 100, "条", True),
        ("COUNT", "350多篇", 350, "篇", True),
        ("COUNT", "十件", 10, "件", False),
        ("COUNT", "十余篇", 10, "篇", True),
        ("COUNT", "百条", 100, "条", False),
        ("COUNT", "1.2万人次", 12000, "人次", False),
        ("COUNT", "1634人次", 1634, "人次", False),
        ("SCORE", "98.75分", 98.75, "分", False),
    ],
)
def test_normalize(label, text, value, unit, approximate):
    n = normalize(label, text)
    assert (n.value, n.unit, n.approximate) == (value, unit, approximate)


def test_implied_unit_for_bare_numbers():
    assert normalize("MONEY", "605.58", implied_unit="万元").value == 6055800
    assert normalize("COUNT", "0", implied_unit="次").unit == "次"


def test_bare_money_without_unit_has_no_value():
    assert normalize("MONEY", "605.58").value is None


def test_unparseable_span():
    assert normalize("COUNT", "若干").value is None


@pytest.mark.parametrize("text, value", [("50万", 500000), ("1.2亿", 120000000), ("300余万元", 3000000)])
def test_money_with_yuan_left_out(text, value):
    assert normalize("MONEY", text).value == value


def test_range_in_one_span_normalises_to_its_lower_bound():
    assert normalize("COUNT", "2-3次") == Normalized(2, "次", True)
    assert normalize("MONEY", "10~20万元") == Normalized(100_000, "元", True)


@pytest.mark.parametrize(
    "text, value",
    [
        # a trailing 千 / 百 of the numeral was read as part of the unit (千万元, 百万元): off by 10^2 .. 10^3
        ("三千五百万元", 35_000_000),
        ("一万二千元", 12_000),
        ("二十万零五千元", 205_000),
        ("一百零一万一千元", 1_011_000),
        ("两千万元", 20_000_000),
    ],
)
def test_chinese_numerals_are_never_off_by_a_power_of_ten(text, value):
    assert normalize("MONEY", text).value == value


@pytest.mark.parametrize(
    "label, text, value, unit",
    [
        ("PERCENT", "百分之五 十", 50, "%"),
        ("PERCENT", "一点五个百分点", 1.5, "百分点"),
        ("PERCENT", "千分之三", 0.3, "%"),
        ("PERCENT", "万分之一", 0.01, "%"),
        ("PERCENT", "九成", 90, "%"),
        ("PERCENT", "负3.9%", -3.9, "%"),
        ("MONEY", "负10000元", -10_000, "元"),
        ("MONEY", "壹万贰仟元整", 12_000, "元"),
        ("MONEY", "3万4000元", 34_000, "元"),
        ("MONEY", "1亿2000万元", 120_000_000, "元"),
        ("MONEY", "12.5万余元", 125_000, "元"),
        ("MONEY", "￥3,500.00", 3_500, "元"),
        ("MONEY", "2元5角6分", 2.56, "元"),
        ("MONEY", "壹萬貳仟元", 12_000, "元"),  # traditional characters
        ("SCORE", "九十五分", 95, "分"),
        ("COUNT", "三千 五百人", 3_500, "人"),  # letter-spaced
    ],
)
def test_numeral_forms(label, text, value, unit):
    n = normalize(label, text)
    assert (n.value, n.unit) == (value, unit)


def test_money_is_exact_to_the_fen():
    assert normalize("MONEY", "9175.28亿元").value == 917_528_000_000  # was 917528000000.0001
    assert normalize("MONEY", "1.23456789万元").value == 12_345.68
    assert normalize("MONEY", "0.29万元").value == 2_900
    assert type(normalize("MONEY", "2054.25 万元").value) is int


@pytest.mark.parametrize(
    "label, text",
    [
        ("MONEY", "9" * 400 + "万元"),  # was inf, written as Infinity by the CLI
        ("MONEY", "25867048719552亿元"),  # was 2.59e21, beyond int64
        ("PERCENT", "12345678901234567890%"),
        ("COUNT", "9" * 30 + "次"),
    ],
)
def test_absurd_values_have_no_value(label, text):
    assert normalize(label, text) == Normalized(None, "", False)


def test_zero_width_characters_inside_a_number_are_ignored():
    assert normalize("MONEY", "1\u200b00万元").value == 1_000_000  # was 0 (read as 00万元)
    assert normalize("MONEY", "00万元").value is None  # a leading zero is no amount


def test_a_value_without_a_number_has_no_unit_either():
    assert normalize("MONEY", "1.") == Normalized(None, "", False)
    assert normalize("COUNT", "两三次").value is None  # "two or three": no single figure
    assert normalize("MONEY", "万元").value is None  # a unit alone (a table header's)
    assert normalize("MONEY", "万余元") == Normalized(10_000, "元", True)
    assert normalize("COUNT", "百条").value == 100  # 近百条: one is left out


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("1,519.36", Decimal("1519.36")),
        ("12.5万", Decimal("125000")),
        ("350千", Decimal("350000")),
        ("三千五百万", Decimal("35000000")),
        ("一百二十三点四五万", Decimal("1234500")),
        ("25万6千", Decimal("256000")),
        ("百", Decimal("100")),
        ("一二三", None),
        ("00", None),
        ("1,5", None),
    ],
)
def test_parse_numeral(numeral, value):
    assert parse_numeral(numeral) == value


@pytest.mark.parametrize(
    "text, unit",
    [("2054.25 万元", "万元"), ("350千元", "千元"), ("50万", "万元"), ("三千五百万元", "万元"), ("一万二千元", "元"),
     ("￥300", "元"), ("605.58", None), ("1860.77万\n元", "万元")],
)
def test_money_unit(text, unit):
    assert money_unit(text) == unit


@pytest.mark.parametrize(
    "text, direction",
    [("同比下降", "decrease"), ("较上年减少了", "decrease"), ("调减", "decrease"), ("降幅为", "decrease"),
     ("比上年增长约", "increase"), ("调增", "increase"), ("下降至", None), ("提高到", None), ("完成预算的", None)],
)
def test_direction_before(text, direction):
    assert direction_before(text + "3%", len(text)) == direction

import pytest

from perfeval.rules import normalize


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


def test_range_normalises_to_its_lower_bound():
    assert normalize("COUNT", "2-3次").value == 2

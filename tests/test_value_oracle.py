"""Oracle property test of the value grammar: generated amounts, written the ways reports write them.

An amount (integer or decimal, in 元, 万元 or 亿元) is drawn, written in Arabic digits (with or
without digit groups), in Chinese numerals (small or financial, spelled by this test's own
writer), mixed (``3万4000元``) or with 余 / 多, with the line breaks and spaces PDF text puts
inside. The rule layer must find exactly one MONEY value, of exactly the generated amount; where
cn2an reads the written numeral, it must agree too. Being off by a power of ten, or by float
noise, fails.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import cn2an
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.tables import find_values
from perfeval.rules.normalize import MAX_ABS_VALUE

SMALL = "零一二三四五六七八九"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
SCALES = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


def _chinese_group(n: int, digits: str, positions: str) -> str:
    """``0 < n < 10000`` in Chinese numerals: 1005 -> 一千零五."""
    out, zero = "", False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + positions[power]
    return out


def chinese(n: int, financial: bool = False, short_ten: bool = False) -> str:
    """``0 <= n < 10**12`` in Chinese numerals (二十万零五千, 壹万贰仟); ``short_ten``: 十五, not 一十五."""
    digits, positions = (FINANCIAL, "零拾佰仟") if financial else (SMALL, "零十百千")
    positions = " " + positions[1:]
    if n == 0:
        return digits[0]
    out, gap = "", False
    for value, name in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += digits[0]
        out += _chinese_group(value, digits, positions).replace(" ", "") + name
        gap = False
    if short_ten and out.startswith(digits[1] + positions[1]):
        out = out[1:]
    return out


def _decimal_text(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount != amount.to_integral_value() else str(int(amount))


def expected(amount: Decimal, unit: str) -> int | float:
    value = amount * SCALES[unit]
    return int(value) if value == value.to_integral_value() else float(value)


breaks = st.sampled_from(["", " ", "\n", " \n", "\n\n"])


@st.composite
def amounts(draw: st.DrawFn, unit: str) -> Decimal:
    """An amount in ``unit``, integer or to the hundredth, at most 10^14 元."""
    whole = draw(st.integers(min_value=1, max_value=min(10**11, 10**14 // SCALES[unit])))
    return Decimal(whole) + (Decimal(draw(st.integers(0, 99))) / 100 if draw(st.booleans()) else 0)


@st.composite
def written(draw: st.DrawFn) -> tuple[str, int | float, str | None, int]:
    """``(the amount as written, its value in 元, the numeral as cn2an should read it or None, the
    scale cn2an's reading is multiplied by)``."""
    unit = draw(st.sampled_from(list(SCALES)))
    amount = draw(amounts(unit))
    form = draw(st.sampled_from(["arabic", "grouped", "chinese", "financial", "mixed", "approximate"]))
    gap = draw(breaks)
    multiplier, yuan = unit[:-1], unit[-1]
    if form in ("arabic", "grouped"):
        number = _decimal_text(amount)
        if form == "grouped":
            whole, _, fraction = number.partition(".")
            number = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        numeral = None if form == "grouped" else number
        text = f"{number}{gap}{multiplier}{gap if multiplier else ''}{yuan}"
        return text, expected(amount, unit), numeral, SCALES[unit]
    if form in ("chinese", "financial"):
        whole = (int(amount) % 10**4 or 1) if multiplier else int(amount)  # 三千五百万元, never 一万万元
        amount = whole + amount - int(amount)
        fraction = _decimal_text(amount - whole)[2:] if amount != whole else ""
        digits = FINANCIAL if form == "financial" else SMALL
        numeral = chinese(whole, form == "financial", short_ten=draw(st.booleans()))
        numeral += "点" + "".join(digits[int(d)] for d in fraction) if fraction else ""
        spaced = " ".join(numeral) if draw(st.booleans()) else numeral  # PDF letter-spacing
        return f"{spaced}{gap}{unit}", expected(amount, unit), numeral, SCALES[unit]
    if form == "mixed":  # 3万4000元: up to four digits, 万, four digits
        wan, rest = int(amount) % 10**4 or 1, draw(st.integers(min_value=1000, max_value=9999))
        numeral = f"{wan}万{rest}"
        return f"{numeral}元", wan * 10_000 + rest, numeral, 1
    whole = int(amount)  # 300余万元, 12多元: approximate, the round number
    marker = draw(st.sampled_from("余多"))
    return f"{whole}{marker}{unit}", expected(Decimal(whole), unit), None, 1


@settings(max_examples=400, deadline=None)
@given(written())
def test_generated_amounts_are_read_exactly(case: tuple[str, int | float, str | None, int]) -> None:
    amount_text, value, numeral, scale = case
    text = f"项目资金{amount_text}，"
    found = [(v.label, text[v.start:v.end], v.value) for v in find_values(text)]
    assert found == [("MONEY", amount_text, value)]
    assert type(found[0][2]) is type(value)  # 2054.25万元 is the int 20542500, never 20542500.0
    if numeral is not None:  # cn2an reads the numeral alone: 一百二十三点四五, then times 万
        assert Decimal(repr(cn2an.cn2an(numeral, "smart"))) * scale == Decimal(repr(value))


def test_the_oracle_writes_chinese_numerals_as_reports_do() -> None:
    assert chinese(35_000_000) == "三千五百万"
    assert chinese(205_000) == "二十万五千"
    assert chinese(200_500) == "二十万零五百"
    assert chinese(1_011_000) == "一百零一万一千"
    assert chinese(100_056, financial=True, short_ten=True) == "拾万零伍拾陆"
    assert chinese(300_000_005) == "三亿零五"


NUMERIC_NOISE = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789.,万亿千百元%‰次分余多负-十一九\u200b\u00a0 \n")), max_size=60),
    st.tuples(  # long digit runs before a unit: 9999…万元
        st.text(alphabet=st.sampled_from(list("0123456789\u200b")), min_size=1, max_size=40),
        st.sampled_from(["万元", "亿元", "元", "%", "‰", "次", "万人次", "分", "个百分点"]),
    ).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(NUMERIC_NOISE)
def test_values_stay_sane(text: str) -> None:
    """Any run of digits, multipliers and units gives finite values within bounds, or none."""
    for v in find_values(text):
        assert v.value is not None and abs(v.value) <= MAX_ABS_VALUE
        assert math.isfinite(v.value)
        json.dumps(v.value, allow_nan=False)

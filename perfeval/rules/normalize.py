"""Normalisation of value spans (ANNOTATION.md section 5).

``MONEY`` in 元, ``PERCENT`` in percent (or in points for 百分点), ``COUNT`` as the
count with its measure word, ``SCORE`` in points. Chinese numerals go through cn2an.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

COUNT_UNITS: tuple[str, ...] = (
    "人次", "人日", "台件", "车次", "班次", "架次", "条次", "家次", "项次", "批次", "场次", "件次", "户次", "个", "次", "名", "人",
    "件", "项", "家", "条", "篇", "份", "期", "场", "批", "所", "座", "宗", "部", "类", "套", "台",
    "辆", "户", "位", "册", "封", "起", "例", "种", "处", "张", "轮", "节", "栋", "艘", "架", "株",
    "首", "幅", "笔", "盏", "间", "棵", "块", "只", "头",
)
_COUNT_UNITS_LONGEST_FIRST = sorted(COUNT_UNITS, key=len, reverse=True)
_DIGIT = re.compile(r"\d")
MONEY_SCALE = {
    "元": 1, "千元": 1_000, "万元": 10_000, "百万元": 1_000_000, "千万元": 10_000_000,
    "亿元": 100_000_000, "万亿元": 1_000_000_000_000,
}
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９％．＋－−＞＜＝",
    "0123456789%.+--><=",
)
_WHITESPACE = re.compile(r"\s+")
# a page number line that PDF text leaves inside a figure: ``- 3 -``, ``— 3 —``, ``第 3 页 共 12 页``
PAGE_NUMBER = r"(?:[-—–][ \t]*\d{1,4}[ \t]*[-—–]|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?)"
_PAGE_LINE = re.compile(rf"\n\s*{PAGE_NUMBER}\s*\n")
_CN_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")
_AR_NUM = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d*)?")

_QUALIFIER_BEFORE = re.compile(
    r"(不低于|不少于|不高于|不超过|不大于|不小于|超过|高于|低于|大于|小于|多于|少于|逾|>=|<=|≥|≤|>|<|=)[ \t]*$"
)
_QUALIFIER_AFTER = re.compile(r"^[ \t]*(及以上|及以下|以上|以下|以内|之内)")
_APPROX_BEFORE = re.compile(r"(大约|将近|接近|约|近)[ \t]*$")
_APPROX_AFTER = re.compile(r"^[ \t]*(左右|上下)")


@dataclass
class Normalized:
    value: float | int | None
    unit: str
    approximate: bool = False


_FULLWIDTH_CHAR = re.compile("[０-９％．＋－−＞＜＝]")  # the keys of _FULLWIDTH
_FULLWIDTH_GROUP_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")


def same_length_view(text: str) -> str:
    """``text`` with full-width digits, signs and digit-group commas mapped to ASCII.

    Every replacement is one code point for one, so offsets are unchanged.
    """
    # a sub over the few mapped characters is much faster than str.translate on long text
    mapped = _FULLWIDTH_CHAR.sub(lambda m: chr(_FULLWIDTH[ord(m.group())]), text)
    return _FULLWIDTH_GROUP_COMMA.sub(",", mapped) if "，" in mapped else mapped


def _number(s: str) -> float | int | None:
    """The number written in ``s`` (Arabic with separators, or Chinese numerals)."""
    m = _AR_NUM.search(s)
    if m:
        raw = m.group().replace(",", "").replace("−", "-").rstrip(".")
        try:
            value = float(raw)
        except ValueError:
            return None
        return int(value) if value.is_integer() and "." not in raw else value
    m = _CN_NUM.search(s)
    if not m:
        return None
    numeral = m.group()
    if numeral[0] in "十百千万亿":
        numeral = ("一" + numeral) if numeral[0] != "十" else numeral
    try:
        return cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError):
        return None


def _tidy(value: float) -> float | int:
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


_MONEY_UNIT = re.compile(r"(万亿元|亿元|千万元|百万元|万元|千元|元)")


def money_unit(span_text: str) -> str | None:
    """The currency unit written in a MONEY span (万元, 亿元, …), or None for a bare amount."""
    m = _MONEY_UNIT.search(span_text)
    return m.group(1) if m else None


# ``50万`` / ``1.2亿`` in a money span: 元 left out
_SHORT_MONEY_UNIT = {"万": "万元", "亿": "亿元"}


def _unit(compact: str, label: str, implied_unit: str | None) -> str | None:
    if label == "MONEY":
        return money_unit(compact) or implied_unit or _SHORT_MONEY_UNIT.get(compact[-1:])
    if label == "PERCENT":
        if compact.endswith("百分点"):
            return "百分点"
        return "%" if (compact.endswith(("%", "‰")) or compact.startswith("百分之") or implied_unit) else implied_unit
    if label == "SCORE":
        return "分"
    for unit in _COUNT_UNITS_LONGEST_FIRST:
        if compact.endswith(unit):
            return unit
    return implied_unit


def normalize(label: str, span_text: str, implied_unit: str | None = None) -> Normalized:
    """Normalise one value span; ``implied_unit`` is the unit a bare number borrows.

    >>> normalize("MONEY", "2054.25 万元")
    Normalized(value=20542500, unit='元', approximate=False)
    >>> normalize("COUNT", "100余条")
    Normalized(value=100, unit='条', approximate=True)
    """
    compact = _WHITESPACE.sub("", _PAGE_LINE.sub("", same_length_view(span_text)))
    approximate = "余" in compact or "多" in compact
    unit = _unit(compact, label, implied_unit)
    if label == "PERCENT" and compact.startswith("百分之"):
        number = _number(compact[3:])
    else:
        written_unit = unit if unit and unit != implied_unit and compact.endswith(unit) else ""
        number = _number(compact[: len(compact) - len(written_unit)])
    if number is None:
        return Normalized(None, implied_unit or "", approximate)
    if label == "MONEY":
        scale = MONEY_SCALE.get(unit or "")
        if scale is None:
            return Normalized(None, "元", approximate)
        return Normalized(_tidy(number * scale), "元", approximate)
    if label == "PERCENT" and compact.endswith("‰"):
        return Normalized(_tidy(number / 10), "%", approximate)
    if label == "COUNT":
        digits_end = compact.find(unit) if unit else len(compact)
        head = compact[:digits_end] if digits_end > 0 else compact
        if _DIGIT.search(head) and ("万" in head or "亿" in head):
            number = number * (100_000_000 if "亿" in head else 10_000)
        return Normalized(_tidy(number), unit or "", approximate)
    return Normalized(_tidy(number), unit or "", approximate)


def qualifiers_around(text: str, start: int, end: int) -> tuple[bool, str | None]:
    """``(approximate, qualifier)`` from the words right around a value span."""
    before = text[max(0, start - 6):start]
    after = text[end:end + 6]
    approximate = bool(_APPROX_BEFORE.search(before) or _APPROX_AFTER.search(after))
    m = _QUALIFIER_BEFORE.search(before) or _QUALIFIER_AFTER.search(after)
    return approximate, (m.group(1) if m else None)

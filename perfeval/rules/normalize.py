"""Normalisation of value spans (ANNOTATION.md section 5).

``MONEY`` in 元, ``PERCENT`` in percent (or in points for 百分点), ``COUNT`` as the count with its
measure word, ``SCORE`` in points.

Who reads what:

- **cn2an** reads the numeral whenever Chinese numerals are in it: small and financial digits
  (三千五百, 壹万贰仟), 零 and 两, decimals with 点 (零点五), and Arabic digits mixed with 万 / 亿 /
  千 / 百 sections (3万4000, 25万6千, 1亿2000万).
- **perfeval** reads everything around the numeral: Arabic digits with grouping commas; a decimal
  times a trailing multiplier (12.5万, 一百二十三点四五万, which cn2an rejects), done here in exact
  decimal arithmetic; the units, 余 / 多, 元整 and 元角分; signs (负, -, −); 百分之 / 千分之 / 万分之,
  ‰ and 成; line breaks, page-number lines, letter-spacing and zero-width characters inside a
  span; and the sanity of the result: a value is rounded to its unit's precision (元 to the fen)
  and one beyond :data:`MAX_ABS_VALUE` is no value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from math import prod

import cn2an

COUNT_UNITS: tuple[str, ...] = (
    "人次", "人日", "台件", "车次", "班次", "架次", "条次", "家次", "项次", "批次", "场次", "件次", "户次", "个", "次", "名", "人",
    "件", "项", "家", "条", "篇", "份", "期", "场", "批", "所", "座", "宗", "部", "类", "套", "台",
    "辆", "户", "位", "册", "封", "起", "例", "种", "处", "张", "轮", "节", "栋", "艘", "架", "株",
    "首", "幅", "笔", "盏", "间", "棵", "块", "只", "头",
)
_COUNT_UNITS_LONGEST_FIRST = sorted(COUNT_UNITS, key=len, reverse=True)

# Larger than any budget figure (1000万亿元 is ten times China's GDP): a value beyond it is a
# misreading (a run of digits, a garbled cell), never a figure; it also keeps values inside int64.
MAX_ABS_VALUE = Decimal(10) ** 15
_FEN = Decimal("0.01")

# One code point for one, so that offsets into the view are offsets into the text: full-width
# digits and signs, and the traditional forms of the numeral and unit characters.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９％．＋－−＞＜＝萬億個點兩倆負貳陸參",
    "0123456789%.+--><=万亿个点两两负贰陆叁",
)
_FULLWIDTH_CHAR = re.compile("[０-９％．＋－−＞＜＝萬億個點兩倆負貳陸參]")  # the keys of _FULLWIDTH
_FULLWIDTH_GROUP_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # invisible characters that PDF and web text leave inside numbers
_WHITESPACE = re.compile(rf"[\s{ZERO_WIDTH}]+")
# a page number line that PDF text leaves inside a figure: ``- 3 -``, ``— 3 —``, ``第 3 页 共 12 页``
PAGE_NUMBER = r"(?:[-—–][ \t]*\d{1,4}[ \t]*[-—–]|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?)"
_PAGE_LINE = re.compile(rf"\n\s*{PAGE_NUMBER}\s*\n")

MULTIPLIERS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1_000, "仟": 1_000, "万": 10_000, "亿": 100_000_000}
CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
CN_NUMERALS = CN_DIGITS + "".join(MULTIPLIERS)
_ARABIC = re.compile(r"(?!0\d)\d+(?:,\d{3})*(?:\.\d*)?|\.\d+")
_ARABIC_SCALED = re.compile(rf"(?P<head>{_ARABIC.pattern})(?P<scale>[千百万亿]+)")
_CHINESE_DECIMAL_SCALED = re.compile(rf"(?P<head>[{CN_NUMERALS}]+点[{CN_DIGITS}]+)(?P<scale>[万亿]+)")
_CHINESE_DIGIT_RUN = re.compile(rf"[{CN_DIGITS}]{{2,}}(?:点.*)?")  # 一二三, 两三: a code or "two or three"
_SIGN = re.compile(r"^(负|-|\+)")
# a range written inside one span (a model's span ``2-3次``): its lower end is read
_RANGE_DASH = re.compile(rf"(?<=[\d{CN_NUMERALS}%‰])[-~～〜至到–—](?=[\d{CN_NUMERALS}])")

_QUALIFIER_BEFORE = re.compile(
    r"(不低于|不少于|不高于|不超过|不大于|不小于|超过|高于|低于|大于|小于|多于|少于|逾|>=|<=|≥|≤|>|<|=)[ \t]*$"
)
_QUALIFIER_AFTER = re.compile(r"^[ \t]*(及以上|及以下|以上|以下|以内|之内)")
_APPROX_BEFORE = re.compile(r"(大约|将近|接近|约|近)[ \t]*$")
_APPROX_AFTER = re.compile(r"^[ \t]*(左右|上下)")
# a change verb right before the value; 至 / 到 / 为 after a verb give the level reached instead
_DIRECTION_BEFORE = re.compile(
    r"(?:(?P<down>负增长|下降|减少|降低|调减|压减|缩减|下调|回落|降幅|减幅)|(?P<up>增长|增加|提高|上升|调增|上调|提升|递增|增幅|涨幅))"
    r"(?:了|(?<=幅)(?:为|达|是))?[ \t]*(?:大约|约|近|超过|逾)?[ \t]*$"
)


@dataclass
class Normalized:
    value: float | int | None
    unit: str
    approximate: bool = False


def same_length_view(text: str) -> str:
    """``text`` with full-width digits and signs, digit-group commas and the traditional forms of
    numeral and unit characters (萬, 億, 個, 點, 兩, 負, …) mapped to their plain forms.

    Every replacement is one code point for one, so offsets are unchanged.
    """
    # a sub over the few mapped characters is much faster than str.translate on long text
    mapped = _FULLWIDTH_CHAR.sub(lambda m: chr(_FULLWIDTH[ord(m.group())]), text)
    return _FULLWIDTH_GROUP_COMMA.sub(",", mapped) if "，" in mapped else mapped


def _compact(span_text: str) -> str:
    """The span as one run of characters: view-mapped, page-number lines, whitespace and
    zero-width characters removed (``1,519.36⏎⏎万元`` -> ``1,519.36万元``)."""
    return _WHITESPACE.sub("", _PAGE_LINE.sub("", same_length_view(span_text)))


def _scale(multipliers: str) -> int:
    return prod(MULTIPLIERS[c] for c in multipliers)


def _from_cn2an(numeral: str) -> Decimal | None:
    """cn2an's reading of a numeral, exactly: the whole part and each digit after 点 are read
    apart, so that no float stands between the text and the value."""
    whole, point, fraction = numeral.partition("点")
    if whole[:1] in ("百", "佰", "千", "仟", "万", "亿"):  # 百条, 千分之: one is left out
        whole = "一" + whole
    try:
        value = cn2an.cn2an(whole, "smart")
        digits = "".join(str(cn2an.cn2an(c, "smart")) for c in fraction)
    except (ValueError, KeyError, IndexError):
        return None
    if point and not (fraction and len(digits) == len(fraction)):
        return None
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)  # 3.5万4000: a float
    return number + Decimal(f"0.{digits}") if point else number


def parse_numeral(numeral: str) -> Decimal | None:
    """The number written in ``numeral``, exactly, or None where it is not one number.

    ``numeral`` is compact (no whitespace) and carries no sign, unit or 余 / 多: ``1,519.36``,
    ``12.5万``, ``三千五百万``, ``一百二十三点四五万``, ``3万4000``, ``壹万贰仟``. A leading zero
    (``00``), a bare run of Chinese digits (``一二三``, ``两三``: a code, or "two or three") and
    anything cn2an cannot read give None.
    """
    if not numeral or re.match(r"0\d", numeral):
        return None
    if _ARABIC.fullmatch(numeral):
        return Decimal(numeral.replace(",", "").rstrip("."))
    m = _ARABIC_SCALED.fullmatch(numeral)
    if m:
        return Decimal(m.group("head").replace(",", "").rstrip(".")) * _scale(m.group("scale"))
    if any(c.isdigit() for c in numeral):
        return _from_cn2an(numeral) if re.fullmatch(r"[\d.零千百万亿]+", numeral) else None
    if _CHINESE_DIGIT_RUN.fullmatch(numeral):
        return None
    m = _CHINESE_DECIMAL_SCALED.fullmatch(numeral)
    if m:
        head = _from_cn2an(m.group("head"))
        return None if head is None else head * _scale(m.group("scale"))
    return _from_cn2an(numeral)


def _money_parts(body: str) -> tuple[str, Decimal] | None:
    """``(numeral, jiao and fen)`` of a money body with 元: ``2元5角6分`` -> ``("2", 0.56)``."""
    m = re.fullmatch(rf"(?P<numeral>.*?)元(?:整|(?P<jiao>[\d{CN_DIGITS}])[角毛](?:(?P<fen>[\d{CN_DIGITS}])分)?)?", body)
    if m is None:
        return None
    minor = Decimal(0)
    for digit, weight in ((m.group("jiao"), Decimal("0.1")), (m.group("fen"), _FEN)):
        if digit:
            part = parse_numeral(digit)
            if part is None:
                return None
            minor += part * weight
    return m.group("numeral"), minor


def money_unit(span_text: str) -> str | None:
    """The money unit written in a MONEY span, as a bare amount near it would borrow it.

    ``2054.25 万元`` -> ``万元``; ``350千元`` -> ``千元``; ``50万`` -> ``万元`` (元 left out);
    ``三千五百万元`` -> ``万元``; ``一万二千元`` -> ``元``; ``￥300`` -> ``元``; None for a bare
    amount (``605.58``).
    """
    compact = _compact(span_text).replace("余", "").replace("多", "")
    numeral, has_yuan, _ = compact.partition("元")
    if not has_yuan and not compact.startswith(("￥", "¥")) and not compact.endswith(("万", "亿")):
        return None
    arabic = re.search(r"\d([千百万亿]*)$", numeral)
    multipliers = arabic.group(1) if arabic else re.search(r"[万亿]*$", numeral).group()  # type: ignore[union-attr]
    return multipliers + "元"


def written_unit(label: str, span_text: str) -> str | None:
    """The unit written in a value span, as the bare first end of a range borrows it
    (``[10]-[20万元]``: ``万元``; ``[3]-[5次]``: ``次``; ``[1]-[2个百分点]``: ``百分点``)."""
    compact = _compact(span_text)
    if label == "MONEY":
        return money_unit(span_text)
    if label == "PERCENT":
        if compact.endswith("百分点"):
            return "百分点"
        return next((u for u in ("%", "‰", "成") if compact.endswith(u)), None)
    if label == "SCORE":
        return "分"
    m = re.search(rf"([万亿]?)[余多]?({'|'.join(_COUNT_UNITS_LONGEST_FIRST)})$", compact)
    return m.group(1) + m.group(2) if m else None


def _as_number(value: Decimal, label: str) -> float | int | None:
    if label == "MONEY":
        value = value.quantize(_FEN, rounding=ROUND_HALF_UP) if abs(value) < MAX_ABS_VALUE else value
    if abs(value) > MAX_ABS_VALUE:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# written before the number: factor to percent
_PERCENT_WORDS = (
    ("百分之", Decimal(1)), ("佰分之", Decimal(1)), ("千分之", Decimal("0.1")), ("仟分之", Decimal("0.1")),
    ("万分之", Decimal("0.01")),
)
# written after the number (or implied by a table header): factor to percent, unit
_PERCENT_UNITS = (
    ("个百分点", Decimal(1), "百分点"), ("百分点", Decimal(1), "百分点"), ("%", Decimal(1), "%"),
    ("‰", Decimal("0.1"), "%"), ("成", Decimal(10), "%"),
)


def _percent(compact: str, implied_unit: str | None) -> tuple[str, Decimal, str | None]:
    """``(numeral, factor to percent, unit)`` of a PERCENT body."""
    for word, factor in _PERCENT_WORDS:
        if compact.startswith(word):
            return compact[len(word):], factor, "%"
    for suffix, factor, unit in _PERCENT_UNITS:
        if compact.endswith(suffix):
            return compact[: -len(suffix)], factor, unit
    for suffix, factor, unit in _PERCENT_UNITS:
        if implied_unit == suffix:
            return compact, factor, unit
    return compact, Decimal(1), implied_unit


def _count(compact: str, implied_unit: str | None) -> tuple[str, int, str | None]:
    """``(numeral, scale, measure word)`` of a COUNT body; an implied ``万次`` scales by 10 000."""
    for unit in _COUNT_UNITS_LONGEST_FIRST:
        if compact.endswith(unit):
            return compact[: -len(unit)], 1, unit
    if implied_unit and implied_unit[0] in "万亿" and len(implied_unit) > 1:
        return compact, MULTIPLIERS[implied_unit[0]], implied_unit[1:]
    return compact, 1, implied_unit


def _lower_end(compact: str) -> str:
    """A range written in one span keeps its lower end: ``2-3次`` -> ``2次``."""
    m = _RANGE_DASH.search(compact)
    if m is None:
        return compact
    lower, upper = compact[: m.start()], compact[m.end():]
    unit = re.sub(rf"^(?:[\d.,]+|[{CN_DIGITS}十百千拾佰仟]+)", "", upper)
    return lower if lower.endswith(unit) else lower + unit


def normalize(label: str, span_text: str, implied_unit: str | None = None) -> Normalized:
    """Normalise one value span; ``implied_unit`` is the unit a bare number borrows.

    The value is None (and the unit empty) where the span holds no readable number, where a
    MONEY span has no scale (a bare amount without ``implied_unit``), or where the value is absurd
    (beyond :data:`MAX_ABS_VALUE`). A range in one span (``2-3次``) gives its lower end, marked
    approximate.

    >>> normalize("MONEY", "2054.25 万元")
    Normalized(value=20542500, unit='元', approximate=False)
    >>> normalize("COUNT", "100余条")
    Normalized(value=100, unit='条', approximate=True)
    >>> normalize("MONEY", "三千五百万元")
    Normalized(value=35000000, unit='元', approximate=False)
    """
    compact = _compact(span_text)
    lower = _lower_end(compact)
    approximate = lower != compact or "余" in compact or "多" in compact
    body = lower.replace("余", "").replace("多", "")
    sign_match = _SIGN.match(body)
    sign = -1 if sign_match and sign_match.group() in ("负", "-") else 1
    body = body[sign_match.end():] if sign_match else body
    number: Decimal | None
    if label == "MONEY":
        yen = body.startswith(("￥", "¥"))
        body = body.lstrip("￥¥")
        parts = _money_parts(body)
        if parts is not None:
            numeral, minor = parts
            # 万元 alone is a unit (a table header's), not ten thousand yuan; 万余元 is
            number = None if numeral in ("万", "亿", "万亿") and not approximate else parse_numeral(numeral)
            number = None if number is None else number + minor
        elif implied_unit or yen or body.endswith(("万", "亿")):  # 605.58 borrowing 万元; ￥300; 50万
            number = parse_numeral(body)
            borrowed = "" if body.endswith(("万", "亿")) or not implied_unit else implied_unit.removesuffix("元")
            if number is not None and all(c in MULTIPLIERS for c in borrowed):
                number *= _scale(borrowed)
            else:
                number = None
        else:
            number = None
        unit: str | None = "元"
    elif label == "PERCENT":
        numeral, factor, unit = _percent(body, implied_unit)
        number = parse_numeral(numeral)
        number = None if number is None else number * factor
    elif label == "SCORE":
        number, unit = parse_numeral(body.removesuffix("分")), "分"
    else:
        numeral, scale, unit = _count(body, implied_unit)
        number = parse_numeral(numeral)
        number = None if number is None else number * scale
    value = None if number is None else _as_number(sign * number, label)
    if value is None:
        return Normalized(None, "", approximate)
    return Normalized(value, unit or "", approximate)


def qualifiers_around(text: str, start: int, end: int) -> tuple[bool, str | None]:
    """``(approximate, qualifier)`` from the words right around a value span."""
    before = text[max(0, start - 6):start]
    after = text[end:end + 6]
    approximate = bool(_APPROX_BEFORE.search(before) or _APPROX_AFTER.search(after))
    m = _QUALIFIER_BEFORE.search(before) or _QUALIFIER_AFTER.search(after)
    return approximate, (m.group(1) if m else None)


def direction_before(text: str, start: int) -> str | None:
    """``"decrease"`` or ``"increase"`` when a change verb comes right before the value at
    ``start`` (同比下降 3.2%, 调减 40万元, 增幅 8.58%); the number itself stays as written.

    A verb followed by 至 / 到 / 为 names the level reached (下降至 80%), not a change: None.
    """
    m = _DIRECTION_BEFORE.search(text, max(0, start - 8), start)
    if m is None:
        return None
    return "decrease" if m.group("down") else "increase"

"""Value grammar: MONEY / PERCENT / COUNT / SCORE spans in raw report text.

The grammar runs on a same-length view of the text (full-width digits and signs
mapped to ASCII, one code point for one), so every match offset is an offset into
the original text. A value span covers the number, its unit and whatever stands
between them (``1,519.36⏎⏎万元``, ``100余条``); qualifiers (约, 近, 以上, ≥ …) stay
outside and are reported in :attr:`ValueMatch.qualifier` / ``approximate``.

Beyond number + unit: a range (``2-3次``) is one value at its lower bound, marked
approximate; ``50万`` without 元 is MONEY in a clause about money; a bare amount after
执行数/金额/结余 borrows the unit of a MONEY value nearby or of a ``单位：万元`` line above.
Decisions: ``500元/人`` is MONEY ``500元`` (the per-unit part stays outside); durations
(5个工作日), ranks (排名前3位), grades (四类以上) and references (上述两项) are not values.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from perfeval.rules.normalize import (
    COUNT_UNITS,
    PAGE_NUMBER,
    money_unit,
    normalize,
    qualifiers_around,
    same_length_view,
)
from perfeval.spans import SpanSet


@dataclass
class ValueMatch:
    """A value found by the rules, normalised (ANNOTATION.md section 5).

    ``indicator`` is an optional ``(start, end)`` span that the finder already knows
    the value belongs to (table cells know their row); the linker fills the rest.
    ``confidence`` says how sure the grammar is (explicit unit > implied unit); ``role``
    is a table cell's column role (``target``, ``actual``, ``weight``, ``score``, ``budget``,
    ``executed``, ``rate``) or what the sentence says the figure is (年度预算 -> ``budget``).
    """

    label: str
    start: int
    end: int
    value: float | int | None
    unit: str
    approximate: bool = False
    qualifier: str | None = None
    indicator: tuple[int, int] | None = None
    confidence: float = 0.9
    role: str | None = None


_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# a decimal part may be cut by one line break (``97.⏎8%``), as PDF text leaves it
_AR_NUMBER = (
    r"(?<![\d.,A-Za-z])(?:(?<![\u4e00-\u9fff])\+|[\-−])?(?:\d{1,3}(?:,\d{3})+|\d+)"
    r"(?:\.(?:[ \t]*\r?\n[ \t]*)?\d+)?(?![\d,]\d)"
)
# a range ``2-3次``, ``4至6次``, ``10～15%``: one value, normalised to its lower bound
_RANGE = r"(?:[-~～至到]\d+(?:\.\d+)?(?![\d,]\d))?"  # written tight: a spaced dash is an empty cell
_CN_NUMBER = rf"[{_CN_DIGITS}]+"
# whitespace (line breaks included) and at most one page-number line between number and unit
_GAP = rf"[ \t\u3000\u00a0\r\n]{{0,8}}(?:{PAGE_NUMBER}[ \t\u3000\u00a0\r\n]{{1,8}})?"
_INNER = rf"{_GAP}(?:[余多]{_GAP})?"

_MONEY_UNIT = r"(?:万亿元|亿元|千万元|百万元|万[ \t]*\n?[ \t]*元|千元|元)(?![旦素宵])"  # 万⏎元: a wrapped unit
_PERCENT_UNIT = r"(?:个百分点|百分点|%|‰)"
_SCORE_UNIT = r"分(?![钟别之类析配局行会成期批组布享工管队解为数项值院区担摊散拨红支子母歧辨明])"
# measure word -> characters that, right after it, show it is the start of another word
COUNT_NOT_BEFORE = {
    "个": "月体别性",
    "人": "民大员口才力事均身工群士们",
    "名": "单称义字列片誉额录次",
    "次": "日年月序要级生数贷",
    "件": "事",
    "项": "目",
    "家": "庭属长乡园具电中里",
    "条": "例件款线理幅块",
    "份": "额子",
    "期": "间限望末初刊满待",
    "场": "所地景馆合面",
    "批": "准复示评发",
    "所": "以有在属得需谓",
    "座": "谈",
    "宗": "旨教",
    "部": "门署分委长队位",
    "类": "别型似",
    "台": "账风湾",
    "户": "籍口外",
    "位": "于置列",
    "起": "草来步到点诉",
    "例": "如",
    "种": "类植子",
    "处": "理置室长于罚分",
    "节": "约日点能",
}


# words after any measure word that make the figure a duration, not a count (5个工作日, 3个小时)
_DURATION_AFTER = "工作日|小时|季度"


def _count_unit_pattern() -> str:
    parts = []
    for unit in sorted(COUNT_UNITS, key=len, reverse=True):
        bad = COUNT_NOT_BEFORE.get(unit, "")
        parts.append(re.escape(unit) + (f"(?![{bad}])" if bad else "") + f"(?!{_DURATION_AFTER})")
    return "(?:" + "|".join(parts) + ")"


_VALUE_RE = re.compile(
    rf"""
    (?=[\d+\-−{_CN_DIGITS}])  # a cheap first-character test: 4x faster scanning
    (?:
    (?P<cnpct>百分之[{_CN_DIGITS}点]+)
    | (?P<malformed>(?<![\d.])\d+\.)(?=[ \t]*[%％])(?P<malformed_unit>[ \t]*%)
    | (?P<num>{_AR_NUMBER}(?P<range>{_RANGE})|{_CN_NUMBER})
      (?P<rest>
          (?P<money>{_INNER}{_MONEY_UNIT})
        | (?P<percent>{_GAP}{_PERCENT_UNIT})
        | (?P<score>{_GAP}{_SCORE_UNIT})
        | (?P<count>{_INNER}(?:[万亿]{_GAP})?(?:[余多]{_GAP})?{_count_unit_pattern()})
        | (?P<wan>{_INNER}[万亿](?=[ \t\r\n，,。；;、）)]|$))
      )
    )
    """,
    re.VERBOSE,
)

# Bare numbers after a word that fixes their kind: 执行数 605.58, 发生次数为0.
_BARE_RE = re.compile(
    r"(?P<key>(?P<cword>[次人件项个家条篇份场批宗])数|数|额|金|结余|结转)"
    r"\s{0,4}(?:为|是|达|：|:)?\s{0,4}"
    rf"(?P<num>{_AR_NUMBER})(?![ \t]*[\d%％‰万亿元分{''.join(COUNT_UNITS)}年月日号时])"
)

# Fixed slogans and names whose numerals are not values.
_NAMES = (
    "两个维护", "两个确立", "四个意识", "四个自信", "四个机关", "四个十佳", "四个全面", "三个代表",
    "两个务必", "八项规定", "三大职能", "一府一委两院", "十四五", "一步一个脚印", "三重一大",
    "两个责任", "两个覆盖",
)
_NAMES_RE = re.compile("|".join(_NAMES))
_ORDINAL_BEFORE = re.compile(r"(?:第|排名前|前)[ \t]*$")  # 第3名, 排名前3位
_REFERENCE_BEFORE = re.compile(r"(?:上述|以上|前述|下列|如下|这|该|此)$")  # 上述两项合计: a reference
_COUNTING_VERB_BEFORE = re.compile(r"(?:召开|举办|举行|开展|组织|筹备)$")
_SESSION_BEFORE = re.compile(r"届[^，。；\n]{0,4}$")  # 十七届人大三次会议
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t\u3000]*[（(]?$")
_CATEGORY_AFTER = re.compile(r"及?以[上下]")  # 四类以上危桥: a grade, not a count
_MONEY_NEAR = 120  # chars within which a bare amount borrows a sibling's money unit
_DECLARED_NEAR = 1500  # chars after ``单位：万元`` within which bare amounts are in that unit
_DECLARED_UNIT_RE = re.compile(r"单位[ \t]*[:：][ \t]*(万亿元|亿元|千万元|百万元|万元|千元|元)")

# ``50万`` with no 元 is money only in a clause that talks about money (项目预算50万).
_MONEY_CLAUSE_RE = re.compile(r"(?:预算|资金|经费|支出|收入|拨款|金额|投资|投入|补助|补贴|费用|成本|结余)[^，,。；;：:\n]{0,12}$")


def _in_quotes(text: str, start: int, end: int, open_mark: str = "“", close_mark: str = "”") -> bool:
    """True when the span sits inside a short “…” quotation (a slogan) or 《…》 title."""
    left = text.rfind(open_mark, max(0, start - 30), start)
    if left < 0 or close_mark in text[left:start]:
        return False
    return text.find(close_mark, end, end + 30) >= 0


def is_name_or_ordinal(text: str, start: int, end: int, chinese: bool) -> bool:
    """True when the number at ``text[start:end]`` is an ordinal (第3名), part of a 《title》, a
    session (十七届…三次会议, Chinese numerals) or a fixed slogan: never a value (ANNOTATION.md)."""
    before = text[max(0, start - 8):start]
    if _ORDINAL_BEFORE.search(before) or _in_quotes(text, start, end, "《", "》"):
        return True
    if chinese and (_SESSION_BEFORE.search(before) or _in_quotes(text, start, end)):
        return True
    window_start = max(0, start - 6)
    for m in _NAMES_RE.finditer(text[window_start:end + 6]):
        if window_start + m.start() < end and start < window_start + m.end():
            return True
    return False

def _label_of(m: re.Match[str]) -> str:
    if m.group("cnpct") or m.group("malformed") or m.group("percent"):
        return "PERCENT"
    if m.group("money") or m.group("wan"):
        return "MONEY"
    if m.group("score"):
        return "SCORE"
    return "COUNT"


def _accept_chinese(num: str, label: str, unit_text: str, before: str) -> bool:
    """Chinese numerals are values only in plain counting use (not 一个 as an article)."""
    if not any(c in num for c in "一二两三四五六七八九十百千"):
        return False
    if num == "一":
        return unit_text.strip() == "次" and bool(_COUNTING_VERB_BEFORE.search(before))
    return not (label == "SCORE" or _REFERENCE_BEFORE.search(before))


def _find_explicit(view: str, text: str, skip: SpanSet) -> list[ValueMatch]:
    found = []
    for m in _VALUE_RE.finditer(view):
        start, end = m.span()
        label = _label_of(m)
        num = m.group("num") or ""
        chinese = bool(num) and not any(c.isdigit() for c in num)
        if chinese and not _accept_chinese(num, label, m.group("rest"), view[max(0, start - 4):start]):
            continue
        if skip.overlaps(start, end) or is_name_or_ordinal(view, start, end, chinese):
            continue
        if chinese and _CATEGORY_AFTER.match(view, end) and m.group("rest").strip() == "类":
            continue
        wan = bool(m.group("wan"))
        if wan and (chinese or not _MONEY_CLAUSE_RE.search(view, max(0, start - 16), start)):
            continue
        norm = normalize(label, text[start:end])
        if norm.value is None:
            continue
        approx, qualifier = qualifiers_around(view, start, end)
        approx = norm.approximate or approx or bool(m.group("range"))
        confidence = 0.6 if wan else 0.9  # 万 without 元 rests on the clause, not on the span
        found.append(ValueMatch(label, start, end, norm.value, norm.unit, approx, qualifier, confidence=confidence))
    return found


def _nearest_money_unit(text: str, start: int, money: list[ValueMatch]) -> str | None:
    """The unit of the explicit MONEY value nearest to ``start`` (``money`` sorted by start)."""
    i = bisect_left([v.start for v in money], start)
    near = [v for v in money[max(0, i - 1):i + 1] if abs(v.start - start) <= _MONEY_NEAR]
    if not near:
        return None
    best = min(near, key=lambda v: abs(v.start - start))
    return money_unit(text[best.start:best.end])


def _declared_unit(declared: list[tuple[int, str]], start: int) -> str | None:
    """The money unit of the last ``单位：万元`` declaration shortly before ``start``."""
    i = bisect_left(declared, (start, "")) - 1
    if i >= 0 and start - declared[i][0] <= _DECLARED_NEAR:
        return declared[i][1]
    return None


def _find_bare(view: str, text: str, skip: SpanSet, explicit: list[ValueMatch]) -> list[ValueMatch]:
    """Bare numbers after a word that fixes their kind; money borrows a nearby or declared unit."""
    found = []
    taken = SpanSet((v.start, v.end) for v in explicit)
    money = [v for v in explicit if v.label == "MONEY"]
    declared = [(m.start(), m.group(1)) for m in _DECLARED_UNIT_RE.finditer(view)]
    for m in _BARE_RE.finditer(view):
        start, end = m.span("num")
        if taken.overlaps(start, end) or skip.overlaps(start, end):
            continue
        if m.group("cword"):
            label, implied = "COUNT", m.group("cword")
        else:
            implied = _nearest_money_unit(text, start, money) or _declared_unit(declared, start)
            if implied is None:
                continue
            label = "MONEY"
        norm = normalize(label, text[start:end], implied_unit=implied)
        if norm.value is None:
            continue
        approx, qualifier = qualifiers_around(view, start, end)
        found.append(ValueMatch(label, start, end, norm.value, norm.unit, approx, qualifier, confidence=0.6))
    return found


def find_prose_values(text: str, skip: list[tuple[int, int]] | tuple = ()) -> list[ValueMatch]:
    """Every MONEY / PERCENT / COUNT / SCORE value the prose grammar finds, in text order.

    ``skip`` lists ``(start, end)`` spans (running headers, page numbers) where no value
    is looked for.
    """
    view = same_length_view(text)
    skipped = SpanSet(skip)
    explicit = _find_explicit(view, text, skipped)
    return sorted(explicit + _find_bare(view, text, skipped, explicit), key=lambda v: v.start)

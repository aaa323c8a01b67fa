"""Value grammar: MONEY / PERCENT / COUNT / SCORE spans in raw report text.

The grammar runs on a same-length view of the text (full-width digits and signs and traditional
numeral characters mapped, one code point for one), so every match offset is an offset into the
original text. A value span covers the number, its unit and whatever stands between them
(``1,519.36⏎⏎万元``, ``100余条``, ``12.5万余元``); a sign belongs to the number (``负3.9%``);
qualifiers (约, 近, 以上, ≥ …) stay outside and are reported in :attr:`ValueMatch.qualifier` /
``approximate``; a change verb before the value (下降, 调减, 增长 …) is reported in
:attr:`ValueMatch.direction`, the number staying as written.

Numerals: Arabic (with digit groups, a decimal part cut by a line break, zero-width characters
inside), Chinese (small and financial, 零, 点, letter-spaced as PDF text leaves them: ``一百 五 十
二元``) and mixed (``3万4000元``, ``1.2亿``). Units: 元 with its multiplier (万元, 亿元, 千万元, a
wrapped ``万⏎元``), ``元整`` and ``元角分``, a leading ``￥``; %, ‰, 个百分点 (letter-spaced or cut by
a line break), 百分之 / 千分之 / 万分之, 成; measure words; 分.

Beyond number + unit: a range (``10-20%``, ``3至5次``) is two values, the first taking the
second's unit (ANNOTATION.md section 7); ``50万`` without 元 is MONEY in a clause about money; a
bare amount after 执行数/金额/结余 borrows the unit of a MONEY value nearby or of a ``单位：万元``
line above. Decisions: ``500元/人`` is MONEY ``500元`` (the per-unit part stays outside);
durations (5个工作日), ranks (排名前3位), grades (四类以上), references (上述两项), fractions
(五百分之二), office names in a list (综合二处、综合三处) and compilation titles (报告(精选8篇))
are not values; ``一`` is a count only after a counting verb (召开一次) or after its noun at a
clause end (发电机一套，), never as an article (一个机制).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from perfeval.rules.normalize import (
    CN_DIGITS,
    CN_NUMERALS,
    COUNT_UNITS,
    PAGE_NUMBER,
    ZERO_WIDTH,
    direction_before,
    money_unit,
    normalize,
    qualifiers_around,
    same_length_view,
    written_unit,
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
    ``direction`` is ``"decrease"`` / ``"increase"`` after a change verb (同比下降 3.2%), else None.
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
    direction: str | None = None


_FINANCIAL = "壹贰叁肆伍陆柒捌玖拾佰仟"
_NONZERO_NUMERALS = "一二两三四五六七八九十百千" + _FINANCIAL  # a numeral of 零 or 万 alone is no value
_LETTER_SPACE = r"[ \t\u3000]{0,2}"  # PDF letter-spacing inside a Chinese numeral: 一百 五 十 二
# at most 24 characters (a numeral is never longer): the bound keeps scanning linear on hostile text
_CN_RUN = rf"(?<![{CN_NUMERALS}])[{CN_NUMERALS}](?:{_LETTER_SPACE}[{CN_NUMERALS}]){{0,24}}"
_CN_NUMBER = (
    rf"{_CN_RUN}(?:{_LETTER_SPACE}点{_LETTER_SPACE}[{CN_DIGITS}](?:{_LETTER_SPACE}[{CN_DIGITS}]){{0,12}}"
    rf"(?:{_LETTER_SPACE}[万亿]+)?)?"  # 一百二十三点四五万
    rf"(?:{_LETTER_SPACE}[余多]{_LETTER_SPACE}[万亿]+)?"  # 十余万, 三百多万
)
_DIGITS = rf"\d(?:[{ZERO_WIDTH}]*\d)*"  # zero-width characters inside a digit run join it
# a decimal part may be cut by one line break (``97.⏎8%``), as PDF text leaves it; a leading zero
# (``00``) starts no number; a comma before it is a digit group's only after a digit (``1,234``)
_AR_NUMBER = (
    rf"(?<![\d.A-Za-z{ZERO_WIDTH}])(?<!\d,)(?!0\d)(?:\d{{1,3}}(?:,\d{{3}})+|{_DIGITS})"
    rf"(?:\.(?:[ \t]*\r?\n[ \t]*)?{_DIGITS})?(?![\d,]\d)"
)
# whitespace (line breaks included) and at most one page-number line between number and unit
_GAP = rf"[ \t\u3000\u00a0\r\n]{{0,8}}(?:{PAGE_NUMBER}[ \t\u3000\u00a0\r\n]{{1,8}})?"
_INNER = rf"{_GAP}(?:[余多]{_GAP})?"
# multipliers after Arabic digits (12.5万, 350千, 300余万, 1.5千万) and mixed sections before 元
# (3万4000元, 25万6千元, 1亿2000万元)
_MULTIPLIED = rf"(?:{_INNER}[千百万亿]{{1,3}}(?:零?\d{{1,4}}[千百万亿]{{1,3}}){{0,4}}(?:零?\d{{1,4}}(?=[ \t]*元))?)?"
_SIGN = r"(?:负|(?<![\u4e00-\u9fff])\+|-)"  # a '-' right after a number is a range dash: see _pair_ranges
_UNIT_SPACE = r"[ \t\u3000]{0,3}(?:\r?\n[ \t\u3000]*)?"  # inside a unit: 个 百 分 点, 百分⏎点
_RANGE_DASHES = "-~～〜至到–—"

_MONEY_UNIT = rf"元(?![旦素宵])(?:整|[\d{CN_DIGITS}][角毛](?:[\d{CN_DIGITS}]分)?)?"  # 元, 元整, 5元3角
_PERCENT_UNIT = rf"(?:个{_UNIT_SPACE}百{_UNIT_SPACE}分{_UNIT_SPACE}点|百{_UNIT_SPACE}分{_UNIT_SPACE}点|%|‰)"
_TENTHS_UNIT = r"成(?=[ \t]*(?:[，,。；;、）)\n的]|以上|以下|左右|$))"  # 九成以上: 90 %
_SCORE_UNIT = r"分(?![钟别之类析配局行会成期批组布享工管队解为数项值院区担摊散拨红支子母歧辨明点])"
_PER_CENT_WORD = rf"(?<![{CN_NUMERALS}\d])[百佰千仟万]{_LETTER_SPACE}分{_LETTER_SPACE}之{_LETTER_SPACE}"  # not 五百分之二

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
    "台": "账风湾币",
    "户": "籍口外",
    "位": "于置列数",
    "起": "草来步到点诉",
    "例": "如",
    "种": "类植子",
    "处": "理置室长于罚分",
    "节": "约日点能",
    "只": "有是要能需",
    "头": "部等版",
}


# words after any measure word that make the figure a duration, not a count (5个工作日, 3个小时, 两个多月)
_DURATION_AFTER = "[多余半]?(?:工作日|小时|季度|月)"


def _count_unit_pattern() -> str:
    parts = []
    for unit in sorted(COUNT_UNITS, key=len, reverse=True):
        bad = COUNT_NOT_BEFORE.get(unit, "")
        parts.append(re.escape(unit) + (f"(?![{bad}])" if bad else "") + f"(?!{_DURATION_AFTER})")
    return "(?:" + "|".join(parts) + ")"


_VALUE_RE = re.compile(
    rf"""
    (?=[\d+\-负￥¥{CN_NUMERALS}])  # a cheap first-character test: 4x faster scanning
    (?:
    (?P<cnpct>{_PER_CENT_WORD}(?:{_AR_NUMBER}|{_CN_NUMBER}))
    | (?P<yen>[￥¥]{_GAP}{_AR_NUMBER}{_MULTIPLIED}(?:{_INNER}{_MONEY_UNIT})?)
    | (?P<malformed>(?<![\d.])\d+\.)(?=[ \t]*[%％])(?P<malformed_unit>[ \t]*%)
    | (?P<num>{_SIGN}?(?:{_AR_NUMBER}{_MULTIPLIED}|(?P<cn>{_CN_NUMBER})))
      (?P<rest>
          (?P<money>{_INNER}(?:[千百万亿]{{1,3}}{_INNER})?{_MONEY_UNIT})  # 三千五百⏎万元: a wrapped multiplier
        | (?P<percent>{_GAP}{_PERCENT_UNIT})
        | (?P<tenths>{_GAP}{_TENTHS_UNIT})
        | (?P<score>{_GAP}{_SCORE_UNIT})
        | (?P<count>{_INNER}{_count_unit_pattern()})
        | (?P<wan>(?<=[万亿])(?=[ \t\r\n，,。；;、）)（(]|$))
      )
    )
    """,
    re.VERBOSE,
)
# the bare first end of a range, right before its dash: [10]-20%, [三]至五次, [0.5]～1万元
_RANGE_LOW_RE = re.compile(rf"(?:{_AR_NUMBER}[千百万亿]*|(?P<cn>{_CN_NUMBER}))$")

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
_TITLE_BEFORE = re.compile(r"(?:报告|范文|汇编|合集|大全)[(（](?:精选|通用|共)?[ \t]*$")  # 工作报告(精选8篇): a page title
_REFERENCE_BEFORE = re.compile(r"(?:上述|以上|前述|下列|如下|这|该|此)$")  # 上述两项合计: a reference
_COUNTING_VERB_BEFORE = re.compile(r"(?:召开|举办|举行|开展|组织|筹备)$")
_VAGUE_BEFORE = re.compile(r"[几数]$")  # 几十万元, 数百人: no figure
_ROUGHLY_BEFORE = re.compile(r"上$")  # 上千人, 上万元: about a thousand
# a Chinese-numeral score needs a word that makes it one: 自评得分：九十五分, 扣二分 (not 十分重要)
_SCORE_WORD_BEFORE = re.compile(r"(?:得分|评分|分数|分值|总分|满分|结果|得|扣|计|加)(?:为|是|达|达到)?[ \t：:]*$")
# 发电机一套，/ 仓库一间，: 一 and its measure word after the noun, at a clause end, count one thing
_CLAUSE_END_AFTER = re.compile(r"[，,。；;、）)|\n \t\d]|$")
_OFFICE_UNITS = ("处", "所", "部")  # 综合二处、综合三处: numbered offices, not counts
_SESSION_BEFORE = re.compile(r"届[^，。；\n]{0,4}$")  # 十七届人大三次会议
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
    """True when the number at ``text[start:end]`` is an ordinal (第3名), part of a 《title》 or of
    a page title (工作报告(精选8篇)), a session (十七届…三次会议, Chinese numerals) or a fixed
    slogan: never a value (ANNOTATION.md)."""
    before = text[max(0, start - 8):start]
    if _ORDINAL_BEFORE.search(before) or _TITLE_BEFORE.search(before) or _in_quotes(text, start, end, "《", "》"):
        return True
    if chinese and (_SESSION_BEFORE.search(before) or _in_quotes(text, start, end)):
        return True
    window_start = max(0, start - 6)
    for m in _NAMES_RE.finditer(text[window_start:end + 6]):
        if window_start + m.start() < end and start < window_start + m.end():
            return True
    return False


def _label_of(m: re.Match[str]) -> str:
    if m.group("cnpct") or m.group("malformed") or m.group("percent") or m.group("tenths"):
        return "PERCENT"
    if m.group("money") or m.group("wan") is not None or m.group("yen"):
        return "MONEY"
    if m.group("score"):
        return "SCORE"
    return "COUNT"


def _accept_chinese(numeral: str, label: str, unit_text: str, before: str, after: str) -> bool:
    """Chinese numerals are values only in plain counting use (not 一个 as an article, not 十分 as
    "very", not 伍 in 队伍)."""
    numeral = re.sub(r"\s", "", numeral)
    if not any(c in _NONZERO_NUMERALS for c in numeral):
        return False
    if len(numeral) == 1 and numeral in _FINANCIAL and label != "MONEY":
        return False
    if _VAGUE_BEFORE.search(before):
        return False
    if label == "SCORE":
        return bool(_SCORE_WORD_BEFORE.search(before))
    if numeral == "一" and label == "COUNT":
        counted_act = unit_text.strip() == "次" and bool(_COUNTING_VERB_BEFORE.search(before))
        return counted_act or bool(_CLAUSE_END_AFTER.match(after))
    return not _REFERENCE_BEFORE.search(before)


def _find_explicit(view: str, text: str, skip: SpanSet) -> list[ValueMatch]:
    found = []
    for m in _VALUE_RE.finditer(view):
        start, end = m.span()
        label = _label_of(m)
        chinese = m.group("cn") is not None
        before = view[max(0, start - 8):start]
        if chinese and not _accept_chinese(m.group("cn"), label, m.group("rest"), before, view[end:end + 1]):
            continue
        if skip.overlaps(start, end) or is_name_or_ordinal(view, start, end, chinese):
            continue
        if chinese and _CATEGORY_AFTER.match(view, end) and m.group("rest").strip() == "类":
            continue
        wan = m.group("wan") is not None  # an empty match: the number ends in 万 / 亿
        if wan and (chinese or not _MONEY_CLAUSE_RE.search(view, max(0, start - 16), start)):
            continue
        norm = normalize(label, text[start:end])
        if norm.value is None or (m.group("tenths") and not 0 < norm.value <= 100):  # 九成: at most 十成
            continue
        approx, qualifier = qualifiers_around(view, start, end)
        approx = approx or (chinese and view[start] in "百千万" and bool(_ROUGHLY_BEFORE.search(before)))
        confidence = 0.6 if wan else 0.9  # 万 without 元 rests on the clause, not on the span
        found.append(
            ValueMatch(
                label, start, end, norm.value, norm.unit, norm.approximate or approx, qualifier,
                confidence=confidence, direction=direction_before(view, start),
            )
        )
    return found


def _renormalised(text: str, view: str, v: ValueMatch, start: int) -> ValueMatch | None:
    """``v`` starting at ``start`` instead (a sign that was a range dash left out)."""
    norm = normalize(v.label, text[start:v.end])
    if norm.value is None:
        return None
    approx, qualifier = qualifiers_around(view, start, v.end)
    return ValueMatch(
        v.label, start, v.end, norm.value, norm.unit, norm.approximate or approx, qualifier,
        confidence=v.confidence, direction=direction_before(view, start),
    )


def _range_low(text: str, view: str, high: ValueMatch, low: re.Match[str]) -> ValueMatch | None:
    """The bare first end ``low`` of a range ending in ``high``, normalised in ``high``'s unit."""
    if low.group("cn") is not None and not any(c in _NONZERO_NUMERALS for c in low.group()):
        return None
    norm = normalize(high.label, text[low.start():low.end()], implied_unit=written_unit(high.label, text[high.start:high.end]))
    if norm.value is None:
        return None
    approx, qualifier = qualifiers_around(view, low.start(), low.end())
    return ValueMatch(
        high.label, low.start(), low.end(), norm.value, norm.unit, approx, qualifier,
        confidence=high.confidence, direction=direction_before(view, low.start()),
    )


def _pair_ranges(text: str, view: str, found: list[ValueMatch], skip: SpanSet) -> list[ValueMatch]:
    """Ranges as two values (ANNOTATION.md section 7): ``10-20%`` -> ``[10]`` and ``[20%]``.

    A '-' right after a number or a value is the range's dash, not a sign (``20%-30%`` is 20 %
    to 30 %, never -30 %). The bare first end takes the second end's unit; the second end takes
    the first end's direction (提高1-2个百分点: both are increases). A range of ordinals
    (第1-3名) gives neither end.
    """
    paired: list[ValueMatch] = []
    for v in found:
        if view[v.start] == "-" and v.start > 0 and (
            view[v.start - 1] in "0123456789%‰" or (paired and paired[-1].end == v.start)
        ):
            unsigned = _renormalised(text, view, v, v.start + 1)
            if unsigned is None:
                continue
            v = unsigned
        dash = v.start - 1
        if dash >= 0 and view[dash] in _RANGE_DASHES:
            if paired and paired[-1].end == dash:
                v.direction = v.direction or paired[-1].direction
            elif (m := _RANGE_LOW_RE.search(view, max(0, dash - 24), dash)) and not skip.overlaps(m.start(), m.end()):
                if is_name_or_ordinal(view, m.start(), m.end(), m.group("cn") is not None):
                    continue
                low = _range_low(text, view, v, m)
                if low is not None and not (paired and paired[-1].end > low.start):
                    paired.append(low)
                    v.direction = v.direction or low.direction
        paired.append(v)
    return paired


def _without_office_names(text: str, found: list[ValueMatch]) -> list[ValueMatch]:
    """Drop numbered offices listed together (综合二处、综合三处): Chinese-numeral 处 / 所 / 部
    whose two characters before repeat within a few characters."""
    def office_key(v: ValueMatch) -> str | None:
        span = text[v.start:v.end]
        if v.label != "COUNT" or v.unit not in _OFFICE_UNITS or any(c.isdigit() for c in span) or v.start < 2:
            return None
        return text[v.start - 2:v.start] + v.unit
    listed: set[int] = set()
    for (key_a, a), (key_b, b) in pairwise((office_key(v), v) for v in found):
        if key_a is not None and key_a == key_b and b.start - a.end <= 12:
            listed.update((id(a), id(b)))
    return [v for v in found if id(v) not in listed]


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
        found.append(
            ValueMatch(
                label, start, end, norm.value, norm.unit, approx, qualifier,
                confidence=0.6, direction=direction_before(view, start),
            )
        )
    return found


def find_prose_values(text: str, skip: list[tuple[int, int]] | tuple = ()) -> list[ValueMatch]:
    """Every MONEY / PERCENT / COUNT / SCORE value the prose grammar finds, in text order.

    ``skip`` lists ``(start, end)`` spans (running headers, page numbers) where no value
    is looked for.
    """
    view = same_length_view(text)
    skipped = SpanSet(skip)
    explicit = _without_office_names(text, _pair_ranges(text, view, _find_explicit(view, text, skipped), skipped))
    return sorted(explicit + _find_bare(view, text, skipped, explicit), key=lambda v: v.start)

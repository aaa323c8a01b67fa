"""Heuristic indicator linker: the phrase each value measures, found by clause rules.

Hard line breaks inside sentences are common in report text, so the linker works on
a *compact* view of the text (whitespace removed) and maps spans back to the
original offsets; an indicator may therefore contain the report's line breaks.

Page furniture lines (``- 3 -``, ``第 3 页 共 12 页``, running titles, ``单位：万元``) are
left out of the compact view, and a numbered heading line ends the clause before it.

For each value, in order:
1. a value in a ``分别为 X、Y`` list links to the name in the same place of the list before
   分别 (基本支出和项目支出分别为 X、Y);
2. a value that is all a bracket holds shares the previous value's indicator
   (``基本支出 X 万元（57.6%）``) or takes the phrase before the bracket (``决策（15分）``);
3. a change or share phrase right before it (同比增加, 增幅, 占总收入的) is the indicator;
4. a count followed by its noun (走访 124 家民营企业, 12次常委会会议) links to that noun;
5. otherwise the clause before the value, stripped of time words, the reporting body,
   filler verbs and trailing particles (全年累计实际开支 → 实际开支);
6. a value with nothing but table separators (or a range's dash: ``10-20%``) after the previous
   value, or behind a generic phrase (得分, 实际完成) in the previous value's sentence, shares its
   indicator;
7. a value whose clause names nothing links to its numbered heading when the heading
   names a measure (``2.资金使用合规率。`` … 达100%).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

DELIMITERS = set("，,。；;：:！？!?、（）()【】[]《》“”\"|")
LABEL_SEPARATORS = set("：:|")
MAX_INDICATOR = 16

_CHANGE = re.compile(
    r"(?:同比|环比)?(?:增加|增长|减少|下降|提高|降低|上升|增幅|降幅|增速|增长率|"
    r"高出|超出|回落|回升|提升|调减|调增|压减)$"
)
_SHARE = re.compile(r"(占(?!比)[^占]{1,10}?)(?:的)?(?:比重|比例)?$")  # 占总收入的; not 即办件占比
# Words a clause may start with that are not part of what is measured, in groups:
_PREFIX_WORDS = (
    # list markers and connectives
    r"[一二三四五六七八九十]+是|其中|另外|此外|同时|综上|导致|致使|使得",
    # time words
    (
        r"全年|本年度|今年以来|今年|一年来|年内|每[年月周日]|每季度|\d{4}年度?|"
        r"截[至止](?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?[底末]?"
    ),
    # the reporting body and its scope
    (
        r"本单位|我单位|本部门|我部门|我办|本办|我局|本局|我委|本委|我中心|本中心|我院|本院|我们|"
        r"该项目|本项目|该单位|全(?:区|市|县|镇|乡|省|州|局|委|街道|系统)|各级|各类"
    ),
    # filler adverbs
    r"总共|共计|共有|现有|拥有|共|累计|合计|总计|先后|分别|已经|已|均|全部|达到|约|近|超过",
)
_PREFIX = re.compile("(?:" + "|".join(_PREFIX_WORDS) + ")")  # applied with .match(segment, pos)
# Filler verbs; 完成 only when a noun phrase of 3+ characters follows (完成预算 stays whole).
_VERB_PREFIX = re.compile(
    r"召开|举办|举行|组织(?!生活|关系|部|机构|建设)|开展|推动|推进|安排|争取|设立|增设|下设|内设|下属"
)
# 完成 goes before a count's noun phrase (完成各类上报信息), never before a ratio (完成预算的 90.6%)
_COMPLETE_PREFIX = re.compile(r"完成(?=.{3})")
# Words inside a clause after which the measured phrase starts (the last one wins):
_CUT_WORDS = (
    r"累计|共计|合计|总计|总共",  # 在平台累计|发布新闻信息
    r"\d{4}年度?(?![\d月])",  # 整理2020年|文书档案
    r"(?<![中高初平同对均特一二三])等(?:在内的?)?",  # 部署会、座谈会等|其他会议; 中等, 高等 are words
    r"(?<=[\u4e00-\u9fff]{4})项目(?=[\u4e00-\u9fff]{3})",  # 营养改善计划项目|资金总额: a project's name
)
_CUT = re.compile("|".join(_CUT_WORDS))
_SUFFIX = re.compile(
    r"(?:的|为|是|等|得|达到|达|约|近|超过|共计|共|累计|合计|总计|计|有|了|至|到|分别|均|仅为|仅|"
    r"稳定在|保持在|控制在|维持在|未达到|未达|不低于|不少于|不超过|高于|低于|大于|小于|≥|≤|>|<|=|"
    r"(?<=[\u4e00-\u9fff]{2})(?:目标值|指标值)|"  # 满意度目标值为≥90%: the target of 满意度
    # 群众投诉年度目标≤9件: a time word, not the measure (完成年度目标的 125% measures the target)
    r"(?<=[\u4e00-\u9fff]{2})(?<!完成|实现|达到)年度(?:目标值?|指标值)?|"
    r"(?<=[\u4e00-\u9fff]{2})[按为]?每[^每]{1,4}(?:每[^每]{1,2})?)$"  # 资助标准为每生每年 1000元: per what
)
_LIST_NUMBER = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.、．](?!\d)(?!.*\d[.、．](?!\d))")
_AFTER_STOP = re.compile(r"(?:的|和|与|及|等|参与|参加|进行|进|开展|获|被|以|在|，)")
_NOT_NOUN_START = set("的以左上下和及与等为是在中了后前内外约近余多")
_RESPECTIVELY = re.compile(r"分别(?:为|是|达到|达|占|有)?$")
_CLAUSE_STOPS = DELIMITERS - {"、"}
_NAME_LIST = re.compile(r"[^、和及与]+")
_LIST_GAP = re.compile(r"[、，,和及与]*")  # between two values of one 分别为 list
# Phrases that say "the value of it": a value behind one, in the sentence of an earlier
# value, measures what that value measures (预算执行率(10分)：实际完成 94%，得分 4.8分).
_GENERIC = re.compile(r"(?:得分?|实际完成值?|完成值|实际值|该指标值?)(?:为|是|达到|达)?")
_SENTENCE_END = re.compile(r"[。；;!?！？]")
_TARGET_SIGNS = set("≥≤><=＝")
# between two values of one table row, or the dash between a range's two ends: they share the name
_ROW_GAP = re.compile(r"[|≥≤><=＝]*|[-~～〜至到–—]")


@dataclass
class Link:
    """An indicator span ``(start, end)`` in the original text, and how sure the rule is."""

    start: int
    end: int
    confidence: float


# Whole lines that are page furniture, not prose: the linker reads through them as if they
# were whitespace, so a sentence cut by a page break is whole again.
_BOILERPLATE = re.compile(
    r"^[ \t\u3000]*(?:"
    r"[-—–]+[ \t]*\d{1,4}[ \t]*[-—–]+"  # - 3 -
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"  # 第 3 页 共 12 页
    r"|共[ \t]*\d{1,4}[ \t]*页[ \t]*[,，]?[ \t]*第[ \t]*\d{1,4}[ \t]*页"
    r"|[^\n，,。；;：:|]{0,40}(?:绩效|自评|评价)[^\n，,。；;：:|]{0,30}(?:报告|自评表|评价表)"  # running title
    r"|[（(]?(?:金额|计量)?单位[ \t]*[:：][^\n，。]{1,10}?[)）]?"  # 单位：万元
    r")[ \t\u3000]*$",
    re.MULTILINE,
)
# A numbered heading line (``2.资金到位情况``, ``（三）预算执行率``) ends its clause; its name,
# when it reads like a measure, is the fallback indicator of values under it.
_HEADING = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d))"
    r"[ \t\u3000]*(?P<name>[^\n，,。；;：:\d]{2,30}?)[ \t\u3000]*(?:[。：:]|$)",
    re.MULTILINE,
)
_NON_SPACE = re.compile(r"\S+")
_MEASURE_NAME = re.compile(r"(?:率|度|数|额|量|比例|比重|指标|得分|分值)$")
HEADING_REACH = 200  # compact characters under a heading within which it is the fallback


class CompactText:
    """``text`` without whitespace and page furniture, with a map back to original offsets.

    ``headings`` lists, in text order, ``(boundary, name)`` for each numbered heading line:
    the compact index where its item's text starts, and the compact span of its name when
    the name reads like a measure (``资金使用合规率``), else None.
    """

    def __init__(self, text: str) -> None:
        positions = array("q")  # 8 bytes a character, not a list's 36
        runs: list[str] = []
        shown = 0
        for hidden in [*_BOILERPLATE.finditer(text), None]:
            stop = hidden.start() if hidden else len(text)
            for run in _NON_SPACE.finditer(text, shown, stop):
                positions.extend(range(run.start(), run.end()))
                runs.append(run.group())
            shown = hidden.end() if hidden else stop
        self.positions = positions
        self.text = "".join(runs)
        self.headings = [self._heading(m) for m in _HEADING.finditer(text)]
        self.boundaries = [b for b, _ in self.headings]

    def _heading(self, m: re.Match[str]) -> tuple[int, tuple[int, int] | None]:
        name = m.group("name")
        span = (self.index(m.start("name")), self.index(m.end("name"))) if _MEASURE_NAME.search(name) else None
        return self.index(m.end()), span

    def index(self, offset: int) -> int:
        """Compact index of the first non-space character at or after ``offset``."""
        return bisect_left(self.positions, offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of compact characters ``start..end-1``."""
        return self.positions[start], self.positions[end - 1] + 1


def _strip(segment: str, ratio: bool = False) -> tuple[int, int]:
    """Offsets (within ``segment``) of what stays after stripping prefixes and suffixes."""
    left, right = 0, len(segment)
    while left < right:
        m = _SUFFIX.search(segment[left:right])
        if not m or m.start() == m.end():
            break
        right = left + m.start()
    cuts = [m.end() for m in _CUT.finditer(segment, left, right) if right - m.end() >= 2]
    if cuts:
        left = cuts[-1]
    while left < right:
        m = (
            _PREFIX.match(segment, left, right)
            or _VERB_PREFIX.match(segment, left, right)
            or (None if ratio else _COMPLETE_PREFIX.match(segment, left, right))
        )
        if not m or m.end() == left:
            break
        left = m.end()
    if right - left > MAX_INDICATOR:
        cut = segment.rfind("的", left, right - 1)
        left = cut + 1 if cut >= 0 and right - cut - 1 >= 2 else right - MAX_INDICATOR
    return left, right


def _before(compact: str, start: int, floor: int, ratio: bool = False) -> tuple[int, int] | None:
    """The stripped clause before compact index ``start``, not reaching below ``floor``.

    A value right after a label separator (``资金到位率：100%``, ``| 资金到位率 | 100%``)
    takes the label before the separator.
    """
    while start - 1 > floor and compact[start - 1] in _TARGET_SIGNS:  # | 满意度 | ≥90% |
        start -= 1
    if start - 1 > floor and compact[start - 1] in LABEL_SEPARATORS:
        start -= 1
    left = start
    while left > floor and start - left < 40:
        if compact[left - 1] == "”":  # a short quoted name inside the phrase: “三公”经费
            opening = compact.rfind("“", max(floor, left - 8), left - 1)
            if opening < 0:
                break
            left = opening
        elif compact[left - 1] in DELIMITERS:
            break
        else:
            left -= 1
    numbering = _LIST_NUMBER.search(compact, left, start)
    if numbering:
        left = numbering.end()
    segment = compact[left:start]
    m = _CHANGE.search(segment)
    if m:
        return left + m.start(), left + m.end()
    m = _SHARE.search(_SUFFIX.sub("", segment))
    if m:
        return left + m.start(1), left + m.end(1)
    s, e = _strip(segment, ratio)
    return (left + s, left + e) if e - s >= 2 else None


def _after(compact: str, end: int, ceiling: int) -> tuple[int, int] | None:
    """The counted noun right after a count at compact index ``end`` (before ``ceiling``)."""
    if end >= ceiling or compact[end] in DELIMITERS or compact[end] in _NOT_NOUN_START:
        return None
    if not ("\u4e00" <= compact[end] <= "\u9fff"):
        return None
    right = end
    while right < ceiling and compact[right] not in DELIMITERS and right - end < 12:
        right += 1
    segment = compact[end:right]
    if segment.startswith("方面"):
        segment = segment[2:].lstrip("的")
    start = end + (right - end - len(segment))
    de = segment.find("的")
    if 0 <= de <= 3:
        start, segment = start + de + 1, segment[de + 1:]
    stop = _AFTER_STOP.search(segment, 2)
    if stop:
        segment = segment[: stop.start()]
    return (start, start + len(segment)) if len(segment) >= 2 else None


def _in_brackets(compact: str, start: int, end: int) -> bool:
    """True when the value is all a bracket holds: ``决策（15分）``, ``1,250.3万元（57.6%）``."""
    return 0 < start and end < len(compact) and compact[start - 1] in "（(" and compact[end] in "）)"


def _respective_names(compact: str, start: int, floor: int) -> list[tuple[int, int]]:
    """The names listed before ``分别为`` right before compact index ``start``.

    ``基本支出和项目支出分别为 X、Y``: X measures 基本支出 and Y 项目支出.
    """
    m = _RESPECTIVELY.search(compact, max(floor, start - 6), start)
    if not m:
        return []
    left = m.start()
    while left > floor and compact[left - 1] not in _CLAUSE_STOPS and m.start() - left < 40:
        left -= 1
    names = []
    for part in _NAME_LIST.finditer(compact, left, m.start()):
        s, e = _strip(part.group())
        if e - s >= 2:
            names.append((part.start() + s, part.start() + e))
    return names if len(names) >= 2 else []


def _clause_start(compact: str, start: int, floor: int) -> int:
    """Compact index where the clause ending at ``start`` begins (after a delimiter or ``floor``)."""
    left = start
    while left > floor and compact[left - 1] not in DELIMITERS:
        left -= 1
    return left


def _heading_fallback(compact: CompactText, start: int) -> tuple[int, int] | None:
    """The measure-like heading of the numbered item that compact index ``start`` is in."""
    i = bisect_right(compact.boundaries, start) - 1
    if i < 0 or start - compact.boundaries[i] > HEADING_REACH:
        return None
    return compact.headings[i][1]


class _Walk:
    """The linker's pass over the values in text order; ``link`` applies the rules in turn."""

    def __init__(self, compact: CompactText, labels: list[str], bounds: list[tuple[int, int]]) -> None:
        self.compact = compact
        self.text = compact.text
        self.labels = labels  # in text order
        self.bounds = bounds  # compact (start, end) of each value, in text order
        self.links: list[Link | None] = []
        self.respective: list[tuple[int, int]] = []  # rest of a running 分别为 list

    def link(self, rank: int) -> Link | None:
        """The link of the value at ``rank``; call for rank 0, 1, 2, … in turn."""
        cs, ce = self.bounds[rank]
        floor = self.bounds[rank - 1][1] if rank else 0
        previous = self.links[-1] if rank else None
        b = bisect_right(self.compact.boundaries, cs) - 1
        clause_floor = max(floor, self.compact.boundaries[b]) if b >= 0 else floor
        ratio = self.labels[rank] == "PERCENT"
        names = _respective_names(self.text, cs, clause_floor)
        if names or (self.respective and _LIST_GAP.fullmatch(self.text, floor, cs)):
            self.respective = names or self.respective
            return self._span(self.respective.pop(0), 0.55)
        if _in_brackets(self.text, cs, ce):
            if previous is not None and cs - 1 == floor:
                return previous
            return self._span(_before(self.text, cs - 1, clause_floor, ratio), 0.5)
        if self.labels[rank] == "COUNT":
            ceiling = self.bounds[rank + 1][0] if rank + 1 < len(self.bounds) else len(self.text)
            found = _after(self.text, ce, ceiling)
            if found is not None:
                return self._span(found, 0.6)
        found = _before(self.text, cs, clause_floor, ratio)
        if previous is not None and self._shares_previous(found, floor, cs):
            return previous
        if found is None:
            return self._span(_heading_fallback(self.compact, cs), 0.45)
        return self._span(found, 0.55)

    def _shares_previous(self, found: tuple[int, int] | None, floor: int, start: int) -> bool:
        """Same table row (only ``|``/``≥`` since the previous value) or a generic phrase
        (得分, 实际完成) in the previous value's sentence."""
        if found is None and _ROW_GAP.fullmatch(self.text, floor, start):
            return True
        generic = _GENERIC.fullmatch(self.text, _clause_start(self.text, start, floor), start)
        return bool(generic) and not _SENTENCE_END.search(self.text, floor, start)

    def _span(self, found: tuple[int, int] | None, confidence: float) -> Link | None:
        if found is None:
            return None
        start, end = self.compact.span(*found)
        return Link(start, end, confidence)


def link_values(text: str, values: Sequence[tuple[str, int, int]], compact: CompactText | None = None) -> list[Link | None]:
    """An indicator span (or None) for each ``(label, start, end)`` value, in input order.

    ``values`` must not overlap; spans found never overlap any value.
    """
    compact = compact or CompactText(text)
    order = sorted(range(len(values)), key=lambda i: values[i][1])
    walk = _Walk(
        compact,
        [values[i][0] for i in order],
        [(compact.index(values[i][1]), compact.index(values[i][2])) for i in order],
    )
    links: list[Link | None] = [None] * len(values)
    for rank, i in enumerate(order):
        links[i] = walk.link(rank)
        walk.links.append(links[i])
    return links

"""Heuristic indicator linker: the phrase each value measures, found by clause rules.

Hard line breaks inside sentences are common in report text, so the linker works on
a *compact* view of the text (whitespace removed) and maps spans back to the
original offsets; an indicator may therefore contain the report's line breaks.

For each value, in order:
1. a change or share phrase right before it (同比增加, 增幅, 占总收入的) is the indicator;
2. a count followed by its noun (走访 124 家民营企业, 12次常委会会议) links to that noun;
3. otherwise the clause before the value, stripped of time words, the reporting body,
   filler verbs and trailing particles (全年累计实际开支 → 实际开支);
4. a value right after another value with nothing between shares its indicator.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

DELIMITERS = set("，,。；;：:！？!?、（）()【】[]《》“”\"|")
LABEL_SEPARATORS = set("：:|")
MAX_INDICATOR = 16

_CHANGE = re.compile(
    r"(?:同比|环比)?(?:增加|增长|减少|下降|提高|降低|上升|增幅|降幅|增速|增长率)$"
)
_SHARE = re.compile(r"(占[^占]{1,10}?)(?:的)?(?:比重|比例)?$")
_PREFIX = re.compile(  # applied with .match(segment, pos): no "^"
    r"(?:[一二三四五六七八九十]+是|其中|另外|此外|同时|全年|本年度|今年以来|今年|一年来|年内|"
    r"\d{4}年度?|截[至止]\S{0,8}?[底末]|本单位|我单位|本部门|我部门|我办|本办|我局|本局|我委|本委|我们|"
    r"共计|共|累计|合计|总计|先后|分别|已经|已|均|全部|召开|举办|举行|组织开展|开展|推动|推进|"
    r"达到|约|近|超过)"
)
_SUFFIX = re.compile(
    r"(?:的|为|是|达到|达|约|近|超过|共计|共|累计|合计|总计|计|有|了|至|到|分别|均|"
    r"不低于|不少于|不超过|高于|低于|大于|小于|≥|≤|>|<|=)$"
)
_LIST_NUMBER = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.、．](?!\d)(?!.*\d[.、．](?!\d))")
_AFTER_STOP = re.compile(r"(?:的|和|与|及|等|参与|参加|进行|进|开展|获|被|以|在|，)")
_NOT_NOUN_START = set("的以左上下和及与等为是在中了后前内外约近余多")


@dataclass
class Link:
    """An indicator span ``(start, end)`` in the original text, and how sure the rule is."""

    start: int
    end: int
    confidence: float


class CompactText:
    """``text`` without whitespace, with a map back to original offsets."""

    def __init__(self, text: str) -> None:
        self.positions = [i for i, c in enumerate(text) if not c.isspace()]
        self.text = "".join(text[i] for i in self.positions)

    def index(self, offset: int) -> int:
        """Compact index of the first non-space character at or after ``offset``."""
        return bisect_left(self.positions, offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of compact characters ``start..end-1``."""
        return self.positions[start], self.positions[end - 1] + 1


def _strip(segment: str) -> tuple[int, int]:
    """Offsets (within ``segment``) of what stays after stripping prefixes and suffixes."""
    left, right = 0, len(segment)
    while left < right:
        m = _PREFIX.match(segment, left, right)
        if not m or m.end() == left:
            break
        left = m.end()
    while left < right:
        m = _SUFFIX.search(segment[left:right])
        if not m or m.start() == m.end():
            break
        right = left + m.start()
    if right - left > MAX_INDICATOR:
        cut = segment.rfind("的", left, right - 1)
        left = cut + 1 if cut >= 0 and right - cut - 1 >= 2 else right - MAX_INDICATOR
    return left, right


def _before(compact: str, start: int, floor: int) -> tuple[int, int] | None:
    """The stripped clause before compact index ``start``, not reaching below ``floor``.

    A value right after a label separator (``资金到位率：100%``, ``| 资金到位率 | 100%``)
    takes the label before the separator.
    """
    if start - 1 > floor and compact[start - 1] in LABEL_SEPARATORS:
        start -= 1
    left = start
    while left > floor and compact[left - 1] not in DELIMITERS and start - left < 40:
        left -= 1
    numbering = _LIST_NUMBER.search(compact, left, start)
    if numbering:
        left = numbering.end()
    segment = compact[left:start]
    m = _CHANGE.search(segment) or None
    if m:
        return left + m.start(), left + m.end()
    m = _SHARE.search(_SUFFIX.sub("", segment))
    if m:
        return left + m.start(1), left + m.end(1)
    s, e = _strip(segment)
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


def link_values(text: str, values: Sequence[tuple[str, int, int]], compact: CompactText | None = None) -> list[Link | None]:
    """An indicator span (or None) for each ``(label, start, end)`` value, in input order.

    ``values`` must not overlap; spans found never overlap any value.
    """
    compact = compact or CompactText(text)
    order = sorted(range(len(values)), key=lambda i: values[i][1])
    bounds = [(compact.index(values[i][1]), compact.index(values[i][2])) for i in order]
    links: list[Link | None] = [None] * len(values)
    for rank, i in enumerate(order):
        label = values[i][0]
        cs, ce = bounds[rank]
        floor = bounds[rank - 1][1] if rank else 0
        ceiling = bounds[rank + 1][0] if rank + 1 < len(order) else len(compact.text)
        found, confidence = None, 0.6
        if label == "COUNT":
            found, confidence = _after(compact.text, ce, ceiling), 0.6
        if found is None:
            found, confidence = _before(compact.text, cs, floor), 0.55
        if found is None and rank and cs == floor and links[order[rank - 1]] is not None:
            links[i] = links[order[rank - 1]]
            continue
        if found is not None:
            start, end = compact.span(*found)
            links[i] = Link(start, end, confidence)
    return links

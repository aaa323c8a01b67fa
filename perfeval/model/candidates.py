"""What the model decides on: the rule layer's values, figures it left out, and for each one
the spans that could be its indicator.

The model does not tag characters. The rules and the table stage propose, with high
recall, and the model decides (:mod:`perfeval.model.network`):

- **value candidates**: every value the rule layer finds (prose grammar and table cells),
  and the *extra* figures it leaves out only because their kind is not evident (a bare
  number, a number before a word that is not a unit). Figures the rules know are never a
  value are no candidates at all: years and dates, ordinals (第3名), list numbers (1. （一）),
  page numbers, phone numbers and codes, physical measures (25TB, 29.5亩), what stands in
  ``《》`` titles and slogans. The model types each candidate (or drops it).
- **indicator candidates** of a value: the rules' own choice (its table row or column, or
  the rule linker's span) and that span with its start and end moved a few characters (or,
  where the rules chose nothing, every span of the clause before the value that ends close to it),
  the nouns right after it (走访 124 家 **民营企业**), the previous value's indicator, and
  the numbered heading it stands under. The model picks one, or none.

Spans are found in the linker's compact view (whitespace and page furniture removed) and
given in original offsets; an indicator candidate never overlaps a value candidate, except the
rules' own choice, which is always a candidate.
Each candidate carries the categorical features the rules know and a model can weigh:
where the value comes from (prose or table), its table column's role and layout, whether it
has a unit of its own; for an indicator candidate, which proposers made it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from perfeval.rules.linker import CompactText, link_values
from perfeval.rules.normalize import same_length_view
from perfeval.rules.values import ValueMatch, is_name_or_ordinal
from perfeval.spans import SpanSet
from perfeval.tables import Table, find_tables, find_values, table_cell_spans
from perfeval.tables.cells import OTHER_UNITS

Span = tuple[int, int]

# where a value candidate comes from
SOURCES = ("prose", "table", "extra-prose", "extra-table")
# what proposed an indicator candidate (several proposers may agree on one span)
PROPOSERS = ("rule", "before", "after", "previous", "heading")
LABEL_NAMES = ("MONEY", "PERCENT", "COUNT", "SCORE")
ROLE_NAMES = ("target", "actual", "weight", "score", "budget", "executed", "rate", "amount")

MAX_BACK = 40  # compact characters before a value in which its indicator may start
MAX_END_GAP = 8  # … and at most this many before the value it ends
MAX_INDICATOR = 24
MAX_AFTER = 14  # compact characters after a count in which its counted noun stands
MAX_START_SHIFT = 8  # around the rules' own choice: its start moved this far either way
MAX_END_SHIFT = 4  # … and its end
_CLAUSE_END = set("。；;！？!?")
_DELIMITERS = set("，,。；;：:！？!?、（）()【】[]《》“”\"|")

# an Arabic figure the rules did not take: a number, maybe a unit-like word after it
_FIGURE = re.compile(r"(?<![\d.,A-Za-z])[+\-]?\d+(?:[.,]\d+)*(?:\s*[%％‰])?")
_NEVER_AFTER = re.compile(
    r"\s*(?:年|月|日|号|时|点|岁|周年|届|期(?!间)|版|级|楼|层|栋|号楼|路|街|巷|村|组|"
    + "|".join(re.escape(u) for u in OTHER_UNITS) + r")"
)
_NEVER_BEFORE = re.compile(r"(?:第|No\.?|编号|电话|传真|邮编|代码|文号|〔|\[|【|附件|附表|指标|任务|表)\s*$")
_LIST_NUMBER_AFTER = re.compile(r"\s*[.、．）)](?!\d)")
_LINE_START = re.compile(r"(?:^|\n)[ \t\u3000（(]*$")
_CODE = re.compile(r"\d{7,}|\d+-\d+")  # phone numbers, codes, document numbers


@dataclass
class LinkCandidate:
    """A span that could be a value's indicator, and which proposers made it."""

    start: int
    end: int
    proposers: set[str] = field(default_factory=set)


@dataclass
class ValueCandidate:
    """A figure the model types (or drops), with its indicator candidates.

    ``rule`` is the rule layer's value (None for an extra figure); ``label`` its label
    (None for an extra); ``rule_link`` indexes ``links`` at the rules' choice (None: the
    rules leave it unlinked).
    """

    start: int
    end: int
    source: str
    rule: ValueMatch | None
    label: str | None
    column_role: str | None
    layout: str
    has_unit: bool
    links: list[LinkCandidate]
    rule_link: int | None


def document_candidates(
    text: str, skip: list[Span] | tuple = (), tables: list[Table] | None = None
) -> list[ValueCandidate]:
    """The value candidates of ``text`` in text order, each with its indicator candidates."""
    return list(iter_candidates(text, skip, tables))


def iter_candidates(
    text: str, skip: list[Span] | tuple = (), tables: list[Table] | None = None, rules: list[ValueMatch] | None = None
) -> Iterator[ValueCandidate]:
    """:func:`document_candidates` one at a time: the indicator candidates, which hold most of
    the memory, are built per value, so a long text is decided in bounded batches. ``rules``
    are the rule layer's values of ``text`` if already found."""
    if tables is None:
        tables = find_tables(text, skip)
    if rules is None:
        rules = find_values(text, skip, tables)
    in_tables = SpanSet(table_cell_spans(tables))
    layout_at = _layouts(tables)
    values: list[tuple[int, int, ValueMatch | None, str]] = []
    for v in rules:
        values.append((v.start, v.end, v, "table" if v.role is not None or in_tables.overlaps(v.start, v.end) else "prose"))
    taken = SpanSet((v.start, v.end) for v in rules)
    skipped = SpanSet(skip)
    for start, end in _extra_figures(text, taken, skipped):
        values.append((start, end, None, "extra-table" if in_tables.overlaps(start, end) else "extra-prose"))
    values.sort(key=lambda item: item[0])
    compact = CompactText(text)
    # the rule linker links the rule values among themselves, as without a model; an extra figure
    # gets the span it would link among all candidates
    by_rules = dict(zip(((v.start, v.end) for v in rules), link_values(text, [(v.label, v.start, v.end) for v in rules], compact)))
    among_all = link_values(text, [(v.label if v else "COUNT", s, e) for s, e, v, _ in values], compact) \
        if len(values) > len(rules) else []
    proposals = [by_rules[(s, e)] if v is not None else among_all[k] for k, (s, e, v, _) in enumerate(values)]
    value_spans = SpanSet((s, e) for s, e, _, _ in values)
    bounds = [(compact.index(s), compact.index(e)) for s, e, _, _ in values]
    previous_rule: Span | None = None
    for k, (start, end, rule, source) in enumerate(values):
        rule_span = _rule_span(rule, proposals[k])
        links = _link_candidates(compact, bounds, k, value_spans, rule_span, previous_rule)
        rule_link = next((i for i, c in enumerate(links) if (c.start, c.end) == rule_span), None)
        yield ValueCandidate(
            start, end, source, rule, rule.label if rule else None, rule.role if rule and rule.role else None,
            layout_at(start), bool(rule and rule.confidence >= 0.85), links, rule_link,
        )
        previous_rule = rule_span


def _rule_span(rule: ValueMatch | None, proposal) -> Span | None:
    """The rules' indicator: a table cell's row or column, else the rule linker's span."""
    if rule is not None and rule.indicator is not None:
        return rule.indicator
    return (proposal.start, proposal.end) if proposal is not None else None


def _layouts(tables: list[Table]):
    spans = sorted((t.span, t.layout) for t in tables)
    starts = [s for (s, _), _ in spans]

    def layout_at(offset: int) -> str:
        i = bisect_right(starts, offset) - 1
        if i >= 0 and spans[i][0][0] <= offset < spans[i][0][1]:
            return spans[i][1]
        return "prose"

    return layout_at


def _link_candidates(
    compact: CompactText, bounds: list[Span], k: int, values: SpanSet, rule_span: Span | None, previous: Span | None
) -> list[LinkCandidate]:
    text = compact.text
    cs, ce = bounds[k]
    found: dict[Span, LinkCandidate] = {}

    def add(span: Span | None, proposer: str, compact_span: bool = True) -> None:
        if span is None:
            return
        start, end = compact.span(*span) if compact_span else span
        # the rules' own choice stands even where it holds a figure (a table header with its weight),
        # so that keeping the rules' decision is always open to the model
        if end <= start or (proposer != "rule" and values.overlaps(start, end)):
            return
        found.setdefault((start, end), LinkCandidate(start, end)).proposers.add(proposer)

    add(rule_span, "rule", compact_span=False)
    add(previous, "previous", compact_span=False)
    floor = bounds[k - 2][1] if k >= 2 else 0  # an indicator may stand before the previous value
    lo = max(floor, cs - MAX_BACK)
    for a in range(cs - 1, lo - 1, -1):
        if text[a] in _CLAUSE_END:
            lo = a + 1
            break
    if rule_span is not None and rule_span[1] <= compact.positions[-1] + 1:
        # the rules chose: the model weighs that span's boundaries moved a little
        rs, re_ = compact.index(rule_span[0]), compact.index(rule_span[1])
        starts = range(max(0, rs - MAX_START_SHIFT), rs + MAX_START_SHIFT + 1)
        ends = range(max(1, re_ - MAX_END_SHIFT), re_ + MAX_END_SHIFT + 1)
        spans = [(a, b) for a in starts for b in ends if 0 < b - a <= MAX_INDICATOR]
    else:
        spans = [(a, b) for a in range(lo, cs) for b in range(max(a + 1, cs - MAX_END_GAP), min(cs, a + MAX_INDICATOR) + 1)]
    for a, b in spans:
        if 0 <= a < b <= len(text) and text[a] not in _DELIMITERS and text[b - 1] not in _DELIMITERS \
                and not any(ch in _CLAUSE_END for ch in text[a:b]):
            add((a, b), "before")
    ceiling = bounds[k + 1][0] if k + 1 < len(bounds) else len(text)
    for a in range(ce, min(ce + 4, ceiling)):
        for b in range(a + 2, min(a + MAX_AFTER, ceiling) + 1):
            if any(ch in _DELIMITERS for ch in text[a:b]):
                break
            add((a, b), "after")
    h = bisect_right(compact.boundaries, cs) - 1
    if h >= 0:
        add(compact.headings[h][1], "heading")
    return sorted(found.values(), key=lambda c: (c.start, c.end))


def _extra_figures(text: str, taken: SpanSet, skipped: SpanSet) -> list[Span]:
    """Arabic figures the rule layer left out that could still be values: not overlapping a
    rule value or a skipped span, and not where the rules know no value stands."""
    view = same_length_view(text)
    out = []
    for m in _FIGURE.finditer(view):
        start, end = m.span()
        if taken.overlaps(start, end) or skipped.overlaps(start, end) or _never_a_value(view, start, end):
            continue
        out.append((start, end))
    return out


def _never_a_value(view: str, start: int, end: int) -> bool:
    """Years and dates, ordinals, list numbers, codes, physical measures, names and titles."""
    figure = view[start:end]
    if _CODE.fullmatch(figure.replace(",", "").replace(".", "")) or (len(figure) == 4 and figure[:2] in ("19", "20")):
        return True
    if _NEVER_AFTER.match(view, end) or _NEVER_BEFORE.search(view, max(0, start - 4), start):
        return True
    if _LINE_START.search(view, max(0, start - 6), start) and _LIST_NUMBER_AFTER.match(view, end):
        return True  # 1. / 2、 / (3) opening a line: a list number
    if view[end:end + 1] in ("-", "—", "/") and view[end + 1:end + 2].isdigit():
        return True  # 2020-08-25, 3/12
    return is_name_or_ordinal(view, start, end, False)


def label_index(label: str | None) -> int:
    """0 for no value (None), else 1 + the label's place in :data:`LABEL_NAMES`."""
    return 0 if label is None else 1 + LABEL_NAMES.index(label)


def nearest(starts: list[int], offset: int) -> int:
    """Index of the last of the sorted ``starts`` at or before ``offset`` (0 if none)."""
    return max(0, bisect_left(starts, offset + 1) - 1)

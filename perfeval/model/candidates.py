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

import numpy as np

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
LINK_BLOCK = 256  # values whose indicator candidates are built together
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
class Links:
    """A value's indicator candidates as arrays, sorted by ``(start, end)``: their spans in
    original offsets and which proposers made each (bit ``k`` set: ``PROPOSERS[k]``).
    Indexing or iterating gives :class:`LinkCandidate` views."""

    starts: np.ndarray  # (K,) int64
    ends: np.ndarray  # (K,) int64
    proposers: np.ndarray  # (K,) int64 bit sets

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> LinkCandidate:
        bits = int(self.proposers[i])
        return LinkCandidate(int(self.starts[i]), int(self.ends[i]), {p for k, p in enumerate(PROPOSERS) if bits >> k & 1})

    def __iter__(self) -> Iterator[LinkCandidate]:
        return (self[i] for i in range(len(self)))

    def take(self, index: np.ndarray) -> "Links":
        """The candidates at ``index``, in that order."""
        return Links(self.starts[index], self.ends[index], self.proposers[index])

    def index(self, span: Span | None) -> int | None:
        """Where ``span`` stands among the candidates (None: not there)."""
        if span is None:
            return None
        hits = np.flatnonzero((self.starts == span[0]) & (self.ends == span[1]))
        return int(hits[0]) if len(hits) else None


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
    links: Links
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
    proposer = _LinkProposer(compact, [(s, e) for s, e, _, _ in values])
    rule_spans = [_rule_span(v, p) for (_, _, v, _), p in zip(values, proposals)]
    for first in range(0, len(values), LINK_BLOCK):
        ks = range(first, min(len(values), first + LINK_BLOCK))
        block = proposer.block(ks, rule_spans[ks.start:ks.stop], [rule_spans[k - 1] if k else None for k in ks])
        for k, links in zip(ks, block):
            start, end, rule, source = values[k]
            yield ValueCandidate(
                start, end, source, rule, rule.label if rule else None, rule.role if rule and rule.role else None,
                layout_at(start), bool(rule and rule.confidence >= 0.85), links, links.index(rule_spans[k]),
            )


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


class _LinkProposer:
    """The indicator candidates of the values of a text, built with array operations over a
    block of values at a time.

    ``values`` are the value candidates' spans in text order (original offsets). Spans are
    proposed in the compact view (:class:`CompactText`) and checked there: a "before" span
    neither starts nor ends on a delimiter and holds no clause end, an "after" span holds no
    delimiter; every span but the rules' own choice is dropped where it overlaps a value.
    Only the compact characters around each value of a block are read (:class:`_Segments`),
    so memory follows the block, not the text.
    """

    def __init__(self, compact: CompactText, values: list[Span]) -> None:
        self.compact = compact
        self.size = len(compact.text)
        self.value_starts = np.array([s for s, _ in values], dtype=np.int64)
        self.value_ends = np.array([e for _, e in values], dtype=np.int64)
        self.bounds = [(compact.index(s), compact.index(e)) for s, e in values]

    def block(self, ks: range, rule_spans: list[Span | None], previous: list[Span | None]) -> list[Links]:
        """The indicator candidates of the values ``ks``: the rules' choice ``rule_spans[i]``
        of value ``ks[i]``, the previous value's indicator ``previous[i]``, the spans before and
        after it and its heading."""
        compact, bounds, size = self.compact, self.bounds, self.size
        segments = _Segments(compact)
        rows = _Rows()
        shifted, back = [], []  # (row, rule start, rule end, segment) / (row, floor, value start, segment)
        after = []  # (row, value end, ceiling, segment)
        last = compact.positions[-1] + 1 if size else 0
        for row, k in enumerate(ks):
            cs, ce = bounds[k]
            ceiling = bounds[k + 1][0] if k + 1 < len(bounds) else size
            rule_span = rule_spans[row]
            if rule_span is not None:
                rows.add(row, *rule_span, "rule")
            if previous[row] is not None:
                rows.add(row, *previous[row], "previous")
            shifting = rule_span is not None and size and rule_span[1] <= last
            if shifting:
                # the rules chose: the model weighs that span's boundaries moved a little
                rs, re_ = compact.index(rule_span[0]), compact.index(rule_span[1])
                shifted.append((row, rs, re_, segments.add(max(0, rs - MAX_START_SHIFT), min(size, re_ + MAX_END_SHIFT))))
                first = ce
            else:
                floor = bounds[k - 2][1] if k >= 2 else 0  # an indicator may stand before the previous value
                first = max(floor, cs - MAX_BACK)
            main = segments.add(first, min(ce + 3 + MAX_AFTER, ceiling))
            if not shifting:
                back.append((row, first, cs, main))
            after.append((row, ce, ceiling, main))
            h = bisect_right(compact.boundaries, cs) - 1
            if h >= 0 and compact.headings[h][1] is not None:
                hs, he = compact.headings[h][1]
                rows.add(row, compact.positions[hs], compact.positions[he - 1] + 1, "heading")
        chars = segments.read()
        if shifted:
            r, rs, re_, seg = (np.array(x, dtype=np.int64) for x in zip(*shifted))
            a, b = rs[:, None] + _SHIFT_A, re_[:, None] + _SHIFT_B
            ok = (a >= 0) & (b >= 1) & (b - a > 0) & (b - a <= MAX_INDICATOR) & (b <= size)
            rows.add_grid(r, ok, chars.local(seg, a), chars.local(seg, b), chars, "before")
        if back:
            r, first, cs, seg = (np.array(x, dtype=np.int64) for x in zip(*back))
            lo = chars.after_last_clause_end(chars.local(seg, first), chars.local(seg, cs)) - chars.local(seg, first) + first
            a, b = cs[:, None] - _BACK_A, cs[:, None] - _BACK_B
            ok = (a >= lo[:, None]) & (b > a) & (b - a <= MAX_INDICATOR)
            rows.add_grid(r, ok, chars.local(seg, a), chars.local(seg, b), chars, "before")
        r, ce, ceiling, seg = (np.array(x, dtype=np.int64) for x in zip(*after))
        a, b = ce[:, None] + _AFTER_A, ce[:, None] + _AFTER_B
        ok = (a < ceiling[:, None]) & (b <= np.minimum(a + MAX_AFTER, ceiling[:, None]))
        la, lb = chars.local(seg, a), chars.local(seg, b)
        ok &= ~chars.any(chars.delimiter, la, lb, ok, MAX_AFTER)
        rows.add_spans(r[:, None], ok, la, lb, chars, "after")
        return rows.links(len(ks), self._overlaps_value)

    def _overlaps_value(self, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Whether each span ``s..e`` overlaps a value (values never overlap each other, so
        only the last one starting before ``e`` can)."""
        if not len(self.value_starts):
            return np.zeros(len(s), dtype=bool)
        i = np.searchsorted(self.value_starts, e, side="left") - 1
        return (i >= 0) & (self.value_ends[np.maximum(i, 0)] > s)


# the proposal grids, as offsets: around the rules' choice (start, end), before a value's
# start (both counted back), after its end (start, end)
_SHIFT_A, _SHIFT_B = (g.reshape(1, -1) for g in np.meshgrid(
    np.arange(-MAX_START_SHIFT, MAX_START_SHIFT + 1), np.arange(-MAX_END_SHIFT, MAX_END_SHIFT + 1), indexing="ij"))
_BACK_A, _BACK_B = (g.reshape(1, -1) for g in np.meshgrid(
    np.arange(1, MAX_BACK + 1), np.arange(0, MAX_END_GAP + 1), indexing="ij"))
_AFTER_A, _AFTER_B = (g.reshape(1, -1) for g in np.meshgrid(np.arange(4), np.arange(2, 4 + MAX_AFTER), indexing="ij"))
_AFTER_B = _AFTER_A + _AFTER_B


class _Segments:
    """Pieces of the compact text, read into one buffer: its characters' classes and original
    offsets, and each piece's place in it."""

    def __init__(self, compact: CompactText) -> None:
        self.compact = compact
        self.spans: list[Span] = []
        self.bases: list[int] = []
        self.length = 0

    def add(self, first: int, stop: int) -> int:
        """Take compact characters ``first..stop-1``; returns the piece's number."""
        stop = max(first, stop)
        self.spans.append((first, stop))
        self.bases.append(self.length)
        self.length += stop - first
        return len(self.spans) - 1

    def read(self) -> "_Buffer":
        text = self.compact.text
        joined = "".join(text[a:b] for a, b in self.spans)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        codes = np.where(codes < len(_IS_DELIMITER), codes, 0)
        positions = np.frombuffer(self.compact.positions, dtype=np.int64)  # no copy: an array("q")
        offsets = np.concatenate([positions[a:b] for a, b in self.spans] or [np.zeros(0, dtype=np.int64)])
        shift = np.array([base - a for (a, _), base in zip(self.spans, self.bases)], dtype=np.int64)
        return _Buffer(_IS_DELIMITER[codes], _IS_CLAUSE_END[codes], offsets, shift)


@dataclass
class _Buffer:
    """The characters of :class:`_Segments` (``delimiter``, ``clause_end``: one flag each) and
    their original ``offsets``; ``shift[piece]`` turns a compact index into a buffer index."""

    delimiter: np.ndarray
    clause_end: np.ndarray
    offsets: np.ndarray
    shift: np.ndarray

    def local(self, piece: np.ndarray, index: np.ndarray) -> np.ndarray:
        return index + (self.shift[piece][:, None] if index.ndim == 2 else self.shift[piece])

    @staticmethod
    def at(flags: np.ndarray, index: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """``flags`` at buffer ``index`` where ``valid`` (False elsewhere, whatever the index)."""
        if not len(flags):
            return np.zeros(index.shape, dtype=bool)
        return flags[np.where(valid, index, 0).clip(0, len(flags) - 1)] & valid

    def any(self, flags: np.ndarray, a: np.ndarray, b: np.ndarray, ok: np.ndarray, longest: int) -> np.ndarray:
        """Whether buffer characters ``a..b-1`` (spans where ``ok``, at most ``longest`` long) hold a flag."""
        index = np.where(ok, a, 0)[..., None] + np.arange(longest)
        return self.at(flags, index, index < np.where(ok, b, 0)[..., None]).any(-1)

    def after_last_clause_end(self, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """For each range ``first..stop-1`` (at most ``MAX_BACK`` long): the index after its last
        clause end, or ``first`` where it holds none."""
        steps = np.arange(MAX_BACK)
        index = first[:, None] + steps
        last = np.where(self.at(self.clause_end, index, index < stop[:, None]), steps, -1).max(axis=1)
        return np.where(last >= 0, first + last + 1, first)


class _Rows:
    """Indicator candidates of a block of values as they are proposed: value row, span, proposer bit."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.starts: list[np.ndarray] = []
        self.ends: list[np.ndarray] = []
        self.bits: list[np.ndarray] = []
        self.free: list[np.ndarray] = []  # exempt from the overlap check: the rules' own choice

    def _append(self, row, start, end, proposer: str) -> None:
        self.rows.append(np.asarray(row, dtype=np.int64).reshape(-1))
        self.starts.append(np.asarray(start, dtype=np.int64).reshape(-1))
        self.ends.append(np.asarray(end, dtype=np.int64).reshape(-1))
        self.bits.append(np.full(len(self.rows[-1]), 1 << PROPOSERS.index(proposer), dtype=np.int64))
        self.free.append(np.full(len(self.rows[-1]), proposer == "rule"))

    def add(self, row: int, start: int, end: int, proposer: str) -> None:
        """One span in original offsets."""
        if end > start:
            self._append([row], [start], [end], proposer)

    def add_spans(self, row, ok, la, lb, chars: _Buffer, proposer: str) -> None:
        """The spans of buffer characters ``la..lb-1`` where ``ok``, in original offsets."""
        row = np.broadcast_to(row, ok.shape)[ok]
        la, lb = la[ok], lb[ok]
        self._append(row, chars.offsets[la], chars.offsets[lb - 1] + 1, proposer)

    def add_grid(self, row, ok, la, lb, chars: _Buffer, proposer: str) -> None:
        """A "before" grid: spans that neither start nor end on a delimiter nor hold a clause end."""
        ok = ok & ~chars.at(chars.delimiter, la, ok) & ~chars.at(chars.delimiter, lb - 1, ok)
        ok &= ~chars.any(chars.clause_end, la, lb, ok, MAX_INDICATOR)
        self.add_spans(row[:, None], ok, la, lb, chars, proposer)

    def links(self, count: int, overlaps) -> list[Links]:
        """Each value's candidates, deduplicated (proposers joined) and sorted by span."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.rows:
            return [Links(empty, empty, empty) for _ in range(count)]
        row, s, e, bits, free = (np.concatenate(x) for x in (self.rows, self.starts, self.ends, self.bits, self.free))
        keep = free | ~overlaps(s, e)
        row, s, e, bits = row[keep], s[keep], e[keep], bits[keep]
        if not len(row):
            return [Links(empty, empty, empty) for _ in range(count)]
        order = np.lexsort((e, s, row))
        row, s, e, bits = row[order], s[order], e[order], bits[order]
        first = np.flatnonzero(np.r_[True, (row[1:] != row[:-1]) | (s[1:] != s[:-1]) | (e[1:] != e[:-1])])
        row, s, e, bits = row[first], s[first], e[first], np.bitwise_or.reduceat(bits, first)
        cuts = np.searchsorted(row, np.arange(count + 1))
        return [Links(s[i:j], e[i:j], bits[i:j]) for i, j in zip(cuts[:-1], cuts[1:])]


def _char_table(chars: set[str]) -> np.ndarray:
    table = np.zeros(max(map(ord, chars)) + 1, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


_IS_DELIMITER = _char_table(_DELIMITERS)
_IS_CLAUSE_END = np.zeros(len(_IS_DELIMITER), dtype=bool)
_IS_CLAUSE_END[: len(_char_table(_CLAUSE_END))] = _char_table(_CLAUSE_END)


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

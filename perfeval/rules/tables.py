"""Values in score sheets and budget tables, as PDF and web-page text leave them.

Three layouts are read (ANNOTATION.md section 2, "Tables"):

- ``|``-separated rows, one row per line (with or without outer pipes, tabs alike);
- cells run together with spaces, one row per line (empty cells vanish);
- one cell per line (row boundaries vanish too).

A table starts at a header row (``一级指标|二级指标|三级指标|年度指标值|实际完成值|分值|得分``,
``项目资金（万元）|年初预算数|全年预算数|全年执行数|分值|执行率|得分``). Each header cell
gets a :class:`Role`; every later row is aligned to the header's columns. Where a row
has fewer cells than the header (merged or empty cells dropped by the extractor) the
alignment is a small dynamic programme that places cells in order where their content
fits the column best (text in name columns, bare numbers in 分值/得分 columns, numbers
with units in target/actual columns); in one-cell-per-line text a second programme
also cuts the cell sequence into rows, each row starting with a name.

A cell number is a value when its kind is evident: a unit in the cell, a unit in its
column header (``年度预算数(万元)``), in the table's label header (``项目资金（万元）``),
in a ``单位：万元`` line just above the table or in the row's 度量单位 cell, a
分值/权重/得分 column (SCORE) or an 执行率 column (PERCENT). Empty, ``—`` and bare
``0`` cells are not values. A value links to the row's name (the rightmost filled name
cell, normally the 三级指标, without a leading ``其中：``) in a score sheet, and to its
column header (the text before any bracket) in a budget-execution block, whose rows
name funding sources (总额, 财政资金, 上年结转资金); a budget row that names what it
measures (收入合计, 基本支出, 办公经费) keeps the link to its own name. Section
weights such as ``预算执行情况（10分）`` are SCORE linked to the section name. Page
numbers (``— 4 —``) and running titles (``…自评报告``) inside a table are passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from enum import Enum

from perfeval.rules.normalize import COUNT_UNITS, normalize, same_length_view
from perfeval.rules.values import ValueMatch

Span = tuple[int, int]


class Role(Enum):
    """What a table column holds, read from its header cell."""

    NAME = "name"  # 一级/二级/三级指标, 指标名称: the row's indicator
    LABEL = "label"  # first column of a budget block: 总额, 财政资金, 其他资金
    TARGET = "target"  # 年度指标值, 目标值
    ACTUAL = "actual"  # 实际完成值
    WEIGHT = "weight"  # 分值, 权重
    SCORE = "score"  # 得分
    BUDGET = "budget"  # 年初预算数, 全年预算数, 全年执行数: amounts
    RATE = "rate"  # 执行率
    UNIT = "unit"  # 度量单位
    NATURE = "nature"  # 指标性质: ≥, =, 定性
    NOTE = "note"  # 偏差原因, 备注
    OTHER = "other"


# Checked in order: the first role whose keywords occur in the header text wins.
_ROLE_KEYWORDS: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (Role.NOTE, ("偏差", "原因", "措施", "备注", "说明", "评分标准", "指标解释")),
    (Role.UNIT, ("度量单位", "计量单位")),
    (Role.NATURE, ("指标性质", "指标方向")),
    (Role.SCORE, ("得分", "评分")),
    (Role.WEIGHT, ("分值", "权重", "满分")),
    (Role.RATE, ("执行率", "完成率")),
    (Role.LABEL, ("资金", "情况（", "情况(")),
    (Role.BUDGET, ("预算数", "年初预算", "全年预算", "调整后预算", "执行数", "支出数", "决算数", "预算金额")),
    (Role.TARGET, ("指标值", "目标值", "预期目标", "计划值", "年度目标")),
    (Role.ACTUAL, ("实际", "完成值", "完成情况")),
    (Role.NAME, ("一级指标", "二级指标", "三级指标", "四级指标", "指标名称", "绩效指标", "评价指标")),
)
_NAME_ROLES = (Role.NAME, Role.LABEL)
_VALUE_ROLES = (Role.TARGET, Role.ACTUAL, Role.WEIGHT, Role.SCORE, Role.BUDGET, Role.RATE)

_MONEY_UNITS = ("万亿元", "亿元", "千万元", "百万元", "万元", "千元", "元")
_PERCENT_UNITS = ("个百分点", "百分点", "%", "‰")
_UNITS = _MONEY_UNITS + _PERCENT_UNITS + ("分",) + tuple(sorted(COUNT_UNITS, key=len, reverse=True))
_UNIT_ALT = "|".join(re.escape(u) for u in _UNITS)
_QUALIFIERS = ("≥", "≤", ">=", "<=", ">", "<", "=", "不少于", "不低于", "不高于", "不超过", "不多于", "不大于",
               "不小于", "大于", "小于", "高于", "低于", "超过", "达到", "达")
_QUALIFIER_ALT = "|".join(re.escape(q) for q in _QUALIFIERS)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"

# A cell that is a number: qualifier, number, 余/多, 万/亿, unit, trailing qualifier.
_NUMBER_CELL = re.compile(
    rf"(?P<qual>{_QUALIFIER_ALT})?\s*"
    rf"(?P<span>(?P<num>[+\-]?(?:\d{{1,3}}(?:[,，]\d{{3}})+|\d+)(?:\.\d*)?|[{_CN_DIGITS}]+)"
    rf"(?:\s*[余多])?(?:\s*(?P<unit>(?:[万亿](?!元))?(?:{_UNIT_ALT})))?)"
    r"\s*(?P<tail>及以上|及以下|以上|以下|以内|左右)?"
)
_HEADER_UNIT = re.compile(rf"[（(]\s*(?:单位[:：]\s*)?({_UNIT_ALT})\s*[)）]|单位[:：]\s*({_UNIT_ALT})")
_SECTION_WEIGHT = re.compile(r"^(?P<name>[^（()）]+?)\s*[（(]\s*(?P<score>\d+(?:\.\d+)?\s*分)\s*[)）]$")
_BRACKET = re.compile(r"\s*[（(].*$", re.DOTALL)
# Page furniture that web and PDF text leaves inside a table: — 4 —, a report's running title.
_PAGE_FURNITURE = re.compile(r"^[-—–－]+\s*\d+\s*[-—–－]+$|.*自评报告$")
_DASHES = frozenset("—–-－/／\\、")
_NATURE_WORDS = frozenset(("≥", "≤", "=", ">", "<", "定性", "定量", "正向", "反向", "≥=", "＝"))
_PROSE_END = "。"
_ZERO = re.compile(r"[+\-]?0+(?:\.0*)?")
_UNIT_LINE = re.compile(rf"(?:金额)?单位[:：]\s*({'|'.join(_MONEY_UNITS)})")
_ROW_PREFIX = re.compile(r"^(?:其中[:：]?|[一二三四五六七八九十]+、|\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）])\s*")
_MEASURED_ITEM = re.compile(r"收入|支出|经费|费用")


@dataclass
class Cell:
    """A cell's text (stripped) and its span in the document."""

    start: int
    end: int
    text: str


@dataclass
class Column:
    role: Role
    unit: str | None  # unit written in the header cell: 年度预算数(万元)
    name: Span | None  # header text without its bracket: the indicator of budget-block cells


@dataclass
class Header:
    """The columns of a table; ``written`` of them appear in the header row.

    A header without a notes column gets one more, unwritten: rows often carry a
    remark (偏差原因) in an unheaded last cell.
    """

    columns: list[Column]
    unit: str | None  # table-wide money unit from the label header: 项目资金（万元）
    written: int

    @property
    def budget(self) -> bool:
        """A budget-execution block: values link to their column header."""
        return any(c.role in (Role.BUDGET, Role.RATE) for c in self.columns)

    @property
    def has_names(self) -> bool:
        return any(c.role in _NAME_ROLES for c in self.columns)


def find_table_values(text: str, skip: list[Span] | tuple = ()) -> list[ValueMatch]:
    """Values of the table cells in ``text``, each linked to its row name or column header.

    ``skip`` lists ``(start, end)`` spans (page numbers, running headers) that are
    neither cells nor values; a table interrupted by them continues after them.
    """
    lines = [
        line for line in _lines(text)
        if not _overlaps(skip, line.start, line.end) and not _PAGE_FURNITURE.match(line.text)
    ]
    found: list[ValueMatch] = []
    i = 0
    while i < len(lines):
        read = _read_separated(text, lines, i) or _read_spaced(text, lines, i) or _read_cell_per_line(text, lines, i)
        if read is None:
            i += 1
            continue
        values, i = read
        found += values
    return sorted((v for v in found if not _overlaps(skip, v.start, v.end)), key=lambda v: v.start)


# ------------------------------------------------------------------ lines and cells

def _lines(text: str) -> list[Cell]:
    """Every line of ``text`` (blank ones too), stripped, with its span."""
    out = []
    start = 0
    for line in text.split("\n"):
        out.append(_strip(text, start, start + len(line)))
        start += len(line) + 1
    return out


def _strip(text: str, start: int, end: int) -> Cell:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Cell(start, end, text[start:end])


def _overlaps(spans: list[Span] | tuple, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _separator(line: str) -> str | None:
    if "|" in line:
        return "|"
    if "\t" in line:
        return "\t"
    return None


def _unstripped(text: str, line: Cell) -> Cell:
    """The whole line around ``line``: a tab row's leading tab is its empty first cell."""
    start = text.rfind("\n", 0, line.start) + 1
    end = text.find("\n", line.end)
    return Cell(start, len(text) if end < 0 else end, text[start:len(text) if end < 0 else end])


def _split(text: str, line: Cell, sep: str, outer: bool) -> list[Cell]:
    """The cells of one separated row; ``outer`` drops the empty edges of ``|a|b|``."""
    cells = []
    start = line.start
    for part in line.text.split(sep):
        cells.append(_strip(text, start, start + len(part)))
        start += len(part) + 1
    return cells[1:-1] if outer and len(cells) >= 2 else cells


def _tokens(text: str, line: Cell, header: Header | None) -> list[Cell]:
    """The cells of one space-separated row; a lone unit or qualifier joins its number.

    A header with a 度量单位 / 指标性质 column keeps units / qualifiers as their own cells.
    In a header row (``header`` None) single characters join up: ``项 目`` is one cell.
    """
    roles = {c.role for c in header.columns} if header else set()
    out: list[Cell] = []
    for m in re.finditer(r"\S+", line.text):
        cell = Cell(line.start + m.start(), line.start + m.end(), m.group())
        prev = out[-1] if out else None
        joins = prev is not None and (
            (Role.UNIT not in roles and cell.text in _UNITS and _is_number(prev.text))
            or (Role.NATURE not in roles and prev.text in _QUALIFIERS and _is_number(cell.text))
            or (header is None and len(prev.text) == 1 and len(cell.text) == 1)
        )
        if prev is not None and joins:
            out[-1] = Cell(prev.start, cell.end, text[prev.start:cell.end])
        else:
            out.append(cell)
    return out


def _is_number(text: str) -> bool:
    m = _NUMBER_CELL.fullmatch(same_length_view(text))
    return m is not None and (m.group("num")[0].isdigit() or m.group("num")[0] in "+-" or m.group("unit") is not None)


def _is_prose(line: Cell) -> bool:
    return len(line.text) > 40 or (_PROSE_END in line.text and len(line.text) > 20)


# ------------------------------------------------------------------ headers

_ROLE_PATTERNS = [(role, re.compile("|".join(map(re.escape, keywords)))) for role, keywords in _ROLE_KEYWORDS]

@lru_cache(maxsize=4096)
def role_of(header_text: str) -> Role:
    """The :class:`Role` of a column from its header text (cached: headers repeat)."""
    compact = "".join(header_text.split())
    for role, keywords in _ROLE_PATTERNS:
        if keywords.search(compact):
            return role
    return Role.OTHER


def _header(cells: list[Cell]) -> Header | None:
    """A :class:`Header` if these cells read as a table's header row."""
    if any(_is_number(c.text) for c in cells if c.text):
        return None
    roles = [role_of(c.text) if c.text else Role.OTHER for c in cells]
    known = [r for r in roles if r is not Role.OTHER]
    if len(known) < 2 or not set(known) & set(_VALUE_ROLES):
        return None
    if any(r in (Role.BUDGET, Role.RATE) for r in roles) and roles[0] is Role.OTHER:
        roles[0] = Role.LABEL  # 项目 / 年度预算执行情况 heading the funding-source rows
    columns = [Column(role, _unit_in(cell.text), _name_span(cell)) for cell, role in zip(cells, roles, strict=True)]
    label_units = [col.unit for col in columns if col.role is Role.LABEL and col.unit]
    if columns[-1].role is not Role.NOTE:
        columns.append(Column(Role.NOTE, None, None))
    return Header(columns, label_units[0] if label_units else None, len(cells))


def _unit_above(lines: list[Cell], i: int) -> str | None:
    """The money unit of a ``单位：万元`` line among the three lines above line ``i``."""
    for line in reversed(lines[max(0, i - 3):i]):
        m = _UNIT_LINE.search(line.text)
        if m:
            return m.group(1)
    return None


def _unit_in(text: str) -> str | None:
    m = _HEADER_UNIT.search(same_length_view(text))
    return (m.group(1) or m.group(2)) if m else None


def _name_span(cell: Cell) -> Span | None:
    """The header text before any bracket: ``全年预算数（A）`` -> ``全年预算数``."""
    name = _BRACKET.sub("", cell.text).rstrip()
    return (cell.start, cell.start + len(name)) if name else None


# ------------------------------------------------------------------ the three layouts

def _read_separated(text: str, lines: list[Cell], i: int) -> tuple[list[ValueMatch], int] | None:
    """A block of ``|``/tab rows starting at line ``i`` (blank lines inside allowed)."""
    sep = _separator(lines[i].text)
    if sep is None:
        return None
    block = []
    j = i
    while j < len(lines) and (not lines[j].text or _separator(lines[j].text) == sep):
        if lines[j].text and not re.fullmatch(r"[|\s:：\-—]+", lines[j].text):  # markdown rule |---|
            block.append(lines[j])
        j += 1
    framed = sum(line.text.startswith("|") and line.text.endswith("|") for line in block)
    outer = sep == "|" and framed >= 0.8 * len(block)  # |a|b| rows; a lone |b|c| row has an empty first cell
    rows = [_split(text, _unstripped(text, line), sep, outer) for line in block]
    return _read_rows(lines, i, rows, positional=True), j


def _read_spaced(text: str, lines: list[Cell], i: int) -> tuple[list[ValueMatch], int] | None:
    """A header row of space-separated cells and the rows below it, up to a blank or prose line."""
    head = _tokens(text, lines[i], None)
    header = _header(head) if len(head) >= 3 else None
    if header is None:
        return None
    rows = [head]
    j = i + 1
    while j < len(lines) and lines[j].text and not _separator(lines[j].text) and not _is_prose(lines[j]):
        rows.append(_tokens(text, lines[j], header))
        j += 1
    return _read_rows(lines, i, rows, positional=False), j


def _read_rows(lines: list[Cell], i: int, rows: list[list[Cell]], positional: bool) -> list[ValueMatch]:
    """Values of rows that each hold one table row; a header row switches the columns.

    ``positional``: a row with as many cells as the header maps cell ``k`` to column ``k``
    (separated layouts keep empty cells); other rows are aligned.
    """
    values: list[ValueMatch] = []
    header: Header | None = None
    for cells in rows:
        new_header = _header(cells)
        if new_header is not None:
            header = new_header
            header.unit = header.unit or _unit_above(lines, i)
        elif header is not None:
            fits = positional and len(cells) in (header.written, len(header.columns))
            values += _row_values(header, cells, list(range(len(cells))) if fits else _align(cells, header))
    return values


def _read_cell_per_line(text: str, lines: list[Cell], i: int) -> tuple[list[ValueMatch], int] | None:
    """A header of one cell per line (three or more) and the cells below it."""
    heads, j = _header_run(lines, i)
    if len(heads) < 3:
        return None
    header = _header(_with_label(text, lines, i, heads))
    if header is None:
        return None
    header.unit = header.unit or _unit_above(lines, i)
    cells = []
    while j < len(lines) and not _separator(lines[j].text) and not _is_prose(lines[j]):
        if len(_header_run(lines, j)[0]) >= 3:
            break
        if lines[j].text:
            cells.append(lines[j])
        j += 1
    values: list[ValueMatch] = []
    for row, columns in _segment(cells, header):
        values += _row_values(header, *_join_wrapped_name(text, header, row, columns))
    return values, j


def _join_wrapped_name(text: str, header: Header, row: list[Cell], columns: list[int]) -> tuple[list[Cell], list[int]]:
    """Rejoin a name that wrapped onto two lines: ``数量指标 / 政府采购项 / 目数``.

    When the two last name cells are plain text, the first does not end like a whole
    name (率, 度, 性 …) and the one before them, if any, is a 二级指标 (``…指标``), the
    two are one 三级指标 cell.
    """
    named = [k for k, col in enumerate(columns) if header.columns[col].role in _NAME_ROLES]
    if len(named) < 2 or named[-1] != named[-2] + 1:
        return row, columns
    first, second = row[named[-2]], row[named[-1]]
    if len(named) >= 3 and not row[named[-3]].text.endswith("指标"):
        return row, columns
    if any(_cell_kind(c.text) != "text" for c in (first, second)):
        return row, columns
    if len(first.text) + len(second.text) > WRAPPED_NAME_MAX or first.text.endswith(_NAME_ENDINGS):
        return row, columns
    joined = Cell(first.start, second.end, text[first.start:second.end])
    k = named[-2]
    return row[:k] + [joined] + row[k + 2:], columns[:k] + columns[k + 1:]


def _header_run(lines: list[Cell], i: int) -> tuple[list[Cell], int]:
    """Consecutive one-cell lines from ``i`` that each name a known column (blank lines allowed).

    A label heading (``项目资金``) may only open the run: below it, ``年度资金总额`` is a row.
    """
    heads: list[Cell] = []
    j = i
    while j < len(lines):
        line = lines[j]
        if line.text:
            role = role_of(line.text)
            if role is Role.OTHER or (role is Role.LABEL and heads) or _is_number(line.text) or len(line.text) > 16:
                break
            heads.append(line)
        j += 1
    return heads, j


def _with_label(text: str, lines: list[Cell], i: int, heads: list[Cell]) -> list[Cell]:
    """Prepend the label column a run lacks: ``项目`` or ``项目资金`` / ``（万元）`` above it."""
    if any(role_of(h.text) in _NAME_ROLES for h in heads):
        return heads
    before = [line for line in lines[max(0, i - 3):i] if line.text]
    if len(before) >= 2 and _HEADER_UNIT.fullmatch(same_length_view(before[-1].text)):
        return [Cell(before[-2].start, before[-1].end, text[before[-2].start:before[-1].end])] + heads
    if before and len(before[-1].text) <= 12 and not _is_number(before[-1].text):
        return [before[-1]] + heads
    return heads


# ------------------------------------------------------------------ alignment

def _cell_kind(text: str) -> str:
    """A coarse kind for alignment: number, measure, unit, nature, dash, remark, name or text."""
    view = same_length_view(text)
    if not text or all(ch in _DASHES for ch in text):
        return "dash"
    if view in _NATURE_WORDS:
        return "nature"
    if text in _UNITS:
        return "unit"
    m = _NUMBER_CELL.fullmatch(view)
    if m is not None and _is_number(text):
        return "number" if m.group("unit") in (None, "分") else "measure"
    if _REMARK.search(text):
        return "remark"
    if text.endswith("指标") or _SECTION_WEIGHT.match(text) or text.startswith("其中") or text in ("总额", "合计", "总分"):
        return "name"
    return "text"


# How well a cell of a kind fits a column of a role (higher is better; missing pairs score 0).
_FIT: dict[Role, dict[str, float]] = {
    Role.NAME: {"name": 2, "text": 1, "remark": -2, "number": -5, "measure": -5, "dash": -2, "unit": -3, "nature": -3},
    Role.TARGET: {"measure": 2, "number": 1.5, "text": 1.1, "remark": 0.5, "name": -1, "dash": 0.5, "unit": -2, "nature": -2},
    Role.WEIGHT: {"number": 3, "measure": 0.5, "dash": 1, "text": -3, "name": -3, "unit": -3, "nature": -3},
    Role.BUDGET: {"number": 3, "measure": 3, "dash": 1, "text": -3, "name": -3, "unit": -3, "nature": -3},
    Role.RATE: {"number": 1.5, "measure": 2, "dash": 1, "text": -3, "name": -3, "unit": -3, "nature": -3},
    Role.UNIT: {"unit": 3, "dash": 0.5, "text": -3, "name": -3, "number": -3, "measure": -3, "nature": -3},
    Role.NATURE: {"nature": 3, "text": -1, "name": -3, "number": -3, "measure": -3, "unit": -3},
    Role.NOTE: {"remark": 2, "text": 0.2, "dash": 0.2, "name": -3, "number": -1, "measure": -1},
}
_FIT[Role.LABEL] = _FIT[Role.NAME]
_FIT[Role.ACTUAL] = _FIT[Role.TARGET]
_FIT[Role.SCORE] = _FIT[Role.WEIGHT]
_IMPOSSIBLE = float("-inf")
_ROW_COST = 1.0
WRAPPED_NAME_MAX = 20  # longest 三级指标 that is rejoined from two lines
# Words of a remark (偏差原因) cell, which no indicator name uses.
_REMARK = re.compile(r"^(?:无|无偏差|已完成|扣分)$|偏差|原因|滞后|偏慢|未达|尚未|影响|加快|下一步")
_NAME_ENDINGS = tuple("率度性数量值额")  # a fragment ending so is a whole name (满意度), not a wrapped one


def _fit(kind: str, role: Role) -> float:
    return _FIT.get(role, {}).get(kind, 0.0)


def _align(cells: list[Cell], header: Header) -> list[int] | None:
    """Column index of each cell, in order, maximising the fit; None if they cannot fit."""
    score, columns = _best_alignment([_cell_kind(c.text) for c in cells], header)
    return columns if score > _IMPOSSIBLE else None


def _best_alignment(kinds: list[str], header: Header) -> tuple[float, list[int]]:
    """Order-preserving placement of cells (of ``kinds``) in columns; a row starts with a name."""
    n, m = len(kinds), len(header.columns)
    if n == 0 or n > m:
        return _IMPOSSIBLE, []
    roles = [c.role for c in header.columns]
    best = [[_IMPOSSIBLE] * (m + 1) for _ in range(n + 1)]
    took = [[False] * (m + 1) for _ in range(n + 1)]
    best[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            fit = _fit(kinds[i - 1], roles[j - 1])
            if i == 1 and header.has_names and roles[j - 1] not in _NAME_ROLES:
                fit = _IMPOSSIBLE
            skip, take = best[i][j - 1], best[i - 1][j - 1] + fit
            best[i][j], took[i][j] = (take, True) if take > skip else (skip, False)
    columns = []
    i, j = n, m
    while i > 0 and best[n][m] > _IMPOSSIBLE:
        if took[i][j]:
            columns.append(j - 1)
            i -= 1
        j -= 1
    return best[n][m], columns[::-1]


def _segment(cells: list[Cell], header: Header) -> list[tuple[list[Cell], list[int]]]:
    """Cut one-cell-per-line cells into rows, each aligned to ``header`` (best total fit)."""
    kinds = [_cell_kind(c.text) for c in cells]
    width = len(header.columns)
    best: list[float] = [0.0] + [_IMPOSSIBLE] * len(cells)
    back: list[tuple[int, list[int]]] = [(0, [])] * (len(cells) + 1)
    for end in range(1, len(cells) + 1):
        best[end], back[end] = best[end - 1] - _ROW_COST, (end - 1, [])  # a stray cell
        for start in range(max(0, end - width), end):
            score, columns = _best_alignment(kinds[start:end], header)
            if score > _IMPOSSIBLE and best[start] + score - _ROW_COST > best[end]:
                best[end], back[end] = best[start] + score - _ROW_COST, (start, columns)
    rows = []
    end = len(cells)
    while end > 0:
        start, columns = back[end]
        if columns:
            rows.append((cells[start:end], columns))
        end = start
    return rows[::-1]


# ------------------------------------------------------------------ values of one row

def _row_values(header: Header, cells: list[Cell], columns: list[int] | None) -> list[ValueMatch]:
    """The values of one row whose cell ``k`` sits in column ``columns[k]`` (None: no fit)."""
    if columns is None:
        return []
    placed = [(cell, header.columns[col]) for cell, col in zip(cells, columns, strict=True)]
    names = [cell for cell, column in placed if column.role in _NAME_ROLES and cell.text]
    row_name = _row_name(names[-1]) if names else None
    row_unit = next((cell.text for cell, column in placed if column.role is Role.UNIT and _is_unit(cell.text)), None)
    nature = next((cell.text for cell, column in placed if column.role is Role.NATURE and cell.text), None)
    by_column = header.budget and not (names and _MEASURED_ITEM.search(names[-1].text))
    values = []
    for cell, column in placed:
        section = _section_weight(cell)
        if section is not None:
            values.append(section)
            continue
        if column.role not in _VALUE_ROLES:
            continue
        value = _cell_value(cell, column, header, row_unit, column.name if by_column else row_name)
        if value is not None and value.qualifier is None and column.role is Role.TARGET and nature in _QUALIFIERS:
            value.qualifier = nature
        if value is not None:
            values.append(value)
    return values


def _is_unit(text: str) -> bool:
    """A 度量单位 cell: a known unit or any short measure word (门, 台件)."""
    return text in _UNITS or (0 < len(text) <= 3 and not _is_number(text) and not set(text) & _DASHES)


def _row_name(cell: Cell) -> Span:
    """A row's name without a leading ``其中：`` or list number: ``其中：基本支出`` -> ``基本支出``."""
    m = _ROW_PREFIX.match(cell.text)
    return (cell.start + (m.end() if m else 0), cell.end)


def _section_weight(cell: Cell) -> ValueMatch | None:
    """``预算执行情况（10分）`` -> SCORE ``10分`` linked to ``预算执行情况``."""
    m = _SECTION_WEIGHT.match(same_length_view(cell.text))
    if m is None:
        return None
    start, end = cell.start + m.start("score"), cell.start + m.end("score")
    norm = normalize("SCORE", cell.text[m.start("score"):m.end("score")])
    name = (cell.start + m.start("name"), cell.start + m.end("name"))
    return ValueMatch("SCORE", start, end, norm.value, norm.unit, norm.approximate, None, name)


def _implied(column: Column, header: Header, row_unit: str | None) -> tuple[str, str] | None:
    """``(label, unit)`` for a bare number in ``column``, or None when its kind is not evident."""
    if column.role in (Role.WEIGHT, Role.SCORE):
        return "SCORE", "分"
    unit = column.unit or row_unit or (header.unit if column.role is Role.BUDGET else None)
    if unit is None and column.role is Role.RATE:
        unit = "%"
    return (_label_of_unit(unit), unit) if unit else None


def _label_of_unit(unit: str) -> str:
    """The label a unit gives: 万元 MONEY, % PERCENT, 分 SCORE, any measure word (万次 too) COUNT."""
    if unit in _MONEY_UNITS:
        return "MONEY"
    if unit in _PERCENT_UNITS:
        return "PERCENT"
    if unit == "分":
        return "SCORE"
    return "COUNT"


def _cell_value(cell: Cell, column: Column, header: Header, row_unit: str | None, link: Span | None) -> ValueMatch | None:
    """The value of one value-column cell, or None (text, dash, bare 0, kind not evident)."""
    m = _NUMBER_CELL.fullmatch(same_length_view(cell.text))
    if m is None or not _is_number(cell.text):
        return None
    unit = m.group("unit")
    if unit is None:
        implied = _implied(column, header, row_unit)
        if implied is None or _ZERO.fullmatch(m.group("num")):
            return None
        label, implied_unit = implied
    else:
        label, implied_unit = _label_of_unit(unit), None
    start, end = cell.start + m.start("span"), cell.start + m.end("span")
    norm = normalize(label, cell.text[m.start("span"):m.end("span")], implied_unit=implied_unit)
    if norm.value is None:
        return None
    qualifier = m.group("qual") or m.group("tail")
    approximate = norm.approximate or m.group("tail") == "左右"
    confidence = 0.9 if unit else 0.75
    return ValueMatch(label, start, end, norm.value, norm.unit, approximate, qualifier, link, confidence)

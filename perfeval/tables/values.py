"""The values of a :class:`~perfeval.tables.grid.Table`: typed, normalised, linked, with a role.

ANNOTATION.md section 2 ("Tables") and section 7, cell by cell:

- **Kind.** A cell figure is a value when its kind is evident: a unit in the cell
  (``≥90%``, ``20万元``, ``192只``), in its column header (``年度预算数(万元)``), in the row's
  ``度量单位`` cell, in the table's label header or a ``单位：`` line (``项目资金（万元）``, for
  budget columns); a 分值/权重/得分 column (SCORE); an 执行率 column (PERCENT); or the row's
  name (a ``…率`` / ``…比例`` row holds percents, a ``…人数`` row counts people). ``5万`` is
  MONEY in a row about money (成本指标, 资金, 经费). Text, dashes, physical measures
  (``29.5亩``) and bare zeros in budget and score columns are not values.
- **Link.** Target, actual, weight and score cells link to the row's indicator: its
  deepest name cell (the 三级指标), without a leading ``★`` / ``其中：``, a leading count
  (``一个存储备份器`` -> ``存储备份器``) or a trailing template (``(按月平均)(≥**人)``,
  ``≥**人``, ``——每人每月最高800元``). A weight column right after a name column of an upper
  level (``投入 | 13 | 预算配置 | 13 | …``) weighs that level's name. Budget-block cells link
  to their column header without its bracket (``全年预算数（A）`` -> ``全年预算数``), unless
  the row names what it measures (收入合计, 基本支出).
- **Section weights** (``产出指标(50分)``, ``预算执行情况(万元) (20分)``, ``得分 (20分*执行率)``,
  in a name cell or a header cell) are SCORE linked to the text before the bracket, with
  the role ``weight``.
- **Figures in text cells** (a scoring rule ``每低于5%扣2分``, ``100%覆盖``, a name
  ``…——每人每月最高800元``) are the prose grammar's values, linked to the row's indicator.
- **Role.** Every cell value carries its column's role (``target``, ``actual``, ``weight``,
  ``score``, ``budget``, ``executed``, ``rate``; ``amount`` for the 金额 column of a table of
  items), section weights ``weight``; figures in names and rules carry none.
- **Qualifier.** ``≥90%`` keeps ``≥`` outside the span; a ``指标性质`` cell gives the
  target's; a ``≥`` that the source garbled into a ``2`` (``290%`` in a satisfaction row
  whose actual is ``100%``) is read as ``≥`` with the ``2`` left outside (section 7).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from perfeval.rules.normalize import COUNT_UNITS, normalize, same_length_view
from perfeval.rules.values import ValueMatch, find_prose_values
from perfeval.spans import SpanSet
from perfeval.tables.cells import MONEY_UNITS, OTHER_UNITS, PERCENT_UNITS, QUALIFIERS
from perfeval.tables.grid import BUDGET_ROLES, VALUE_ROLES, Cell, Role, Row, Table

Span = tuple[int, int]

CELL_CONFIDENCE = 0.9  # a unit written in the cell
IMPLIED_CONFIDENCE = 0.8  # the kind comes from the column, the row or the table

_UNITS = MONEY_UNITS + PERCENT_UNITS + ("分",) + tuple(sorted(COUNT_UNITS + ("只", "头"), key=len, reverse=True))
_QUALIFIER = "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))
_CELL = re.compile(
    rf"(?P<qual>{_QUALIFIER})?\s*"
    rf"(?P<span>(?P<num>[+\-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)(?:\s*[余多])?"
    rf"(?:\s*(?P<unit>(?:[万亿](?!元))?(?:{'|'.join(re.escape(u) for u in _UNITS)})|[万亿]))?)"
    r"\s*(?P<tail>及以上|及以下|以上|以下|以内|左右)?"
    r"(?P<per>\s*/\s*\S{1,6})?"  # 583元/人*月: a per-unit rate keeps the number's own value
)
_SECTION_WEIGHT = re.compile(r"[（(]\s*(?P<score>\d+(?:\.\d+)?\s*分)")
_BRACKET = re.compile(r"\s*[（(]")
_LEADING = re.compile(r"^(?:[★☆*＊\s]+|其中\s*[:：]?\s*|[（(]?[一二三四五六七八九十\d]{1,2}[)）.、．]\s*)+")
_LEADING_COUNT = re.compile(
    r"^(?P<count>[一二两三四五六七八九十\d]{1,3}\s*(?:个|台|套|件|项|辆|部|座|处|批))(?=[\u4e00-\u9fffA-Za-z]{2})"
)
_LEADING_MEASURE = re.compile(
    rf"^(?:≥|≤|>=|<=|>|<)\s*\d+(?:\.\d+)?\s*(?:{'|'.join(sorted(_UNITS + OTHER_UNITS, key=len, reverse=True))})"
    r"(?=[\u4e00-\u9fff]{2})"
)  # ≥360天服务读者: the name is 服务读者
_TEMPLATE = re.compile(r"\*\*|＊＊")
_TRAILING_BRACKETS = re.compile(r"(?:\s*[（(][^（()）]*[)）])+\s*$")
_DASH_TAIL = re.compile(r"\s*——.*$", re.DOTALL)
_PERCENT_NAME = re.compile(r"(?:率|比例|比重|占比)$")
_COUNT_NAME = {"人次数": "人次", "人次": "人次", "人数": "人", "户数": "户", "次数": "次", "个数": "个", "件数": "件",
               "家数": "家", "起数": "起", "发生数": "起"}
_MONEY_ROW = re.compile(r"成本|资金|经费|投资|费用|金额|预算|补助|补贴|收入")
_MEASURED_ITEM = re.compile(r"收入|支出|经费|费用")
_ZERO = re.compile(r"[+\-]?0+(?:\.0*)?$")
_RATE_COMPARED = re.compile(r"[=＝至”](?P<num>\d+(?:\.\d+)?)(?![\d.%％‰分\u4e00-\u9fff])")
_FORMULA_BEFORE = re.compile(r"[（(][^（()）]*/[^（()）]*[)）]\s*$")
_NAMED = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # a name cell that names something (not ……, not —)
_GARBLED_AT_LEAST = re.compile(r"^2(?P<rest>\d{2,3}(?:\.\d+)?%)$")


@dataclass
class _RowContext:
    """What a row's cells need to know: its indicator, names in effect, unit and nature cells."""

    indicator: Span | None
    names: dict[int, Cell]  # column index -> the name cell in effect (carried down from above)
    unit: str | None  # the row's 度量单位 cell
    nature: str | None  # the row's 指标性质 cell
    money: bool  # a row about money: 万 alone is 万元
    percent_row: bool  # a …率 / …比例 row: bare figures are percents
    count_unit: str | None  # a …人数 row: bare figures count people
    leading_count: ValueMatch | None  # 一个存储备份器


@dataclass
class RowReading:
    """One table row as the value stage reads it.

    ``names`` maps a name column to the name cell in effect for the row (its own, or
    carried down from the rows above: a merged 一级指标); ``indicator`` is the row's
    indicator span (None for a row without a name); ``values`` its values in text order.
    """

    row: Row
    names: dict[int, Cell]
    indicator: Span | None
    values: list[ValueMatch]


def table_values(text: str, table: Table) -> list[ValueMatch]:
    """The table's values, in text order: its cells' figures, section weights (in name and
    header cells), and the prose grammar's figures inside its text cells (linked to their row)."""
    values = section_weights(text, table)
    values += [v for reading in read_rows(text, table) for v in reading.values]
    return sorted(values, key=lambda v: v.start)


def section_weights(text: str, table: Table) -> list[ValueMatch]:
    """The section weights written in the table's header cells (``年度绩效目标1（80分）``)."""
    return [v for cell in table.header for v in _section_weights(text, cell)]


def read_rows(text: str, table: Table) -> list[RowReading]:
    """Every row of ``table`` with its names in effect, indicator and values."""
    readings = []
    names: dict[int, Cell] = {}
    for row in table.rows:
        context = _context(text, table, row, names)
        row_values = _row_values(text, table, row, context)
        taken = SpanSet((v.start, v.end) for v in row_values)
        row_start = min(c.start for c in row.cells if c is not None)
        for k, cell in enumerate(row.cells):
            if cell is None:
                continue
            role = table.columns[k].role
            for value in _figures_in_text(text, cell, context.percent_row and role is Role.NOTE):
                if taken.overlaps(value.start, value.end):
                    continue
                link = context.indicator if table.kind == "sheet" else None
                if link is not None and link[0] <= value.start < link[1]:
                    continue  # a figure inside the indicator's own name (5000吨稻谷…到位率)
                if link is not None:
                    link = _mention_before(text, row_start, value.start, link)
                role_name = role.value if role in (Role.TARGET, Role.ACTUAL) else None
                row_values.append(replace(value, indicator=link or value.indicator, role=role_name))
                taken.add(value.start, value.end)
        readings.append(RowReading(row, context.names, context.indicator, sorted(row_values, key=lambda v: v.start)))
    return readings


def _figures_in_text(text: str, cell: Cell, rate_rule: bool) -> list[ValueMatch]:
    """The prose grammar's values inside one cell, read on the cell alone; the ``100%`` of a
    formula (``=(到岗人数/核定人数)100%``) is not one. In the scoring rule of a rate
    (``rate_rule``), a bare figure compared with the rate is a percent: ``预算控制率=0``."""
    found = []
    for v in find_prose_values(cell.text):
        start, end = cell.start + v.start, cell.start + v.end
        if _FORMULA_BEFORE.search(text, max(cell.start, start - 30), start):
            continue
        found.append(replace(v, start=start, end=end))
    if rate_rule:
        taken = SpanSet((v.start, v.end) for v in found)
        for m in _RATE_COMPARED.finditer(text, cell.start, cell.end):
            start, end = m.span("num")
            if not taken.overlaps(start, end):
                norm = normalize("PERCENT", m.group("num"), implied_unit="%")
                found.append(ValueMatch("PERCENT", start, end, norm.value, "%", confidence=IMPLIED_CONFIDENCE))
    return sorted(found, key=lambda v: v.start)


def _mention_before(text: str, row_start: int, start: int, indicator: Span) -> Span:
    """The indicator's name written again in the figure's own sentence of the row, if it is:
    ``在职人员控制率≤100%，计5分`` in a rule links to that mention (ANNOTATION.md section 3)."""
    name = text[indicator[0]:indicator[1]]
    sentence = text.rfind("。", row_start, start) + 1
    found = text.rfind(name, max(row_start, sentence, indicator[1]), start)
    return (found, found + len(name)) if found >= 0 else indicator


# ------------------------------------------------------------------ rows

def _context(text: str, table: Table, row: Row, names: dict[int, Cell]) -> _RowContext:
    """The row's context; ``names`` carries name cells down from the rows above (mutated)."""
    name_columns = [k for k, c in enumerate(table.columns) if c.role in (Role.NAME, Role.LABEL)]
    for k in name_columns:
        cell = row.get(k)
        if cell is not None:
            names[k] = cell
            for deeper in [j for j in names if j > k]:
                del names[deeper]  # a new 一级指标 resets the 二级 carried below it
    own = [cell for cell in (row.get(k) for k in name_columns) if cell is not None and _NAMED.search(cell.text)]
    leading_count = None
    indicator = None
    if own:
        cell = own[-1]
        indicator, leading_count = _indicator(text, cell)
    unit_cell = next((row.get(k) for k in table.columns_of(Role.UNIT) if row.get(k) is not None), None)
    nature_cell = next((row.get(k) for k in table.columns_of(Role.NATURE) if row.get(k) is not None), None)
    name_text = "".join(text[indicator[0]:indicator[1]].split()) if indicator else ""
    carried = "".join(names[k].text for k in names)
    return _RowContext(
        indicator=indicator,
        names=dict(names),
        unit=unit_cell.text.strip() if unit_cell and _is_unit(unit_cell.text) else None,
        nature=nature_cell.text.strip() if nature_cell else None,
        money=bool(_MONEY_ROW.search(name_text + carried)),
        percent_row=bool(_PERCENT_NAME.search(name_text)),
        count_unit=next((u for suffix, u in _COUNT_NAME.items() if name_text.endswith(suffix)), None),
        leading_count=leading_count,
    )


def _is_unit(text: str) -> bool:
    compact = "".join(text.split())
    return compact in _UNITS or (0 < len(compact) <= 3 and not any(ch.isdigit() for ch in compact))


def _indicator(text: str, cell: Cell) -> tuple[Span | None, ValueMatch | None]:
    """The indicator span of a name cell, and a count it starts with (``一个存储备份器``)."""
    start, end = cell.start, cell.end
    body = text[start:end]
    m = _LEADING.match(body)
    if m:
        start += m.end()
    leading = None
    count = _LEADING_COUNT.match(text[start:end])
    if count is not None:
        norm = normalize("COUNT", count.group("count"))
        if norm.value is not None:
            leading = ValueMatch("COUNT", start, start + count.end("count"), norm.value, norm.unit, confidence=0.75)
            start += count.end()
    measure = _LEADING_MEASURE.match(text[start:end])
    if measure is not None:
        start += measure.end()
    name = text[start:end]
    cut = _template_start(name)
    end = start + cut
    while end > start and text[end - 1] in " \t\n:：,，。;；":
        end -= 1
    if end - start < 2:
        return None, leading
    if leading is not None:
        leading.indicator = (start, end)
    return (start, end), leading


def _template_start(name: str) -> int:
    """Where the name's trailing template starts: ``(按月平均)(≥**人)``, ``≥**人``, ``——…``."""
    cut = len(name)
    dash = _DASH_TAIL.search(name)
    if dash:
        cut = dash.start()
    template = _TEMPLATE.search(name, 0, cut)
    if template:
        bracket = max(name.rfind("(", 0, template.start()), name.rfind("（", 0, template.start()))
        closed = bracket >= 0 and re.search(r"[)）]", name[bracket:template.start()])
        sign = next((i for i in range(template.start() - 1, -1, -1) if name[i] in "≥≤<>="), -1)
        start = bracket if bracket >= 0 and not closed else sign
        if start > 0:
            cut = min(cut, start)
    trailing = _TRAILING_BRACKETS.search(name, 0, cut)
    if trailing and trailing.start() >= 2:
        cut = min(cut, trailing.start())
    return cut


def _row_values(text: str, table: Table, row: Row, context: _RowContext) -> list[ValueMatch]:
    values: list[ValueMatch] = []
    if context.leading_count is not None:
        values.append(context.leading_count)
    budget = table.kind == "budget"
    label = next((row.get(k) for k in table.columns_of(Role.LABEL) if row.get(k) is not None), None)
    by_column = budget and not (label is not None and _MEASURED_ITEM.search(label.text))
    for k, cell in enumerate(row.cells):
        if cell is None:
            continue
        column = table.columns[k]
        if column.role in (Role.NAME, Role.LABEL, Role.OTHER):
            values += _section_weights(text, cell)
            continue
        if column.role not in VALUE_ROLES:
            continue
        if by_column and column.role is not Role.AMOUNT:
            link = column.name
        elif column.role is Role.AMOUNT:
            link = _row_name(label) if label is not None else None  # 办公费 | 3500: the item the row names
        else:
            link = _weighed_name(table, k, context) or context.indicator
        value = _cell_value(text, cell, table, k, context, link)
        if value is not None:
            values.append(value)
    return values


def _row_name(label: Cell) -> Span:
    """A row label without a leading ``其中：`` or list number."""
    m = _LEADING.match(label.text)
    return (label.start + (m.end() if m else 0), label.end)


def _weighed_name(table: Table, k: int, context: _RowContext) -> Span | None:
    """The upper-level name a weight column right after it weighs (``投入 | 13``)."""
    if table.columns[k].role is not Role.WEIGHT or k == 0:
        return None
    before = table.columns[k - 1]
    deepest = max((c.level for c in table.columns if c.role is Role.NAME), default=0)
    if before.role is not Role.NAME or before.level >= deepest:
        return None
    cell = context.names.get(k - 1)
    if cell is None:
        return None
    m = _SECTION_WEIGHT.search(cell.text)
    end = cell.start + (len(_BRACKET.split(cell.text)[0]) if m else len(cell.text))
    return (cell.start, end)


def _section_weights(text: str, cell: Cell) -> list[ValueMatch]:
    """``产出指标(50分)`` / ``得分 (20分*执行率)``: SCORE linked to the text before the bracket."""
    m = _SECTION_WEIGHT.search(cell.text)
    if m is None:
        return []
    name = _BRACKET.split(cell.text)[0].rstrip()
    if not name:
        return []
    start, end = cell.start + m.start("score"), cell.start + m.end("score")
    norm = normalize("SCORE", text[start:end])
    return [ValueMatch("SCORE", start, end, norm.value, norm.unit, False, None, (cell.start, cell.start + len(name)),
                       CELL_CONFIDENCE, role="weight")]


def _cell_value(
    text: str, cell: Cell, table: Table, k: int, context: _RowContext, link: Span | None
) -> ValueMatch | None:
    """The value of one value-column cell, or None (text, dash, bare zero, kind not evident)."""
    column = table.columns[k]
    view = same_length_view(cell.text)
    m = _CELL.fullmatch(view.strip())
    if m is None:
        return None
    lead = len(view) - len(view.lstrip())
    unit = m.group("unit")
    qualifier = m.group("qual") or m.group("tail")
    span_start, span_end = m.start("span"), m.end("span")
    if unit is None:
        implied = _implied(table, k, context)
        if implied is None:
            return None
        if _ZERO.match(m.group("num")) and column.role not in (Role.TARGET, Role.ACTUAL):
            return None
        label, implied_unit = implied
    elif unit in ("万", "亿"):
        if not context.money:
            return None
        label, implied_unit = "MONEY", unit + "元"
    else:
        label, implied_unit = _label_of_unit(unit), None
    if label == "PERCENT" and column.role is Role.TARGET and qualifier is None and _is_capped(text, context):
        if _GARBLED_AT_LEAST.match(view.strip()[span_start:span_end]):
            qualifier = "≥"
            span_start += 1
    start, end = cell.start + lead + span_start, cell.start + lead + span_end
    norm = normalize(label, text[start:end], implied_unit=implied_unit)
    if norm.value is None:
        return None
    if qualifier is None and column.role is Role.TARGET and context.nature in QUALIFIERS:
        qualifier = context.nature
    return ValueMatch(
        label, start, end, norm.value, norm.unit, norm.approximate or m.group("tail") == "左右", qualifier, link,
        CELL_CONFIDENCE if unit else IMPLIED_CONFIDENCE, role=column.role.value,
    )


def _is_capped(text: str, context: _RowContext) -> bool:
    """A 满意度 / 率 row, whose target cannot exceed 100%: ``290%`` there is ``≥90%``."""
    if context.indicator is None:
        return False
    name = text[context.indicator[0]:context.indicator[1]]
    return bool(re.search(r"满意|率|比例", name))


def _implied(table: Table, k: int, context: _RowContext) -> tuple[str, str] | None:
    """``(label, unit)`` of a bare number in column ``k``, or None when its kind is not evident."""
    column = table.columns[k]
    if column.role in (Role.WEIGHT, Role.SCORE):
        return "SCORE", "分"
    unit = column.unit or context.unit
    if unit is None and column.role in (Role.BUDGET, Role.EXECUTED, Role.AMOUNT):
        unit = table.unit
    if unit is None and column.role is Role.RATE:
        unit = "%"
    if unit is None and column.role in (Role.TARGET, Role.ACTUAL):
        unit = "%" if context.percent_row else context.count_unit
    return (_label_of_unit(unit), unit) if unit else None


def _label_of_unit(unit: str) -> str:
    """The label a unit gives: 万元 MONEY, % PERCENT, 分 SCORE, any measure word COUNT."""
    if unit in MONEY_UNITS:
        return "MONEY"
    if unit in PERCENT_UNITS:
        return "PERCENT"
    if unit == "分":
        return "SCORE"
    return "COUNT"

"""The report's score sheets and budget blocks, rebuilt: one row per indicator or budget cell.

:func:`sheet` turns the tables of an extracted :class:`~perfeval.types.Document` into
:class:`SheetRow` records, in text order, of four sections:

- ``indicator``: one per score-sheet row, with the names in effect at level 1/2/3 (a merged
  一级指标 cell names every row below it), target (and its qualifier, ``≥`` / ``≤`` / ``=`` /
  ``>`` / ``<``), actual, their unit, weight and score, whether the target was met, and the
  cells' texts and offsets. Figures are normalised as in records (MONEY in 元, PERCENT in
  percent, COUNT as the count, SCORE in points).
- ``section``: a section weight (``产出指标(50分)``; ``预算执行情况（万元）（20分）`` over a budget
  block): ``weight`` is the section's.
- ``sheet``: the weight a score sheet's header gives all its sections (``年度绩效目标1（80分）``).
- ``total``: a 总分 / 合计 row: its weight and score.
- ``budget``: one per figure of a budget-execution block: the funding source (the row,
  ``年度资金总额``, ``其中：本年财政拨款``) × the measure (the column, ``全年预算数``), with its
  value, unit and role.

``met`` compares actual with target: ``≥``/no qualifier: actual ≥ target, ``>``: actual >
target, ``≤``: actual ≤ target, ``<``: actual < target, ``=``: equal; a cost indicator
(成本指标, a name with 成本 / 费用 / 控制) without a qualifier is met at or below its target;
two equal texts (``显著提升`` / ``显著提升``) are met; otherwise unknown (None).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from perfeval.rules.values import ValueMatch
from perfeval.tables.grid import Cell, Role, Table, role_of
from perfeval.tables.values import RowReading, read_rows, section_weights
from perfeval.types import Document

SECTIONS = ("indicator", "section", "sheet", "total", "budget")

_QUALIFIER_SIGNS = {
    "≥": "≥", ">=": "≥", "不低于": "≥", "不少于": "≥", "达到": "≥", "≤": "≤", "<=": "≤", "不高于": "≤", "不超过": "≤",
    "不多于": "≤", "不大于": "≤", ">": ">", "＞": ">", "大于": ">", "超过": ">", "高于": ">", "<": "<", "＜": "<",
    "小于": "<", "低于": "<", "=": "=", "＝": "=", "以上": "≥", "以下": "≤", "以内": "≤", "及以上": "≥", "及以下": "≤",
}
_LABEL_PREFIX = re.compile(r"^(?:其中\s*[:：]?\s*)|[:：]\s*$")
_COST = re.compile(r"成本|费用|控制")
_TOTAL = re.compile(r"^(?:总分|合计|总计|得分合计|总得分)$")
_BRACKET = re.compile(r"\s*[（(].*$", re.DOTALL)


@dataclass
class SheetRow:
    """One row of a rebuilt sheet (see the module docstring for the sections and ``met``).

    Offsets index the document text: ``start``/``end`` span the row (a budget figure's own
    cell for ``budget`` rows); ``<field>_start``/``<field>_end`` the cell each figure is in.
    """

    doc: str | None
    table: int  # 1-based, in text order
    section: str
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    source: str | None = None  # budget rows: the funding source
    measure: str | None = None  # budget rows: the column
    role: str | None = None  # budget rows: budget, executed, rate, weight, score
    value: float | int | None = None  # budget rows
    target: float | int | None = None
    target_text: str | None = None
    qualifier: str | None = None
    actual: float | int | None = None
    actual_text: str | None = None
    unit: str | None = None
    weight: float | int | None = None
    score: float | int | None = None
    met: bool | None = None
    start: int | None = None
    end: int | None = None
    level3_start: int | None = None
    level3_end: int | None = None
    target_start: int | None = None
    target_end: int | None = None
    actual_start: int | None = None
    actual_end: int | None = None
    weight_start: int | None = None
    weight_end: int | None = None
    score_start: int | None = None
    score_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sheet(doc: Document) -> list[SheetRow]:
    """The rebuilt sheets of ``doc`` (an extracted document: it carries its tables)."""
    rows: list[SheetRow] = []
    for number, table in enumerate(sorted(doc.tables, key=lambda t: t.span[0]), start=1):
        readings = read_rows(doc.text, table)
        rows += _header_sections(doc, number, table)
        if table.kind == "budget":
            rows += _budget_rows(doc, number, table, readings)
        else:
            rows += _score_rows(doc, number, table, readings)
    return rows


def _score_rows(doc: Document, number: int, table: Table, readings: list[RowReading]) -> list[SheetRow]:
    text = doc.text
    levels = sorted({c.level for c in table.columns if c.role is Role.NAME})
    upper = levels[:-1]
    rows = []
    for reading in readings:
        names = {table.columns[k].level: cell for k, cell in reading.names.items() if table.columns[k].role is Role.NAME}
        level_names = [_name(names[level]) if level in names else None for level in upper[:2]]
        level_names += [None] * (2 - len(level_names))
        for value in reading.values:
            if value.role == "weight" and value.indicator is not None and _in_upper_cell(value, reading, table):
                rows.append(SheetRow(doc.name, number, "section", *_section_levels(text, value, names, upper),
                                     weight=value.value, start=value.start, end=value.end,
                                     weight_start=value.start, weight_end=value.end))
        cells = {role: _cell(table, reading, role) for role in (Role.TARGET, Role.ACTUAL)}
        figures = {role: _figure(table, reading, role) for role in (Role.TARGET, Role.ACTUAL, Role.WEIGHT, Role.SCORE)}
        if not (reading.indicator or any(figures.values()) or any(cells.values())):
            continue
        indicator = text[reading.indicator[0]:reading.indicator[1]] if reading.indicator else None
        target, actual = figures[Role.TARGET], figures[Role.ACTUAL]
        weight, score = figures[Role.WEIGHT], figures[Role.SCORE]
        section = "total" if indicator and _TOTAL.match("".join(indicator.split())) else "indicator"
        if section == "total":
            level_names = [None, None]
        if section == "indicator" and target is None and actual is None and weight is None and score is None \
                and not (cells[Role.TARGET] or cells[Role.ACTUAL]):
            continue
        present = [c for c in reading.row.cells if c is not None]
        qualifier = _QUALIFIER_SIGNS.get(target.qualifier or "", target.qualifier) if target else None
        rows.append(SheetRow(
            doc.name, number, section, level_names[0], level_names[1], indicator,
            target=target.value if target else None,
            target_text=_text(cells[Role.TARGET]),
            qualifier=qualifier,
            actual=actual.value if actual else None,
            actual_text=_text(cells[Role.ACTUAL]),
            unit=(target or actual).unit if (target or actual) else None,
            weight=weight.value if weight else None,
            score=score.value if score else None,
            met=_met(target, actual, qualifier or _cost_default(level_names[1], indicator), cells[Role.TARGET],
                     cells[Role.ACTUAL]),
            start=min(c.start for c in present), end=max(c.end for c in present),
            level3_start=reading.indicator[0] if reading.indicator else None,
            level3_end=reading.indicator[1] if reading.indicator else None,
            **_spans("target", target), **_spans("actual", actual), **_spans("weight", weight), **_spans("score", score),
        ))
    return rows


def _header_sections(doc: Document, number: int, table: Table) -> list[SheetRow]:
    """Section weights written in the header (``预算执行情况（万元）（20分）``, ``年度绩效目标1（80分）``);
    not the weight a 得分 column header repeats (``得分（20分*执行率）``)."""
    rows = []
    for value in section_weights(doc.text, table):
        assert value.indicator is not None
        name = doc.text[value.indicator[0]:value.indicator[1]]
        if role_of(name) in (Role.SCORE, Role.WEIGHT):
            continue
        section = "sheet" if table.kind == "sheet" else "section"
        rows.append(SheetRow(doc.name, number, section, level1=name.strip(), weight=value.value,
                             start=value.start, end=value.end, weight_start=value.start, weight_end=value.end))
    return rows


def _budget_rows(doc: Document, number: int, table: Table, readings: list[RowReading]) -> list[SheetRow]:
    rows = []
    labels = table.columns_of(Role.LABEL)
    for reading in readings:
        label = next((reading.row.get(k) for k in labels if reading.row.get(k) is not None), None)
        source = _LABEL_PREFIX.sub("", label.text).strip() if label else None
        for value in reading.values:
            column = _column_of(table, reading, value)
            if column is None or value.role is None:
                continue
            name = _BRACKET.sub("", "".join(part.text for part in column.header)).strip() or None
            rows.append(SheetRow(doc.name, number, "budget", source=source, measure=name, role=value.role,
                                 value=value.value, unit=value.unit, start=value.start, end=value.end))
    return rows


def _column_of(table: Table, reading: RowReading, value: ValueMatch):
    for k, cell in enumerate(reading.row.cells):
        if cell is not None and cell.start <= value.start and value.end <= cell.end:
            return table.columns[k]
    return None


def _in_upper_cell(value: ValueMatch, reading: RowReading, table: Table) -> bool:
    """A section weight: in a name cell above the deepest level (``产出指标(50分)``)."""
    deepest = max((c.level for c in table.columns if c.role is Role.NAME), default=0)
    for k, cell in enumerate(reading.row.cells):
        column = table.columns[k]
        if cell is not None and cell.start <= value.start < cell.end:
            return column.role in (Role.NAME, Role.LABEL, Role.OTHER) and (column.level < deepest or column.role is not Role.NAME)
    return False


def _section_levels(text: str, value: ValueMatch, names: dict[int, Cell], upper: list[int]) -> tuple[str | None, str | None]:
    """The level 1/2 names of a section row: the section's own name at its level, the levels above."""
    assert value.indicator is not None
    own = text[value.indicator[0]:value.indicator[1]].strip()
    out: list[str | None] = []
    for level in upper[:2]:
        cell = names.get(level)
        if cell is not None and cell.start <= value.start < cell.end:
            out.append(own)
            break
        out.append(_name(cell) if cell else None)
    out += [None] * (2 - len(out))
    return out[0], out[1]


def _name(cell: Cell) -> str:
    """A name cell without its section weight: ``产 出 指 标 (50分)`` -> ``产 出 指 标``."""
    return _BRACKET.sub("", cell.text).strip() or cell.text.strip()


def _cell(table: Table, reading: RowReading, role: Role) -> Cell | None:
    return next((reading.row.get(k) for k in table.columns_of(role) if reading.row.get(k) is not None), None)


def _figure(table: Table, reading: RowReading, role: Role) -> ValueMatch | None:
    """The figure of the row's ``role`` column (a section weight in a name cell is not the row's)."""
    cell = _cell(table, reading, role)
    if cell is None:
        return None
    return next((v for v in reading.values if v.role == role.value and cell.start <= v.start < cell.end), None)


def _text(cell: Cell | None) -> str | None:
    return " ".join(cell.text.split()) if cell is not None else None


def _spans(name: str, value: ValueMatch | None) -> dict[str, int | None]:
    return {f"{name}_start": value.start if value else None, f"{name}_end": value.end if value else None}


def _cost_default(level2: str | None, indicator: str | None) -> str | None:
    """``≤`` for a cost indicator written without a qualifier (成本指标: spending less meets it)."""
    return "≤" if _COST.search((level2 or "") + (indicator or "")) else None


def _met(
    target: ValueMatch | None, actual: ValueMatch | None, qualifier: str | None, target_cell: Cell | None,
    actual_cell: Cell | None,
) -> bool | None:
    if target is not None and actual is not None and target.value is not None and actual.value is not None:
        t, a = float(target.value), float(actual.value)
        if qualifier in (None, "≥"):
            return a >= t
        return {">": a > t, "≤": a <= t, "<": a < t, "=": a == t}.get(qualifier)
    if target is None and actual is None and target_cell is not None and actual_cell is not None:
        if "".join(target_cell.text.split()) == "".join(actual_cell.text.split()):
            return True
    return None

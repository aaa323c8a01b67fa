"""The table stage's data type: a grid of cells with offsets, header, column roles and rows.

Every reader produces it: the text reader by rebuilding tables from flattened layouts
(:mod:`perfeval.tables.layout`), the PDF and DOCX readers from the grids their libraries
find (:func:`table_from_grid`). The rest of the pipeline (values, sheets, checks) reads
:class:`Table` the same way whichever reader made it.

Offsets are Python ``str`` indices into the document text, start-inclusive and
end-exclusive: ``text[cell.start:cell.end] == cell.text``. A cell rebuilt from a wrapped
line keeps the layout's line break and spaces inside its span (``市级应急物资管 理制度执行率``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache


class Role(Enum):
    """What a column holds, read from its header cell."""

    NAME = "name"  # 一级/二级/三级指标, 指标名称: the indicator names of a score sheet
    LABEL = "label"  # first column of a budget block: 年度资金总额, 其中：财政拨款, 其他资金
    TARGET = "target"  # 年度指标值, 目标值
    ACTUAL = "actual"  # 实际完成值, 全年实际值
    WEIGHT = "weight"  # 分值, 权重
    SCORE = "score"  # 得分
    BUDGET = "budget"  # 年初预算数, 全年预算数, 调整后预算数
    EXECUTED = "executed"  # 全年执行数, 决算数
    AMOUNT = "amount"  # 金额: the amounts of a table of items (支出明细)
    RATE = "rate"  # 执行率
    UNIT = "unit"  # 度量单位
    NATURE = "nature"  # 指标性质: ≥, =, 定性
    NOTE = "note"  # 偏差原因, 评价标准, 备注
    OTHER = "other"


#: The roles whose cells are figures; a table value's ``role`` is one of their values.
VALUE_ROLES: frozenset[Role] = frozenset(
    {Role.TARGET, Role.ACTUAL, Role.WEIGHT, Role.SCORE, Role.BUDGET, Role.EXECUTED, Role.RATE, Role.AMOUNT}
)
BUDGET_ROLES: frozenset[Role] = frozenset({Role.BUDGET, Role.EXECUTED, Role.RATE, Role.AMOUNT})
SHEET_ROLES: frozenset[Role] = frozenset({Role.TARGET, Role.ACTUAL, Role.WEIGHT, Role.SCORE})

# Checked in order on the header text without whitespace: the first role that matches wins.
_ROLE_PATTERNS: tuple[tuple[Role, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern))
    for role, pattern in (
        (Role.NOTE, r"偏差|原因|措施|备注|说明|评价标准|评分标准|评分依据|计分|指标解释|计算公式|扣分"),
        (Role.UNIT, r"度量单位|计量单位|^单位$"),
        (Role.NATURE, r"指标性质|指标方向|^性质$"),
        (Role.SCORE, r"得分|^评分$|自评分"),
        # 分值, 权重, 满分, 标准分; OCR shuffles short headers (考值参分 for 参考分值)
        (Role.WEIGHT, r"分值|权重|满分|标准分|参考分|^(?=.*分)(?=.*值).{2,5}$"),
        (Role.LABEL, r"资金.{0,4}[（(]|项目资金|资金情况|资金来源|资金构成|预算执行情况[（(]"),
        (Role.RATE, r"执行率|^完成率|资金到位率"),
        (Role.BUDGET, r"预.数|预算金额|年初预算|全年预算|调整后?预算|预算安排|批复数|计划投资"),
        (Role.EXECUTED, r"执行数|支出数|决算数|实际支出|到位数|执行金额|拨付数"),
        (Role.AMOUNT, r"^金额(?:[（(].*)?$"),
        (Role.TARGET, r"指标值|目标值|预期目标|计划值|年度目标|预期值|指标要求"),
        (Role.ACTUAL, r"实际值|完成值|实际完成|完成情况|实际情况|实现值"),
        (Role.NAME, r"^[一二三四]?级指标|指标名称|^评价指标|^具体指标"),
    )
)
_LEVEL = re.compile(r"^([一二三四])级")
_LEVELS = {"一": 1, "二": 2, "三": 3, "四": 4}
_BRACKET = re.compile(r"\s*[（(].*$", re.DOTALL)
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(?:单位[:：]\s*)?(万亿元|亿元|千万元|百万元|万元|千元|元|万兀|兀|%)\s*[)）]|单位[:：]\s*(万元|元|亿元|千元)")
# OCR reads 元 as 兀; a header unit is the one place where that misreading is unambiguous
_OCR_UNITS = {"万兀": "万元", "兀": "元"}


@lru_cache(maxsize=8192)
def role_of(header_text: str) -> Role:
    """The :class:`Role` of a column from its header text (cached: headers repeat)."""
    compact = "".join(header_text.split())
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(compact):
            return role
    return Role.OTHER


def level_of(header_text: str) -> int:
    """1, 2, 3 … for 一级/二级/三级指标; 3 for 指标名称; 0 when the header does not say."""
    compact = "".join(header_text.split())
    m = _LEVEL.match(compact)
    if m:
        return _LEVELS[m.group(1)]
    return 3 if "指标名称" in compact or "具体指标" in compact else 0


def unit_in(header_text: str) -> str | None:
    """The unit a header cell declares: ``年度预算数(万元)`` -> ``万元``, ``项目资金（元）`` -> ``元``."""
    m = _UNIT_IN_HEADER.search(header_text)
    if m is None:
        return None
    unit = m.group(1) or m.group(2)
    return _OCR_UNITS.get(unit, unit)


@dataclass(frozen=True)
class Cell:
    """A cell's span in the document; ``text == document[start:end]`` (stripped)."""

    start: int
    end: int
    text: str


@dataclass
class Column:
    """One column: its role, header cell(s), the unit its header declares and its name level."""

    role: Role
    header: list[Cell] = field(default_factory=list)  # a header wrapped over lines has several
    unit: str | None = None
    level: int = 0  # for NAME columns: 1 = 一级指标 … 3 = 三级指标

    @property
    def name(self) -> tuple[int, int] | None:
        """The span of the header text before any bracket (``全年预算数（A）`` -> ``全年预算数``):
        the indicator of budget-block cells."""
        if not self.header:
            return None
        first = self.header[0]
        name = _BRACKET.sub("", first.text).rstrip()
        return (first.start, first.start + len(name)) if name else None


@dataclass
class Row:
    """One table row: ``cells[k]`` sits in column ``k`` (None: empty or not written)."""

    cells: list[Cell | None]

    def get(self, column: int) -> Cell | None:
        return self.cells[column] if column < len(self.cells) else None


@dataclass
class Table:
    """A score sheet or budget-execution block rebuilt as a grid.

    ``header`` holds the header cells as read (wrapped headers have more cells than
    columns); ``unit`` is the table-wide money unit (``项目资金（万元）``, a ``单位：万元``
    line); ``layout`` says how the source flattened it (``pipe``, ``cells``, ``spaced``,
    ``run-together``, ``pdf``, ``docx``); ``page`` is set for PDF tables.
    """

    columns: list[Column]
    rows: list[Row]
    header: list[Cell]
    unit: str | None = None
    layout: str = "pipe"
    page: int | None = None

    @property
    def kind(self) -> str:
        """``budget`` (rows are funding sources, columns the measures) or ``sheet`` (score sheet)."""
        roles = {c.role for c in self.columns}
        return "budget" if roles & BUDGET_ROLES and Role.NAME not in roles else "sheet"

    @property
    def span(self) -> tuple[int, int]:
        """From the first header cell to the last cell of the last row."""
        cells = self.cells()
        return min(c.start for c in cells), max(c.end for c in cells)

    def cells(self) -> list[Cell]:
        """Every cell, header cells first."""
        return self.header + [c for row in self.rows for c in row.cells if c is not None]

    def columns_of(self, role: Role) -> list[int]:
        return [k for k, column in enumerate(self.columns) if column.role is role]


def columns_from_header(cells: list[list[Cell]]) -> list[Column]:
    """Columns for header cells, ``cells[k]`` being the (wrapped) cells of column ``k``."""
    columns = []
    for parts in cells:
        text = "".join(part.text for part in parts)
        role = role_of(text) if text else Role.OTHER
        columns.append(Column(role, parts, unit_in(text), level_of(text) if role is Role.NAME else 0))
    number_levels(columns)
    return columns


def number_levels(columns: list[Column]) -> None:
    """NAME columns whose header gives no level get the next level after the one before."""
    previous = 0
    for column in columns:
        if column.role is Role.NAME:
            column.level = column.level or previous + 1
            previous = column.level

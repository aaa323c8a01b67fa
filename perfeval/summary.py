"""One row per report: who, which year, what kind, budget, spending, execution rate, score, grade.

Every field keeps its source span (``start``, ``end``, ``text`` = ``doc.text[start:end]``).
Department, year and kind come from the report's title (the line or two ending in
``…绩效自评报告``); the figures come from the extracted records, picked by what their
indicator says (``年度预算`` / ``全年预算数``, ``实际开支`` / ``执行数`` / ``支出决算``,
``执行率`` / ``完成预算``, ``自评得分`` / ``自评结果``), skipping the parts of a total
(``基本支出预算数``, ``项目支出完成率``) and targets (``≥95%``). Where the report has a budget
block or a score sheet, its rebuilt sheet (:func:`perfeval.sheet.sheet`) gives them first: the
budget, spending and rate of the block's first funding source (its total row), and the score
of the sheet's 总分 row. The grade is the one the
report states (``评价等级为“优”``); where it states none, the grade of the score's band
is given without a span (see :func:`grade_of`). For a 项目支出 report the project's name is
kept apart from the department: the ``项目名称：`` line where there is one, else the part of the
title after the year (or after the department's name, which ends in 局 / 办公室 / 委员会 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from perfeval.sheet import SheetRow, sheet
from perfeval.types import Document, Record

TITLE_WINDOW = 800  # the title is looked for in this many leading characters

_TITLE_END = re.compile(r"绩效(?:自评|评价)(?:报告)?|自评报告")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?")
_KIND = re.compile(r"(部门整体支出|部门整体|整体支出|项目支出|项目)")
_TITLE_TAIL = re.compile(r"(?:部门整体支出|部门整体|整体支出|项目支出)?\s*绩效(?:自评|评价)(?:报告)?$|自评报告$")
_MARKUP = "#*　 \t\n"
_PROJECT_LINE = re.compile(r"项目名称\s*[:：]\s*([^\n|，,。；;]+)")
PROJECT_LINE_WINDOW = 3000  # the 项目名称 line is looked for in this many leading characters
_ORGAN = re.compile(
    r".*?(?:委员会|办公室|人民政府|街道办事处|管理委员会|局|厅|委|办|院|中心|所|站|馆|队|署|学校|医院)+"
)
# the unit of each figure, part of its column name in summary rows
UNITS = {"total_budget": "yuan", "actual_expenditure": "yuan", "execution_rate": "percent", "score": "points"}

_PARTS = r"基本支出|项目支出|项目预算|人员|公用|三公|其中|办公室项目|收入"
_BUDGET = (r"全年预算|调整后预算", r"预算总数|年度预算|总预算|预算数|预算")
_ACTUAL = (r"实际开支|实际支出|支出决算|决算总数|全年执行数|预算执行数|执行数|执行金额|支出数",)
_RATE = (r"执行率|执行完成率|预算完成率|完成预算|资金.*完成率",)
_SCORE = (r"自评得分|自评结果|评价得分|绩效得分|综合得分|得分|自评分",)
_TOTAL_SCORE = r"总分|总得分|合计"
_GRADE = re.compile(
    r"(?:评价等级|自评等级|绩效等级|评定等级|等级|评级|评价结果|自评结果|评定)\s*(?:为|是|：|:)?\s*[“\"「『]?"
    r"(优秀|优|良好|良|中等|中|合格|及格|不合格|差)(?![\u4e00-\u9fff]{2})"
)
_GRADE_WORDS = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "中": "中",
                "合格": "中", "及格": "中", "不合格": "差", "差": "差"}
GRADE_BANDS: tuple[tuple[float, str], ...] = ((90, "优"), (80, "良"), (60, "中"), (float("-inf"), "差"))
_TARGET_QUALIFIERS = ("≥", "≤", ">=", "<=", ">", "<", "=", "不低于", "不少于", "不高于", "不超过", "超过", "以上", "以下")


@dataclass
class Field:
    """A summary value and where the report says it (span None: derived, not stated)."""

    value: Any
    start: int | None = None
    end: int | None = None
    text: str | None = None


@dataclass
class Summary:
    """The headline facts of one report; money in 元, the rate in percent, the score in points.
    ``project`` is set for 项目支出 reports only."""

    name: str | None
    department: Field | None = None
    project: Field | None = None
    year: Field | None = None
    kind: Field | None = None
    total_budget: Field | None = None
    actual_expenditure: Field | None = None
    execution_rate: Field | None = None
    score: Field | None = None
    grade: Field | None = None

    def to_row(self) -> dict[str, Any]:
        """A flat row: ``doc`` (the report's name), then per field ``<field>`` (the value; figures
        carry their unit in the name: ``total_budget_yuan``, ``execution_rate_percent``,
        ``score_points``) and ``<field>_start`` / ``_end`` / ``_text`` (its span)."""
        row: dict[str, Any] = {"doc": self.name}
        for f in fields(self)[1:]:
            value: Field | None = getattr(self, f.name)
            row[f"{f.name}_{UNITS[f.name]}" if f.name in UNITS else f.name] = value.value if value else None
            row[f"{f.name}_start"] = value.start if value else None
            row[f"{f.name}_end"] = value.end if value else None
            row[f"{f.name}_text"] = value.text if value else None
        return row


def summarize(doc: Document, sheet_rows: list[SheetRow] | None = None) -> Summary:
    """The :class:`Summary` of an extracted document; ``sheet_rows`` are its rebuilt sheets
    (:func:`perfeval.sheet.sheet`) if the caller has them already."""
    title = _title_span(doc.text)
    kind = _kind(doc.text, title)
    parts = _PARTS if kind is None or kind.value != "项目支出" else _PARTS.replace("项目支出|项目预算|", "")
    score = _score(doc.records)
    stated_grade = _grade(doc.text)
    department, project = _department_and_project(doc.text, title, kind)
    from_sheet = _sheet_totals(doc, sheet(doc) if sheet_rows is None else sheet_rows)
    return Summary(
        name=doc.name,
        department=department,
        project=project,
        year=_year(doc.text, title),
        kind=kind,
        total_budget=from_sheet.get("total_budget") or _pick(doc.records, "MONEY", _BUDGET, parts),
        actual_expenditure=from_sheet.get("actual_expenditure") or _pick(doc.records, "MONEY", _ACTUAL, parts),
        execution_rate=from_sheet.get("execution_rate") or _pick(doc.records, "PERCENT", _RATE, parts),
        score=from_sheet.get("score") or score,
        grade=stated_grade or _derived_grade(from_sheet.get("score") or score),
    )


# ------------------------------------------------------------------ title: department, year, kind

def _title_span(text: str) -> tuple[int, int] | None:
    """The title: the line with ``…绩效自评报告`` and the line above it when it has no gap."""
    m = _TITLE_END.search(text, 0, TITLE_WINDOW)
    if m is None:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    above = text.rfind("\n", 0, max(start - 1, 0)) + 1
    line_above = text[above:max(start - 1, above)]
    if start > 0 and line_above.strip() and not line_above.strip(_MARKUP).startswith("附件"):
        start = above
    return start, m.end()


def _field(text: str, start: int, end: int, value: Any) -> Field:
    return Field(value, start, end, text[start:end])


def _year(text: str, title: tuple[int, int] | None) -> Field | None:
    start, end = title or (0, TITLE_WINDOW)
    m = _YEAR.search(text, start, end)
    return _field(text, m.start(1), m.end(1), int(m.group(1))) if m else None


def _kind(text: str, title: tuple[int, int] | None) -> Field | None:
    """``部门整体`` or ``项目支出``, from the title (else the first mention in the text)."""
    start, end = title or (0, len(text))
    m = _KIND.search(text, start, end) or _KIND.search(text)
    if m is None:
        return None
    value = "项目支出" if m.group(1).startswith("项目") else "部门整体"
    return _field(text, m.start(1), m.end(1), value)


def _department_and_project(text: str, title: tuple[int, int] | None, kind: Field | None) -> tuple[Field | None, Field | None]:
    """The department, and for a 项目支出 report the project, from the title (see the module doc)."""
    pieces = _title_pieces(text, title)
    if kind is None or kind.value != "项目支出":
        return _longest(text, pieces), None
    before, after = pieces if len(pieces) == 2 else ((0, 0), pieces[0] if pieces else (0, 0))
    department, project = before, after
    if before[1] <= before[0]:  # no department before the year: split it off the front of the rest
        organ = _ORGAN.match(text, after[0], after[1])
        department, project = ((after[0], organ.end()), (organ.end(), after[1])) if organ else ((0, 0), after)
    line = _PROJECT_LINE.search(text, 0, PROJECT_LINE_WINDOW)
    if line:
        project = _trim(text, line.start(1), line.end(1))
    return _span_field(text, department), _span_field(text, _trim(text, *project))


def _title_pieces(text: str, title: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The title without its ``…绩效自评报告`` tail, cut at its year: one or two trimmed spans."""
    if title is None:
        return []
    start, end = title
    tail = _TITLE_TAIL.search(text, start, end)
    end = tail.start() if tail else end
    year = _YEAR.search(text, start, end)
    cuts = [(start, year.start()), (year.end(), end)] if year else [(start, end)]
    return [_trim(text, s, e) for s, e in cuts]


def _longest(text: str, pieces: list[tuple[int, int]]) -> Field | None:
    return _span_field(text, max(pieces, key=lambda p: p[1] - p[0])) if pieces else None


def _span_field(text: str, span: tuple[int, int]) -> Field | None:
    s, e = span
    return _field(text, s, e, "".join(text[s:e].split())) if e > s else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _MARKUP:
        start += 1
    while end > start and text[end - 1] in _MARKUP:
        end -= 1
    return start, end


# ------------------------------------------------------------------ figures from the records

def _indicator(record: Record) -> str:
    return "".join(record.indicator.text.split()) if record.indicator else ""


def _pick(records: list[Record], label: str, patterns: tuple[str, ...], parts: str) -> Field | None:
    """The first ``label`` record whose indicator matches the earliest pattern, parts and targets aside."""
    for pattern in patterns:
        for r in records:
            name = _indicator(r)
            if r.type != label or not re.search(pattern, name) or re.search(parts, name):
                continue
            if r.qualifier in _TARGET_QUALIFIERS:
                continue
            return Field(r.value, r.start, r.end, r.text)
    return None


def _sheet_totals(doc: Document, rows: list[SheetRow]) -> dict[str, Field]:
    """Headline figures from the rebuilt sheets: the first budget block's first funding source
    (its total row; of its budget columns 全年预算数 before 年初预算数) and the first 总分 row's score."""
    out: dict[str, Field] = {}
    budget = [r for r in rows if r.section == "budget"]
    if budget:
        total = [r for r in budget if r.table == budget[0].table and r.source == budget[0].source]
        for key, role in (("total_budget", "budget"), ("actual_expenditure", "executed"), ("execution_rate", "rate")):
            found = sorted((r for r in total if r.role == role and r.value is not None),
                           key=lambda r: not re.search(_BUDGET[0], r.measure or ""))
            if found and found[0].start is not None and found[0].end is not None:
                out[key] = _field(doc.text, found[0].start, found[0].end, found[0].value)
    scored = [r for r in rows if r.section == "total" and r.score is not None and r.score_start is not None]
    if scored and scored[0].score_end is not None:
        out["score"] = _field(doc.text, scored[0].score_start, scored[0].score_end, scored[0].score)
    return out


def _score(records: list[Record]) -> Field | None:
    """The self-evaluation score: a 自评得分 record, else the last value of a 总分 row."""
    found = _pick(records, "SCORE", _SCORE, r"分值|权重|^得分")  # a bare 得分 is a table column's header, not the report's score
    if found is not None:
        return found
    totals = [r for r in records if r.type == "SCORE" and re.fullmatch(_TOTAL_SCORE, _indicator(r))]
    if not totals:
        return None
    row = [r for r in totals if r.indicator == totals[0].indicator]
    return Field(row[-1].value, row[-1].start, row[-1].end, row[-1].text)


def _grade(text: str) -> Field | None:
    m = _GRADE.search(text)
    return _field(text, m.start(1), m.end(1), _GRADE_WORDS[m.group(1)]) if m else None


def grade_of(score: float) -> str:
    """The grade of a 100-point score, by the bands of 财政部《项目支出绩效评价管理办法》
    (财预〔2020〕10号, 第二十二条), which the 部门整体 self-evaluations follow too:
    90 (inclusive) to 100 优, 80 to 90 良, 60 to 80 中, below 60 差.
    """
    for floor, grade in GRADE_BANDS:
        if score >= floor:
            return grade
    return GRADE_BANDS[-1][1]


def _derived_grade(score: Field | None) -> Field | None:
    if score is None or not isinstance(score.value, (int, float)):
        return None
    return Field(grade_of(score.value))

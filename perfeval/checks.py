"""Consistency checks between a report's own figures.

Each check recomputes a stated figure from the figures it is made of and reports a
:class:`Finding`: severity ``info`` when the two agree, ``warning`` when they do not.
Findings are information for a reader, never errors.

- ``execution_rate``: a stated execution rate (``完成预算的 90.6%``) against the actual
  spending over the budget stated before it (since the previous rate): 1860.77 / 2054.25
  = 90.58%, which rounds to the stated 90.6%. A rate agrees when the recomputed rate,
  rounded to the stated decimals, is within :data:`RATE_TOLERANCE` percentage points.
- ``share``: ``占总收入的 99.55%`` against the amount just before it over the total it
  names (a MONEY whose indicator is ``总收入``); with no stated total, against the sum of
  the amounts the shares of that total are given for (their parts). Same tolerance.
- ``parts``: the amounts listed after ``其中`` against the total before it, per kind of
  amount (budget, spending, income: ``基本支出年度预算数 + 项目预算数 = 年度预算总数``,
  ``执行数 + 执行数 = 支出决算总数``); they agree within the rounding of the figures
  (half a unit of the last written decimal per figure).
- ``grade``: a stated grade against the band of the stated score (:func:`perfeval.summary.grade_of`).

On the rebuilt sheets (:func:`perfeval.sheet.sheet`):

- ``score_over_weight``: an indicator's (or a budget row's) 得分 above its 分值 (warnings only);
- ``weights``: the weights of a section's indicators against the section's weight
  (``产出指标(50分)``); the sections' weights and the budget block's against 100 (or against
  the sheet's own weight in its header, ``年度绩效目标1（80分）``); the indicators' weights
  against a 总分 row's;
- ``total_score``: the indicators' scores against the 总分 row's score (with or without the
  budget block's score: reports count it either way);
- ``execution_rate`` and ``parts`` also for each budget-block row: its 执行率 against its
  执行数 / 预算数 (the 全年 or 调整后 budget where the block has one), and the rows below
  the first (其中：当年财政拨款, 上年结转资金, 其他资金) against it, column by column.

A prose execution rate without a budget and a spending before it in its window is checked
against the report's first budget and spending figures (by their role), however far apart
they stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from perfeval.sheet import SheetRow, sheet
from perfeval.spans import SpanSet
from perfeval.summary import GRADE_BANDS, grade_of, summarize
from perfeval.tables import table_cell_spans
from perfeval.types import Document, Record

RATE_TOLERANCE = 0.1  # percentage points, after rounding to the stated decimals
RATE_WINDOW = 200  # characters before a rate in which its budget and spending are looked for
PARTS_WINDOW = 300  # characters around 其中 in which the total and its parts are looked for

_RATE = re.compile(r"执行率|完成率|完成预算|执行完成")
_SHARE = re.compile(r"^占(.+?)(?:的|比重|比例)*$")
_TOTAL = re.compile(r"总|合计")
_SENTENCE_END = "。"
_NUMBER = re.compile(r"\d[\d,，]*(?:\.(\d*))?")
_DISPLAY_UNITS = {"亿元": 100_000_000, "万元": 10_000, "千元": 1_000, "元": 1}


@dataclass
class Finding:
    """One check's result; ``spans`` are the ``(start, end, text)`` of the figures involved."""

    check: str
    severity: str  # "info" (consistent) or "warning" (inconsistent)
    message: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "severity": self.severity, "message": self.message,
                "spans": [list(span) for span in self.spans]}


def check(doc: Document) -> list[Finding]:
    """Every consistency finding for an extracted document, in text order of its first span."""
    records = sorted(doc.records, key=lambda r: r.start)
    in_tables = SpanSet(table_cell_spans(doc.tables))
    prose = [r for r in records if not in_tables.overlaps(r.start, r.end)]
    rows = sheet(doc)
    findings = _rates(prose) + _shares(prose) + _parts(doc.text, prose) + _grade(doc, rows)
    findings += _over_weight(rows) + _weights(rows) + _total_scores(rows) + _budget_blocks(rows)
    return sorted(findings, key=lambda f: f.spans[0][0] if f.spans else -1)


# ------------------------------------------------------------------ helpers

def _name(record: Record) -> str:
    return "".join(record.indicator.text.split()) if record.indicator else ""


def _kind(record: Record) -> str | None:
    """What an amount is: income, budget or spending (None: something else)."""
    name = _name(record)
    if "收入" in name:
        return "income"
    if "预算" in name:
        return "budget"
    if re.search(r"支出|决算|执行|开支", name):
        return "spending"
    return None


def _decimals(record: Record) -> int:
    m = _NUMBER.search(record.text)
    return len(m.group(1) or "") if m else 0


def _half_unit(record: Record) -> float:
    """Half a unit of the last written decimal, in the record's normalised unit (元 for money)."""
    m = _NUMBER.search(record.text)
    if m is None or not record.value:
        return 0.0
    written = float(m.group().replace(",", "").replace("，", "").rstrip("."))
    scale = float(record.value) / written if written else 1.0
    return 0.5 * 10 ** -_decimals(record) * scale


def _display_unit(record: Record) -> str:
    compact = "".join(record.text.split())
    return next((unit for unit in _DISPLAY_UNITS if compact.endswith(unit)), "元")


def _money(value: float, unit: str) -> str:
    return f"{value / _DISPLAY_UNITS[unit]:,.2f}{unit}".replace(".00" + unit, unit)


def _span(record: Record) -> tuple[int, int, str]:
    return record.start, record.end, record.text


def _label(record: Record) -> str:
    return f"{_name(record) or '?'} {''.join(record.text.split())}"


def _agrees(stated: Record, computed: float) -> bool:
    return abs(round(computed, _decimals(stated)) - float(stated.value or 0)) <= RATE_TOLERANCE + 1e-9


# ------------------------------------------------------------------ the checks

def _rates(records: list[Record]) -> list[Finding]:
    findings = []
    floor = 0
    first_budget = next((r for r in records if r.type == "MONEY" and r.role == "budget" and r.value), None)
    first_spent = next((r for r in records if r.type == "MONEY" and r.role == "executed" and r.value is not None), None)
    for rate in records:
        if rate.type != "PERCENT" or not _RATE.search(_name(rate)) or rate.qualifier or rate.value is None:
            continue
        before = [r for r in records if r.type == "MONEY" and max(floor, rate.start - RATE_WINDOW) <= r.start < rate.start]
        floor = rate.end
        budget = next((r for r in reversed(before) if _kind(r) == "budget"), None)
        spent = next((r for r in reversed(before) if _kind(r) == "spending"), None)
        if budget is None and spent is None:
            budget, spent = first_budget, first_spent  # the report's own figures, wherever they stand
        if budget is None or spent is None or not budget.value or spent.value is None:
            continue
        computed = float(spent.value) / float(budget.value) * 100
        ok = _agrees(rate, computed)
        findings.append(Finding(
            "execution_rate", "info" if ok else "warning",
            f"{_label(rate)}: {_label(spent)} / {_label(budget)} = {computed:.2f}%"
            + ("" if ok else f", not {rate.value}% (±{RATE_TOLERANCE} point)"),
            [_span(rate), _span(spent), _span(budget)],
        ))
    return findings


def _shares(records: list[Record]) -> list[Finding]:
    groups: dict[str, list[tuple[Record, Record]]] = {}
    for i, share in enumerate(records):
        m = _SHARE.match(_name(share))
        part = next((r for r in reversed(records[:i]) if r.type == "MONEY"), None)
        if share.type == "PERCENT" and m and part is not None and part.value and share.value is not None:
            groups.setdefault(m.group(1), []).append((share, part))
    findings = []
    for total_name, pairs in groups.items():
        stated = [r for r in records if r.type == "MONEY" and _name(r) == total_name and r.value]
        total = float(stated[0].value or 0) if stated else sum(float(part.value or 0) for _, part in pairs)
        unit = _display_unit(pairs[0][1])
        basis = (
            _label(stated[0]) if stated
            else f"{total_name} {_money(total, unit)} (not stated: the sum of its {len(pairs)} listed parts)"
        )
        for share, part in pairs:
            computed = float(part.value or 0) / total * 100
            ok = _agrees(share, computed)
            findings.append(Finding(
                "share", "info" if ok else "warning",
                f"{_label(share)}: {_label(part)} / {basis} = {computed:.2f}%"
                + ("" if ok else f", not {share.value}% (±{RATE_TOLERANCE} point)"),
                [_span(share), _span(part)] + ([_span(stated[0])] if stated else []),
            ))
    return findings


def _parts(text: str, records: list[Record]) -> list[Finding]:
    findings = []
    for m in re.finditer("其中", text):
        end = text.find(_SENTENCE_END, m.end())
        end = min(end if end >= 0 else len(text), m.end() + PARTS_WINDOW)
        money = [r for r in records if r.type == "MONEY" and r.value is not None]
        before = [r for r in money if m.start() - PARTS_WINDOW <= r.start < m.start()]
        totals = [r for r in before if _TOTAL.search(_name(r))]
        sentence = text.rfind(_SENTENCE_END, 0, m.start())
        totals = totals or [r for r in before if r.start > sentence][-1:]  # 下达资金 X 万元，其中 …
        items: list[Record] = []
        for r in (r for r in money if m.end() <= r.start < end):
            if _TOTAL.search(_name(r)):
                break  # a new total starts a new list
            items.append(r)
        for kind in ("income", "budget", "spending", None):  # None: amounts that say no kind (省级资金)
            total = next((t for t in reversed(totals) if _kind(t) == kind), None)
            parts = [r for r in items if _kind(r) == kind]
            if total is not None and len(parts) >= 2:
                findings.append(_parts_finding(total, parts))
    return findings


def _parts_finding(total: Record, parts: list[Record]) -> Finding:
    summed = sum(float(p.value or 0) for p in parts)
    tolerance = sum(_half_unit(r) for r in parts + [total])
    off = summed - float(total.value or 0)
    unit = _display_unit(total)
    ok = abs(off) <= tolerance + 1e-6
    terms = " + ".join(_label(p) for p in parts)
    return Finding(
        "parts", "info" if ok else "warning",
        f"其中 {terms} = {_money(summed, unit)}; {_label(total)}"
        + (" (agrees within rounding)" if ok else f" (off by {_money(abs(off), unit)})"),
        [_span(total)] + [_span(p) for p in parts],
    )


def _grade(doc: Document, rows: list[SheetRow]) -> list[Finding]:
    summary = summarize(doc, rows)
    score, grade = summary.score, summary.grade
    if score is None or grade is None or grade.start is None or not isinstance(score.value, (int, float)):
        return []
    expected = grade_of(score.value)
    ok = expected == grade.value
    bands = ", ".join(f"{g} ≥ {floor:g}" for floor, g in GRADE_BANDS[:-1])
    return [Finding(
        "grade", "info" if ok else "warning",
        f"score {score.text} is in band {expected} ({bands}); the report states {grade.value}",
        [(score.start or 0, score.end or 0, score.text or ""), (grade.start, grade.end or 0, grade.text or "")],
    )]


# ------------------------------------------------------------------ the sheet audits

WEIGHT_TOLERANCE = 0.01  # points: weights and scores are written with at most two decimals
FULL_MARKS = 100


def _row_span(row: SheetRow, field: str) -> tuple[int, int, str]:
    start, end = getattr(row, f"{field}_start"), getattr(row, f"{field}_end")
    return start or 0, end or 0, f"{getattr(row, field)}"


def _points(value: float) -> str:
    return f"{value:g}"


def _over_weight(rows: list[SheetRow]) -> list[Finding]:
    findings = []
    for row in rows:
        if row.section == "indicator" and row.score is not None and row.weight is not None \
                and float(row.score) > float(row.weight) + WEIGHT_TOLERANCE:
            findings.append(Finding(
                "score_over_weight", "warning",
                f"{row.level3 or '?'}: 得分 {_points(row.score)} is above its 分值 {_points(row.weight)}",
                [_row_span(row, "score"), _row_span(row, "weight")],
            ))
    for (table, source), cells in _budget_cells(rows).items():
        weight, score = cells.get("weight"), cells.get("score")
        if weight is not None and score is not None and float(score.value or 0) > float(weight.value or 0) + WEIGHT_TOLERANCE:
            findings.append(Finding(
                "score_over_weight", "warning",
                f"{source or '?'}: 得分 {_points(score.value or 0)} is above its 分值 {_points(weight.value or 0)}",
                [_cell_span(score), _cell_span(weight)],
            ))
    return findings


def _cell_span(row: SheetRow) -> tuple[int, int, str]:
    return row.start or 0, row.end or 0, f"{row.value}"


def _budget_cells(rows: list[SheetRow]) -> dict[tuple[int, str | None], dict[str, SheetRow]]:
    """Budget rows by (table, funding source) and role; the 全年/调整后 budget wins over 年初."""
    out: dict[tuple[int, str | None], dict[str, SheetRow]] = {}
    for row in rows:
        if row.section != "budget" or row.role is None:
            continue
        cells = out.setdefault((row.table, row.source), {})
        held = cells.get(row.role)
        if held is None or (row.role == "budget" and "年初" in (held.measure or "") and "年初" not in (row.measure or "")):
            cells[row.role] = row
    return out


def _agreement(
    check: str, stated: float, parts: list[float], label: str, spans: list[tuple[int, int, str]],
    shown: Callable[[float], str] = _points,
) -> Finding:
    total = sum(parts)
    ok = abs(total - stated) <= WEIGHT_TOLERANCE * max(1, len(parts))
    terms = " + ".join(shown(p) for p in parts)
    return Finding(check, "info" if ok else "warning",
                   f"{label}: {terms} = {shown(total)}" + ("" if ok else f", not {shown(stated)}"), spans)


def _display(value: float) -> str:
    """The unit a money figure reads best in: 万元 from 10,000 元 up."""
    return "万元" if abs(value) >= 10_000 else "元"


def _weights(rows: list[SheetRow]) -> list[Finding]:
    findings = []
    budget_weight = next((float(r.value) for r in rows if r.section == "budget" and r.role == "weight"
                          and r.value is not None), None)
    if budget_weight is None:  # 预算执行情况（万元）（20分）: the budget block's weight in its header
        budget_weight = next((float(r.weight) for r in rows if r.section == "section" and r.level1
                              and "预算" in r.level1 and r.weight is not None), None)
    for table in sorted({r.table for r in rows}):
        sections = [r for r in rows if r.table == table and r.section == "section" and r.weight is not None]
        indicators = [r for r in rows if r.table == table and r.section == "indicator" and r.weight is not None]
        for section in sections:
            members = [r for r in indicators if _in_section(r, section)]
            if members and section.level2 is None:  # a 二级 section of this one without rows of its own
                members += [s for s in sections if s.level2 is not None and s.level1 == section.level1
                            and not any(_in_section(r, s) for r in indicators)]
            if members:
                findings.append(_agreement(
                    "weights", float(section.weight), [float(r.weight) for r in members],  # type: ignore[arg-type]
                    f"分值 of {section.level2 or section.level1}",
                    [_row_span(section, "weight")] + [_row_span(r, "weight") for r in members]))
        top = [s for s in sections if s.level2 is None]
        sheet_weight = next((r for r in rows if r.table == table and r.section == "sheet" and r.weight is not None), None)
        total = next((r for r in rows if r.table == table and r.section == "total" and r.weight is not None), None)
        if len(top) >= 2:
            parts = [float(s.weight) for s in top]  # type: ignore[arg-type]
            spans = [_row_span(s, "weight") for s in top]
            if sheet_weight is not None:
                findings.append(_agreement("weights", float(sheet_weight.weight), parts,  # type: ignore[arg-type]
                                           f"section weights against {sheet_weight.level1}",
                                           [_row_span(sheet_weight, "weight")] + spans))
            else:
                stated = float(total.weight) if total is not None else FULL_MARKS  # type: ignore[arg-type]
                findings.append(_agreement("weights", stated, _with_budget(parts, stated, budget_weight),
                                           "section weights", spans))
        if total is not None and indicators:
            stated = float(total.weight)  # type: ignore[arg-type]
            parts = _with_budget([float(r.weight) for r in indicators], stated, budget_weight)  # type: ignore[arg-type]
            findings.append(_agreement("weights", stated, parts, f"分值 of the indicators against {total.level3}",
                                       [_row_span(total, "weight")] + [_row_span(r, "weight") for r in indicators]))
    return findings


def _with_budget(parts: list[float], stated: float, budget: float | None) -> list[float]:
    """``parts``, and the budget block's weight or score when only that makes them add up:
    reports count the budget block into the total or leave it out."""
    if budget is not None and abs(sum(parts) - stated) > WEIGHT_TOLERANCE * len(parts) \
            and abs(sum(parts) + budget - stated) <= WEIGHT_TOLERANCE * (len(parts) + 1):
        return parts + [budget]
    return parts


def _in_section(row: SheetRow, section: SheetRow) -> bool:
    if section.level2 is not None:
        return row.level1 == section.level1 and row.level2 == section.level2
    return row.level1 == section.level1


def _total_scores(rows: list[SheetRow]) -> list[Finding]:
    findings = []
    budget_score = next((float(r.value) for r in rows if r.section == "budget" and r.role == "score"
                         and r.value is not None), None)
    for total in (r for r in rows if r.section == "total" and r.score is not None):
        scored = [r for r in rows if r.table == total.table and r.section == "indicator" and r.score is not None]
        if not scored:
            continue
        stated = float(total.score)  # type: ignore[arg-type]
        parts = _with_budget([float(r.score) for r in scored], stated, budget_score)  # type: ignore[arg-type]
        findings.append(_agreement("total_score", stated, parts, f"得分 of the indicators against {total.level3}",
                                   [_row_span(total, "score")] + [_row_span(r, "score") for r in scored]))
    return findings


def _budget_blocks(rows: list[SheetRow]) -> list[Finding]:
    findings = []
    blocks = _budget_cells(rows)
    for (table, source), cells in blocks.items():
        budget, spent, rate = cells.get("budget"), cells.get("executed"), cells.get("rate")
        if budget is None or spent is None or rate is None or not budget.value or spent.value is None or rate.value is None:
            continue
        computed = float(spent.value) / float(budget.value) * 100
        decimals = len(str(rate.value).partition(".")[2]) if isinstance(rate.value, float) else 0
        ok = abs(round(computed, decimals) - float(rate.value)) <= RATE_TOLERANCE + 1e-9
        unit = _display(float(budget.value))
        findings.append(Finding(
            "execution_rate", "info" if ok else "warning",
            f"{source or '?'} {rate.measure} {_points(rate.value)}%: {spent.measure} {_money(float(spent.value), unit)} / "
            f"{budget.measure} {_money(float(budget.value), unit)} = {computed:.2f}%"
            + ("" if ok else f", not {_points(rate.value)}% (±{RATE_TOLERANCE} point)"),
            [_cell_span(rate), _cell_span(spent), _cell_span(budget)],
        ))
    for table in sorted({t for t, _ in blocks}):
        sources = [(source, cells) for (t, source), cells in blocks.items() if t == table]
        if len(sources) < 2:
            continue
        (total_source, total), parts = sources[0], sources[1:]
        for role in ("budget", "executed"):
            stated = total.get(role)
            items = [cells[role] for _, cells in parts if role in cells and cells[role].value is not None]
            if stated is None or stated.value is None or not items:
                continue
            unit = _display(float(stated.value))
            findings.append(_agreement("parts", float(stated.value), [float(i.value) for i in items],  # type: ignore[arg-type]
                                       f"{stated.measure} of the rows under {total_source}",
                                       [_cell_span(stated)] + [_cell_span(i) for i in items],
                                       lambda v, unit=unit: _money(v, unit)))
    return findings

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfeval.summary import GRADE_BANDS, grade_of, summarize
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
    findings = _rates(records) + _shares(records) + _parts(doc.text, records) + _grade(doc)
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
    for rate in records:
        if rate.type != "PERCENT" or not _RATE.search(_name(rate)) or rate.qualifier or rate.value is None:
            continue
        before = [r for r in records if r.type == "MONEY" and max(floor, rate.start - RATE_WINDOW) <= r.start < rate.start]
        floor = rate.end
        budget = next((r for r in reversed(before) if _kind(r) == "budget"), None)
        spent = next((r for r in reversed(before) if _kind(r) == "spending"), None)
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
        totals = [r for r in money if m.start() - PARTS_WINDOW <= r.start < m.start() and _TOTAL.search(_name(r))]
        items: list[Record] = []
        for r in (r for r in money if m.end() <= r.start < end):
            if _TOTAL.search(_name(r)):
                break  # a new total starts a new list
            items.append(r)
        for kind in ("income", "budget", "spending"):
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


def _grade(doc: Document) -> list[Finding]:
    summary = summarize(doc)
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

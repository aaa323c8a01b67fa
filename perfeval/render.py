"""One self-contained HTML page showing what perfeval extracted from a document.

:func:`render_html` highlights every value and indicator in the original text (newlines
kept) and opens the text at its first figure; each value's tooltip gives its figure as
people read it (2,054.25 万元, 1.26 亿元 (12,600 万元), 90.6%, 13 次), its indicator and its
source. The ``value_of`` links are listed; the records sit in a table that sorts by a click
on a header and filters by type and indicator, and a click on a row scrolls the text to the
value and flashes it. Check findings (any list of ``Finding.to_dict()``-like mappings) get a
table of their own, whose spans link into the text the same way. CSS and JS come from
``perfeval/templates/`` and are inlined: the page loads nothing from the network.

Entities that overlap an earlier one (possible in raw model output, never in gold
annotations) cannot be nested in the text; they still appear in the links and
records, and the summary line counts them.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from importlib.resources import files
from string import Template
from typing import Any

from perfeval import __version__
from perfeval.types import LABELS, Document, Entity, Record

__all__ = ["render_html", "readable_value"]

YI, WAN = Decimal(100_000_000), Decimal(10_000)
CENT = Decimal("0.01")
DECIMALS = Decimal("0.000001")  # non-money figures are shown to at most 6 decimals


@dataclass(frozen=True)
class _Column:
    title: str
    cell: Callable[[Record], str]
    sort_key: Callable[[Record], str]
    numeric: bool = False


def _number(value: float | None) -> str:
    """A figure as plain text: integral floats without ``.0``, no exponent, None as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _grouped(value: Decimal) -> str:
    """``value`` with thousands separators, without trailing zeros or an exponent."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def readable_value(record: Record) -> str:
    """The record's normalised figure as a reader of the report would write it.

    Money (kept in 元) in 万元, and in 亿元 too from 1 亿 (``1.26 亿元 (12,600 万元)``),
    below 1 万 in 元, rounded to the fen; percentages as ``90.6%``; anything else as number
    and unit (``2.64 百分点``, ``1,634 人次``, ``98.1 分``). '' when there is no value.
    """
    if record.value is None:
        return ""
    if isinstance(record.value, float) and not math.isfinite(record.value):
        return f"{record.value} {record.unit}".strip()
    with localcontext() as exact:
        exact.prec = 1000  # any int or float figure, without rounding but the one asked for
        amount = Decimal(repr(record.value)) if isinstance(record.value, float) else Decimal(record.value)
        if record.type == "MONEY" and record.unit == "元":
            amount = amount.quantize(CENT)
            if abs(amount) >= YI:
                return f"{_grouped(amount / YI)} 亿元 ({_grouped(amount / WAN)} 万元)"
            if abs(amount) >= WAN:
                return f"{_grouped(amount / WAN)} 万元"
            return f"{_grouped(amount)} 元"
        figure = _grouped(amount.quantize(DECIMALS))
    return f"{figure}%" if record.unit == "%" else f"{figure} {record.unit}".strip()


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _entity_id(index: int) -> str:
    return f"pe-e{index}"


_COLUMNS: tuple[_Column, ...] = (
    _Column("start", lambda r: str(r.start), lambda r: str(r.start), numeric=True),
    _Column("type", lambda r: r.type, lambda r: r.type),
    _Column("text", lambda r: r.text, lambda r: r.text),
    _Column("value", readable_value, lambda r: _number(r.value), numeric=True),
    _Column("unit", lambda r: r.unit, lambda r: r.unit),
    _Column("approximate", lambda r: "≈" if r.approximate else "", lambda r: str(int(r.approximate))),
    _Column("qualifier", lambda r: r.qualifier or "", lambda r: r.qualifier or ""),
    _Column("indicator", lambda r: r.indicator.text if r.indicator else "", lambda r: r.indicator.text if r.indicator else ""),
    _Column("source", lambda r: r.source, lambda r: r.source),
    _Column("confidence", lambda r: f"{r.confidence:.2f}", lambda r: str(r.confidence), numeric=True),
)


def _value_tooltip(entity: Entity, record: Record | None, indicator: Entity | None) -> str:
    parts = [entity.label]
    if record is not None:
        figure = readable_value(record) or "(no value)"
        if record.approximate:
            figure = "≈ " + figure
        if record.qualifier:
            figure += f" ({record.qualifier})"
        parts.append(figure)
    if indicator is not None:
        parts.append(f"→ {indicator.text}")
    parts.append(f"{entity.source} {entity.confidence:.2f}")
    return " · ".join(parts)


def _indicator_tooltip(values: list[Entity]) -> str:
    if not values:
        return "INDICATOR"
    return "INDICATOR ← " + ", ".join(v.text for v in values)


def _mark(document: Document, index: int, links: dict[int, int], records: dict[tuple[int, int], Record]) -> str:
    """The ``<mark>`` of entity ``index``; values point at their indicator with ``data-indicator``."""
    entity = document.entities[index]
    attrs = {"id": _entity_id(index), "class": f"pe-ent pe-{entity.label}", "data-label": entity.label}
    if entity.is_value:
        tail = links.get(index)
        indicator = document.entities[tail] if tail is not None else None
        record = records.get((entity.start, entity.end))
        attrs["title"] = _value_tooltip(entity, record, indicator)
        attrs["data-value"] = _entity_id(index)
        if tail is not None:
            attrs["data-indicator"] = _entity_id(tail)
        if record is not None:
            attrs["data-normalized"] = _number(record.value)
    else:
        heads = [document.entities[h] for h, t in links.items() if t == index]
        attrs["title"] = _indicator_tooltip(heads)
    rendered = " ".join(f'{key}="{_esc(val)}"' for key, val in attrs.items())
    shown = document.text[entity.start : entity.end]
    return f'<mark {rendered}>{_esc(shown)}<span class="pe-lbl">{_esc(entity.label)}</span></mark>'


def _in_range(entity: Entity, length: int) -> bool:
    return 0 <= entity.start < entity.end <= length


def _highlighted_text(document: Document, links: dict[int, int], records: dict[tuple[int, int], Record]) -> tuple[str, dict[tuple[int, int], int], int]:
    """The escaped text with entity marks, the entity index of each highlighted span, and how
    many entities were left out (overlapping an earlier one, or outside the text)."""
    order = sorted(
        (i for i, e in enumerate(document.entities) if _in_range(e, len(document.text))),
        key=lambda i: (document.entities[i].start, -document.entities[i].end),
    )
    pieces: list[str] = []
    shown: dict[tuple[int, int], int] = {}
    cursor = 0
    skipped = len(document.entities) - len(order)
    for index in order:
        entity = document.entities[index]
        if entity.start < cursor:
            skipped += 1
            continue
        pieces.append(_esc(document.text[cursor : entity.start]))
        pieces.append(_mark(document, index, links, records))
        shown[(entity.start, entity.end)] = index
        cursor = entity.end
    pieces.append(_esc(document.text[cursor:]))
    return "".join(pieces), shown, skipped


def _link_items(document: Document) -> str:
    items = []
    for rel in document.relations:
        head, tail = document.entities[rel.head], document.entities[rel.tail]
        items.append(
            f'<li data-value="{_entity_id(rel.head)}" data-indicator="{_entity_id(rel.tail)}">'
            f'<a href="#{_entity_id(rel.head)}" data-target="{_entity_id(rel.head)}">{_esc(head.text)}</a> '
            f'<span class="pe-label">{_esc(head.label)}</span> → '
            f'<a href="#{_entity_id(rel.tail)}" data-target="{_entity_id(rel.tail)}">{_esc(tail.text)}</a></li>'
        )
    return "\n".join(items) or "<li>(no links)</li>"


def _table(records: list[Record], shown: dict[tuple[int, int], int]) -> tuple[str, str]:
    headers = "".join(
        f'<th scope="col" data-type="{"number" if c.numeric else "text"}">{_esc(c.title)}</th>' for c in _COLUMNS
    )
    rows = []
    for record in records:
        cells = "".join(
            f'<td data-sort="{_esc(c.sort_key(record))}" class="{"pe-num" if c.numeric else "pe-str"}">{_esc(c.cell(record))}</td>'
            for c in _COLUMNS
        )
        index = shown.get((record.start, record.end))
        target = f' data-target="{_entity_id(index)}"' if index is not None else ""
        rows.append(f'<tr data-label="{_esc(record.type)}"{target}>{cells}</tr>')
    return headers, "\n".join(rows)


def _type_options(records: list[Record]) -> str:
    present = [label for label in LABELS if any(r.type == label for r in records)]
    return "".join(f'<option value="{_esc(label)}">{_esc(label)}</option>' for label in present)


def _is_span(item: Any) -> bool:
    return (
        isinstance(item, (list, tuple)) and len(item) == 3
        and all(isinstance(x, int) and not isinstance(x, bool) for x in item[:2]) and isinstance(item[2], str)
    )


def _finding_cell(value: Any, shown: dict[tuple[int, int], int]) -> str:
    """A finding's field: spans (``[start, end, text]`` lists) as links into the text, other
    lists and mappings as JSON, anything else as text."""
    if isinstance(value, (list, tuple)) and value and all(_is_span(item) for item in value):
        links = []
        for start, end, text in value:
            index = shown.get((start, end))
            label = f"{_esc(text)} <small>{start}-{end}</small>"
            links.append(
                f'<a href="#{_entity_id(index)}" data-target="{_entity_id(index)}">{label}</a>' if index is not None else label
            )
        return "; ".join(links)
    if isinstance(value, (list, tuple, Mapping)):
        return _esc(json.dumps(value, ensure_ascii=False))
    return _esc("" if value is None else str(value))


def _findings(findings: list[Mapping[str, Any]], shown: dict[tuple[int, int], int]) -> tuple[str, str]:
    """Header cells and rows of the findings table: one column per key, in order of appearance."""
    if not findings:
        return "", '<tr><td>(no findings)</td></tr>'
    columns = list(dict.fromkeys(key for finding in findings for key in finding))
    headers = "".join(f'<th scope="col">{_esc(str(c))}</th>' for c in columns)
    rows = []
    for finding in findings:
        severity = finding.get("severity")
        css = f' class="pe-sev-{_esc(str(severity))}"' if severity is not None else ""
        cells = "".join(f"<td>{_finding_cell(finding.get(c), shown)}</td>" for c in columns)
        rows.append(f"<tr{css}>{cells}</tr>")
    return headers, "\n".join(rows)


def _summary(document: Document, skipped: int, findings: list[Mapping[str, Any]]) -> str:
    counts = Counter(e.label for e in document.entities)
    parts = [f"{counts[label]} {label}" for label in LABELS]
    parts.append(f"{len(document.relations)} links")
    parts.append(f"{len(document.records)} records")
    severities = Counter(str(f["severity"]) for f in findings if "severity" in f)
    parts.append(f"{len(findings)} findings" + (f" ({', '.join(f'{n} {s}' for s, n in severities.items())})" if severities else ""))
    if skipped:
        parts.append(f"{skipped} overlapping entities not highlighted")
    return ", ".join(parts)


def _legend() -> str:
    return " ".join(f'<mark class="pe-ent pe-{label}">{label}</mark>' for label in LABELS)


def _asset(name: str) -> str:
    return files("perfeval").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(document: Document, title: str | None = None, findings: Iterable[Mapping[str, Any]] = ()) -> str:
    """The whole page for ``document`` as a string (UTF-8 HTML, no external assets).

    ``title`` defaults to the document's name. ``findings`` are mappings such as
    :meth:`perfeval.checks.Finding.to_dict` gives, shown with one column per key. Value marks
    carry their normalised figure in ``data-normalized``; relations index ``document.entities``.
    """
    findings = list(findings)
    links = {rel.head: rel.tail for rel in document.relations}
    records = {(r.start, r.end): r for r in document.records}
    text, shown, skipped = _highlighted_text(document, links, records)
    headers, rows = _table(document.records, shown)
    finding_headers, finding_rows = _findings(findings, shown)
    page = Template(_asset("render.html"))
    return page.substitute(
        version=_esc(__version__),
        title=_esc(title or document.name or "perfeval report"),
        css=_asset("render.css"),
        js=_asset("render.js"),
        legend=_legend(),
        summary=_esc(_summary(document, skipped, findings)),
        text=text,
        links=_link_items(document),
        type_options=_type_options(document.records),
        headers=headers,
        rows=rows,
        finding_headers=finding_headers,
        finding_rows=finding_rows,
    )

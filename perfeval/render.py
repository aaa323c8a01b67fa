"""One self-contained HTML page showing what perfeval extracted from a document.

:func:`render_html` highlights every value and indicator in the original text
(newlines kept), shows each value's normalised figure in its ``title`` tooltip,
lists the ``value_of`` links and puts the records in a table sortable by clicking
a header. CSS and JS come from ``perfeval/templates/`` and are inlined: the page
loads nothing from the network.

Entities that overlap an earlier one (possible in raw model output, never in gold
annotations) cannot be nested in the text; they still appear in the links and
records, and the summary line counts them.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from string import Template

from perfeval import __version__
from perfeval.types import LABELS, Document, Entity, Record

__all__ = ["render_html"]


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


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _entity_id(index: int) -> str:
    return f"pe-e{index}"


_COLUMNS: tuple[_Column, ...] = (
    _Column("start", lambda r: str(r.start), lambda r: str(r.start), numeric=True),
    _Column("type", lambda r: r.type, lambda r: r.type),
    _Column("text", lambda r: r.text, lambda r: r.text),
    _Column("value", lambda r: _number(r.value), lambda r: _number(r.value), numeric=True),
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
        figure = f"{_number(record.value)} {record.unit}".strip() or "(no value)"
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


def _highlighted_text(document: Document, links: dict[int, int], records: dict[tuple[int, int], Record]) -> tuple[str, int]:
    """The escaped text with entity marks, and how many entities were left out (overlapping an
    earlier one, or outside the text)."""
    order = sorted(
        (i for i, e in enumerate(document.entities) if _in_range(e, len(document.text))),
        key=lambda i: (document.entities[i].start, -document.entities[i].end),
    )
    pieces: list[str] = []
    cursor = 0
    skipped = len(document.entities) - len(order)
    for index in order:
        entity = document.entities[index]
        if entity.start < cursor:
            skipped += 1
            continue
        pieces.append(_esc(document.text[cursor : entity.start]))
        pieces.append(_mark(document, index, links, records))
        cursor = entity.end
    pieces.append(_esc(document.text[cursor:]))
    return "".join(pieces), skipped


def _link_items(document: Document) -> str:
    items = []
    for rel in document.relations:
        head, tail = document.entities[rel.head], document.entities[rel.tail]
        items.append(
            f'<li data-value="{_entity_id(rel.head)}" data-indicator="{_entity_id(rel.tail)}">'
            f'<a href="#{_entity_id(rel.head)}">{_esc(head.text)}</a> '
            f'<span class="pe-label">{_esc(head.label)}</span> → '
            f'<a href="#{_entity_id(rel.tail)}">{_esc(tail.text)}</a></li>'
        )
    return "\n".join(items) or "<li>(no links)</li>"


def _table(records: list[Record]) -> tuple[str, str]:
    headers = "".join(
        f'<th scope="col" data-type="{"number" if c.numeric else "text"}">{_esc(c.title)}</th>' for c in _COLUMNS
    )
    rows = []
    for record in records:
        cells = "".join(
            f'<td data-sort="{_esc(c.sort_key(record))}" class="{"pe-num" if c.numeric else "pe-str"}">{_esc(c.cell(record))}</td>'
            for c in _COLUMNS
        )
        rows.append(f"<tr>{cells}</tr>")
    return headers, "\n".join(rows)


def _summary(document: Document, skipped: int) -> str:
    counts = Counter(e.label for e in document.entities)
    parts = [f"{counts[label]} {label}" for label in LABELS]
    parts.append(f"{len(document.relations)} links")
    parts.append(f"{len(document.records)} records")
    if skipped:
        parts.append(f"{skipped} overlapping entities not highlighted")
    return ", ".join(parts)


def _legend() -> str:
    return " ".join(f'<mark class="pe-ent pe-{label}">{label}</mark>' for label in LABELS)


def _asset(name: str) -> str:
    return files("perfeval").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(document: Document, title: str | None = None) -> str:
    """The whole page for ``document`` as a string (UTF-8 HTML, no external assets).

    ``title`` defaults to the document's name. Value marks carry their normalised
    figure in ``title`` and ``data-normalized``; relations index ``document.entities``.
    """
    links = {rel.head: rel.tail for rel in document.relations}
    records = {(r.start, r.end): r for r in document.records}
    text, skipped = _highlighted_text(document, links, records)
    headers, rows = _table(document.records)
    page = Template(_asset("render.html"))
    return page.substitute(
        version=_esc(__version__),
        title=_esc(title or document.name or "perfeval report"),
        css=_asset("render.css"),
        js=_asset("render.js"),
        legend=_legend(),
        summary=_esc(_summary(document, skipped)),
        text=text,
        links=_link_items(document),
        headers=headers,
        rows=rows,
    )

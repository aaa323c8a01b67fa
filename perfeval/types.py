"""The plain data types that flow through perfeval.

All offsets are Python ``str`` indices (Unicode code points) into the *original*
document text, start-inclusive and end-exclusive: ``text[start:end]`` is the span.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from perfeval.tables.grid import Table

VALUE_LABELS: tuple[str, ...] = ("MONEY", "PERCENT", "COUNT", "SCORE")
INDICATOR = "INDICATOR"
LABELS: tuple[str, ...] = VALUE_LABELS + (INDICATOR,)
VALUE_OF = "value_of"

Source = Literal["model", "rules"]


@dataclass
class Entity:
    """A labelled span: one of :data:`LABELS`.

    ``norm`` is the normalised value an annotation states for a value entity (doccano's
    optional ``norm`` key); None where it states none.
    """

    label: str
    start: int
    end: int
    text: str
    source: str = "rules"
    confidence: float = 1.0
    norm: float | None = None

    @property
    def is_value(self) -> bool:
        return self.label in VALUE_LABELS


@dataclass
class Relation:
    """``value_of`` from a value entity (``head``) to an ``INDICATOR`` (``tail``).

    ``head`` and ``tail`` are indices into :attr:`Document.entities`.
    """

    head: int
    tail: int
    label: str = VALUE_OF
    source: str = "rules"
    confidence: float = 1.0


@dataclass
class Indicator:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Record:
    """One extracted value, with the fields of ANNOTATION.md section 5.

    ``page`` (1-based) is set only for documents read from paged sources (PDF). ``role``
    says what a figure is: a table cell's column (``target``, ``actual``, ``weight``,
    ``score``, ``budget``, ``executed``, ``rate``), or what its sentence says (年度预算 ->
    ``budget``, 实际开支 -> ``executed``); None where neither says. ``direction``
    is ``"decrease"`` / ``"increase"`` for a change figure (同比下降 3.2%: value 3.2), else None.
    """

    type: str
    text: str
    start: int
    end: int
    value: float | int | None
    unit: str
    approximate: bool = False
    qualifier: str | None = None
    indicator: Indicator | None = None
    source: str = "rules"
    confidence: float = 1.0
    page: int | None = None
    role: str | None = None
    direction: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "unit": self.unit,
            "approximate": self.approximate,
            "qualifier": self.qualifier,
            "direction": self.direction,
            "role": self.role,
            "indicator": self.indicator.to_dict() if self.indicator else None,
            "source": self.source,
            "confidence": round(float(self.confidence), 4),
        }
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass
class Document:
    """The result of extracting one text.

    ``entities`` holds values and indicators in text order; ``relations`` link
    them; ``records`` is the user-facing view: one per value entity; ``tables`` the score
    sheets and budget blocks read from it (:class:`perfeval.tables.Table`).
    ``name`` is the document id (a file's stem, or the annotation ``id``).
    """

    text: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "text": self.text,
            "records": [r.to_dict() for r in self.records],
            "meta": self.meta,
        }

"""The extractor: text -> rules -> tables (+ model) -> merge -> :class:`~perfeval.types.Document`.

Tables come from the reader (PDF and DOCX grids) or are rebuilt from the text; the table
stage owns their cells: in the hybrid, model values and indicators inside a table cell are
dropped and the table's values stand. Hybrid merge elsewhere, in order:
1. model values are kept, except where the model is unsure (confidence below
   ``min_value_confidence``) and the rules found an overlapping value: the rule value wins,
   and except numbers the rules did not find that have no unit written or implied (list
   numbers such as ``#### 1.``) or stand where the rules know a number is never a value
   (ordinals ``第八次``, ``《titles》``, sessions, slogans);
2. rule values the model missed are added where they overlap nothing kept;
3. every value is normalised by the rule layer (units, 万元 -> 元, 余/多, qualifiers);
4. model links are kept where the model is sure (``min_link_confidence``); values the
   model left unlinked, or linked unsurely, get the rule linker's indicator, reusing an
   existing indicator entity where the spans overlap.
``hybrid=False`` keeps only the model's values and links (still normalised).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from perfeval.readers import SourceText, read
from perfeval.rules import ValueMatch, normalize
from perfeval.rules.linker import CompactText, link_values
from perfeval.rules.normalize import direction_before, money_unit, qualifiers_around, same_length_view
from perfeval.rules.roles import role_of_indicator
from perfeval.rules.values import is_name_or_ordinal
from perfeval.spans import SpanSet
from perfeval.tables import Table, find_tables, find_values, table_cell_spans
from perfeval.types import INDICATOR, Document, Entity, Indicator, Record, Relation

if TYPE_CHECKING:
    from perfeval.model import PerfevalModel


@dataclass
class _Value:
    entity: Entity
    value: float | int | None
    unit: str
    approximate: bool
    qualifier: str | None
    indicator: tuple[int, int] | None = None
    role: str | None = None
    direction: str | None = None


TABLE_LINK_CONFIDENCE = 0.8  # a table cell's row or column header


class _Link(NamedTuple):
    indicator: int  # index into the indicator list
    confidence: float
    source: str


class Extractor:
    """Extracts linked, normalised records from report text.

    ``model`` is a :class:`~perfeval.model.PerfevalModel` or None (rules only).
    """

    def __init__(
        self,
        model: PerfevalModel | None = None,
        *,
        hybrid: bool = True,
        min_value_confidence: float = 0.5,
        min_link_confidence: float = 0.5,
    ) -> None:
        self.model = model
        self.hybrid = hybrid or model is None
        self.min_value_confidence = min_value_confidence
        self.min_link_confidence = min_link_confidence

    @property
    def rules_only(self) -> bool:
        return self.model is None

    def extract(
        self,
        text: str,
        name: str | None = None,
        skip: list[tuple[int, int]] | tuple = (),
        tables: list[Table] | None = None,
    ) -> Document:
        """Extract one document. ``skip`` spans (headers, page numbers) yield no values;
        ``tables`` are the grids a reader found (None: rebuild them from the text)."""
        if tables is None:
            tables = find_tables(text, skip)
        rule_values = find_values(text, skip, tables) if self.hybrid else []
        if self.model is None:
            values = [self._from_rules(text, v) for v in rule_values]
            indicators: list[Entity] = []
            links: dict[int, _Link] = {}
        else:
            in_tables = SpanSet(table_cell_spans(tables)) if self.hybrid else SpanSet()
            values, indicators, links = self._from_model(text, rule_values, skip, in_tables)
        doc = self._assemble(text, name, values, indicators, links)
        doc.tables = tables
        return doc

    def extract_file(self, path: str | Path) -> Document:
        """Read a ``.txt`` / ``.pdf`` / ``.docx`` report and extract it; records carry ``page``."""
        source = read(path)
        return self.extract_source(source, name=Path(path).stem)

    def extract_source(self, source: SourceText, name: str | None = None) -> Document:
        doc = self.extract(source.text, name=name, skip=source.skip, tables=source.tables or None)
        for record in doc.records:
            record.page = source.page_of(record.start)
        doc.meta.update(source.meta)
        if source.path is not None:
            doc.meta["path"] = str(source.path)
        return doc

    # -- stages ---------------------------------------------------------------------------

    @staticmethod
    def _from_rules(text: str, v: ValueMatch) -> _Value:
        entity = Entity(v.label, v.start, v.end, text[v.start:v.end], source="rules", confidence=v.confidence)
        return _Value(entity, v.value, v.unit, v.approximate, v.qualifier, v.indicator, v.role, v.direction)

    def _from_model(self, text: str, rule_values: list[ValueMatch], skip, in_tables: SpanSet):
        """Model values and links merged with the rules'; the table stage owns table cells."""
        assert self.model is not None
        prediction = self.model.predict(text)
        view = same_length_view(text)
        values: list[_Value] = []
        index_of_value: dict[int, int] = {}
        skipped = SpanSet(skip)
        rule_spans = SpanSet((r.start, r.end) for r in rule_values)
        rule_at = {(r.start, r.end): r for r in rule_values}
        for i, ent in enumerate(prediction.entities):
            if not ent.is_value or skipped.overlaps(ent.start, ent.end) or in_tables.overlaps(ent.start, ent.end):
                continue
            rival_span = rule_spans.find(ent.start, ent.end)
            rival = rule_at[rival_span] if rival_span else None
            if rival is not None and ent.confidence < self.min_value_confidence:
                continue  # the rule value takes over below
            value = self._normalised(text, view, ent, rival)
            if self.hybrid and rival is None and not value.unit:
                continue  # no unit written or implied: not a value the rules can vouch for (e.g. "#### 1.")
            if self.hybrid and rival is None and is_name_or_ordinal(view, ent.start, ent.end, not any(c.isdigit() for c in ent.text)):
                continue  # 第八次会议, 《…》: contexts in which the contract says a number is never a value
            index_of_value[i] = len(values)
            values.append(value)
        taken = SpanSet((v.entity.start, v.entity.end) for v in values)
        indicators = [
            e for e in prediction.entities
            if e.label == INDICATOR and not taken.overlaps(e.start, e.end) and not in_tables.overlaps(e.start, e.end)
        ]
        index_of_indicator = {id(e): j for j, e in enumerate(indicators)}
        links: dict[int, _Link] = {}
        for rel in prediction.relations:
            tail = prediction.entities[rel.tail]
            unsure = self.hybrid and rel.confidence < self.min_link_confidence
            if rel.head in index_of_value and id(tail) in index_of_indicator and not unsure:
                links[index_of_value[rel.head]] = _Link(index_of_indicator[id(tail)], rel.confidence, "model")
        for e in indicators:
            taken.add(e.start, e.end)
        for r in rule_values:
            if not taken.overlaps(r.start, r.end):
                values.append(self._from_rules(text, r))
        return values, indicators, links

    @staticmethod
    def _normalised(text: str, view: str, ent: Entity, rival: ValueMatch | None) -> _Value:
        if rival is not None and (rival.label, rival.start, rival.end) == (ent.label, ent.start, ent.end):
            return _Value(ent, rival.value, rival.unit, rival.approximate, rival.qualifier, rival.indicator, rival.role,
                          rival.direction)
        implied = rival.unit if rival is not None and rival.label == ent.label and ent.label == "COUNT" else None
        if ent.label == "MONEY" and rival is not None and rival.label == "MONEY":
            implied = money_unit(text[rival.start:rival.end])
        norm = normalize(ent.label, ent.text, implied_unit=implied)
        approx, qualifier = qualifiers_around(view, ent.start, ent.end)
        return _Value(ent, norm.value, norm.unit, norm.approximate or approx, qualifier,
                      direction=direction_before(view, ent.start))

    def _assemble(
        self,
        text: str,
        name: str | None,
        values: list[_Value],
        indicators: list[Entity],
        links: dict[int, _Link],
    ) -> Document:
        # a span whose number could not be normalised (``1.``, an amount of unknown scale) is no
        # figure: it gives no record and no entity
        kept = [i for i, v in enumerate(values) if v.value is not None]
        links = {new: links[old] for new, old in enumerate(kept) if old in links}
        values = [values[i] for i in kept]
        if self.hybrid:
            self._link_by_rules(text, values, indicators, links)
        order = sorted(range(len(values)), key=lambda i: values[i].entity.start)
        entities = [values[i].entity for i in order] + indicators
        entities.sort(key=lambda e: e.start)
        position = {id(e): k for k, e in enumerate(entities)}
        relations = []
        records = []
        for i in order:
            v = values[i]
            indicator = None
            link = links.get(i)
            if link is not None:
                ind_entity = indicators[link.indicator]
                indicator = Indicator(ind_entity.text, ind_entity.start, ind_entity.end)
                relations.append(
                    Relation(position[id(v.entity)], position[id(ind_entity)], source=link.source, confidence=link.confidence)
                )
            records.append(
                Record(
                    type=v.entity.label,
                    text=v.entity.text,
                    start=v.entity.start,
                    end=v.entity.end,
                    value=v.value,
                    unit=v.unit,
                    approximate=v.approximate,
                    qualifier=v.qualifier,
                    indicator=indicator,
                    source=v.entity.source,
                    confidence=v.entity.confidence,
                    role=v.role or role_of_indicator(v.entity.label, indicator.text if indicator else None),
                    direction=v.direction,
                )
            )
        return Document(text=text, entities=entities, relations=relations, records=records, name=name)

    @staticmethod
    def _link_by_rules(
        text: str, values: list[_Value], indicators: list[Entity], links: dict[int, _Link]
    ) -> None:
        """Give unlinked values the rule linker's indicator (mutates ``indicators``/``links``)."""
        unlinked = [i for i in range(len(values)) if i not in links]
        if not unlinked:
            return
        spans = [(v.entity.label, v.entity.start, v.entity.end) for v in values]
        value_spans = SpanSet((s, e) for _, s, e in spans)
        indicator_spans = SpanSet((e.start, e.end) for e in indicators)
        indicator_at = {(e.start, e.end): j for j, e in enumerate(indicators)}
        proposals = link_values(text, spans, CompactText(text))
        for i in unlinked:
            proposal, table_span = proposals[i], values[i].indicator
            span: tuple[int, int]
            if table_span is not None:
                span, confidence = table_span, TABLE_LINK_CONFIDENCE
            elif proposal is not None:
                span, confidence = (proposal.start, proposal.end), proposal.confidence
            else:
                continue
            if value_spans.overlaps(*span):
                continue
            existing_span = indicator_spans.find(*span)
            if existing_span is not None:
                existing = indicator_at[existing_span]
            else:
                start, end = span
                indicators.append(Entity(INDICATOR, start, end, text[start:end], source="rules", confidence=0.6))
                existing = indicator_at[span] = len(indicators) - 1
                indicator_spans.add(start, end)
            links[i] = _Link(existing, confidence, "rules")

"""The extractor: text -> rules -> tables -> model -> merge -> :class:`~perfeval.types.Document`.

Tables come from the reader (PDF and DOCX grids) or are rebuilt from the text. The rule
layer's values (prose grammar and table cells) and the figures it leaves out are the
candidates (:mod:`perfeval.model.candidates`); without a model the rules' values stand,
each linked to its table row or column or to the rule linker's span.

With a model, each candidate gets the model's probabilities (calibrated): for its class
(no value, MONEY, PERCENT, COUNT, SCORE) and over *no link* and its indicator candidates.
The hybrid (default) keeps the rules unless the model is sure:

1. a rule value is dropped when P(no value) >= ``config.drop_threshold``, and retyped when
   another label's probability is at least that;
2. a figure the rules left out comes in when its most likely label is a value label with
   probability >= ``config.add_threshold`` (never one the rules know is no value: years,
   ordinals, list and page numbers never become candidates);
3. the model's indicator replaces the rules' choice when its probability is >=
   ``config.relink_threshold``.

A threshold of None turns its override off (the shipped model's recipe turns all three off:
in cross-validation on real text each override did more harm than good, see
``training/README.md``); the hybrid then makes the rules' decisions with the model's
calibrated probability of them as ``confidence``.

``hybrid=False`` takes the model's most likely class and indicator for every candidate.
Every value is normalised by the rule layer; one that cannot be (``1.``, an amount of unknown
scale) gives no record. A record's ``confidence`` is the model's probability of its label
(the rule grammar's own confidence without a model).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from perfeval.model.candidates import ValueCandidate, iter_candidates
from perfeval.readers import SourceText, read
from perfeval.rules import ValueMatch, normalize
from perfeval.rules.linker import CompactText, link_values
from perfeval.rules.normalize import direction_before, money_unit, qualifiers_around, same_length_view
from perfeval.rules.roles import role_of_indicator
from perfeval.spans import SpanSet
from perfeval.tables import Table, find_tables, find_values
from perfeval.types import INDICATOR, VALUE_LABELS, Document, Entity, Indicator, Record, Relation

if TYPE_CHECKING:
    from perfeval.model import Decision, PerfevalModel

CANDIDATE_BATCH = 512  # value candidates built and decided at a time: bounds the memory of a long text
TABLE_LINK_CONFIDENCE = 0.8  # a table cell's row or column header, without a model
MONEY_NEAR = 120  # characters within which a bare amount the model adds borrows a money unit


@dataclass
class _Figure:
    """A value on its way to a record: its normalised fields and its indicator span."""

    label: str
    start: int
    end: int
    value: float | int | None
    unit: str
    approximate: bool
    qualifier: str | None
    role: str | None
    direction: str | None
    source: str
    confidence: float
    indicator: tuple[int, int] | None
    link_source: str = "rules"
    link_confidence: float = 1.0


class Extractor:
    """Extracts linked, normalised records from report text.

    ``model`` is a :class:`~perfeval.model.PerfevalModel` or None (rules only).
    """

    def __init__(self, model: PerfevalModel | None = None, *, hybrid: bool = True) -> None:
        self.model = model
        self.hybrid = hybrid or model is None

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
        rules = find_values(text, skip, tables)
        if self.model is None:
            figures = _rule_figures(text, rules)
        else:
            money = sorted((v.start, unit) for v in rules if v.label == "MONEY" and (unit := money_unit(text[v.start:v.end])))
            view, figures = same_length_view(text), []
            for batch in batched(iter_candidates(text, skip, tables, rules), CANDIDATE_BATCH):
                batch = [c for c in batch if self._may_matter(c)]
                figures += self._decide(text, view, batch, self.model.decide(text, batch), money)
        doc = _assemble(text, name, [f for f in figures if f.value is not None])
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

    # -- the model's decisions ------------------------------------------------------------

    def _decide(self, text: str, view: str, candidates: Sequence[ValueCandidate], decisions: Sequence[Decision],
                money: list[tuple[int, str]]) -> list[_Figure]:
        """Figures of ``candidates`` by the model's ``decisions``; ``view`` is the text's
        :func:`same_length_view`, ``money`` the rule values' money units by offset (an amount
        the model adds borrows the nearest)."""
        assert self.model is not None
        config = self.model.config
        figures = []
        for c, d in zip(candidates, decisions):
            label = self._label(c, d.value, config)
            if label is None:
                continue
            figure = _figure_of(text, view, c, label, money)
            figure.confidence = float(d.value[1 + VALUE_LABELS.index(label)])
            figure.source = "rules" if c.rule is not None and label == c.label else "model"
            choice = self._link(c, d.link, config)
            figure.indicator = (c.links[choice - 1].start, c.links[choice - 1].end) if choice else None
            figure.link_confidence = float(d.link[choice])
            figure.link_source = "rules" if c.rule_link is not None and choice == c.rule_link + 1 else "model"
            figures.append(figure)
        return figures

    def _may_matter(self, c: ValueCandidate) -> bool:
        """Whether the model's decision on ``c`` can change the records: not for a figure the
        rules left out while the hybrid adds none (``add_threshold`` None), so the model skips it."""
        assert self.model is not None
        return not (self.hybrid and c.label is None and self.model.config.add_threshold is None)

    def _label(self, c: ValueCandidate, probs, config) -> str | None:
        best = int(probs.argmax())
        best_label = None if best == 0 else VALUE_LABELS[best - 1]
        if not self.hybrid:
            return best_label
        if c.label is None:  # a figure the rules left out
            return best_label if best_label is not None and _sure(probs[best], config.add_threshold) else None
        if _sure(probs[0], config.drop_threshold):
            return None
        if best_label is not None and best_label != c.label and _sure(probs[best], config.drop_threshold):
            return best_label
        return c.label

    def _link(self, c: ValueCandidate, probs, config) -> int:
        """0 for no link, else 1 + the index of the chosen indicator candidate."""
        best = int(probs.argmax())
        if not self.hybrid:
            return best
        rules = 0 if c.rule_link is None else c.rule_link + 1
        return best if best != rules and _sure(probs[best], config.relink_threshold) else rules


def batched(items: Iterable[ValueCandidate], size: int) -> Iterator[list[ValueCandidate]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _sure(probability: float, threshold: float | None) -> bool:
    """Whether an override at ``threshold`` (None: off) applies."""
    return threshold is not None and probability >= threshold


def _figure_of(text: str, view: str, c: ValueCandidate, label: str, money: list[tuple[int, str]]) -> _Figure:
    """The normalised fields of a candidate read as ``label``: the rules' own where they agree."""
    rule = c.rule
    if rule is not None and rule.label == label:
        return _Figure(label, c.start, c.end, rule.value, rule.unit, rule.approximate, rule.qualifier, rule.role,
                       rule.direction, "rules", rule.confidence, rule.indicator)
    implied = _nearest_money_unit(money, c.start) if label == "MONEY" else ("%" if label == "PERCENT" else None)
    norm = normalize(label, text[c.start:c.end], implied_unit=implied)
    approx, qualifier = qualifiers_around(view, c.start, c.end)
    return _Figure(label, c.start, c.end, norm.value, norm.unit, norm.approximate or approx, qualifier,
                   c.column_role, direction_before(view, c.start), "model", 0.0, None)


def _nearest_money_unit(money: list[tuple[int, str]], start: int) -> str | None:
    i = bisect_left(money, (start, ""))
    near = [(abs(s - start), unit) for s, unit in money[max(0, i - 1):i + 1] if abs(s - start) <= MONEY_NEAR]
    return min(near)[1] if near else None


def _rule_figures(text: str, values: list[ValueMatch]) -> list[_Figure]:
    """The rules' values, each linked to its table row or column, or by the rule linker."""
    proposals = link_values(text, [(v.label, v.start, v.end) for v in values], CompactText(text))
    figures = []
    for v, proposal in zip(values, proposals):
        if v.indicator is not None:
            indicator, confidence = v.indicator, TABLE_LINK_CONFIDENCE
        elif proposal is not None:
            indicator, confidence = (proposal.start, proposal.end), proposal.confidence
        else:
            indicator, confidence = None, 1.0
        figures.append(_Figure(v.label, v.start, v.end, v.value, v.unit, v.approximate, v.qualifier, v.role, v.direction,
                               "rules", v.confidence, indicator, "rules", confidence))
    return figures


def _assemble(text: str, name: str | None, figures: list[_Figure]) -> Document:
    """Entities (values and the indicators they link to), relations and records, in text order."""
    figures = sorted(figures, key=lambda f: f.start)
    taken = SpanSet((f.start, f.end) for f in figures)
    indicators: dict[tuple[int, int], Entity] = {}
    for f in figures:
        if f.indicator is not None and f.indicator not in indicators and not taken.overlaps(*f.indicator):
            start, end = f.indicator
            indicators[f.indicator] = Entity(INDICATOR, start, end, text[start:end], source=f.link_source,
                                             confidence=f.link_confidence)
    values = {id(f): Entity(f.label, f.start, f.end, text[f.start:f.end], source=f.source, confidence=f.confidence)
              for f in figures}
    standing = _disjoint(indicators)
    unique = {id(e): e for e in standing.values()}
    entities = sorted([*values.values(), *unique.values()], key=lambda e: e.start)
    position = {id(e): k for k, e in enumerate(entities)}
    relations, records = [], []
    for f in figures:
        entity = values[id(f)]
        link = standing.get(f.indicator) if f.indicator is not None else None
        if link is not None:
            relations.append(Relation(position[id(entity)], position[id(link)], source=f.link_source,
                                      confidence=f.link_confidence))
        indicator = Indicator(link.text, link.start, link.end) if link is not None else None
        records.append(Record(
            type=f.label, text=entity.text, start=f.start, end=f.end, value=f.value, unit=f.unit,
            approximate=f.approximate, qualifier=f.qualifier, indicator=indicator, source=f.source,
            confidence=f.confidence, role=f.role or role_of_indicator(f.label, indicator.text if indicator else None),
            direction=f.direction,
        ))
    return Document(text=text, entities=entities, relations=relations, records=records, name=name)


def _disjoint(indicators: dict[tuple[int, int], Entity]) -> dict[tuple[int, int], Entity]:
    """Each indicator span's entity, no two overlapping (annotation spans never do): where two
    values' indicators overlap, the first one in text order stands for both."""
    kept = SpanSet()
    first: dict[tuple[int, int], Entity] = {}
    out = {}
    for span in sorted(indicators):
        held = kept.find(*span)
        if held is None:
            kept.add(*span)
            first[span] = indicators[span]
            held = span
        out[span] = first[held]
    return out

"""Hybrid merge rules, with a stand-in model whose predictions are fixed by hand."""

from dataclasses import dataclass, field

import pytest

import perfeval

from perfeval.pipeline import Extractor
from perfeval.types import Entity, Relation

TEXT = "年度预算 2054.25 万元，实际开支 1860.77万元，召开常委会会议 13次。"


def span(label, surface, confidence=0.9, occurrence=0):
    start = TEXT.index(surface)
    for _ in range(occurrence):
        start = TEXT.index(surface, start + 1)
    return Entity(label, start, start + len(surface), surface, source="model", confidence=confidence)


@dataclass
class Prediction:
    entities: list = field(default_factory=list)
    relations: list = field(default_factory=list)


class FixedModel:
    """Stands in for PerfevalModel: returns the same prediction for any text."""

    def __init__(self, entities, links):
        self.prediction = Prediction(entities, [Relation(h, t, source="model", confidence=c) for h, t, c in links])

    def predict(self, text):
        return self.prediction


def records(extractor):
    doc = extractor.extract(TEXT)
    return [(r.text, r.source, r.indicator.text if r.indicator else None, r.value) for r in doc.records]


def test_model_values_and_links_come_first_and_rules_fill_the_rest():
    model = FixedModel(
        [span("INDICATOR", "年度预算"), span("MONEY", "2054.25 万元")],
        [(1, 0, 0.9)],
    )
    assert records(Extractor(model)) == [
        ("2054.25 万元", "model", "年度预算", 20542500),  # the model's, normalised by the rules
        ("1860.77万元", "rules", "实际开支", 18607700),  # missed by the model: the rules add and link it
        ("13次", "rules", "常委会会议", 13),
    ]


def test_model_only_keeps_just_the_model():
    model = FixedModel([span("INDICATOR", "年度预算"), span("MONEY", "2054.25 万元")], [(1, 0, 0.9)])
    assert records(Extractor(model, hybrid=False)) == [("2054.25 万元", "model", "年度预算", 20542500)]


def test_an_unsure_model_value_gives_way_to_the_rules():
    model = FixedModel([span("MONEY", "2054.25", confidence=0.2)], [])
    (first, *_) = records(Extractor(model))
    assert first == ("2054.25 万元", "rules", "年度预算", 20542500)


def test_an_unsure_model_link_gives_way_to_the_rule_linker():
    model = FixedModel(
        [span("INDICATOR", "实际开支"), span("MONEY", "2054.25 万元")],
        [(1, 0, 0.3)],  # a wrong link, and the model is unsure of it
    )
    assert records(Extractor(model))[0] == ("2054.25 万元", "model", "年度预算", 20542500)


def test_model_span_without_written_unit_borrows_the_rule_unit():
    model = FixedModel([span("MONEY", "2054.25")], [])
    assert records(Extractor(model))[0][3] == 20542500


def test_rule_indicators_reuse_an_overlapping_model_indicator():
    model = FixedModel([span("INDICATOR", "常委会会议"), span("COUNT", "13次")], [])
    doc = Extractor(model).extract(TEXT)
    indicators = [e for e in doc.entities if e.label == "INDICATOR" and e.text == "常委会会议"]
    assert len(indicators) == 1 and indicators[0].source == "model"
    (count,) = [r for r in doc.records if r.text == "13次"]
    assert count.indicator.text == "常委会会议" and count.source == "model"


def test_offsets_and_single_links_hold_in_the_merged_document():
    model = FixedModel([span("INDICATOR", "年度预算"), span("MONEY", "2054.25 万元")], [(1, 0, 0.9)])
    doc = Extractor(model).extract(TEXT)
    for e in doc.entities:
        assert TEXT[e.start:e.end] == e.text
    heads = [r.head for r in doc.relations]
    assert len(heads) == len(set(heads))


def test_a_bare_model_number_with_no_unit_is_dropped_in_hybrid_only():
    text = "#### 1.部门职责\n召开常委会会议 13次。"
    one = Entity("COUNT", 5, 6, "1", source="model", confidence=0.9)
    model = FixedModel([one], [])
    assert [r.text for r in Extractor(model).extract(text).records] == ["13次"]
    assert [r.text for r in Extractor(model, hybrid=False).extract(text).records] == ["1"]


def test_a_model_number_where_numbers_are_never_values_is_dropped_in_hybrid_only():
    text = "顺利召开十六届人大第八次会议，召开常委会会议 13次。"
    ordinal = text.index("八次")
    model = FixedModel([Entity("COUNT", ordinal, ordinal + 2, "八次", source="model", confidence=0.9)], [])
    assert [r.text for r in Extractor(model).extract(text).records] == ["13次"]
    assert [r.text for r in Extractor(model, hybrid=False).extract(text).records] == ["八次"]


def test_a_model_value_that_cannot_be_normalised_gives_no_record():
    text = "1. 年度预算 2054.25 万元"
    bare = Entity("MONEY", 0, 2, "1.", source="model", confidence=0.9)  # unit 元 but no scale: value None
    indicator = Entity("INDICATOR", 3, 7, "年度预算", source="model", confidence=0.9)
    model = FixedModel([bare, indicator], [(0, 1, 0.9)])
    for extractor in (Extractor(model), Extractor(model, hybrid=False)):
        doc = extractor.extract(text)
        assert all(r.value is not None for r in doc.records)
        assert "1." not in [e.text for e in doc.entities]
        assert all(doc.entities[rel.head].is_value for rel in doc.relations)
    assert [(r.text, r.indicator.text) for r in Extractor(model).extract(text).records] == [("2054.25 万元", "年度预算")]


@pytest.mark.skipif(not perfeval.DEFAULT_MODEL.exists(), reason="no embedded default model in this checkout")
@pytest.mark.parametrize("text", ["1.", "共3.5", "abc 1. def 2."])
def test_the_default_extractor_gives_no_record_without_a_value(text):
    assert all(r.value is not None for r in perfeval.extract(text).records)


@pytest.mark.skipif(not perfeval.DEFAULT_MODEL.exists(), reason="no embedded default model in this checkout")
def test_the_default_extractor_reads_text_with_lone_surrogates():
    text = "年度预算\ud800 2054.25 万元，\udc80完成预算的 90.6%。"
    doc = perfeval.extract(text)
    assert [(r.text, r.value) for r in doc.records] == [("2054.25 万元", 20542500), ("90.6%", 90.6)]
    assert all(text[e.start:e.end] == e.text for e in doc.entities)

"""The hybrid's decisions, with a stand-in model whose probabilities are fixed by hand."""

from __future__ import annotations

import numpy as np
import pytest

import perfeval
from perfeval.model import Decision, ModelConfig
from perfeval.model.candidates import ValueCandidate
from perfeval.pipeline import Extractor
from perfeval.types import VALUE_LABELS

TEXT = "年度预算 2054.25 万元，全年实际开支 1860.77万元，执行数 605.58，召开常委会会议 13次。"
CLASSES = ("NONE",) + VALUE_LABELS


class StandIn:
    """Stands in for PerfevalModel: ``value(candidate, text)`` gives the class probabilities
    (default: the rules' label at 0.99), ``link(candidate, text)`` the chosen indicator text
    (default: the rules' choice) and how sure."""

    def __init__(self, value=None, link=None, **settings):
        self.config = ModelConfig(encoder={"model_type": "stand-in"}, **settings)
        self.value, self.link = value, link

    def decide(self, text: str, candidates: list[ValueCandidate]) -> list[Decision]:
        out = []
        for c in candidates:
            probs = self.value(c, text) if self.value else _sure(c.label or "NONE")
            link = np.zeros(1 + len(c.links))
            chosen, sure = self.link(c, text) if self.link else (None, 0.99)
            if chosen is None:
                link[0 if c.rule_link is None else c.rule_link + 1] = sure
            else:
                index = next(i for i, l in enumerate(c.links) if text[l.start:l.end] == chosen)
                link[index + 1] = sure
            out.append(Decision(np.asarray(probs, dtype=float), link))
        return out


def _sure(label: str, p: float = 0.99) -> list[float]:
    probs = [(1 - p) / (len(CLASSES) - 1)] * len(CLASSES)
    probs[CLASSES.index(label)] = p
    return probs


def records(extractor: Extractor, text: str = TEXT) -> list[tuple]:
    doc = extractor.extract(text)
    return [(r.text, r.type, r.source, r.indicator.text if r.indicator else None) for r in doc.records]


RULES = [
    ("2054.25 万元", "MONEY", "rules", "年度预算"),
    ("1860.77万元", "MONEY", "rules", "实际开支"),
    ("605.58", "MONEY", "rules", "执行数"),
    ("13次", "COUNT", "rules", "常委会会议"),
]


def test_a_model_that_agrees_with_the_rules_changes_nothing():
    assert records(Extractor(StandIn())) == RULES
    assert records(Extractor(None)) == RULES
    assert [r.confidence for r in Extractor(StandIn()).extract(TEXT).records] == [0.99] * 4


def test_a_sure_model_drops_or_retypes_a_rule_value_an_unsure_one_does_not():
    def value(c, text, p):
        return _sure("NONE", p) if text[c.start:c.end] == "605.58" else _sure(c.label)

    assert [r[0] for r in records(Extractor(StandIn(lambda c, t: value(c, t, 0.95))))] == ["2054.25 万元", "1860.77万元", "13次"]
    assert records(Extractor(StandIn(lambda c, t: value(c, t, 0.6)))) == RULES
    retype = StandIn(lambda c, t: _sure("PERCENT") if t[c.start:c.end] == "605.58" else _sure(c.label))
    assert records(Extractor(retype))[2][:3] == ("605.58", "PERCENT", "model")


def test_a_figure_the_rules_left_out_comes_in_only_when_the_model_is_sure():
    text = "自评得分98，召开常委会会议 13次。"
    def value(p):
        return lambda c, t: _sure("SCORE", p) if c.label is None else _sure(c.label)

    assert records(Extractor(StandIn(value(0.95))), text)[0][:3] == ("98", "SCORE", "model")
    assert [r[0] for r in records(Extractor(StandIn(value(0.6))), text)] == ["13次"]
    assert [r[0] for r in records(Extractor(StandIn(value(0.6)), hybrid=False), text)] == ["98", "13次"]


def test_the_model_relinks_when_sure_and_model_only_always_takes_its_choice():
    def link(p):
        return lambda c, t: ("开支", p) if t[c.start:c.end] == "1860.77万元" else (None, 0.99)

    assert records(Extractor(StandIn(link=link(0.8))))[1] == ("1860.77万元", "MONEY", "rules", "开支")
    assert records(Extractor(StandIn(link=link(0.4))))[1] == ("1860.77万元", "MONEY", "rules", "实际开支")
    assert records(Extractor(StandIn(link=link(0.4)), hybrid=False))[1][3] == "开支"


def test_with_every_override_off_the_hybrid_makes_the_rules_decisions_with_the_models_confidence():
    """Thresholds of None (the shipped recipe): a model sure of the opposite changes no value and no link."""
    off = {"drop_threshold": None, "add_threshold": None, "relink_threshold": None}
    contrary = StandIn(lambda c, t: _sure("NONE", 0.97) if c.label else _sure("SCORE"),
                       lambda c, t: ("开支", 0.99) if t[c.start:c.end] == "1860.77万元" else (None, 0.99), **off)
    assert records(Extractor(contrary)) == RULES
    assert records(Extractor(contrary), "自评得分98，召开常委会会议 13次。") == [("13次", "COUNT", "rules", "常委会会议")]
    doc = Extractor(contrary).extract(TEXT)
    assert [r.confidence for r in doc.records] == pytest.approx([0.03 / 4] * 4)  # the model's probability of the rules' label
    assert [r.text for r in Extractor(contrary, hybrid=False).extract(TEXT).records] == []


def test_a_value_that_cannot_be_normalised_gives_no_record():
    text = "1.5 年度预算 2054.25 万元"  # an extra figure read as MONEY has no unit near enough to scale it
    stand_in = StandIn(lambda c, t: _sure("MONEY") if c.label is None else _sure(c.label))
    for extractor in (Extractor(stand_in), Extractor(stand_in, hybrid=False)):
        doc = extractor.extract(text)
        assert all(r.value is not None for r in doc.records)
        assert all(doc.entities[rel.head].is_value for rel in doc.relations)


def test_the_hybrid_never_adds_a_value_where_the_rules_say_no_number_stands():
    """Page numbers, years and dates, list numbers, ordinals, codes and titles are no candidates:
    even a model that calls every candidate a value adds nothing there."""
    text = ("- 3 -\n1. 2023年5月12日召开第3次会议，审议《关于2号文件的报告》，咨询电话0551-6312457。\n"
            "（二）召开常委会会议 13次。\n第 4 页")
    skip = [(0, 5), (len(text) - 5, len(text))]
    greedy = StandIn(lambda c, t: _sure("COUNT"))
    for extractor in (Extractor(greedy), Extractor(greedy, hybrid=False)):
        assert [r.text for r in extractor.extract(text, skip=skip).records] == ["13次"]


def test_offsets_and_single_links_hold_in_the_merged_document():
    doc = Extractor(StandIn()).extract(TEXT)
    assert all(TEXT[e.start:e.end] == e.text for e in doc.entities)
    heads = [rel.head for rel in doc.relations]
    assert len(heads) == len(set(heads))
    assert all(doc.entities[rel.head].is_value and doc.entities[rel.tail].label == "INDICATOR" for rel in doc.relations)


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

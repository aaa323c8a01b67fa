"""The extractor in rules-only mode: records, links and the offset invariant."""

import json

import perfeval
from perfeval.types import VALUE_LABELS


def test_worked_example_from_the_guideline():
    doc = perfeval.extract("2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，完成预算的 90.6%。", rules_only=True)
    got = [(r.type, r.text, r.value, r.unit, r.indicator.text, r.source) for r in doc.records]
    assert got == [
        ("MONEY", "2054.25 万元", 20542500, "元", "年度预算", "rules"),
        ("MONEY", "1860.77万元", 18607700, "元", "实际开支", "rules"),
        ("PERCENT", "90.6%", 90.6, "%", "完成预算", "rules"),
    ]


def test_entities_and_relations_agree_with_records():
    doc = perfeval.load(rules_only=True).extract("走访 124 家民营企业，召开座谈会 51 次。")
    values = [e for e in doc.entities if e.label in VALUE_LABELS]
    assert [e.text for e in values] == [r.text for r in doc.records]
    for rel in doc.relations:
        assert doc.entities[rel.head].label in VALUE_LABELS
        assert doc.entities[rel.tail].label == "INDICATOR"
    assert len({rel.head for rel in doc.relations}) == len(doc.relations)  # at most one link per value


def test_offset_invariant_on_every_shared_report(reports):
    extractor = perfeval.load(rules_only=True)
    for name, text in reports.items():
        doc = extractor.extract(text, name=name)
        assert doc.records, name
        for r in doc.records:
            assert text[r.start:r.end] == r.text
            if r.indicator:
                assert text[r.indicator.start:r.indicator.end] == r.indicator.text
            assert 0.0 <= r.confidence <= 1.0
            json.dumps(r.to_dict(), ensure_ascii=False)


def test_record_keys_follow_the_contract():
    (record,) = perfeval.extract("自评得分 98.1分", rules_only=True).records
    assert list(record.to_dict()) == [
        "type", "text", "start", "end", "value", "unit", "approximate", "qualifier", "direction", "role", "indicator",
        "source",
        "confidence",
    ]

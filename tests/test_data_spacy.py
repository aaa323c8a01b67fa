from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from perfeval.data import doc_to_doccano, read_doccano
from perfeval.data.spacy import from_docbin, from_spacy_doc, to_docbin, to_spacy_doc
from perfeval.spacy_ext import register_extensions
from perfeval.types import Document, Entity, Indicator, Record, Relation

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT.parent / "shared" / "reports" / "000_e314fb277ec6a483.txt"
REPORT_ANNOTATIONS = ROOT / "annotations" / "reports"  # the real reports: long texts, many line breaks


def span(text: str, phrase: str, label: str) -> Entity:
    start = text.index(phrase)
    return Entity(label, start, start + len(phrase), phrase, source="gold")


@pytest.fixture
def report_doc() -> Document:
    """Report 000 with the worked example of ANNOTATION.md section 3 annotated by hand."""
    text = REPORT.read_text(encoding="utf-8")
    entities = [
        span(text, "年度预算", "INDICATOR"),
        span(text, "2054.25 万元", "MONEY"),
        span(text, "实际开支", "INDICATOR"),
        span(text, "1860.77万元", "MONEY"),
        span(text, "完成预算", "INDICATOR"),
        span(text, "90.6%", "PERCENT"),
    ]
    relations = [Relation(1, 0, source="gold"), Relation(3, 2, source="gold"), Relation(5, 4, source="gold")]
    return Document(text, entities, relations, name=REPORT.stem, meta={"synthetic": False})


@pytest.mark.skipif(not REPORT.is_file(), reason="shared reports are not next to this checkout")
def test_the_doc_keeps_the_report_text_character_for_character(report_doc: Document) -> None:
    doc = to_spacy_doc(report_doc)
    assert doc.text == report_doc.text
    assert len(doc) == len(report_doc.text)
    assert "\n" in doc.text


@pytest.mark.skipif(not REPORT.is_file(), reason="shared reports are not next to this checkout")
def test_entities_and_links_of_the_worked_example(report_doc: Document) -> None:
    doc = to_spacy_doc(report_doc)
    assert [(e.text, e.label_) for e in doc.ents[:2]] == [("年度预算", "INDICATOR"), ("2054.25 万元", "MONEY")]
    money, indicator = report_doc.entities[1], report_doc.entities[0]
    assert doc._.perfeval_links[0] == {
        "value": [money.start, money.end],
        "indicator": [indicator.start, indicator.end],
        "label": "value_of",
    }


@pytest.mark.skipif(not REPORT.is_file(), reason="shared reports are not next to this checkout")
def test_round_trip_through_doc_and_docbin(report_doc: Document) -> None:
    assert from_spacy_doc(to_spacy_doc(report_doc)) == report_doc
    assert from_docbin(to_docbin([report_doc])) == [report_doc]


def test_an_entity_across_a_line_break_and_a_record_survive_the_docbin() -> None:
    text = "执行数 1,519.36\n\n万元。"
    money = span(text, "1,519.36\n\n万元", "MONEY")
    record = Record("MONEY", money.text, money.start, money.end, 15193600.0, "元", indicator=Indicator("执行数", 0, 3))
    doc = Document(text, [Entity("INDICATOR", 0, 3, "执行数", source="gold"), money], [Relation(1, 0, source="gold")])
    doc.records = [record]
    [back] = from_docbin(to_docbin([doc]))
    assert back == doc
    assert back.entities[1].text == "1,519.36\n\n万元"


def test_a_doc_from_the_zh_tokenizer_converts_too() -> None:
    register_extensions()
    nlp = spacy.blank("zh")
    doc = nlp("共召开常委会会议 13次。")
    doc.ents = [doc.char_span(3, 8, label="INDICATOR"), doc.char_span(9, 12, label="COUNT")]
    doc._.perfeval_links = [{"value": [9, 12], "indicator": [3, 8], "label": "value_of"}]
    document = from_spacy_doc(doc, name="meeting")
    assert [(e.text, e.label) for e in document.entities] == [("常委会会议", "INDICATOR"), ("13次", "COUNT")]
    assert document.relations == [Relation(1, 0, source="gold")]
    assert document.name == "meeting"


def test_a_link_to_a_span_that_is_no_entity_is_an_error() -> None:
    register_extensions()
    doc = Doc(spacy.blank("zh").vocab, words=list("13次"), spaces=[False] * 3)
    doc.ents = [doc.char_span(0, 3, label="COUNT")]
    doc._.perfeval_links = [{"value": [0, 3], "indicator": [5, 9], "label": "value_of"}]
    with pytest.raises(ValueError, match="does not join two entities"):
        from_spacy_doc(doc)


def test_overlapping_entities_are_an_error() -> None:
    doc = Document("年度预算", [Entity("INDICATOR", 0, 4, "年度预算"), Entity("INDICATOR", 2, 4, "预算")], name="x")
    with pytest.raises(ValueError, match="document x: entities overlap"):
        to_spacy_doc(doc)


def test_register_extensions_is_idempotent() -> None:
    register_extensions()
    register_extensions()
    assert Doc.has_extension("perfeval_links") and Doc.has_extension("perfeval_records")


@pytest.mark.skipif(not REPORT_ANNOTATIONS.is_dir(), reason="no annotations/reports/ in this checkout")
def test_annotated_reports_round_trip_to_identical_doccano_json() -> None:
    docs = read_doccano(REPORT_ANNOTATIONS)
    back = from_docbin(to_docbin(docs))
    assert [doc_to_doccano(d) for d in back] == [doc_to_doccano(d) for d in docs]

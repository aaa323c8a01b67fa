from pathlib import Path

import datasets
import pytest

from perfeval.data import read_doccano, write_doccano
from perfeval.data.bio import BIO_LABELS, label2id, spans_from_bio
from perfeval.data.hf import from_hf_example, to_hf_dataset
from perfeval.types import Document, Entity, Relation

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"

TEXT = "年度预算 2054.25 万元，\n完成预算的 90.6%。"


def seed_doc() -> Document:
    """Seed 000's first sentence, cut short, with a line break: two values, two links."""
    entities = [
        Entity("INDICATOR", 0, 4, "年度预算", source="gold"),
        Entity("MONEY", 5, 15, "2054.25 万元", source="gold"),
        Entity("INDICATOR", 17, 21, "完成预算", source="gold"),
        Entity("PERCENT", 23, 28, "90.6%", source="gold"),
    ]
    relations = [Relation(1, 0, source="gold"), Relation(3, 2, source="gold")]
    return Document(TEXT, entities, relations, name="seed", meta={"synthetic": True})


def test_the_hand_made_spans_give_their_texts() -> None:
    doc = seed_doc()
    assert [doc.text[e.start : e.end] for e in doc.entities] == [e.text for e in doc.entities]


def test_bio_labels_cover_every_label_in_order() -> None:
    assert BIO_LABELS[:3] == ["O", "B-MONEY", "I-MONEY"]
    assert BIO_LABELS[-2:] == ["B-INDICATOR", "I-INDICATOR"]
    assert len(BIO_LABELS) == 11
    assert all(BIO_LABELS[i] == tag for tag, i in label2id.items())


def test_columns_of_one_row() -> None:
    row = to_hf_dataset([seed_doc()])[0]
    assert row["id"] == "seed"
    assert row["text"] == TEXT
    assert row["chars"] == list(TEXT)
    assert row["chars"][16] == "\n"
    assert row["entities"][1] == {"label": "MONEY", "start": 5, "end": 15}
    assert row["relations"] == [{"head": 1, "tail": 0}, {"head": 3, "tail": 2}]
    assert row["synthetic"] is True


def test_bio_tags_character_by_character() -> None:
    tags = [BIO_LABELS[t] for t in to_hf_dataset([seed_doc()])[0]["ner_tags"]]
    expected = (
        ["B-INDICATOR"] + ["I-INDICATOR"] * 3  # 年度预算
        + ["O"]  # space
        + ["B-MONEY"] + ["I-MONEY"] * 9  # 2054.25 万元, inner space included
        + ["O", "O"]  # ，\n
        + ["B-INDICATOR"] + ["I-INDICATOR"] * 3  # 完成预算
        + ["O", "O"]  # 的 and a space
        + ["B-PERCENT"] + ["I-PERCENT"] * 4  # 90.6%
        + ["O"]  # 。
    )
    assert tags == expected


def test_ner_tags_carry_their_label_names() -> None:
    dataset = to_hf_dataset([seed_doc()])
    assert dataset.features["ner_tags"].feature.names == BIO_LABELS


def test_adjacent_spans_of_one_label_stay_apart() -> None:
    doc = Document("12次13次", [Entity("COUNT", 0, 3, "12次"), Entity("COUNT", 3, 6, "13次")])
    tags = to_hf_dataset([doc])[0]["ner_tags"]
    assert [BIO_LABELS[t] for t in tags] == ["B-COUNT", "I-COUNT", "I-COUNT"] * 2
    assert spans_from_bio(tags) == [("COUNT", 0, 3), ("COUNT", 3, 6)]


def test_spans_from_bio_reads_a_stray_inside_tag_as_a_start() -> None:
    assert spans_from_bio(["O", "I-SCORE", "I-SCORE", "B-MONEY", "I-PERCENT"]) == [
        ("SCORE", 1, 3),
        ("MONEY", 3, 4),
        ("PERCENT", 4, 5),
    ]


def test_overlapping_entities_cannot_be_tagged() -> None:
    doc = Document("年度预算", [Entity("INDICATOR", 0, 4, "年度预算"), Entity("INDICATOR", 2, 4, "预算")], name="x")
    with pytest.raises(ValueError, match="document x: entity INDICATOR 2-4 overlaps"):
        to_hf_dataset([doc])


def test_round_trip_of_the_hand_made_example() -> None:
    assert from_hf_example(to_hf_dataset([seed_doc()])[0]) == seed_doc()


@pytest.mark.skipif(not ANNOTATIONS.is_dir(), reason="no annotations/ in this checkout")
def test_round_trip_of_the_annotated_corpus() -> None:
    docs = read_doccano(ANNOTATIONS)
    dataset = to_hf_dataset(docs)
    assert [from_hf_example(row) for row in dataset] == docs
    for doc, row in zip(docs, dataset):
        assert spans_from_bio(row["ner_tags"]) == [(e.label, e.start, e.end) for e in doc.entities]


def _docs() -> list[Document]:
    """The seed document and three renamed copies of it with one link less each."""
    docs = [seed_doc()]
    for k in range(1, 4):
        doc = seed_doc()
        doc.name, doc.relations = f"copy{k}", doc.relations[: k % 2]
        docs.append(doc)
    return docs


def test_a_file_or_a_folder_of_annotations_gives_the_same_rows(tmp_path: Path) -> None:
    docs = _docs()
    (tmp_path / "more").mkdir()
    write_doccano(docs[:2], tmp_path / "a.jsonl")
    write_doccano(docs[2:], tmp_path / "more" / "b.jsonl")
    expected = to_hf_dataset(docs).to_list()
    assert to_hf_dataset(tmp_path).to_list() == expected
    assert to_hf_dataset(str(tmp_path / "a.jsonl")).to_list() == expected[:2]


def test_a_split_keeps_each_document_whole_in_one_split() -> None:
    docs = _docs()
    rows = {row["id"]: row for row in to_hf_dataset(docs).to_list()}
    splits = to_hf_dataset(docs, test_size=0.25, seed=3)
    assert isinstance(splits, datasets.DatasetDict) and set(splits) == {"train", "test"}
    train, test = splits["train"].to_list(), splits["test"].to_list()
    assert (len(train), len(test)) == (3, 1)
    assert sorted(row["id"] for row in train + test) == sorted(rows)
    assert all(row == rows[row["id"]] for row in train + test)
    assert to_hf_dataset(docs, test_size=0.25, seed=3)["test"]["id"] == splits["test"]["id"]
    assert to_hf_dataset(docs, test_size=2)["test"].num_rows == 2

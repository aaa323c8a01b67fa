"""The model layer: candidates, overfitting, save/load (ONNX and torch alike), loading errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
torch = pytest.importorskip("torch", reason="training needs the train extra")

from perfeval.model import ModelLoadError, PerfevalModel, document_candidates
from perfeval.model.tokenization import encode
from perfeval.pipeline import Extractor
from perfeval.train import IGNORE, examples, gold_targets, train
from perfeval.types import Document, Entity, Relation

TINY = {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64}


def annotated(text: str, spans: list[tuple[str, str]], links: list[tuple[int, int]], name: str) -> Document:
    """A gold document from ``(label, substring)`` spans (first occurrence after the previous span)."""
    entities, cursor = [], 0
    for label, sub in spans:
        start = text.index(sub, cursor)
        entities.append(Entity(label, start, start + len(sub), sub, source="gold"))
        cursor = start + len(sub)
    relations = [Relation(h, t, source="gold") for h, t in links]
    return Document(text=text, entities=entities, relations=relations, name=name, meta={"synthetic": False})


DOCS = [
    annotated(
        "2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，完成预算的 90.6%。",
        [("INDICATOR", "年度预算"), ("MONEY", "2054.25 万元"), ("INDICATOR", "实际开支"), ("MONEY", "1860.77万元"),
         ("INDICATOR", "完成预算"), ("PERCENT", "90.6%")],
        [(1, 0), (3, 2), (5, 4)],
        "prose",
    ),
    annotated(  # the rule linker takes 本年度任免国家机关工作人员; the gold says the verb stays, the time word goes
        "召开常委会会议 13次，本年度任免国家机关工作人员 119 名。\n自评结果为 98.1分。",
        [("INDICATOR", "常委会会议"), ("COUNT", "13次"), ("INDICATOR", "任免国家机关工作人员"), ("COUNT", "119 名"),
         ("SCORE", "98.1分")],
        [(1, 0), (3, 2)],
        "counts",
    ),
    annotated(
        "三级指标|指标值|得分\n预算执行率|100%|10\n",
        [("INDICATOR", "预算执行率"), ("PERCENT", "100%"), ("SCORE", "10")],
        [(1, 0), (2, 0)],
        "table",
    ),
]


def gold_view(doc: Document) -> list[tuple]:
    link = {r.head: doc.entities[r.tail] for r in doc.relations}
    return [(e.label, e.start, e.end, (link[i].start, link[i].end) if i in link else None)
            for i, e in enumerate(doc.entities) if e.is_value]


def record_view(doc: Document) -> list[tuple]:
    return [(r.type, r.start, r.end, (r.indicator.start, r.indicator.end) if r.indicator else None) for r in doc.records]


@pytest.fixture(scope="module")
def overfit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("overfit") / "model"
    return train(DOCS, out, epochs=60, seed=0, lr=3e-3, batch_size=4, encoder=TINY, progress=False)


# ------------------------------------------------------------------ candidates


def test_every_gold_value_is_a_candidate_and_gold_indicators_are_among_their_candidates() -> None:
    for doc in DOCS:
        candidates = document_candidates(doc.text)
        targets = gold_targets(doc, candidates)
        assert sum(value > 0 for value, _ in targets) == sum(e.is_value for e in doc.entities)
        assert all(link != IGNORE for value, link in targets if value > 0)


def test_the_rules_choice_is_one_of_the_indicator_candidates() -> None:
    (money, *_) = document_candidates(DOCS[0].text)
    chosen = money.links[money.rule_link]
    assert DOCS[0].text[chosen.start:chosen.end] == "年度预算" and "rule" in chosen.proposers
    assert {"before"} <= set().union(*(c.proposers for c in money.links))


def test_no_candidate_where_the_rules_know_no_value_stands() -> None:
    text = "- 3 -\n1. 2023年5月召开第3次会议，《关于印发2号文件的通知》，电话0557-5788003。\n（二）执行数 605.58"
    spans = [text[c.start:c.end] for c in document_candidates(text, skip=[(0, 5)])]
    assert spans == ["605.58"]  # an extra figure: its kind is not evident; the model decides


# ------------------------------------------------------------------ training and saving


def test_overfits_inline_documents(overfit: Path) -> None:
    extractor = Extractor(PerfevalModel.from_pretrained(overfit), hybrid=False)
    for doc in DOCS:
        assert record_view(extractor.extract(doc.text)) == gold_view(doc), doc.name


def test_onnx_and_torch_give_the_same_probabilities(overfit: Path) -> None:
    onnx = PerfevalModel.from_pretrained(overfit)
    torch_model = PerfevalModel.from_pretrained(overfit, runtime="torch")
    assert type(onnx.runner).__name__ == "OnnxRunner" and type(torch_model.runner).__name__ == "TorchRunner"
    for doc in DOCS:
        candidates = document_candidates(doc.text)
        for a, b in zip(onnx.decide(doc.text, candidates), torch_model.decide(doc.text, candidates)):
            np.testing.assert_allclose(a.value, b.value, atol=1e-5)
            np.testing.assert_allclose(a.link, b.link, atol=1e-5)


def test_save_load_round_trip_gives_identical_decisions(overfit: Path, tmp_path: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit, runtime="torch")
    again = PerfevalModel.from_pretrained(model.save_pretrained(tmp_path / "again"))
    text = DOCS[1].text + "\n未见字符：鑫淼 ８８％"
    candidates = document_candidates(text)
    for a, b in zip(model.decide(text, candidates), again.decide(text, candidates)):
        np.testing.assert_allclose(a.value, b.value, atol=1e-5)
        np.testing.assert_allclose(a.link, b.link, atol=1e-5)


def test_saved_tokenizer_loads_in_transformers_with_the_same_tokens(overfit: Path) -> None:
    from transformers import AutoTokenizer

    model = PerfevalModel.from_pretrained(overfit)
    hf = AutoTokenizer.from_pretrained(str(overfit))
    text = DOCS[0].text
    assert hf(text, add_special_tokens=False)["input_ids"] == encode(model.tokenizer, text).ids.tolist()


def test_predicting_needs_no_torch(overfit: Path) -> None:
    code = (
        "import sys, perfeval\n"
        f"doc = perfeval.load({str(overfit)!r}).extract({DOCS[0].text!r})\n"
        "assert doc.records, 'no records'\n"
        "print(sorted(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_training_examples_keep_the_gold_indicator_within_the_window(overfit: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit, runtime="torch")
    for ex in examples(DOCS, model.tokenizer, model.config):
        if ex.link_target > 0:
            start, end = ex.row.link_positions[ex.link_target - 1]
            assert ex.row.link_features[ex.link_target - 1, 3] == 1 and 0 < start <= end < len(ex.row.ids)


def test_lone_surrogates_are_read_as_replacement_characters(overfit: Path) -> None:
    text = "年度预算 2054.25 万元\ud800，完成预算的 90.6%。"
    doc = perfeval_extract(overfit, text)
    assert [r.text for r in doc.records] == ["2054.25 万元", "90.6%"]


def perfeval_extract(model_dir: Path, text: str) -> Document:
    return Extractor(PerfevalModel.from_pretrained(model_dir)).extract(text)


# ------------------------------------------------------------------ loading errors


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        PerfevalModel.from_pretrained(tmp_path / "nope")


def test_incomplete_directories(overfit: Path, tmp_path: Path) -> None:
    for name, message in (("config.json", "config.json is missing"), ("tokenizer.json", "tokenizer.json is missing")):
        broken = _copy(overfit, tmp_path / f"without-{name}")
        (broken / name).unlink()
        with pytest.raises(ModelLoadError, match=message):
            PerfevalModel.from_pretrained(broken)
    broken = _copy(overfit, tmp_path / "without-network")
    (broken / "model.onnx").unlink()
    (broken / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="neither model.onnx nor model.safetensors"):
        PerfevalModel.from_pretrained(broken)


def test_corrupt_directories(overfit: Path, tmp_path: Path) -> None:
    broken = _copy(overfit, tmp_path / "bad-json")
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not valid JSON"):
        PerfevalModel.from_pretrained(broken)
    broken = _copy(overfit, tmp_path / "bad-onnx")
    (broken / "model.onnx").write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match="model.onnx cannot be loaded"):
        PerfevalModel.from_pretrained(broken)
    broken = _copy(overfit, tmp_path / "bad-weights")
    (broken / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match="model.safetensors cannot be read"):
        PerfevalModel.from_pretrained(broken, runtime="torch")


def test_incompatible_schema_and_plain_encoder(overfit: Path, tmp_path: Path) -> None:
    old = _copy(overfit, tmp_path / "old")
    config = json.loads((old / "config.json").read_text(encoding="utf-8"))
    (old / "config.json").write_text(json.dumps({**config, "schema_version": 1}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="schema version 1"):
        PerfevalModel.from_pretrained(old)
    plain = _copy(overfit, tmp_path / "plain")
    (plain / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="--base-model"):
        PerfevalModel.from_pretrained(plain)


def _copy(source: Path, target: Path) -> Path:
    target.mkdir()
    for file in source.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    return target

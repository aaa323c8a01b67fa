"""The ``perfeval`` spaCy component on ``spacy.blank("zh")``."""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy import displacy
from spacy.lang.zh import ChineseTokenizer
from spacy.tokens import Doc, DocBin

import perfeval
from perfeval.data.spacy import from_spacy_doc
from perfeval.spacy_component import DISPLACY_OPTIONS, LABEL_COLORS, PerfevalComponent, apply_document
from perfeval.types import Document, Entity, Indicator, Record, Relation

TEXT = "2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，完成预算的 90.6%。"


def _worked_example() -> Document:
    """ANNOTATION.md's worked example, by hand."""
    parts = [("INDICATOR", "年度预算"), ("MONEY", "2054.25 万元"), ("INDICATOR", "实际开支"),
             ("MONEY", "1860.77万元"), ("INDICATOR", "完成预算"), ("PERCENT", "90.6%")]
    entities = [Entity(label, TEXT.index(p), TEXT.index(p) + len(p), p) for label, p in parts]
    relations = [Relation(1, 0), Relation(3, 2), Relation(5, 4)]
    records = [
        Record("MONEY", "2054.25 万元", 10, 20, 20542500, "元", indicator=Indicator("年度预算", 5, 9)),
    ]
    return Document(TEXT, entities, relations, records, name="seed")


def _ents(doc: Doc) -> list[tuple[str, str]]:
    return [(e.label_, e.text) for e in doc.ents]


def test_factory_is_advertised_as_an_entry_point() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    assert names.get("perfeval") == "perfeval.spacy_component:make_perfeval"


def test_add_pipe_works_without_importing_perfeval() -> None:
    script = (
        "import json, spacy\n"
        "nlp = spacy.blank('zh')\n"
        "nlp.add_pipe('perfeval', config={'rules_only': True})\n"
        "print(json.dumps([nlp.pipe_names, nlp.config['components']['perfeval']], sort_keys=True))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [["perfeval"], {"factory": "perfeval", "model": None, "rules_only": True}]


def test_apply_document_on_char_tokens() -> None:
    nlp = spacy.blank("zh")
    doc = apply_document(nlp.make_doc(TEXT), _worked_example())
    assert _ents(doc) == [("INDICATOR", "年度预算"), ("MONEY", "2054.25 万元"), ("INDICATOR", "实际开支"),
                          ("MONEY", "1860.77万元"), ("INDICATOR", "完成预算"), ("PERCENT", "90.6%")]
    assert doc._.perfeval_links[0] == {"value": [10, 20], "indicator": [5, 9], "label": "value_of"}
    assert len(doc._.perfeval_links) == 3
    assert doc._.perfeval_records == [r.to_dict() for r in _worked_example().records]
    assert doc._.perfeval_meta == {"name": "seed", "meta": {}}
    back = from_spacy_doc(doc)
    assert [(e.label, e.start, e.end) for e in back.entities] == [(e.label, e.start, e.end) for e in _worked_example().entities]
    assert [(r.head, r.tail) for r in back.relations] == [(1, 0), (3, 2), (5, 4)]


def test_apply_document_expands_to_word_tokens() -> None:
    """With a word segmenter a span that cuts a word grows to the word; two entities that
    grow to the same word become one span, and links to either point at it."""
    words = ["2023年", "年度预算", " ", "2054.25", " ", "万元", "，", "完成预算的", " ", "90.6%", "。"]
    nlp = spacy.blank("zh")
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    assert doc.text == "2023年年度预算 2054.25 万元，完成预算的 90.6%。"
    money, done, percent = doc.text.index("2054.25"), doc.text.index("完成"), doc.text.index("90.6%")
    document = Document(doc.text, [
        Entity("INDICATOR", 7, 9, "预算"),  # inside 年度预算
        Entity("MONEY", money, money + 10, "2054.25 万元"),
        Entity("INDICATOR", done, done + 2, "完成"),  # inside 完成预算的 ...
        Entity("INDICATOR", done + 2, done + 4, "预算"),  # ... and so is this one: both grow to 完成预算的
        Entity("PERCENT", percent, percent + 5, "90.6%"),
    ], [Relation(1, 0), Relation(4, 3)])
    apply_document(doc, document)
    assert _ents(doc) == [("INDICATOR", "年度预算"), ("MONEY", "2054.25 万元"), ("INDICATOR", "完成预算的"), ("PERCENT", "90.6%")]
    assert doc._.perfeval_links[0] == {"value": [money, money + 10], "indicator": [5, 9], "label": "value_of"}
    assert doc._.perfeval_links[1]["indicator"] == [done, done + 5]


def test_apply_document_keeps_the_longer_of_overlapping_spans() -> None:
    nlp = spacy.blank("zh")
    doc = nlp.make_doc(TEXT)
    document = Document(TEXT, [
        Entity("INDICATOR", 5, 9, "年度预算"),
        Entity("MONEY", 15, 20, "25 万元"),
        Entity("MONEY", 10, 20, "2054.25 万元"),
    ], [Relation(1, 0)])
    apply_document(doc, document)
    assert _ents(doc) == [("INDICATOR", "年度预算"), ("MONEY", "2054.25 万元")]
    assert doc._.perfeval_links == []


def test_component_pickles_its_config_only() -> None:
    component = PerfevalComponent("perfeval", model=None, rules_only=True)
    assert component.extractor is not None  # loaded now, and left out of the pickle
    blob = pickle.dumps(component)
    copy = pickle.loads(blob)
    assert (copy.name, copy.model, copy.rules_only, copy._extractor) == ("perfeval", None, True, None)
    assert len(blob) < 500


@pytest.mark.slow
@pytest.mark.skipif(not perfeval.DEFAULT_MODEL.exists(), reason="no embedded default model in this checkout")
def test_default_config_uses_the_embedded_model() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("perfeval")
    doc = nlp(TEXT)
    assert ("MONEY", "2054.25 万元") in _ents(doc)
    assert nlp.get_pipe("perfeval").extractor.model is not None
    assert all(0 < record["confidence"] <= 1 for record in doc._.perfeval_records)


@pytest.fixture(scope="module")
def rules_nlp() -> spacy.language.Language:
    nlp = spacy.blank("zh")
    nlp.add_pipe("perfeval", config={"rules_only": True})
    return nlp


def test_pipeline_matches_the_library(rules_nlp: spacy.language.Language) -> None:
    document = perfeval.load(rules_only=True).extract(TEXT)
    doc = rules_nlp(TEXT)
    assert _ents(doc) == [(e.label, e.text) for e in document.entities]
    assert ("MONEY", "2054.25 万元") in _ents(doc)
    assert doc._.perfeval_records == [r.to_dict() for r in document.records]
    assert len(doc._.perfeval_links) == len(document.relations) > 0


REPORTS = sorted(Path(__file__).parents[1].glob("examples/*.txt"))


def _summary(doc: Doc) -> tuple[list[tuple[str, int, int]], list[dict[str, Any]], list[dict[str, Any]]]:
    return [(e.label_, e.start_char, e.end_char) for e in doc.ents], doc._.perfeval_links, doc._.perfeval_records


@pytest.mark.slow
def test_pipe_with_two_processes_matches_one(rules_nlp: spacy.language.Language) -> None:
    texts = [p.read_text(encoding="utf-8")[:3000] for p in REPORTS] + [TEXT]
    one = [_summary(d) for d in rules_nlp.pipe(texts)]
    two = [_summary(d) for d in rules_nlp.pipe(texts, n_process=2, batch_size=2)]
    assert two == one and any(links for _, links, _ in one)


@pytest.mark.slow
def test_pipe_with_two_spawned_processes() -> None:
    """Under ``spawn`` (macOS, Windows) the component travels to the workers as a pickle."""
    script = (
        "import json, multiprocessing, spacy\n"
        "multiprocessing.set_start_method('spawn')\n"
        "nlp = spacy.blank('zh')\n"
        "nlp.add_pipe('perfeval', config={'rules_only': True})\n"
        f"texts = [{TEXT!r}] * 4\n"
        "docs = list(nlp.pipe(texts, n_process=2, batch_size=1))\n"
        "print(json.dumps([[(e.label_, e.text) for e in d.ents] for d in docs], ensure_ascii=False))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120).stdout
    ents = json.loads(out)
    assert len(ents) == 4 and all(e == ents[0] for e in ents) and ["MONEY", "2054.25 万元"] in ents[0]


def test_saved_pipeline_loads_with_its_config(rules_nlp: spacy.language.Language, tmp_path: Path) -> None:
    rules_nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    component = loaded.get_pipe("perfeval")
    assert isinstance(component, PerfevalComponent) and component.rules_only is True
    assert _summary(loaded(TEXT)) == _summary(rules_nlp(TEXT))


def _train_tiny_pkuseg(directory: Path) -> Path:
    """A pkuseg model trained on a dozen segmented lines (pkuseg's own models are downloads)."""
    spacy_pkuseg = pytest.importorskip("spacy_pkuseg", reason="spacy-pkuseg is not installed")
    lines = ["年度 预算 2054.25 万元 ， 完成 预算 的 90.6% 。", "全年 累计 实际 开支 1860.77 万元 。", "召开 常委会 会议 13 次 。"]
    corpus = directory / "seg.txt"
    corpus.write_text("\n".join(lines * 4) + "\n", encoding="utf-8")
    spacy_pkuseg.train(str(corpus), str(corpus), str(directory / "model"), train_iter=1)
    return directory / "model"


def test_pkuseg_segmenter(tmp_path: Path) -> None:
    model = _train_tiny_pkuseg(tmp_path)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    assert isinstance(nlp.tokenizer, ChineseTokenizer)
    nlp.tokenizer.initialize(pkuseg_model=str(model))
    nlp.add_pipe("perfeval", config={"rules_only": True})
    doc = nlp(TEXT)
    assert len(doc) < len(TEXT) / 2  # words, not characters
    assert ("MONEY", "2054.25 万元") in _ents(doc)
    values = [(r["start"], r["end"]) for r in doc._.perfeval_records]
    assert values and all(any(e.start_char <= s and t <= e.end_char for e in doc.ents) for s, t in values)
    ent_spans = {(e.start_char, e.end_char) for e in doc.ents}
    links = doc._.perfeval_links
    assert links and all(tuple(link["value"]) in ent_spans and tuple(link["indicator"]) in ent_spans for link in links)


def test_uninitialised_pkuseg_fails_in_the_tokenizer() -> None:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    nlp.add_pipe("perfeval", config={"rules_only": True})
    with pytest.raises(ValueError, match="pkuseg"):
        nlp(TEXT)


# --- entity attributes and displaCy --------------------------------------------------------


def test_each_entity_carries_its_value_unit_and_indicator(rules_nlp: spacy.language.Language) -> None:
    doc = rules_nlp(TEXT)
    found = [(e.label_, e.text, e._.value, e._.unit, e._.indicator) for e in doc.ents]
    assert [(label, text, value, unit, ind and (ind.label_, ind.text)) for label, text, value, unit, ind in found] == [
        ("INDICATOR", "年度预算", None, None, None),
        ("MONEY", "2054.25 万元", 20542500, "元", ("INDICATOR", "年度预算")),
        ("INDICATOR", "实际开支", None, None, None),
        ("MONEY", "1860.77万元", 18607700, "元", ("INDICATOR", "实际开支")),
        ("INDICATOR", "完成预算", None, None, None),
        ("PERCENT", "90.6%", 90.6, "%", ("INDICATOR", "完成预算")),
    ]
    assert all(ind is None or ind in doc.ents for *_, ind in found)


def test_entity_attributes_survive_a_docbin_round_trip(rules_nlp: spacy.language.Language) -> None:
    docbin = DocBin(store_user_data=True)
    docbin.add(rules_nlp(TEXT))
    (doc,) = DocBin().from_bytes(docbin.to_bytes()).get_docs(spacy.blank("zh").vocab)
    money = doc.ents[1]
    assert (money.text, money._.value, money._.unit, money._.indicator.text) == ("2054.25 万元", 20542500, "元", "年度预算")


def test_a_grown_entity_keeps_the_value_of_the_record_inside_it() -> None:
    words = ["年度预算", " ", "2054.25", " ", "万元", "，", "完成预算的", " ", "90.6%", "。"]
    nlp = spacy.blank("zh")
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    text = doc.text
    done = text.index("完成")
    document = Document(text, [
        Entity("INDICATOR", 0, 4, "年度预算"), Entity("MONEY", 5, 15, "2054.25 万元"),
        Entity("INDICATOR", done, done + 2, "完成"), Entity("PERCENT", text.index("90.6%"), text.index("90.6%") + 5, "90.6%"),
    ], [Relation(1, 0), Relation(3, 2)], [
        Record("PERCENT", "90.6%", text.index("90.6%"), text.index("90.6%") + 5, 90.6, "%"),
        Record("MONEY", "2054.25 万元", 5, 15, 20542500, "元"),  # out of order: the writer sorts them
    ])
    apply_document(doc, document)
    assert [(e.text, e._.value, e._.indicator and e._.indicator.text) for e in doc.ents] == [
        ("年度预算", None, None), ("2054.25 万元", 20542500, "年度预算"), ("完成预算的", None, None), ("90.6%", 90.6, "完成预算的")]


def test_displacy_draws_the_five_labels_in_the_review_page_colours(rules_nlp: spacy.language.Language) -> None:
    css = (Path(perfeval.__file__).parent / "templates" / "render.css").read_text(encoding="utf-8")
    assert dict(re.findall(r"mark\.pe-(\w+) \{ background: (#[0-9a-f]{6}); \}", css)) == LABEL_COLORS
    html = displacy.render(rules_nlp(TEXT), style="ent", options=DISPLACY_OPTIONS)
    for label in ("MONEY", "PERCENT", "INDICATOR"):
        assert f"background: {LABEL_COLORS[label]}" in html
    assert set(LABEL_COLORS) == set(perfeval.types.LABELS) == set(DISPLACY_OPTIONS["ents"])


# --- worker processes -----------------------------------------------------------------------


def test_a_value_too_large_for_msgpack_is_stored_as_a_float() -> None:
    document = Document(TEXT, [Entity("MONEY", 10, 20, TEXT[10:20])], [], [Record("MONEY", TEXT[10:20], 10, 20, 2**70, "元")])
    doc = apply_document(spacy.blank("zh").make_doc(TEXT), document)
    back = Doc(doc.vocab).from_bytes(doc.to_bytes())
    assert back._.perfeval_records[0]["value"] == float(2**70)
    assert back.ents[0]._.value == float(2**70)


def run_script(script: str, timeout: int) -> str:
    """stdout of ``python -c script``; fails the test if it runs past ``timeout`` seconds, after
    killing its whole process group (spaCy's workers included)."""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"still running after {timeout} s: hung")
    assert proc.returncode == 0, err
    return out


@pytest.mark.slow
@pytest.mark.skipif(not perfeval.DEFAULT_MODEL.exists(), reason="no embedded default model in this checkout")
def test_pipe_after_the_model_ran_in_the_parent_does_not_hang() -> None:
    """Forked workers inherit the parent's torch thread pool, which does not survive a fork."""
    script = (
        "import json, spacy, torch\n"
        "torch.set_num_threads(2)\n"  # a thread pool for the workers to inherit, on any machine
        "nlp = spacy.blank('zh')\n"
        "nlp.add_pipe('perfeval')\n"
        f"text = {TEXT!r}\n"
        "first = [(e.label_, e.text) for e in nlp(text).ents]\n"
        "docs = list(nlp.pipe([text] * 4, n_process=2, batch_size=1))\n"
        "print(json.dumps([first] + [[(e.label_, e.text) for e in d.ents] for d in docs], ensure_ascii=False))\n"
    )
    ents = json.loads(run_script(script, timeout=240))
    assert len(ents) == 5 and all(e == ents[0] for e in ents) and ["MONEY", "2054.25 万元"] in ents[0]


@pytest.mark.slow
def test_pipe_with_a_value_too_large_for_msgpack_does_not_hang() -> None:
    """A worker that cannot serialise its Doc sends spaCy down its error path, where the other
    worker, busy with long documents, blocks on a full pipe that nobody reads."""
    report = REPORTS[1].read_text(encoding="utf-8")
    script = (
        "import json, spacy\n"
        "nlp = spacy.blank('zh')\n"
        "nlp.add_pipe('perfeval', config={'rules_only': True})\n"
        f"texts = ['年度预算 25867048719552亿元。'] + [open({str(REPORTS[1])!r}, encoding='utf-8').read()] * 8\n"
        "docs = list(nlp.pipe(texts, n_process=2, batch_size=1))\n"
        "one = [nlp(t)._.perfeval_records for t in texts]\n"
        "print(json.dumps([[d._.perfeval_records for d in docs] == one, docs[0]._.perfeval_records]))\n"
    )
    same, first = json.loads(run_script(script, timeout=240))
    assert same and len(report) > 3000
    assert all(isinstance(record["value"], (int, float)) for record in first)

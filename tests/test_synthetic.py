"""The synthetic-data generator is deterministic and its output obeys ANNOTATION.md.

Checks: same seed -> byte-identical documents; offsets in range; spans non-empty,
without outer whitespace and non-overlapping; ``value_of`` goes value -> INDICATOR,
at most one per value; every record is ``synthetic`` with an ``syn-NNNN`` id; the
checked-in file is what the generator writes; known hard negatives stay unannotated.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GEN_DIR = ROOT / "training" / "synthetic"
DATA = ROOT / "annotations" / "synthetic" / "synthetic.jsonl"
VALUE_LABELS = {"MONEY", "PERCENT", "COUNT", "SCORE"}
LABELS = VALUE_LABELS | {"INDICATOR"}


def _load():
    if str(GEN_DIR) not in sys.path:
        sys.path.insert(0, str(GEN_DIR))
    spec = importlib.util.spec_from_file_location("make_synthetic", GEN_DIR / "make_synthetic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gen = _load()


def check_doc(d: dict) -> None:
    text = d["text"]
    assert d.get("synthetic") is True
    assert re.fullmatch(r"syn-\d{4}", d["id"])
    ents = {e["id"]: e for e in d["entities"]}
    assert len(ents) == len(d["entities"])
    spans = sorted((e["start_offset"], e["end_offset"], e["label"]) for e in d["entities"])
    for s, e, label in spans:
        assert label in LABELS
        assert 0 <= s < e <= len(text)
        surface = text[s:e]
        assert surface == surface.strip(), (d["id"], surface)
    for (s1, e1, _), (s2, e2, _) in zip(spans, spans[1:]):
        assert e1 <= s2, (d["id"], text[s1:e1], text[s2:e2])
    heads = set()
    for r in d["relations"]:
        assert r["type"] == "value_of"
        assert ents[r["from_id"]]["label"] in VALUE_LABELS
        assert ents[r["to_id"]]["label"] == "INDICATOR"
        assert r["from_id"] not in heads, "a value has at most one value_of"
        heads.add(r["from_id"])


def test_deterministic():
    a, _ = gen.generate(seed=7, n_docs=25)
    b, _ = gen.generate(seed=7, n_docs=25)
    assert a == b
    c, _ = gen.generate(seed=8, n_docs=25)
    assert a != c


def test_contract_on_fresh_output():
    docs, _ = gen.generate(seed=123, n_docs=60)
    for d in docs:
        check_doc(d)


def test_value_surfaces_look_like_values():
    docs, _ = gen.generate(seed=gen.SEED, n_docs=80)
    for d in docs:
        for e in d["entities"]:
            s = d["text"][e["start_offset"] : e["end_offset"]]
            if e["label"] in VALUE_LABELS:
                assert re.search(r"[0-9０-９零一二三四五六七八九十百千]", s), s
                assert not re.match(r"[≥≤=＞约近超过达以]", s), s  # qualifiers stay outside
            if e["label"] == "MONEY":
                assert not s.endswith(("年", "月", "日"))
            if e["label"] == "INDICATOR":
                assert not re.match(r"(?:\d{4}年|全年(?!预算数|执行数)|本年度|共|累计|合计|达到)", s), s
                assert not s.endswith(("的", "为", "达")), s


def test_hard_negatives_not_annotated():
    docs, _ = gen.generate(seed=gen.SEED, n_docs=120)
    negatives = re.compile(r"\d{4}年|\d{1,2}月\d{1,2}日|\d{2,4}-\d{7,8}|\d+小时|\d+平方米|12345|附件\s?\d|建党\d+周年|〔\d{4}〕\d+号")
    for d in docs:
        text = d["text"]
        covered = [False] * len(text)
        for e in d["entities"]:
            if e["label"] in VALUE_LABELS:
                for i in range(e["start_offset"], e["end_offset"]):
                    covered[i] = True
        for m in negatives.finditer(text):
            assert not any(covered[m.start() : m.end()]), (d["id"], m.group())


def test_checked_in_file_matches_generator():
    if not DATA.exists():
        pytest.skip("synthetic.jsonl not generated yet")
    lines = [json.loads(x) for x in DATA.read_text(encoding="utf-8").splitlines() if x.strip()]
    for d in lines:
        check_doc(d)
    docs, _ = gen.generate(seed=gen.SEED, n_docs=len(lines))
    assert docs == lines, "rerun: .venv/bin/python training/synthetic/make_synthetic.py --out annotations/synthetic/synthetic.jsonl"


def test_loads_with_perfeval_reader():
    from perfeval.data import doc_from_doccano

    docs, _ = gen.generate(seed=5, n_docs=10)
    for d in docs:
        doc = doc_from_doccano(d)
        assert doc.meta["synthetic"] is True
        for ent in doc.entities:
            assert ent.text == d["text"][ent.start : ent.end]


# ----------------------------------------------------------------------------- written passages

WRITTEN = ROOT / "annotations" / "synthetic" / "written.jsonl"


def _load_written():
    spec = importlib.util.spec_from_file_location("written", GEN_DIR / "written.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


written = _load_written()


def test_written_passages_obey_the_contract():
    records = written.build()
    assert records, "training/synthetic/written/ holds the passages"
    for d in records:
        assert re.fullmatch(r"written-[\w-]+", d["id"]) and d["origin"] == "written"
        check_doc({**d, "id": "syn-0000"})


def test_checked_in_written_file_matches_a_fresh_build():
    lines = WRITTEN.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == written.build()


def test_written_passages_are_trained_on_every_epoch():
    from perfeval.data.doccano import doc_from_doccano, doc_to_doccano
    from perfeval.train import split_pools

    docs = [doc_from_doccano(d) for d in written.build()[:2]] + [doc_from_doccano(d) for d in gen.generate(n_docs=2)[0]]
    assert doc_to_doccano(docs[0])["origin"] == "written" and "origin" not in doc_to_doccano(docs[2])
    every_epoch, sampled = split_pools(docs)
    assert every_epoch == docs[:2] and sampled == docs[2:]

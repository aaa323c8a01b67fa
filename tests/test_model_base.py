"""Any Hugging Face encoder as a base: a tiny BERT with a WordPiece tokenizer, built from a config and saved locally."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
torch = pytest.importorskip("torch", reason="training needs the train extra")
pytest.importorskip("transformers", reason="training needs the train extra")
from transformers import BertConfig, BertModel, BertTokenizerFast

from perfeval.model import PerfevalModel, document_candidates
from perfeval.pipeline import Extractor
from perfeval.train import train
from test_model import DOCS


def tiny_bert(path: Path) -> Path:
    """A random 1-layer BERT and a WordPiece vocab of the test texts' characters (plus ## variants)."""
    chars = sorted({c for doc in DOCS for c in doc.text if not c.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    path.mkdir()
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(path / "vocab.txt"), tokenize_chinese_chars=True).save_pretrained(str(path))
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64)
    BertModel(config).save_pretrained(str(path))
    return path


def test_trains_on_a_local_base_encoder_and_exports_it(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    base = tiny_bert(tmp_path / "base")
    out = train(DOCS, tmp_path / "model", base_model=str(base), epochs=2, seed=0, progress=False)
    model = PerfevalModel.from_pretrained(out)
    assert model.config.base_model == str(base) and (out / "model.onnx").is_file()
    text = DOCS[0].text + "\n未见字符：鑫淼 ８８％"
    doc = Extractor(model).extract(text)
    assert all(text[e.start:e.end] == e.text for e in doc.entities)
    candidates = document_candidates(text)
    for a, b in zip(model.decide(text, candidates), PerfevalModel.from_pretrained(out, runtime="torch").decide(text, candidates)):
        np.testing.assert_allclose(a.value, b.value, atol=1e-4)
        np.testing.assert_allclose(a.link, b.link, atol=1e-4)

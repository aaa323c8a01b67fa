"""Training: determinism, the CLI command, the model card."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

from perfeval.cli.main import app
from perfeval.data.doccano import write_doccano
from perfeval.model import PerfevalModel
from perfeval.train import data_hash, train
from test_model import DOCS, TINY


def test_training_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    kwargs = dict(epochs=2, seed=3, batch_size=2, encoder=TINY, progress=False)
    a = load_file(str(train(DOCS, tmp_path / "a", **kwargs) / "model.safetensors"))
    b = load_file(str(train(DOCS, tmp_path / "b", **kwargs) / "model.safetensors"))
    c = load_file(str(train(DOCS, tmp_path / "c", **{**kwargs, "seed": 4}) / "model.safetensors"))
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_model_card_records_data_seed_and_dev_scores(tmp_path: Path) -> None:
    out = train(DOCS[:2], tmp_path / "m", dev_docs=DOCS[2:], epochs=1, seed=7, encoder=TINY, progress=False)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert data_hash(DOCS[:2]) in card and "seed=7, epochs=1," in card
    assert "link F1 (strict)" in card
    assert data_hash(DOCS[:2]) != data_hash(DOCS)


def test_cli_train_command(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    data = tmp_path / "annotations"
    data.mkdir()
    write_doccano(DOCS, data / "docs.jsonl")
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "model"), "--epochs", "1", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "saved model" in result.output
    model = PerfevalModel.from_pretrained(tmp_path / "model")
    assert model.predict(DOCS[0].text).entities is not None
    missing = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "empty.jsonl"), "--out", str(tmp_path / "x")])
    assert missing.exit_code != 0

"""Training: determinism, the CLI command, the model card, calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
torch = pytest.importorskip("torch", reason="training needs the train extra")
from safetensors.torch import load_file
from typer.testing import CliRunner

from perfeval.cli.main import app
from perfeval.data.doccano import write_doccano
from perfeval.model import PerfevalModel
from perfeval.calibration import temperature
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
    assert "gold indicators picked" in card
    assert data_hash(DOCS[:2]) != data_hash(DOCS)


def test_no_epochs_no_model(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        train(DOCS, tmp_path / "m", epochs=0, encoder=TINY, progress=False)


def test_cli_train_command(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    data = tmp_path / "annotations"
    data.mkdir()
    write_doccano(DOCS, data / "docs.jsonl")
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "model"), "--epochs", "1",
                                      "--seed", "1", "--encoder-size", "tiny"])
    assert result.exit_code == 0, result.output
    assert "saved model" in result.output
    model = PerfevalModel.from_pretrained(tmp_path / "model")
    assert "perfeval train --data" in (model.card or "") and "--encoder-size tiny" in (model.card or "")
    missing = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "empty.jsonl"), "--out", str(tmp_path / "x")])
    assert missing.exit_code != 0


def test_temperature_undoes_overconfidence() -> None:
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 3, size=2000)
    logits = rng.normal(size=(2000, 3))
    logits[np.arange(2000), targets] += 1.0  # right more often than not ...
    assert temperature(logits * 5, targets) == pytest.approx(5, rel=0.15)  # ... but five times too sure
    assert temperature(logits, targets) == pytest.approx(1, rel=0.15)


def test_reliability_and_ece_on_a_hand_checked_case() -> None:
    from perfeval.calibration import expected_calibration_error, reliability

    confidence = np.array([0.95, 0.95, 0.95, 0.95, 0.55, 0.55])
    correct = np.array([1, 1, 1, 0, 1, 0])
    bins = reliability(confidence, correct, bins=10)
    assert [(b.count, round(b.accuracy, 2)) for b in bins if b.count] == [(2, 0.5), (4, 0.75)]
    # 2/6 * |0.5 - 0.55| + 4/6 * |0.75 - 0.95| = 0.0167 + 0.1333
    assert expected_calibration_error(confidence, correct, bins=10) == pytest.approx(0.15)


def test_settings_go_into_the_saved_config_and_bad_ones_are_refused(tmp_path: Path) -> None:
    out = train(DOCS, tmp_path / "m", epochs=1, encoder=TINY, progress=False,
                settings={"relink_threshold": None, "value_temperature": 1.5})
    config = PerfevalModel.from_pretrained(out).config
    assert (config.relink_threshold, config.value_temperature, config.drop_threshold) == (None, 1.5, 0.9)
    with pytest.raises(ValueError, match="classes"):
        train(DOCS, tmp_path / "x", epochs=1, encoder=TINY, progress=False, settings={"classes": ["NONE"]})
    with pytest.raises(ValueError, match="drop_threshold"):
        train(DOCS, tmp_path / "y", epochs=1, encoder=TINY, progress=False, settings={"drop_threshold": 2})

"""`perfeval train`: bad data named file:line before any training, no untrained models, a tiny encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
torch = pytest.importorskip("torch", reason="training needs the train extra")
from typer.testing import CliRunner

from perfeval.cli.main import app
from perfeval.cli.train import EncoderSize
from perfeval.data.doccano import write_doccano
from perfeval.model import PerfevalModel
from perfeval.train import ENCODER_SIZES, train
from test_model import DOCS

GOOD = json.dumps({"id": "a", "text": "完成预算的 90.6%。", "entities": [
    {"id": 1, "label": "INDICATOR", "start_offset": 0, "end_offset": 4},
    {"id": 2, "label": "PERCENT", "start_offset": 6, "end_offset": 11}],
    "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "value_of"}]}, ensure_ascii=False)
MALFORMED = {
    "not JSON": ("{\"id\": \"b\", \"text\": ", "not JSON"),
    "no text": (json.dumps({"id": "b", "entities": []}), "document without a text"),
    "offsets outside the text": (json.dumps({"id": "b", "text": "13次", "entities": [
        {"id": 1, "label": "COUNT", "start_offset": 0, "end_offset": 30}], "relations": []}), "span outside the text"),
    "unknown entity in a relation": (json.dumps({"id": "b", "text": "13次", "entities": [
        {"id": 1, "label": "COUNT", "start_offset": 0, "end_offset": 3}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "value_of"}]}), "to_id 9 names no entity"),
}


def perfeval(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("option", ["--data", "--dev"])
def test_malformed_annotations_are_named_file_line_before_training(tmp_path: Path, case: str, option: str) -> None:
    line, message = MALFORMED[case]
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(GOOD + "\n", encoding="utf-8")
    bad.write_text(GOOD.replace('"a"', '"c"') + "\n" + line + "\n", encoding="utf-8")
    data, dev = (bad, good) if option == "--data" else (good, bad)
    result = perfeval("train", "--data", data, "--dev", dev, "--out", tmp_path / "model", "--epochs", "1")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"{bad}:2: " in result.stderr and message in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"error: 1 problem(s) in {option} {bad}")
    assert not (tmp_path / "model").exists()


def test_not_utf8_annotations_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(GOOD.encode("gb18030") + b"\n")
    result = perfeval("train", "--data", bad, "--out", tmp_path / "model")
    assert result.exit_code == 1 and f"{bad}: not UTF-8 text" in result.stderr


def test_zero_epochs_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "good.jsonl"
    data.write_text(GOOD + "\n", encoding="utf-8")
    result = perfeval("train", "--data", data, "--out", tmp_path / "model", "--epochs", "0")
    assert result.exit_code == 2 and "Invalid value for '--epochs': Input should be greater than or equal to 1" in result.output
    assert not (tmp_path / "model").exists()
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        train(DOCS, tmp_path / "model", epochs=0, progress=False)
    assert not (tmp_path / "model").exists()


def test_encoder_size_names_match_the_library() -> None:
    assert [size.value for size in EncoderSize] == list(ENCODER_SIZES)


def test_encoder_size_is_not_for_a_base_model(tmp_path: Path) -> None:
    result = perfeval("train", "--data", tmp_path, "--out", tmp_path / "m", "--base-model", "bert-base-chinese", "--encoder-size", "tiny")
    assert result.exit_code == 2 and "--encoder-size" in result.output


def test_a_tiny_model_from_the_command_line_and_its_card(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    data = tmp_path / "docs.jsonl"
    write_doccano(DOCS, data)
    out = tmp_path / "tiny"
    result = perfeval("train", "--data", data, "--out", out, "--encoder-size", "tiny", "--epochs", "1", "--seed", "2")
    assert result.exit_code == 0, result.output
    model = PerfevalModel.from_pretrained(out)
    assert (model.config.encoder["hidden_size"], model.config.encoder["num_hidden_layers"]) == (64, 1)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"Reproduce: `perfeval train --data {data} --out {out} --epochs 1 --seed 2 --encoder-size tiny`." in card
    assert "train_default.py" not in card

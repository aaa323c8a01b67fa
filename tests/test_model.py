"""The model layer: overfitting, save/load, windows, link decoding, loading errors, base encoders."""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.model import ModelConfig, ModelLoadError, PerfevalModel
from perfeval.model.decoding import decode_links
from perfeval.model.encoder import CompactEncoder, CompactEncoderConfig
from perfeval.model.modeling import PerfevalNetwork
from perfeval.model.tokenization import build_char_tokenizer
from perfeval.model.windows import plan_windows
from perfeval.train import train
from perfeval.types import Document, Entity, Relation

TINY = {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 130}


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
    annotated(
        "召开常委会会议 13次，任免国家机关工作人员 119 名。\n自评结果为 98.1分。",
        [("INDICATOR", "常委会会议"), ("COUNT", "13次"), ("INDICATOR", "任免国家机关工作人员"), ("COUNT", "119 名"),
         ("SCORE", "98.1分")],
        [(1, 0), (3, 2)],
        "counts",
    ),
    annotated(
        "三级指标|指标值|得分\n预算执行率|100%|10分\n",
        [("INDICATOR", "预算执行率"), ("PERCENT", "100%"), ("SCORE", "10分")],
        [(1, 0), (2, 0)],
        "table",
    ),
]


def as_tuples(doc_or_pred: Document | object) -> tuple[list[tuple], list[tuple]]:
    ents = doc_or_pred.entities  # type: ignore[attr-defined]
    rels = doc_or_pred.relations  # type: ignore[attr-defined]
    return [(e.label, e.start, e.end, e.text) for e in ents], sorted((r.head, r.tail) for r in rels)


@pytest.fixture(scope="module")
def overfit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("overfit") / "model"
    return train(DOCS, out, epochs=100, seed=0, lr=5e-3, batch_size=3, encoder=TINY, use_rule_features=False, progress=False)


def test_overfits_inline_documents(overfit: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit)
    for doc in DOCS:
        pred = model.predict(doc.text)
        assert as_tuples(pred) == as_tuples(doc)
        assert all(e.source == "model" and 0.0 <= e.confidence <= 1.0 for e in pred.entities)
        assert all(r.source == "model" and 0.0 <= r.confidence <= 1.0 for r in pred.relations)


def test_save_load_round_trip_gives_identical_predictions(overfit: Path, tmp_path: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit)
    again = PerfevalModel.from_pretrained(model.save_pretrained(tmp_path / "copy"))
    for doc in DOCS:
        a, b = model.predict(doc.text), again.predict(doc.text)
        assert a == b
    assert (tmp_path / "copy" / "README.md").read_text(encoding="utf-8").startswith("# perfeval model")


def test_saved_tokenizer_loads_in_transformers_with_the_same_tokens(overfit: Path) -> None:
    from transformers import AutoTokenizer

    ours = PerfevalModel.from_pretrained(overfit).tokenizer
    theirs = AutoTokenizer.from_pretrained(str(overfit))
    text = DOCS[0].text + " ８８％ 鑫"
    enc = theirs(text, add_special_tokens=False, return_offsets_mapping=True)
    assert enc["input_ids"] == ours.backend.encode(text, add_special_tokens=False).ids
    assert [tuple(o) for o in enc["offset_mapping"]] == ours.backend.encode(text, add_special_tokens=False).offsets
    assert (theirs.cls_token_id, theirs.sep_token_id, theirs.pad_token_id) == (ours.cls_token_id, ours.sep_token_id, ours.pad_token_id)


def test_predicting_with_the_shipped_model_does_not_import_transformers() -> None:
    """Start-up time: transformers' model code costs seconds to import; the compact default needs only torch."""
    code = "import sys, perfeval; perfeval.extract('年度预算2054.25万元，召开常委会会议13次。'); print('transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_values_get_at_most_one_link_and_may_stay_unlinked(overfit: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit)
    text = DOCS[1].text + DOCS[0].text + DOCS[2].text
    pred = model.predict(text)
    heads = [r.head for r in pred.relations]
    assert len(heads) == len(set(heads))
    assert all(pred.entities[r.head].is_value and pred.entities[r.tail].label == "INDICATOR" for r in pred.relations)
    alone = model.predict(DOCS[1].text)
    score = next(i for i, e in enumerate(alone.entities) if e.text == "98.1分")
    assert score not in [r.head for r in alone.relations]


def test_decode_links_argmax_with_no_link_column() -> None:
    assert decode_links(torch.tensor([2.0, 0.5, 1.0]), [7, 9]) == (None, pytest.approx(0.6285, abs=1e-3))
    target, confidence = decode_links(torch.tensor([0.0, 0.5, 3.0]), [7, 9])
    assert target == 9 and 0.5 < confidence <= 1.0
    assert decode_links(torch.tensor([0.0]), [])[0] is None


def test_windows_cover_every_token_once_by_its_most_central_window() -> None:
    windows = plan_windows(1000, 100, 30)
    owned = [t for w in windows for t in range(w.own_start, w.own_end)]
    assert owned == list(range(1000))
    for w in windows:
        assert w.start <= w.own_start < w.own_end <= w.end and w.end - w.start == 100
    for left, right in zip(windows, windows[1:]):
        boundary = left.own_end
        assert min(boundary - 1 - left.start, left.end - boundary) >= min(boundary - 1 - right.start, right.end - boundary) - 1
    assert plan_windows(5, 100, 30) == [plan_windows(5, 100, 30)[0]]


class DigitTagger(PerfevalNetwork):
    """A context-free stand-in: a digit token is B-MONEY after a non-digit, I-MONEY after a digit.

    The previous token is only visible inside the same window, so a naive merge of
    windows would split every number that crosses a window edge.
    """

    def __init__(self, config: ModelConfig, encoder: torch.nn.Module, digit_ids: set[int]) -> None:
        super().__init__(config, encoder)
        self.digit_ids = digit_ids

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, gaps: torch.Tensor, rule_tags: torch.Tensor) -> torch.Tensor:
        digit = torch.tensor([[t in self.digit_ids for t in row] for row in input_ids.tolist()], dtype=torch.float)
        previous = torch.cat([torch.zeros_like(digit[:, :1]), digit[:, :-1]], dim=1)
        hidden = torch.zeros((*input_ids.shape, self.encoder.config.hidden_size))
        hidden[..., 0], hidden[..., 1] = digit, previous
        return hidden

    def tag_logits(self, hidden: torch.Tensor, rule_tags: torch.Tensor) -> torch.Tensor:
        logits = torch.zeros((*hidden.shape[:-1], len(self.config.labels)))
        digit, previous = hidden[..., 0], hidden[..., 1]
        logits[..., self.config.labels.index("B-MONEY")] = digit * (1 - previous) * 10
        logits[..., self.config.labels.index("I-MONEY")] = digit * previous * 10
        logits[..., 0] = 5
        return logits


def test_compact_encoder_ignores_padding() -> None:
    torch.manual_seed(0)
    encoder = CompactEncoder(CompactEncoderConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32)).eval()
    x = torch.randn(2, 7, 16)
    mask = torch.ones(2, 7, dtype=torch.long)
    mask[1, 4:] = 0
    with torch.no_grad():
        batch = encoder(inputs_embeds=x, attention_mask=mask)
        alone = encoder(inputs_embeds=x[1:, :4], attention_mask=mask[1:, :4])
        full = encoder(inputs_embeds=x[:1], attention_mask=mask[:1])
    assert torch.allclose(batch[1, :4], alone[0], atol=1e-5)
    assert torch.allclose(batch[0], full[0], atol=1e-5)
    assert not torch.allclose(batch[1, :4], encoder(inputs_embeds=x[1:], attention_mask=torch.ones(1, 7))[0, :4], atol=1e-3)


def test_entity_straddling_a_window_edge_is_kept_whole() -> None:
    text = "预算1234567万元，执行 12345678901234 元。\n合计 98\n\n7654 万元；" * 5
    tokenizer = build_char_tokenizer([text], min_freq=1)
    encoder = CompactEncoderConfig(vocab_size=len(tokenizer), hidden_size=8, num_hidden_layers=1, num_attention_heads=1, intermediate_size=8)
    config = ModelConfig(encoder=encoder.to_dict(), use_rule_features=False, window_tokens=10, window_overlap=4)
    digit_ids = {tokenizer.backend.token_to_id(d) for d in "0123456789"}
    model = PerfevalModel(config, tokenizer, DigitTagger(config, CompactEncoder(encoder), digit_ids))
    pred = model.predict(text)
    expected = [(m.start(), m.end()) for m in re.finditer(r"\d+(?:\s+\d+)*", text)]
    assert [(e.start, e.end) for e in pred.entities] == expected
    assert all(e.text == text[e.start : e.end] and e.label == "MONEY" for e in pred.entities)
    windows = plan_windows(len(model.inputs(text).encoded), 10, 4)
    assert len(windows) > 20 and any(len(e.text) > 10 for e in pred.entities)


@pytest.mark.slow
def test_one_megabyte_text(overfit: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit)
    unit = "".join(doc.text for doc in DOCS) + "- 4 -\n\n"
    text = unit * (1_000_000 // len(unit.encode("utf-8")) + 1)
    pred = model.predict(text)
    assert len(pred.entities) > 1000
    assert all(text[e.start : e.end] == e.text for e in pred.entities)
    assert all(a.end <= b.start for a, b in zip(pred.entities, pred.entities[1:]))


def test_lone_surrogates_are_read_as_replacement_characters(overfit: Path) -> None:
    model = PerfevalModel.from_pretrained(overfit)
    text = "\ud800" + DOCS[0].text.replace("，", "\udc80，", 1)
    replaced = text.replace("\ud800", "\ufffd").replace("\udc80", "\ufffd")
    pred, same = model.predict(text), model.predict(replaced)
    assert pred.entities and pred.relations
    assert [(e.label, e.start, e.end) for e in pred.entities] == [(e.label, e.start, e.end) for e in same.entities]
    assert all(text[e.start : e.end] == e.text for e in pred.entities)
    assert pred.relations == same.relations


# --- loading errors -------------------------------------------------------------------------


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def _load_error(path: Path) -> str:
    with pytest.raises(ModelLoadError) as info:
        PerfevalModel.from_pretrained(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_missing_directory(tmp_path: Path) -> None:
    assert "does not exist" in _load_error(tmp_path / "nowhere")


def test_incomplete_directories(overfit: Path, tmp_path: Path) -> None:
    no_config = _copy(overfit, tmp_path / "a")
    (no_config / "config.json").unlink()
    assert "config.json is missing" in _load_error(no_config)
    no_weights = _copy(overfit, tmp_path / "b")
    (no_weights / "model.safetensors").unlink()
    assert "model.safetensors is missing" in _load_error(no_weights)
    no_tokenizer = _copy(overfit, tmp_path / "c")
    (no_tokenizer / "tokenizer.json").unlink()
    assert "tokenizer" in _load_error(no_tokenizer)


def test_corrupt_directories(overfit: Path, tmp_path: Path) -> None:
    bad_json = _copy(overfit, tmp_path / "a")
    (bad_json / "config.json").write_text("{not json", encoding="utf-8")
    assert "not valid JSON" in _load_error(bad_json)
    bad_weights = _copy(overfit, tmp_path / "b")
    (bad_weights / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    assert "cannot be read" in _load_error(bad_weights)
    mismatched = _copy(overfit, tmp_path / "c")
    config = json.loads((mismatched / "config.json").read_text(encoding="utf-8"))
    config["span_dim"] = 7
    (mismatched / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert "does not fit" in _load_error(mismatched)


def test_incompatible_schema_and_plain_encoder(overfit: Path, tmp_path: Path) -> None:
    future = _copy(overfit, tmp_path / "a")
    config = json.loads((future / "config.json").read_text(encoding="utf-8"))
    config["schema_version"] = 99
    (future / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert "schema version 99" in _load_error(future)
    encoder = _copy(overfit, tmp_path / "b")
    (encoder / "config.json").write_text(json.dumps(config["encoder"]), encoding="utf-8")
    assert "--base-model" in _load_error(encoder)


# --- decoding -------------------------------------------------------------------------------


def _probs(rows: list[dict[str, float]], labels: list[str]) -> torch.Tensor:
    out = torch.full((len(rows), len(labels)), 0.01)
    for i, row in enumerate(rows):
        for tag, p in row.items():
            out[i, labels.index(tag)] = p
    return out / out.sum(dim=1, keepdim=True)


def test_viterbi_keeps_a_span_whole_across_one_unsure_token() -> None:
    from perfeval.data.bio import BIO_LABELS
    from perfeval.model.decoding import decode_entities

    text = "接报处置各类事件801宗"
    rows = [{"B-INDICATOR": 0.9}] + [{"I-INDICATOR": 0.9}] * 3 + [{"O": 0.6, "I-INDICATOR": 0.4}] + [{"I-INDICATOR": 0.9}] * 3
    rows += [{"B-COUNT": 0.9}] + [{"I-COUNT": 0.9}] * 3
    spans = decode_entities(_probs(rows, BIO_LABELS), [(i, i + 1) for i in range(len(text))], text, BIO_LABELS)
    assert [(s.entity.label, s.entity.text) for s in spans] == [("INDICATOR", "接报处置各类事件"), ("COUNT", "801宗")]
    assert spans[0].entity.confidence < 0.9


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_viterbi_finds_the_best_valid_sequence_by_brute_force(n: int, seed: int) -> None:
    from perfeval.data.bio import BIO_LABELS
    from perfeval.model.decoding import viterbi

    log_probs = np.log(np.random.default_rng(seed).dirichlet(np.ones(len(BIO_LABELS)) * 0.3, size=n)).clip(-50)

    def valid(seq: tuple[int, ...]) -> bool:
        tags = ["O", *(BIO_LABELS[t] for t in seq)]
        return all(not b.startswith("I-") or a[2:] == b[2:] for a, b in zip(tags, tags[1:]))

    best = max((seq for seq in itertools.product(range(len(BIO_LABELS)), repeat=n) if valid(seq)),
               key=lambda seq: sum(log_probs[i, t] for i, t in enumerate(seq)))
    assert tuple(viterbi(log_probs, BIO_LABELS)) == best


def test_snap_indicators_takes_the_rule_boundaries_only_when_unambiguous() -> None:
    from perfeval.model.decoding import TokenSpan, snap_indicators

    text = "共接报处置各类突发事件801宗"
    offsets = [(i, i + 1) for i in range(len(text))]
    predicted = [TokenSpan(Entity("INDICATOR", 7, 11, text[7:11], "model", 0.8), 7, 10),
                 TokenSpan(Entity("COUNT", 11, 15, "801宗", "model", 0.9), 11, 14)]
    snapped = snap_indicators(predicted, [(1, 11)], offsets, text)
    assert (snapped[0].entity.text, snapped[0].first, snapped[0].last) == ("接报处置各类突发事件", 1, 10)
    assert snapped[1] is predicted[1]
    assert snap_indicators(predicted, [(1, 8), (8, 11)], offsets, text) == predicted  # two rule spans: ambiguous
    assert snap_indicators(predicted, [(1, 13)], offsets, text) == predicted  # would swallow the value


def test_snap_indicators_merges_pieces_inside_one_rule_span() -> None:
    from perfeval.model.decoding import TokenSpan, snap_indicators

    text = "增设2个市级立法联络站"
    offsets = [(i, i + 1) for i in range(len(text))]
    predicted = [TokenSpan(Entity("COUNT", 2, 4, "2个", "model", 0.9), 2, 3),
                 TokenSpan(Entity("INDICATOR", 4, 5, "市", "model", 0.6), 4, 4),
                 TokenSpan(Entity("INDICATOR", 6, 11, "立法联络站", "model", 0.7), 6, 10)]
    snapped = snap_indicators(predicted, [(4, 11)], offsets, text)
    assert [(s.entity.label, s.entity.text, s.first, s.last) for s in snapped] == [
        ("COUNT", "2个", 2, 3), ("INDICATOR", "市级立法联络站", 4, 10)]
    assert snapped[1].entity.confidence == 0.7


def test_snap_indicators_merges_fragments_however_far_apart_inside_one_rule_span() -> None:
    from perfeval.model.decoding import TokenSpan, snap_indicators

    text = "本部门整体支出绩效\n\n自评结果为98.1分，代表进社区人数"
    offsets = [(i, i + 1) for i in range(len(text)) if not text[i].isspace()]
    token = {start: k for k, (start, _) in enumerate(offsets)}

    def piece(start: int, end: int, confidence: float = 0.6) -> TokenSpan:
        return TokenSpan(Entity("INDICATOR", start, end, text[start:end], "model", confidence), token[start], token[end - 1])

    fragments = [piece(3, 4), piece(13, 14, 0.9), piece(22, 23), piece(25, 27)]  # 整 + 结, 代 + 社区
    snapped = snap_indicators(fragments, [(3, 15), (22, 29)], offsets, text)
    assert [(s.entity.text, s.first, s.last, s.entity.confidence) for s in snapped] == [
        ("整体支出绩效\n\n自评结果", 3, 12, 0.9), ("代表进社区人数", 20, 26, 0.6)]


def test_snap_indicators_uses_the_innermost_of_nested_rule_spans() -> None:
    from perfeval.model.decoding import TokenSpan, snap_indicators

    text = "共有569名人大代表\n\n进社区接待选民群众601人次"
    offsets = [(i, i + 1) for i in range(len(text)) if not text[i].isspace()]
    token = {start: k for k, (start, _) in enumerate(offsets)}

    def piece(start: int, end: int) -> TokenSpan:
        return TokenSpan(Entity("INDICATOR", start, end, text[start:end], "model", 0.8), token[start], token[end - 1])

    deputies, act = text.index("人大代表"), text.index("接待")
    predicted = [piece(deputies, text.index("社区") + 2), piece(act, act + 6)]  # 人大代表⏎⏎进社区 | 接待选民群众
    snapped = snap_indicators(predicted, [(deputies, deputies + 4), (deputies, act + 6)], offsets, text)
    assert [s.entity.text for s in snapped] == ["人大代表", "接待选民群众"]


def test_snap_indicators_on_a_long_text_is_linear() -> None:
    """100,000 rule spans, each with a predicted piece inside: a pass that compared every rule
    span with every other would run for minutes (the alarm stops it); a linear one takes a second."""
    from perfeval.model.decoding import TokenSpan, snap_indicators

    unit = "召开常委会会议13次，"
    count = 100_000
    text = unit * count
    offsets = [(i, i + 1) for i in range(len(text))]
    rule_spans = [(k * len(unit) + 2, k * len(unit) + 7) for k in range(count)]  # 常委会会议
    pieces = [TokenSpan(Entity("INDICATOR", s + 1, s + 3, text[s + 1 : s + 3], "model", 0.8), s + 1, s + 2) for s, _ in rule_spans]
    with _alarm(seconds=60):
        snapped = snap_indicators(pieces, rule_spans, offsets, text)
    assert [(s.entity.start, s.entity.end) for s in snapped] == rule_spans
    assert {s.entity.text for s in snapped} == {"常委会会议"}


def test_viterbi_gives_the_same_path_whatever_its_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfeval.data.bio import BIO_LABELS
    from perfeval.model import decoding

    log_probs = np.log(np.random.default_rng(0).dirichlet(np.ones(len(BIO_LABELS)) * 0.3, size=200)).clip(-50)
    whole = decoding.viterbi(log_probs, BIO_LABELS)
    for rows in (1, 3, 64, 199):
        monkeypatch.setattr(decoding, "VITERBI_ROWS", rows)
        assert decoding.viterbi(log_probs, BIO_LABELS) == whole
    assert len(whole) == 200 and len(set(whole)) > 3


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """Raise ``TimeoutError`` in the test if the block runs longer than ``seconds`` (a hang guard)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@given(st.lists(st.tuples(st.integers(0, 15), st.integers(1, 6)), max_size=8))
def test_innermost_keeps_the_spans_that_contain_no_other(pairs: list[tuple[int, int]]) -> None:
    from perfeval.model.decoding import innermost

    spans = [(start, start + length) for start, length in pairs]
    unique = sorted(set(spans))
    assert innermost(spans) == [a for a in unique if not any(b != a and a[0] <= b[0] and b[1] <= a[1] for b in unique)]

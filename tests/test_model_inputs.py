"""The model's inputs are built with array operations; these tests hold them to plain loops
that state the rules one character and one span at a time (the oracles below), on arbitrary
report-like text."""

from __future__ import annotations

from bisect import bisect_right

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfeval
from perfeval.model import PerfevalModel, document_candidates
from perfeval.model import candidates as cand
from perfeval.model.tokenization import GAP_NEWLINE, GAP_NONE, GAP_PARAGRAPH, GAP_SPACE, encode
from perfeval.rules.linker import CompactText

PIECES = st.sampled_from([
    "年度预算", "2054.25", "万元", "，", "。", "；", "完成预算的", "90.6%", "召开会议", "13次", "得分", "98.1分",
    "（一）", "1.", "资金使用合规率", "|", "：", " ", "\n", "\n\n", "\u3000", "- 3 -", "实际开支", "100%", "指标",
    "走访", "124", "家", "民营企业", "目标值", "≥95%", "、", "《", "》", "2023年", "第3名",
])
REPORTISH = st.lists(PIECES, max_size=60).map("".join)
SETTINGS = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@pytest.fixture(scope="module")
def tokenizer():
    return PerfevalModel.from_pretrained("default").tokenizer


def encode_oracle(tokenizer, text: str, begin: int, stop: int):
    """Token by token: offsets moved past leading whitespace, the gap read from the text between tokens."""
    enc = tokenizer.backend.encode(text[begin:stop], add_special_tokens=False)
    previous = begin
    while previous > 0 and text[previous - 1].isspace():
        previous -= 1
    out = []
    for token_id, (start, end) in zip(enc.ids, enc.offsets):
        start, end = start + begin, end + begin
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        between = text[previous:start] if start > previous else ""
        newlines = between.count("\n")
        gap = GAP_PARAGRAPH if newlines >= 2 else GAP_NEWLINE if newlines == 1 else GAP_SPACE if between else GAP_NONE
        out.append((token_id, start, end, gap))
        previous = max(previous, end)
    return out


@SETTINGS
@given(REPORTISH, st.data())
def test_encode_matches_the_token_by_token_oracle(tokenizer, text, data) -> None:
    begin = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(begin, len(text)))
    got = encode(tokenizer, text, begin, stop)
    assert list(zip(got.ids.tolist(), got.starts.tolist(), got.ends.tolist(), got.gaps.tolist())) == \
        encode_oracle(tokenizer, text, begin, stop)


def link_oracle(compact: CompactText, bounds, k, values, rule_span, previous):
    """The indicator candidates of value ``k``, one span at a time (as the module docstring states them)."""
    text = compact.text
    cs, ce = bounds[k]
    found: dict[tuple[int, int], set[str]] = {}

    def overlaps(start, end):
        return any(s < end and start < e for s, e in values)

    def add(span, proposer, compact_span=True):
        if span is None:
            return
        start, end = (compact.positions[span[0]], compact.positions[span[1] - 1] + 1) if compact_span else span
        if end <= start or (proposer != "rule" and overlaps(start, end)):
            return
        found.setdefault((start, end), set()).add(proposer)

    add(rule_span, "rule", compact_span=False)
    add(previous, "previous", compact_span=False)
    lo = max(bounds[k - 2][1] if k >= 2 else 0, cs - cand.MAX_BACK)
    for a in range(cs - 1, lo - 1, -1):
        if text[a] in cand._CLAUSE_END:
            lo = a + 1
            break
    if rule_span is not None and rule_span[1] <= compact.positions[-1] + 1:
        rs, re_ = compact.index(rule_span[0]), compact.index(rule_span[1])
        spans = [(a, b) for a in range(max(0, rs - cand.MAX_START_SHIFT), rs + cand.MAX_START_SHIFT + 1)
                 for b in range(max(1, re_ - cand.MAX_END_SHIFT), re_ + cand.MAX_END_SHIFT + 1) if 0 < b - a <= cand.MAX_INDICATOR]
    else:
        spans = [(a, b) for a in range(lo, cs) for b in range(max(a + 1, cs - cand.MAX_END_GAP), min(cs, a + cand.MAX_INDICATOR) + 1)]
    for a, b in spans:
        if 0 <= a < b <= len(text) and text[a] not in cand._DELIMITERS and text[b - 1] not in cand._DELIMITERS \
                and not any(ch in cand._CLAUSE_END for ch in text[a:b]):
            add((a, b), "before")
    ceiling = bounds[k + 1][0] if k + 1 < len(bounds) else len(text)
    for a in range(ce, min(ce + 4, ceiling)):
        for b in range(a + 2, min(a + cand.MAX_AFTER, ceiling) + 1):
            if any(ch in cand._DELIMITERS for ch in text[a:b]):
                break
            add((a, b), "after")
    h = bisect_right(compact.boundaries, cs) - 1
    if h >= 0:
        add(compact.headings[h][1], "heading")
    return sorted((s, e, sorted(p)) for (s, e), p in found.items())


@SETTINGS
@given(REPORTISH)
def test_indicator_candidates_match_the_span_by_span_oracle(text) -> None:
    candidates = document_candidates(text)
    compact = CompactText(text)
    values = [(c.start, c.end) for c in candidates]
    bounds = [(compact.index(s), compact.index(e)) for s, e in values]
    previous = None
    for k, c in enumerate(candidates):
        rule = c.links[c.rule_link] if c.rule_link is not None else None
        rule_span = (rule.start, rule.end) if rule else None
        assert [(link.start, link.end, sorted(link.proposers)) for link in c.links] == \
            link_oracle(compact, bounds, k, values, rule_span, previous)
        previous = rule_span


def test_candidates_are_decided_alike_alone_and_together(reports) -> None:
    """decide() groups candidates, orders them by their number of indicator candidates and packs
    those: every decision equals the one the candidate gets on its own."""
    model = PerfevalModel.from_pretrained("default")
    text = next(iter(reports.values()))
    candidates = document_candidates(text)
    together = model.decide(text, candidates)
    assert len(together) == len(candidates) > 20
    for c, d in zip(candidates[::7], together[::7]):
        (alone,) = model.decide(text, [c])
        np.testing.assert_allclose(d.value, alone.value, atol=1e-5)
        np.testing.assert_allclose(d.link, alone.link, atol=1e-5)


def test_figures_the_hybrid_cannot_add_are_not_run_through_the_model(monkeypatch) -> None:
    text = "年度预算 2054.25 万元，完成预算的 90.6%，共 37 。"
    extractor = perfeval.load()
    assert extractor.model.config.add_threshold is None
    decided = []
    original = extractor.model.decide
    monkeypatch.setattr(extractor.model, "decide", lambda t, cs: decided.extend(cs) or original(t, cs))
    records = extractor.extract(text).records
    extras = [c for c in document_candidates(text) if c.label is None]
    assert extras and decided and all(c.label is not None for c in decided)
    assert [r.text for r in records] == ["2054.25 万元", "90.6%"]

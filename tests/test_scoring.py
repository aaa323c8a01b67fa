"""Scoring (ANNOTATION.md section 6): hand-checked cases with every counter asserted, plus oracles.

Spans are written as ``V(label, start, end, value, indicator)``; the text they index is
imaginary, since scoring compares offsets only.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate.entities import Entity as NerEntity
from nervaluate.strategies import StrictEvaluation
from seqeval.metrics import f1_score, precision_score, recall_score

from perfeval.scoring import (
    Counts,
    Span,
    ValueSpan,
    align,
    gold_values,
    max_matching,
    pred_values,
    score,
    score_document,
    values_equal,
)
from perfeval.types import Document, Entity, Indicator, Record, Relation


def V(label: str, start: int, end: int, value: float | None = None, ind: tuple[int, int] | None = None) -> ValueSpan:
    return ValueSpan(label, start, end, value, Span(*ind) if ind else None)


def counters(scores: dict, kind: str, strategy: str) -> tuple[int, int, int]:
    return (scores[f"{kind}_tp_{strategy}"], scores[f"{kind}_fp_{strategy}"], scores[f"{kind}_fn_{strategy}"])


# --- the worked case: every strategy differs --------------------------------------------------

GOLD = [
    V("MONEY", 0, 5, 100.0, (10, 14)),
    V("PERCENT", 20, 24, 90.6, (15, 19)),
    V("COUNT", 30, 33, 13.0),  # unlinked
]
PRED = [
    V("MONEY", 0, 5, 100.0, (10, 14)),  # exact, normalised, strict link
    V("PERCENT", 21, 24, 90.6, (16, 19)),  # overlap only, normalised, lenient link
    V("COUNT", 30, 33, 12.0, (40, 42)),  # exact, wrong value, link where gold has none
    V("SCORE", 50, 53, 98.1),  # spurious
]


def test_worked_case_value_counters() -> None:
    s = score_document(GOLD, PRED).to_dict()
    assert counters(s, "value", "overlap") == (3, 1, 0)
    assert counters(s, "value", "exact") == (2, 2, 1)
    assert counters(s, "value", "norm") == (2, 2, 1)
    assert (s["value_gold"], s["value_pred"], s["docs"], s["gold_unnormalised"]) == (3, 4, 1, 0)
    assert s["value_p_overlap"] == pytest.approx(3 / 4)
    assert s["value_r_overlap"] == 1.0
    assert s["value_f1_overlap"] == pytest.approx(2 * 0.75 / 1.75)
    assert s["value_p_exact"] == 0.5
    assert s["value_r_exact"] == pytest.approx(2 / 3)
    assert s["value_f1_exact"] == pytest.approx(4 / 7)
    assert s["value_f1_norm"] == pytest.approx(4 / 7)


def test_worked_case_link_counters() -> None:
    s = score_document(GOLD, PRED).to_dict()
    # gold links: MONEY, PERCENT; predicted links: MONEY, PERCENT, COUNT
    assert (s["link_gold"], s["link_pred"]) == (2, 3)
    assert counters(s, "link", "lenient") == (2, 1, 0)
    assert counters(s, "link", "strict") == (1, 2, 1)
    assert s["link_p_lenient"] == pytest.approx(2 / 3)
    assert s["link_r_lenient"] == 1.0
    assert s["link_f1_lenient"] == pytest.approx(0.8)
    assert s["link_p_strict"] == pytest.approx(1 / 3)
    assert s["link_r_strict"] == 0.5
    assert s["link_f1_strict"] == pytest.approx(0.4)


def test_worked_case_per_label() -> None:
    s = score_document(GOLD, PRED).to_dict()
    per = s["per_label"]
    assert {k: (v["tp"], v["fp"], v["fn"]) for k, v in per.items()} == {
        "MONEY": (1, 0, 0),
        "PERCENT": (1, 0, 0),
        "COUNT": (1, 0, 0),
        "SCORE": (0, 1, 0),
    }
    assert per["SCORE"]["precision"] == per["SCORE"]["recall"] == per["SCORE"]["f1"] == 0.0
    assert per["MONEY"]["f1"] == 1.0
    exact = s["per_label_metric"]["value_exact"]
    assert {k: (v["tp"], v["fp"], v["fn"]) for k, v in exact.items()} == {
        "MONEY": (1, 0, 0),
        "PERCENT": (0, 1, 1),
        "COUNT": (1, 0, 0),
        "SCORE": (0, 1, 0),
    }
    strict = s["per_label_metric"]["link_strict"]
    assert {k: (v["tp"], v["fp"], v["fn"]) for k, v in strict.items()} == {
        "MONEY": (1, 0, 0),
        "PERCENT": (0, 1, 1),
        "COUNT": (0, 1, 0),
        "SCORE": (0, 0, 0),
    }


def test_worked_case_alignment() -> None:
    pairs = align(GOLD, PRED).pairs
    assert [(p.kind, p.link) for p in pairs] == [
        ("ok", "ok"),
        ("boundary", "boundary"),
        ("value", "spurious"),
        ("spurious", ""),
    ]
    assert [p.kind for p in align(GOLD, PRED).errors()] == ["boundary", "value", "spurious"]


# --- single phenomena -----------------------------------------------------------------------------


def test_label_mismatch_is_a_miss_and_a_false_positive() -> None:
    s = score_document([V("MONEY", 0, 5)], [V("PERCENT", 0, 5)]).to_dict()
    for strategy in ("overlap", "exact", "norm"):
        assert counters(s, "value", strategy) == (0, 1, 1)
    assert (s["per_label"]["MONEY"]["fn"], s["per_label"]["PERCENT"]["fp"]) == (1, 1)
    assert [p.kind for p in align([V("MONEY", 0, 5)], [V("PERCENT", 0, 5)]).pairs] == ["label"]


def test_duplicate_predictions_count_once() -> None:
    s = score_document([V("COUNT", 0, 3, 5.0)], [V("COUNT", 0, 3, 5.0), V("COUNT", 0, 3, 5.0)]).to_dict()
    assert counters(s, "value", "overlap") == (1, 1, 0)
    assert counters(s, "value", "exact") == (1, 1, 0)
    assert counters(s, "value", "norm") == (1, 1, 0)


def test_nested_predictions_prefer_the_exact_one() -> None:
    gold, pred = [V("COUNT", 0, 3)], [V("COUNT", 0, 2), V("COUNT", 0, 3)]
    s = score_document(gold, pred).to_dict()
    assert counters(s, "value", "overlap") == (1, 1, 0)
    assert counters(s, "value", "exact") == (1, 1, 0)
    assert [(p.kind, p.pred) for p in align(gold, pred).pairs] == [("spurious", pred[0]), ("ok", pred[1])]


def test_matching_is_maximum_not_greedy() -> None:
    # A greedy pass pairing A with its closest prediction (P1, distance 2) would leave B
    # unmatched; the maximum matching pairs A-P2 and B-P1.
    a, b = V("COUNT", 0, 4), V("COUNT", 5, 8)
    p1, p2 = V("COUNT", 0, 6), V("COUNT", 3, 4)
    assert max_matching([a, b], [p1, p2], lambda g, p: g.span.overlaps(p.span)) == {0: 1, 1: 0}
    assert counters(score_document([a, b], [p1, p2]).to_dict(), "value", "overlap") == (2, 0, 0)


def test_one_prediction_spanning_two_gold_values_matches_one() -> None:
    s = score_document([V("MONEY", 0, 3), V("MONEY", 4, 7)], [V("MONEY", 0, 7)]).to_dict()
    assert counters(s, "value", "overlap") == (1, 0, 1)
    assert counters(s, "value", "exact") == (0, 1, 2)


def test_touching_spans_do_not_overlap() -> None:
    s = score_document([V("COUNT", 0, 3)], [V("COUNT", 3, 5)]).to_dict()
    assert counters(s, "value", "overlap") == (0, 1, 1)


def test_unlinked_values() -> None:
    gold = [V("COUNT", 0, 2, 1.0, (5, 8)), V("COUNT", 10, 12, 2.0)]
    pred = [V("COUNT", 0, 2, 1.0), V("COUNT", 10, 12, 2.0, (20, 22))]
    s = score_document(gold, pred).to_dict()
    assert counters(s, "value", "exact") == (2, 0, 0)
    assert (s["link_gold"], s["link_pred"]) == (1, 1)
    assert counters(s, "link", "lenient") == (0, 1, 1)
    assert counters(s, "link", "strict") == (0, 1, 1)
    assert [p.link for p in align(gold, pred).pairs] == ["missing", "spurious"]


def test_link_needs_the_value_to_match() -> None:
    # right indicator, but the value span is elsewhere: neither the value nor the link counts
    s = score_document([V("PERCENT", 0, 3, None, (5, 9))], [V("PERCENT", 12, 15, None, (5, 9))]).to_dict()
    assert counters(s, "value", "overlap") == (0, 1, 1)
    assert counters(s, "link", "lenient") == (0, 1, 1)
    assert counters(s, "link", "strict") == (0, 1, 1)


def test_wrong_link_target() -> None:
    gold, pred = [V("MONEY", 0, 3, None, (5, 9))], [V("MONEY", 0, 3, None, (10, 14))]
    s = score_document(gold, pred).to_dict()
    assert counters(s, "link", "lenient") == (0, 1, 1)
    assert align(gold, pred).pairs[0].link == "wrong"


@pytest.mark.parametrize(
    ("gold", "pred", "equal"),
    [
        (20542500.0, 20542500.000001, True),
        (90.6, 90.60000001, True),
        (90.6, 90.7, False),
        (0.0, 0.0, True),
        (None, None, True),
        (None, 0.0, False),
        (0.0, None, False),
    ],
)
def test_values_equal(gold: float | None, pred: float | None, equal: bool) -> None:
    assert values_equal(gold, pred) is equal


def test_unnormalised_gold_values_are_counted() -> None:
    s = score_document([V("MONEY", 0, 3, None), V("MONEY", 5, 8, 1.0)], [V("MONEY", 0, 3, None), V("MONEY", 5, 8, None)]).to_dict()
    assert s["gold_unnormalised"] == 1
    assert counters(s, "value", "norm") == (1, 1, 1)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [([], [], (0, 0, 0)), ([], [V("COUNT", 0, 2)], (0, 1, 0)), ([V("COUNT", 0, 2)], [], (0, 0, 1))],
)
def test_empty_sides_score_zero(gold: list[ValueSpan], pred: list[ValueSpan], expected: tuple[int, int, int]) -> None:
    """A ratio with a zero denominator is 0.0; the counters tell the cases apart."""
    s = score_document(gold, pred).to_dict()
    for kind, strategies in (("value", ("overlap", "exact", "norm")), ("link", ("lenient", "strict"))):
        for strategy in strategies:
            assert s[f"{kind}_p_{strategy}"] == s[f"{kind}_r_{strategy}"] == s[f"{kind}_f1_{strategy}"] == 0.0
    assert counters(s, "value", "overlap") == expected
    assert counters(s, "link", "lenient") == (0, 0, 0)


def test_counts_ratios() -> None:
    c = Counts(tp=3, fp=1, fn=2)
    assert (c.precision, c.recall) == (0.75, 0.6)
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert c + Counts(1, 1, 1) == Counts(4, 2, 3)
    assert Counts().to_dict() == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}


def test_micro_average_over_documents() -> None:
    gold = {"a": [V("COUNT", 0, 2)], "b": [V("COUNT", 0, 2), V("COUNT", 3, 5), V("COUNT", 6, 8)], "c": []}
    pred = {"a": [V("COUNT", 0, 2)], "unknown": [V("COUNT", 0, 2)]}
    s = score(gold, pred).to_dict()
    assert s["docs"] == 3
    assert counters(s, "value", "overlap") == (1, 0, 3)
    assert s["value_r_overlap"] == 0.25  # macro over documents would give 0.5
    assert s["value_p_overlap"] == 1.0


# --- conversions ----------------------------------------------------------------------------------


def test_gold_values_from_an_annotated_document() -> None:
    text = "年度预算 2054.25 万元，完成预算的 90.6%，召开13次。"
    ents = [
        Entity("INDICATOR", 0, 4, "年度预算", "gold"),
        Entity("MONEY", 5, 15, "2054.25 万元", "gold"),
        Entity("INDICATOR", 16, 20, "完成预算", "gold"),
        Entity("PERCENT", 21, 26, "90.6%", "gold"),
        Entity("COUNT", 29, 32, "13次", "gold"),
    ]
    doc = Document(text, ents, [Relation(1, 0), Relation(3, 2)], name="d")
    calls: list[tuple[str, str, str | None]] = []

    def fake(label: str, span: str, implied_unit: str | None) -> float | None:
        calls.append((label, span, implied_unit))
        return {"MONEY": 20542500.0, "PERCENT": 90.6}.get(label)

    assert gold_values(doc, fake) == [
        ValueSpan("MONEY", 5, 15, 20542500.0, Span(0, 4), "2054.25 万元"),
        ValueSpan("PERCENT", 21, 26, 90.6, Span(16, 20), "90.6%"),
        ValueSpan("COUNT", 29, 32, None, None, "13次"),
    ]
    assert calls == [("MONEY", "2054.25 万元", None), ("PERCENT", "90.6%", None), ("COUNT", "13次", None)]


def test_bare_gold_amount_borrows_the_nearest_money_unit() -> None:
    text = "项目预算数 628.67 万元，执行数 605.58。其他支出由单位自有资金安排，合计 10 元。"
    ents = [Entity("MONEY", text.index(s), text.index(s) + len(s), s) for s in ("628.67 万元", "605.58", "10 元")]
    assert [v.value for v in gold_values(Document(text, ents))] == [6286700.0, 6055800.0, 10.0]


def test_pred_values_from_records() -> None:
    records = [
        Record("MONEY", "2054.25 万元", 5, 15, 20542500, "元", indicator=Indicator("年度预算", 0, 4)),
        Record("COUNT", "13次", 29, 32, None, "次"),
    ]
    assert pred_values(records) == [
        ValueSpan("MONEY", 5, 15, 20542500.0, Span(0, 4), "2054.25 万元"),
        ValueSpan("COUNT", 29, 32, None, None, "13次"),
    ]


# --- oracles and properties -------------------------------------------------------------------------

LABELS = ("MONEY", "PERCENT", "COUNT")


@st.composite
def disjoint_spans(draw: st.DrawFn, max_size: int = 8) -> list[ValueSpan]:
    """Non-overlapping spans in text order, as annotation files have them."""
    parts = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4), st.sampled_from(LABELS)), max_size=max_size))
    spans, pos = [], 0
    for gap, length, label in parts:
        spans.append(V(label, pos + gap, pos + gap + length))
        pos += gap + length
    return spans


@settings(max_examples=200, deadline=None)
@given(disjoint_spans(), disjoint_spans())
def test_exact_counts_equal_nervaluate_strict(gold: list[ValueSpan], pred: list[ValueSpan]) -> None:
    """Oracle: on non-overlapping span sets, ``exact`` is nervaluate's ``strict`` scenario."""
    ner = lambda vs: [NerEntity(v.label, v.start, v.end - 1) for v in vs]  # nervaluate ends are inclusive
    ref, _ = StrictEvaluation().evaluate(ner(gold), ner(pred), list(LABELS))
    s = score_document(gold, pred).to_dict()
    assert s["value_tp_exact"] == ref.correct
    assert s["value_tp_exact"] + s["value_fp_exact"] == ref.actual
    assert s["value_tp_exact"] + s["value_fn_exact"] == ref.possible
    assert s["value_p_exact"] == pytest.approx(ref.precision)
    assert s["value_r_exact"] == pytest.approx(ref.recall)
    assert s["value_f1_exact"] == pytest.approx(ref.f1)


def bio(spans: list[ValueSpan], n: int) -> list[str]:
    tags = ["O"] * n
    for v in spans:
        tags[v.start] = f"B-{v.label}"
        for i in range(v.start + 1, v.end):
            tags[i] = f"I-{v.label}"
    return tags


@settings(max_examples=200, deadline=None)
@given(disjoint_spans(), disjoint_spans())
def test_exact_scores_equal_seqeval(gold: list[ValueSpan], pred: list[ValueSpan]) -> None:
    """Oracle: on BIO-encodable span sets, ``exact`` P/R/F1 are seqeval's (conlleval) scores."""
    n = max([v.end for v in gold + pred], default=0) + 1
    y_true, y_pred = [bio(gold, n)], [bio(pred, n)]
    s = score_document(gold, pred).to_dict()
    assert s["value_p_exact"] == pytest.approx(precision_score(y_true, y_pred, zero_division=0))
    assert s["value_r_exact"] == pytest.approx(recall_score(y_true, y_pred, zero_division=0))
    assert s["value_f1_exact"] == pytest.approx(f1_score(y_true, y_pred, zero_division=0))


def brute_force_matching_size(gold: list[ValueSpan], pred: list[ValueSpan]) -> int:
    best = 0
    for k in range(min(len(gold), len(pred)), 0, -1):
        for gs in itertools.combinations(range(len(gold)), k):
            for ps in itertools.permutations(range(len(pred)), k):
                if all(gold[g].label == pred[p].label and gold[g].span.overlaps(pred[p].span) for g, p in zip(gs, ps)):
                    return k
    return best


any_spans = st.lists(
    st.builds(lambda s, n, lab: V(lab, s, s + n), st.integers(0, 12), st.integers(1, 5), st.sampled_from(LABELS[:2])),
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(any_spans, any_spans)
def test_overlap_matching_is_maximum(gold: list[ValueSpan], pred: list[ValueSpan]) -> None:
    """Oracle: overlap tp equals a brute-force maximum matching, even with overlapping spans."""
    s = score_document(gold, pred).to_dict()
    assert s["value_tp_overlap"] == brute_force_matching_size(gold, pred)
    assert len([p for p in align(gold, pred).pairs if p.gold is not None and p.pred is not None and p.kind != "label"]) == s["value_tp_overlap"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(1, 4), st.sampled_from(LABELS[:2]), st.sampled_from([None, 1.0, 2.0]), st.sampled_from([None, (20, 23), (22, 25)])), max_size=5),
    st.lists(st.tuples(st.integers(0, 12), st.integers(1, 4), st.sampled_from(LABELS[:2]), st.sampled_from([None, 1.0, 2.0]), st.sampled_from([None, (20, 23), (22, 25)])), max_size=5),
)
def test_strategies_nest(gold_t: list, pred_t: list) -> None:
    """exact <= overlap, norm <= overlap, strict <= lenient <= overlap, and counters add up."""
    gold = [V(lab, s, s + n, val, ind) for s, n, lab, val, ind in gold_t]
    pred = [V(lab, s, s + n, val, ind) for s, n, lab, val, ind in pred_t]
    s = score_document(gold, pred).to_dict()
    assert s["value_tp_exact"] <= s["value_tp_overlap"]
    assert s["value_tp_norm"] <= s["value_tp_overlap"]
    assert s["link_tp_strict"] <= s["link_tp_lenient"] <= s["value_tp_overlap"]
    for strategy in ("overlap", "exact", "norm"):
        tp, fp, fn = counters(s, "value", strategy)
        assert (tp + fp, tp + fn) == (len(pred), len(gold))
    for strategy in ("lenient", "strict"):
        tp, fp, fn = counters(s, "link", strategy)
        assert (tp + fp, tp + fn) == (s["link_pred"], s["link_gold"])
    assert s["link_gold"] == sum(g.indicator is not None for g in gold)
    assert s["link_pred"] == sum(p.indicator is not None for p in pred)

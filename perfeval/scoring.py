"""Scoring of extracted values and links against gold annotations (ANNOTATION.md section 6).

Everything here is a pure function of plain data: gold and predicted values are reduced
to :class:`ValueSpan` (label, span, normalised value, linked indicator span) and compared
under named strategies.

Matching rules
--------------
A *strategy* is a predicate ``compatible(gold, pred)``; all of them require equal labels.

value strategies (every gold and every predicted value takes part):

- ``overlap`` — the spans overlap (share at least one character);
- ``exact``   — the spans are equal;
- ``norm``    — the spans overlap and the predicted ``value`` equals the gold normalised
  value (:func:`values_equal`: ``math.isclose`` with ``rel_tol=1e-6``; two ``None`` values
  are equal, so a span that neither side can turn into a number is not penalised twice).

link strategies (only gold values that have a ``value_of`` link and predicted values that
carry an indicator take part):

- ``lenient`` — the value spans overlap and the indicator spans overlap;
- ``strict``  — the value spans overlap and the indicator spans are equal.

For each strategy, true positives are the size of a **maximum one-to-one matching**
between gold and predicted values under that strategy, computed per document and label
(so no gold value is counted twice, and a duplicate prediction of the same value is a
false positive). Maximum matching, rather than greedy, makes the counts independent of
list order and guarantees the nesting ``exact <= overlap``, ``norm <= overlap`` and
``strict <= lenient``. Then ``fp = predicted - tp`` and ``fn = gold - tp``, where for
links *predicted* counts predicted values with an indicator and *gold* counts gold values
with a link: link precision is over predicted links, link recall over gold links.

Counts are summed over documents before precision, recall and F1 are computed
(micro-average), overall and per label. A ratio whose denominator is zero is 0.0 (as in
spaCy, nervaluate and seqeval); the counters say whether that means "nothing to find"
or "nothing found".
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from perfeval.rules.normalize import money_unit, normalize
from perfeval.types import VALUE_LABELS, VALUE_OF, Document, Record

__all__ = [
    "Span",
    "ValueSpan",
    "Counts",
    "Scores",
    "Pair",
    "Alignment",
    "VALUE_STRATEGIES",
    "LINK_STRATEGIES",
    "Normalizer",
    "values_equal",
    "gold_values",
    "pred_values",
    "max_matching",
    "score_document",
    "align",
    "score",
]


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` into the original document text."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class ValueSpan:
    """A gold or predicted value reduced to what scoring compares.

    ``value`` is the normalised value (ANNOTATION.md section 5) or ``None`` when it
    could not be computed; ``indicator`` is the span of the linked ``INDICATOR``.
    ``text`` is kept for reports only.
    """

    label: str
    start: int
    end: int
    value: float | None = None
    indicator: Span | None = None
    text: str = ""

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


Strategy = Callable[[ValueSpan, ValueSpan], bool]


def values_equal(gold: float | None, pred: float | None) -> bool:
    """Normalised values are equal within ``rel_tol=1e-6``; ``None`` equals only ``None``."""
    if gold is None or pred is None:
        return gold is None and pred is None
    return math.isclose(float(gold), float(pred), rel_tol=1e-6, abs_tol=1e-9)


def _overlap(g: ValueSpan, p: ValueSpan) -> bool:
    return g.label == p.label and g.span.overlaps(p.span)


def _exact(g: ValueSpan, p: ValueSpan) -> bool:
    return g.label == p.label and g.start == p.start and g.end == p.end


def _norm(g: ValueSpan, p: ValueSpan) -> bool:
    return _overlap(g, p) and values_equal(g.value, p.value)


def _lenient(g: ValueSpan, p: ValueSpan) -> bool:
    return _overlap(g, p) and g.indicator is not None and p.indicator is not None and g.indicator.overlaps(p.indicator)


def _strict(g: ValueSpan, p: ValueSpan) -> bool:
    return _overlap(g, p) and g.indicator is not None and g.indicator == p.indicator


#: Value strategies by name: every gold and predicted value takes part.
VALUE_STRATEGIES: dict[str, Strategy] = {"overlap": _overlap, "exact": _exact, "norm": _norm}
#: Link strategies by name: only linked gold values and predicted values with an indicator take part.
LINK_STRATEGIES: dict[str, Strategy] = {"lenient": _lenient, "strict": _strict}


@dataclass
class Counts:
    """True positives, false positives and false negatives of one metric."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}


Normalizer = Callable[[str, str, "str | None"], "float | None"]


def gold_values(doc: Document, normalizer: Normalizer | None = None) -> list[ValueSpan]:
    """The gold values of an annotated document, with normalised value and linked indicator.

    The gold normalised value is the one the annotation states (``Entity.norm``, doccano's
    ``norm`` key); where it states none, ``normalizer(label, span_text, implied_unit)`` gives
    it, by default ``perfeval.rules.normalize(label, span_text, implied_unit).value``, with
    ``None`` where it fails. ``implied_unit`` is set for a ``MONEY`` span without a currency
    unit of its own (执行数 605.58 next to 628.67 万元): the unit of the nearest gold
    ``MONEY`` span that has one, as a reader would take it from the sentence. Call this once
    per document and reuse the result for every prediction scored against it. Relations
    other than ``value_of`` are ignored.
    """
    norm = normalizer or _rules_value
    link: dict[int, Span] = {}
    for rel in doc.relations:
        if rel.label == VALUE_OF:
            tail = doc.entities[rel.tail]
            link[rel.head] = Span(tail.start, tail.end)
    with_unit = [(e.start, unit) for e in doc.entities if e.label == "MONEY" and (unit := money_unit(e.text))]
    out = []
    for i, e in enumerate(doc.entities):
        if e.label not in VALUE_LABELS:
            continue
        implied = None
        if e.label == "MONEY" and money_unit(e.text) is None and with_unit:
            implied = min(with_unit, key=lambda su: abs(su[0] - e.start))[1]
        value = e.norm if e.norm is not None else norm(e.label, e.text, implied)
        out.append(ValueSpan(e.label, e.start, e.end, value, link.get(i), e.text))
    return out


def _rules_value(label: str, text: str, implied_unit: str | None) -> float | None:
    try:
        value = normalize(label, text, implied_unit=implied_unit).value
    except (ValueError, KeyError, IndexError, ArithmeticError):
        return None
    return None if value is None else float(value)


def pred_values(records: Iterable[Record]) -> list[ValueSpan]:
    """The predicted values of a list of extraction records."""
    return [
        ValueSpan(
            r.type,
            r.start,
            r.end,
            None if r.value is None else float(r.value),
            Span(r.indicator.start, r.indicator.end) if r.indicator is not None else None,
            r.text,
        )
        for r in records
    ]


def max_matching(gold: Sequence[ValueSpan], pred: Sequence[ValueSpan], compatible: Strategy) -> dict[int, int]:
    """A maximum one-to-one matching ``{gold index: pred index}`` under ``compatible``.

    Only pairs whose spans overlap are offered to ``compatible`` (every strategy requires
    overlap; candidates are found by binary search over predicted starts). Augmenting paths
    are found breadth-first (Kuhn's algorithm, iterative). Candidates are tried in order of
    boundary distance, so that among equally large matchings each gold value is paired
    with the prediction whose span fits it best; the result is deterministic.
    """
    order = sorted(range(len(pred)), key=lambda j: (pred[j].start, j))
    starts = [pred[j].start for j in order]
    longest = max((p.end - p.start for p in pred), default=0)
    edges = []
    for g in gold:
        window = order[bisect_left(starts, g.start - longest + 1) : bisect_left(starts, g.end)]
        near = [j for j in window if pred[j].end > g.start and compatible(g, pred[j])]
        edges.append(sorted(near, key=lambda j: (abs(pred[j].start - g.start) + abs(pred[j].end - g.end), j)))
    gold_to_pred: dict[int, int] = {}
    pred_to_gold: dict[int, int] = {}
    for root in range(len(gold)):
        reached_from: dict[int, int] = {}
        frontier, seen, free = [root], {root}, None
        while frontier and free is None:
            nxt = []
            for u in frontier:
                for j in edges[u]:
                    if j in reached_from:
                        continue
                    reached_from[j] = u
                    if j not in pred_to_gold:
                        free = j
                        break
                    w = pred_to_gold[j]
                    if w not in seen:
                        seen.add(w)
                        nxt.append(w)
                if free is not None:
                    break
            frontier = nxt
        j = free
        while j is not None:
            u = reached_from[j]
            previous = gold_to_pred.get(u)
            gold_to_pred[u], pred_to_gold[j] = j, u
            j = None if u == root else previous
    return gold_to_pred


@dataclass
class Scores:
    """Counts per metric and label, summed over documents; ``to_dict`` gives the flat keys.

    Metric names are ``value_<strategy>`` and ``link_<strategy>``. ``docs`` counts the
    scored documents; ``gold_unnormalised`` counts gold values whose normalised value is
    ``None``.
    """

    counts: dict[str, dict[str, Counts]] = field(default_factory=dict)
    docs: int = 0
    gold_unnormalised: int = 0

    def add(self, other: Scores) -> None:
        """Add ``other``'s counts to these (micro-averaging over documents)."""
        for metric, by_label in other.counts.items():
            mine = self.counts.setdefault(metric, {})
            for label, c in by_label.items():
                mine[label] = mine.get(label, Counts()) + c
        self.docs += other.docs
        self.gold_unnormalised += other.gold_unnormalised

    def total(self, metric: str) -> Counts:
        """The counts of ``metric`` summed over labels."""
        out = Counts()
        for c in self.counts.get(metric, {}).values():
            out = out + c
        return out

    def to_dict(self) -> dict[str, Any]:
        """Flat scores.

        For each metric ``<kind>_<strategy>`` (kind ``value`` or ``link``):
        ``<kind>_p_<strategy>``, ``<kind>_r_<strategy>``, ``<kind>_f1_<strategy>``,
        ``<kind>_tp_<strategy>``, ``<kind>_fp_<strategy>``, ``<kind>_fn_<strategy>``.
        Totals: ``value_gold``, ``value_pred`` (all values), ``link_gold`` (gold values with
        a link), ``link_pred`` (predicted values with an indicator), ``docs``,
        ``gold_unnormalised``. ``per_label`` holds the ``value_overlap`` counts of each
        label as ``{precision, recall, f1, tp, fp, fn}``; ``per_label_metric`` the same for
        every metric: ``{metric: {label: {...}}}``.
        """
        out: dict[str, Any] = {}
        for kind, strategies in (("value", VALUE_STRATEGIES), ("link", LINK_STRATEGIES)):
            for name in strategies:
                c = self.total(f"{kind}_{name}")
                out[f"{kind}_p_{name}"] = c.precision
                out[f"{kind}_r_{name}"] = c.recall
                out[f"{kind}_f1_{name}"] = c.f1
                out[f"{kind}_tp_{name}"] = c.tp
                out[f"{kind}_fp_{name}"] = c.fp
                out[f"{kind}_fn_{name}"] = c.fn
        overlap, lenient = self.total("value_overlap"), self.total("link_lenient")
        out["value_gold"], out["value_pred"] = overlap.tp + overlap.fn, overlap.tp + overlap.fp
        out["link_gold"], out["link_pred"] = lenient.tp + lenient.fn, lenient.tp + lenient.fp
        out["docs"] = self.docs
        out["gold_unnormalised"] = self.gold_unnormalised
        out["per_label_metric"] = {
            metric: {label: by_label[label].to_dict() for label in VALUE_LABELS if label in by_label}
            for metric, by_label in self.counts.items()
        }
        out["per_label"] = out["per_label_metric"].get("value_overlap", {})
        return out


def score_document(gold: Sequence[ValueSpan], pred: Sequence[ValueSpan]) -> Scores:
    """Counts of every value and link strategy for one document, per label.

    Labels outside :data:`~perfeval.types.VALUE_LABELS` are ignored on both sides.
    """
    scores = Scores(docs=1, gold_unnormalised=sum(g.value is None for g in gold if g.label in VALUE_LABELS))
    for label in VALUE_LABELS:
        g_all = [g for g in gold if g.label == label]
        p_all = [p for p in pred if p.label == label]
        for name, strategy in VALUE_STRATEGIES.items():
            scores.counts.setdefault(f"value_{name}", {})[label] = _count(g_all, p_all, strategy)
        g_linked = [g for g in g_all if g.indicator is not None]
        p_linked = [p for p in p_all if p.indicator is not None]
        for name, strategy in LINK_STRATEGIES.items():
            scores.counts.setdefault(f"link_{name}", {})[label] = _count(g_linked, p_linked, strategy)
    return scores


def _count(gold: Sequence[ValueSpan], pred: Sequence[ValueSpan], strategy: Strategy) -> Counts:
    tp = len(max_matching(gold, pred, strategy))
    return Counts(tp, len(pred) - tp, len(gold) - tp)


@dataclass(frozen=True)
class Pair:
    """One entry of an :class:`Alignment`: a gold value, a predicted value, or both.

    ``kind`` says what is wrong, from the reader's point of view:

    - ``missed``: a gold value no prediction overlaps with the same label;
    - ``spurious``: a prediction that matches no gold value;
    - ``label``: a prediction overlapping an unmatched gold value of another label;
    - ``ok``: matched, same span; ``boundary``: matched, spans differ;
    - ``value``: matched, but the normalised values differ (checked after ``boundary``).

    ``link`` says what is wrong with the link of a matched pair: ``ok``, ``missing`` (gold
    has one, the prediction none), ``spurious`` (the prediction has one, gold none),
    ``wrong`` (the indicator spans do not overlap), ``boundary`` (they overlap but differ),
    or ``""`` when neither side has a link or the pair is not matched.
    """

    kind: str
    gold: ValueSpan | None
    pred: ValueSpan | None
    link: str = ""
    value_ok: bool = False


@dataclass
class Alignment:
    """Gold and predicted values of one document paired under the ``overlap`` strategy."""

    pairs: list[Pair]

    def errors(self) -> list[Pair]:
        """The pairs a user should look at: anything but a fully correct value and link."""
        return [p for p in self.pairs if p.kind != "ok" or p.link not in ("ok", "")]


def align(gold: Sequence[ValueSpan], pred: Sequence[ValueSpan]) -> Alignment:
    """Pair gold and predicted values for error reports, in text order.

    Pairs come from the maximum matching of the ``overlap`` strategy (the same one that
    gives ``value_tp_overlap``), so the number of matched pairs equals that count. The
    ``exact``, ``norm`` and link counts come from their own matchings and may, in rare
    cases with overlapping predictions, differ from what the pairs here suggest.
    """
    matched = max_matching(gold, pred, _overlap)
    used = set(matched.values())
    pairs: list[Pair] = []
    for i, g in enumerate(gold):
        if i not in matched:
            continue
        p = pred[matched[i]]
        value_ok = values_equal(g.value, p.value)
        if (g.start, g.end) != (p.start, p.end):
            kind = "boundary"
        else:
            kind = "ok" if value_ok else "value"
        pairs.append(Pair(kind, g, p, _link_kind(g.indicator, p.indicator), value_ok))
    unmatched_gold = [g for i, g in enumerate(gold) if i not in matched]
    for j, p in enumerate(pred):
        if j in used:
            continue
        other = next((g for g in unmatched_gold if g.span.overlaps(p.span)), None)
        if other is not None:
            pairs.append(Pair("label", other, p))
            unmatched_gold.remove(other)
        else:
            pairs.append(Pair("spurious", None, p))
    pairs.extend(Pair("missed", g, None) for g in unmatched_gold)
    pairs.sort(key=lambda q: ((q.gold or q.pred).start, (q.gold or q.pred).end))  # type: ignore[union-attr]
    return Alignment(pairs)


def _link_kind(gold: Span | None, pred: Span | None) -> str:
    if gold is None:
        return "" if pred is None else "spurious"
    if pred is None:
        return "missing"
    if gold == pred:
        return "ok"
    return "boundary" if gold.overlaps(pred) else "wrong"


def score(gold: Mapping[str, Sequence[ValueSpan]], pred: Mapping[str, Sequence[ValueSpan]]) -> Scores:
    """Micro-averaged scores of predictions against gold, both keyed by document name.

    Every gold document is scored; a document without predictions scores as predicting
    nothing. Predicted documents that are not in ``gold`` are ignored.
    """
    total = Scores()
    for name, g in gold.items():
        total.add(score_document(g, pred.get(name, ())))
    return total

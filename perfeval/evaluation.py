"""Evaluation harness: gold and predicted files, extractor runs, reports, comparisons, CV.

The metrics themselves live in :mod:`perfeval.scoring` (pure functions, rules in its
docstring); this module reads inputs, runs extractors and presents results.

Which documents are scored: annotation files may hold synthetic documents
(``"synthetic": true``), written to teach a model rare patterns. They are *not* scored
unless asked for (``include_synthetic=True``, ``--include-synthetic``): a score should say
how the extractor does on real reports. Cross-validation trains on synthetic documents and
tests on real ones only.

The module is named ``evaluation`` so that the package can export the function
``perfeval.evaluate`` without a module of the same name shadowing it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from perfeval.data.doccano import annotation_files, doc_from_doccano
from perfeval.scoring import Alignment, Normalizer, Pair, Scores, ValueSpan, align, gold_values, pred_values, score_document
from perfeval.types import VALUE_LABELS, Document, Indicator, Record

__all__ = [
    "EvaluationInputError",
    "Extractor",
    "GoldSet",
    "Evaluation",
    "SYSTEMS",
    "evaluate",
    "load_gold",
    "load_predictions",
    "prepare_gold",
    "run_evaluation",
    "extract_records",
    "load_system",
    "compare",
    "cross_validate",
    "document_folds",
    "is_table_document",
    "seed_summary",
    "cv_table",
    "markdown_table",
    "render_report",
    "context",
]

#: Extractor configurations by name, as ``perfeval.load`` keyword arguments.
SYSTEMS: dict[str, dict[str, bool]] = {
    "rules-only": {"rules_only": True},
    "model": {"hybrid": False},
    "hybrid": {},
}


class EvaluationInputError(ValueError):
    """A gold or prediction file that cannot be used; the message names the file (and line)."""


class Extractor(Protocol):
    def extract(self, text: str, name: str | None = None) -> Document: ...


# --- inputs ------------------------------------------------------------------------------------


def load_gold(path: str | Path, include_synthetic: bool = False) -> list[Document]:
    """Annotated documents from a doccano JSONL file or a directory of them.

    Synthetic documents are skipped unless ``include_synthetic``. Raises
    :class:`EvaluationInputError` naming the file and line of the first bad record, or
    when no document is left to score.
    """
    path = Path(path)
    if not path.exists():
        raise EvaluationInputError(f"{path}: no such file or directory")
    docs: list[Document] = []
    skipped = 0
    for file in annotation_files(path):
        for lineno, line in _lines(file):
            try:
                obj = json.loads(line)
                doc = doc_from_doccano(obj)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise EvaluationInputError(f"{file}:{lineno}: not a doccano annotation record ({_describe(exc)})") from exc
            for e in doc.entities:
                if not 0 <= e.start < e.end <= len(doc.text):
                    raise EvaluationInputError(f"{file}:{lineno}: entity [{e.start}, {e.end}) is outside the text of {doc.name}")
            if doc.meta.get("synthetic") and not include_synthetic:
                skipped += 1
                continue
            docs.append(doc)
    if not docs:
        why = f" ({skipped} synthetic skipped; use --include-synthetic)" if skipped else ""
        raise EvaluationInputError(f"{path}: no annotated documents to score{why}")
    return docs


def load_predictions(path: str | Path, gold: Sequence[Document] | None = None) -> dict[str, list[Record]]:
    """Records JSONL as ``perfeval extract --format jsonl`` writes it, grouped by ``doc``.

    Each line holds the ANNOTATION.md section 5 keys plus ``doc`` (the document id). With
    ``gold``, every record of a gold document is checked against its text: the offsets
    must lie inside it and ``text`` must equal ``gold_text[start:end]``; and at least one
    predicted document must be a gold one. Raises :class:`EvaluationInputError` naming the
    file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise EvaluationInputError(f"{path}: no such file")
    texts = {d.name: d.text for d in gold} if gold is not None else {}
    out: dict[str, list[Record]] = {}
    for lineno, line in _lines(path):
        try:
            obj = json.loads(line)
            name = str(obj["doc"])
            record = _record(obj)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise EvaluationInputError(f"{path}:{lineno}: not an extraction record ({_describe(exc)})") from exc
        if name in texts:
            problem = _offset_problem(record, texts[name])
            if problem:
                raise EvaluationInputError(f"{path}:{lineno}: {problem} in document {name}")
        out.setdefault(name, []).append(record)
    if gold is not None and out and not set(out) & set(texts):
        raise EvaluationInputError(
            f"{path}: no 'doc' matches a gold document id (e.g. {next(iter(out))!r} vs {next(iter(texts))!r})"
        )
    return out


def _lines(file: Path) -> Iterable[tuple[int, str]]:
    try:
        with open(file, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if line.strip():
                    yield lineno, line
    except UnicodeDecodeError as exc:
        raise EvaluationInputError(f"{file}: not UTF-8 text") from exc
    except OSError as exc:
        raise EvaluationInputError(f"{file}: {exc.strerror or exc}") from exc


def _describe(exc: Exception) -> str:
    return f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)


def _record(obj: dict[str, Any]) -> Record:
    label = obj["type"]
    if label not in VALUE_LABELS:
        raise ValueError(f"type {label!r} is not one of {', '.join(VALUE_LABELS)}")
    value = obj.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"value {value!r} is not a number or null")
    ind = obj.get("indicator")
    start, end = int(obj["start"]), int(obj["end"])
    return Record(
        type=label,
        text=str(obj.get("text", "")),
        start=start,
        end=end,
        value=value,
        unit=str(obj.get("unit") or ""),
        approximate=bool(obj.get("approximate", False)),
        qualifier=obj.get("qualifier"),
        indicator=Indicator(str(ind.get("text", "")), int(ind["start"]), int(ind["end"])) if ind else None,
        source=str(obj.get("source", "model")),
        confidence=float(obj.get("confidence", 1.0)),
        page=obj.get("page"),
        role=obj.get("role"),
        direction=obj.get("direction"),
    )


def _offset_problem(r: Record, text: str) -> str | None:
    if not 0 <= r.start < r.end <= len(text):
        return f"value span [{r.start}, {r.end}) is outside the text"
    if r.text and r.text != text[r.start : r.end]:
        return f"record text {r.text!r} is not text[{r.start}:{r.end}] = {text[r.start:r.end]!r}"
    if r.indicator is not None and not 0 <= r.indicator.start < r.indicator.end <= len(text):
        return f"indicator span [{r.indicator.start}, {r.indicator.end}) is outside the text"
    return None


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class GoldSet:
    """Gold documents with their values prepared once, for scoring many predictions."""

    docs: dict[str, Document]
    values: dict[str, list[ValueSpan]]


def prepare_gold(docs: Iterable[Document], normalizer: Normalizer | None = None) -> GoldSet:
    """Compute each document's gold values (normalised by ``normalizer``) once."""
    by_name = {str(d.name): d for d in docs}
    return GoldSet(by_name, {name: gold_values(d, normalizer) for name, d in by_name.items()})


@dataclass
class Evaluation:
    """Scores (micro-averaged) plus, per document, its own scores and the alignment of gold
    and predicted values."""

    scores: Scores
    doc_scores: dict[str, Scores] = field(default_factory=dict)
    alignments: dict[str, Alignment] = field(default_factory=dict)
    missing_docs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.scores.to_dict()


def run_evaluation(gold: GoldSet, predictions: Mapping[str, Sequence[Record]]) -> Evaluation:
    """Score ``predictions`` (records by document name) against every gold document.

    A gold document without predictions scores as predicting nothing and is listed in
    ``missing_docs``; predictions for documents not in ``gold`` are ignored.
    """
    result = Evaluation(Scores())
    for name, g in gold.values.items():
        if name not in predictions:
            result.missing_docs.append(name)
        p = pred_values(predictions.get(name, ()))
        result.doc_scores[name] = score_document(g, p)
        result.scores.add(result.doc_scores[name])
        result.alignments[name] = align(g, p)
    return result


def evaluate(gold_docs: Iterable[Document], pred_docs: Iterable[Document], normalizer: Normalizer | None = None) -> dict[str, Any]:
    """Score predicted documents (their ``records``) against annotated ones; flat keys.

    Documents are paired by ``name``; if any predicted document has no name they are
    paired by position instead. See :mod:`perfeval.scoring` for the rules and
    :meth:`perfeval.scoring.Scores.to_dict` for the keys (``value_f1_overlap``,
    ``link_f1_strict``, ``per_label``, …).
    """
    gold_list, pred_list = list(gold_docs), list(pred_docs)
    if any(p.name is None for p in pred_list):
        if len(pred_list) != len(gold_list):
            raise ValueError(f"{len(pred_list)} unnamed predicted documents for {len(gold_list)} gold documents")
        gold_list = [Document(g.text, g.entities, g.relations, name=str(i), meta=g.meta) for i, g in enumerate(gold_list)]
        pred_map = {str(i): p.records for i, p in enumerate(pred_list)}
    else:
        pred_map = {str(p.name): p.records for p in pred_list}
    return run_evaluation(prepare_gold(gold_list, normalizer), pred_map).to_dict()


def extract_records(extractor: Extractor, gold: GoldSet) -> dict[str, list[Record]]:
    """Run ``extractor`` over the text of every gold document."""
    return {name: list(extractor.extract(doc.text, name=name).records) for name, doc in gold.docs.items()}


def load_system(system: str, model: str | Path | None = None, loader: Callable[..., Extractor] | None = None) -> Extractor:
    """The extractor called ``system`` (a key of :data:`SYSTEMS`), with ``model`` if it uses one.

    ``loader`` defaults to :func:`perfeval.load`.
    """
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")
    if loader is None:
        import perfeval

        loader = perfeval.load  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = dict(SYSTEMS[system])
    if system != "rules-only":
        kwargs["model"] = None if model is None else str(model)
    return loader(**kwargs)


def compare(gold: GoldSet, systems: Mapping[str, Mapping[str, Sequence[Record]]]) -> dict[str, dict[str, Any]]:
    """Flat scores of several systems' predictions (records by document, keyed by system name)."""
    return {name: run_evaluation(gold, preds).to_dict() for name, preds in systems.items()}


#: The words that head score sheets and budget blocks: a document whose text has three of
#: them, or a ``|`` row, is a *table document* (whatever perfeval makes of it).
TABLE_WORDS = ("一级指标", "二级指标", "三级指标", "指标值", "完成值", "实际值", "分值", "得分", "预算数", "执行数", "执行率")
GROUPS = ("all", "table", "prose")


def is_table_document(text: str) -> bool:
    compact = re.sub(r"\s", "", text)
    return "|" in text or sum(word in compact for word in TABLE_WORDS) >= 3


def document_folds(docs: Sequence[Document], k: int) -> list[list[Document]]:
    """``k`` test folds of whole documents: sorted by name, dealt out in turn."""
    ordered = sorted(docs, key=lambda d: str(d.name))
    return [ordered[i::k] for i in range(k) if ordered[i::k]]


def cross_validate(
    real: Sequence[Document],
    synthetic: Sequence[Document] = (),
    *,
    k: int = 6,
    seeds: Sequence[int] = (0,),
    fit_kwargs: Mapping[str, Any] | None = None,
    systems: Sequence[str] = tuple(SYSTEMS),
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """k-fold cross-validation by document of a training recipe, over several seeds.

    Each fold's model is trained (:func:`perfeval.train.fit` with ``fit_kwargs``) on the
    other folds' real documents and every synthetic one (synthetic documents are never
    tested on), and each of ``systems`` is scored on the fold, for all its documents and
    for its table and prose documents apart (:func:`is_table_document`). The held-out
    predictions also give the calibration data: each candidate's value and link logits
    with the gold target and the rules' choice. Returns ``{"folds": [[names]], "seeds":
    {seed: {system: {group: flat scores}}}, "calibration": {"value": (logits, targets,
    rules), "link": (logits, targets, rules)}}`` (micro-averaged over the folds of a seed).
    """
    from perfeval.pipeline import Extractor
    from perfeval.train import candidate_logits, fit  # training needs torch: imported only here

    folds = document_folds(real, k)
    if len(folds) < 2:
        raise ValueError("cross-validation needs at least two folds of real documents")
    results: dict[int, dict[str, dict[str, Scores]]] = {}
    held_out = []
    for seed in seeds:
        totals = {system: {group: Scores() for group in GROUPS} for system in systems}
        for i, held in enumerate(folds):
            held_ids = {id(d) for d in held}
            train_docs = [d for d in real if id(d) not in held_ids] + list(synthetic)
            if progress:
                progress(f"seed {seed}, fold {i + 1}/{len(folds)}: training on {len(train_docs)} documents")
            model, _ = fit(train_docs, seed=seed, progress=False, **dict(fit_kwargs or {}))
            extractors = {"rules-only": Extractor(None), "model": Extractor(model, hybrid=False), "hybrid": Extractor(model)}
            for system in systems:
                for doc in held:
                    gold = prepare_gold([doc])
                    scores = run_evaluation(gold, extract_records(extractors[system], gold)).scores
                    totals[system]["all"].add(scores)
                    totals[system]["table" if is_table_document(doc.text) else "prose"].add(scores)
            held_out.append(candidate_logits(model, held))
        results[seed] = totals
    return {
        "folds": [[str(d.name) for d in fold] for fold in folds],
        "seeds": {seed: {system: {group: scores.to_dict() for group, scores in by_group.items()}
                         for system, by_group in totals.items()} for seed, totals in results.items()},
        "calibration": {
            "value": (np.concatenate([h.value_logits for h in held_out]), np.concatenate([h.value_targets for h in held_out]),
                      np.concatenate([h.value_rules for h in held_out])),
            "link": (_pad_rows([row for h in held_out for row in h.link_logits]),
                     np.concatenate([h.link_targets for h in held_out]), np.concatenate([h.link_rules for h in held_out])),
        },
    }


def _pad_rows(rows: list[np.ndarray]) -> np.ndarray:
    """Rows of different lengths as one matrix, padded with -1e4 (a softmax weight of zero)."""
    width = max((len(r) for r in rows), default=1)
    out = np.full((len(rows), width), -1e4)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


CV_METRICS = (("value F1", "value_f1_overlap"), ("value P", "value_p_overlap"), ("link F1 lenient", "link_f1_lenient"),
              ("link F1 strict", "link_f1_strict"))


def cv_table(result: Mapping[str, Any], sizes: Mapping[str, int] | None = None) -> str:
    """Markdown table of a :func:`cross_validate` result: per system and document group, each
    metric's mean over the seeds (lowest–highest where they differ); ``sizes`` gives the
    number of documents of each group for the row labels."""
    summaries = {key: seed_summary(result, key) for _, key in CV_METRICS}
    lines = ["| system | documents | " + " | ".join(title for title, _ in CV_METRICS) + " |",
             "|---|---|" + "---:|" * len(CV_METRICS)]
    first = next(iter(result["seeds"].values()))
    for system in first:
        for group in first[system]:
            cells = []
            for _, key in CV_METRICS:
                mean, low, high = summaries[key][system][group]
                cells.append(f"{mean:.3f} ({low:.3f}–{high:.3f})" if high > low else f"{mean:.3f}")
            label = f"{group} ({sizes[group]})" if sizes else group
            lines.append(f"| {system} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def seed_summary(result: Mapping[str, Any], key: str) -> dict[str, dict[str, tuple[float, float, float]]]:
    """``{system: {group: (mean, min, max)}}`` of the flat score ``key`` over the seeds."""
    seeds = list(result["seeds"].values())
    out: dict[str, dict[str, tuple[float, float, float]]] = {}
    for system in seeds[0]:
        out[system] = {}
        for group in seeds[0][system]:
            values = [float(s[system][group][key]) for s in seeds]
            out[system][group] = (float(np.mean(values)), min(values), max(values))
    return out


# --- presentation ------------------------------------------------------------------------------

#: Columns of :func:`markdown_table`: (heading, flat key).
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("value P", "value_p_overlap"),
    ("value R", "value_r_overlap"),
    ("value F1", "value_f1_overlap"),
    ("exact F1", "value_f1_exact"),
    ("norm F1", "value_f1_norm"),
    ("link P", "link_p_lenient"),
    ("link R", "link_r_lenient"),
    ("link F1", "link_f1_lenient"),
    ("strict link F1", "link_f1_strict"),
)


def markdown_table(results: Mapping[str, Mapping[str, Any]], first: str = "system") -> str:
    """A markdown table with one row per result (flat scores) and :data:`TABLE_COLUMNS`."""
    head = [first, *(h for h, _ in TABLE_COLUMNS), "gold", "pred"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for name, s in results.items():
        cells = [name, *(f"{s[k]:.3f}" for _, k in TABLE_COLUMNS), str(s["value_gold"]), str(s["value_pred"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"[。！？；!?;]")


def context(text: str, start: int, end: int, width: int = 40) -> tuple[str, str, str]:
    """The sentence around ``text[start:end]`` as (left, span, right), line breaks shown as ⏎.

    The sentence runs from after the previous 。！？； to the next one (inclusive), but at
    most ``width`` characters either side of the span, since report text often breaks lines
    inside sentences.
    """
    lo = max(0, start - width)
    left = text[lo:start]
    ends = list(_SENTENCE_END.finditer(left))
    if ends:
        left = left[ends[-1].end() :]
    right = text[end : end + width]
    m = _SENTENCE_END.search(right)
    if m:
        right = right[: m.end()]
    return _show(left).lstrip(" ⏎"), _show(text[start:end]), _show(right).rstrip(" ⏎")


def _show(s: str) -> str:
    return re.sub(r"\s*\n\s*", "⏎", s)


_KIND_TEXT = {
    "missed": "missed",
    "spurious": "spurious",
    "label": "wrong label",
    "boundary": "boundary",
    "value": "wrong value",
}
_LINK_TEXT = {"missing": "link missing", "spurious": "spurious link", "wrong": "wrong link", "boundary": "link boundary"}


def render_report(evaluation: Evaluation, gold: GoldSet, console: Any, max_errors: int | None = None) -> None:
    """Print a per-label table, a per-document table, then every error with its sentence.

    Errors come from :func:`perfeval.scoring.align`: missed and spurious values, wrong
    labels, boundaries and normalised values, then wrong links (``gold → indicator``
    against ``pred → indicator``). ``max_errors`` caps the listed errors (all by default).
    """
    from rich.markup import escape
    from rich.table import Table

    s = evaluation.to_dict()
    table = Table(title=f"perfeval evaluation: {s['docs']} documents, {s['value_gold']} gold values, {s['link_gold']} gold links")
    for heading in ("label", "gold", "pred", "P", "R", "F1", "exact F1", "norm F1", "link F1", "strict link F1"):
        table.add_column(heading, justify="left" if heading == "label" else "right", no_wrap=True)
    metric = s["per_label_metric"]
    for label in (*VALUE_LABELS, "ALL"):
        if label == "ALL":
            c = {"tp": s["value_tp_overlap"], "fp": s["value_fp_overlap"], "fn": s["value_fn_overlap"], "precision": s["value_p_overlap"], "recall": s["value_r_overlap"], "f1": s["value_f1_overlap"]}
            f1s = [s["value_f1_exact"], s["value_f1_norm"], s["link_f1_lenient"], s["link_f1_strict"]]
        else:
            c = metric["value_overlap"][label]
            f1s = [metric[m][label]["f1"] for m in ("value_exact", "value_norm", "link_lenient", "link_strict")]
        if label != "ALL" and c["tp"] + c["fp"] + c["fn"] == 0:
            continue
        table.add_row(
            f"[bold]{label}[/]" if label == "ALL" else label,
            str(c["tp"] + c["fn"]),
            str(c["tp"] + c["fp"]),
            *(f"{x:.3f}" for x in (c["precision"], c["recall"], c["f1"], *f1s)),
        )
    console.print(table)
    if len(evaluation.doc_scores) > 1:
        docs = Table(title="per document")
        for heading in ("document", "gold", "pred", "F1", "exact F1", "norm F1", "link F1", "strict link F1"):
            docs.add_column(heading, justify="left" if heading == "document" else "right", no_wrap=True)
        for name, doc_scores in evaluation.doc_scores.items():
            d = doc_scores.to_dict()
            f1s = (d[k] for k in ("value_f1_overlap", "value_f1_exact", "value_f1_norm", "link_f1_lenient", "link_f1_strict"))
            docs.add_row(escape(name), str(d["value_gold"]), str(d["value_pred"]), *(f"{x:.3f}" for x in f1s))
        console.print(docs)
    if evaluation.missing_docs:
        console.print(f"[yellow]no predictions for {len(evaluation.missing_docs)} document(s):[/] {escape(', '.join(evaluation.missing_docs))}")

    listed = 0
    total = sum(len(a.errors()) for a in evaluation.alignments.values())
    for name, alignment in evaluation.alignments.items():
        errors = alignment.errors()
        room = len(errors) if max_errors is None else min(len(errors), max_errors - listed)
        if room <= 0:
            continue
        text = gold.docs[name].text
        console.print(f"\n[bold]{escape(name)}[/] — {len(errors)} to look at")
        for pair in errors[:room]:
            console.print(_error_line(pair, text, escape))
        listed += room
    if listed < total:
        console.print(f"\n… {total - listed} more errors (raise --max-errors to see them)")
    elif total == 0:
        console.print("\nno errors: every value and link matches exactly")


def _error_line(pair: Pair, text: str, escape: Callable[[str], str]) -> str:
    g, p = pair.gold, pair.pred
    anchor = g if g is not None else p
    assert anchor is not None
    kinds = [] if pair.kind == "ok" else [_KIND_TEXT[pair.kind]]
    if pair.link in _LINK_TEXT:
        kinds.append(_LINK_TEXT[pair.link])
    parts = [f"[red]{', '.join(kinds):<13}[/]", f"{anchor.label:<7}"]
    if g is not None:
        parts.append(f"gold [green]{escape(_show(g.text or text[g.start:g.end]))}[/]" + _value_and_link(g, text, escape, pair.kind == "value"))
    if p is not None:
        label = f"{p.label} " if g is not None and p.label != g.label else ""
        parts.append(f"pred {label}[magenta]{escape(_show(p.text or text[p.start:p.end]))}[/]" + _value_and_link(p, text, escape, pair.kind == "value"))
    left, span, right = context(text, anchor.start, anchor.end)
    parts.append(f"\n    [dim]{escape(left)}[/][underline]{escape(span)}[/][dim]{escape(right)}[/]")
    return "  " + "  ".join(parts)


def _value_and_link(v: ValueSpan, text: str, escape: Callable[[str], str], show_value: bool) -> str:
    out = f" = {v.value:g}" if show_value and v.value is not None else " = None" if show_value else ""
    if v.indicator is not None:
        out += f" → {escape(_show(text[v.indicator.start : v.indicator.end]))}"
    return out

"""The evaluation harness and ``perfeval evaluate``, on a hand-made two-document corpus.

Extractors, loaders and the trainer are small fakes, so these tests check the harness, not
the extractor.
"""

from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from perfeval.cli.main import app
from perfeval.evaluation import (
    EvaluationInputError,
    compare,
    context,
    cross_validate,
    document_folds,
    evaluate,
    extract_records,
    load_gold,
    load_predictions,
    load_system,
    markdown_table,
    prepare_gold,
    render_report,
    run_evaluation,
    seed_summary,
)
from perfeval.evaluation import is_table_document
from perfeval.types import Document, Indicator, Record

TEXT_A = "2023年年度预算 2054.25 万元，完成预算的 90.6%。"
TEXT_B = "召开常委会会议 13次，审议报告 5 件。"
TEXT_S = "合成文本：支出 3 万元。"


def span(text: str, s: str) -> tuple[int, int]:
    i = text.index(s)
    return i, i + len(s)


def doccano(doc_id: str, text: str, values: list[tuple[str, str, str | None]], synthetic: bool = False) -> dict:
    """One annotation record: ``values`` are (label, value text, indicator text or None)."""
    entities, relations = [], []
    for label, value, indicator in values:
        s, e = span(text, value)
        entities.append({"id": len(entities) + 1, "label": label, "start_offset": s, "end_offset": e})
        if indicator:
            s, e = span(text, indicator)
            entities.append({"id": len(entities) + 1, "label": "INDICATOR", "start_offset": s, "end_offset": e})
            relations.append({"id": len(relations) + 1, "from_id": len(entities) - 1, "to_id": len(entities), "type": "value_of"})
    obj = {"id": doc_id, "text": text, "entities": entities, "relations": relations}
    if synthetic:
        obj["synthetic"] = True
    return obj


GOLD = [
    doccano("a", TEXT_A, [("MONEY", "2054.25 万元", "年度预算"), ("PERCENT", "90.6%", "完成预算")]),
    doccano("b", TEXT_B, [("COUNT", "13次", "常委会会议"), ("COUNT", "5 件", "审议报告")]),
    doccano("s", TEXT_S, [("MONEY", "3 万元", "支出")], synthetic=True),
]


def record(text: str, label: str, value_text: str, value: float | None, indicator: str | None = None) -> Record:
    s, e = span(text, value_text)
    ind = Indicator(indicator, *span(text, indicator)) if indicator else None
    return Record(label, value_text, s, e, value, "", indicator=ind)


# Predictions: doc a perfect; doc b finds 13次 with a wrong link, misses 5 件, adds 2023年 as a COUNT.
PRED = {
    "a": [record(TEXT_A, "MONEY", "2054.25 万元", 20542500, "年度预算"), record(TEXT_A, "PERCENT", "90.6%", 90.6, "完成预算")],
    "b": [record(TEXT_B, "COUNT", "13次", 13, "召开常委会"), record(TEXT_B, "COUNT", "召开", None)],
}


@pytest.fixture()
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in GOLD), encoding="utf-8")
    return path


def write_pred(path: Path, preds: dict[str, list[Record]]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for name, records in preds.items():
            for r in records:
                f.write(json.dumps({**r.to_dict(), "doc": name}, ensure_ascii=False) + "\n")
    return path


class FakeExtractor:
    """Returns canned records per text; remembers what it was asked."""

    def __init__(self, by_text: dict[str, list[Record]]) -> None:
        self.by_text, self.calls = by_text, []

    def extract(self, text: str, name: str | None = None) -> Document:
        self.calls.append(name)
        return Document(text, records=self.by_text.get(text, []), name=name)


PERFECT = FakeExtractor({TEXT_A: PRED["a"], TEXT_B: [record(TEXT_B, "COUNT", "13次", 13, "常委会会议"), record(TEXT_B, "COUNT", "5 件", 5, "审议报告")]})


def expected_counts(s: dict) -> None:
    """The hand-checked counts of PRED against the two real gold documents."""
    assert (s["docs"], s["value_gold"], s["value_pred"], s["link_gold"], s["link_pred"]) == (2, 4, 4, 4, 3)
    assert (s["value_tp_overlap"], s["value_fp_overlap"], s["value_fn_overlap"]) == (3, 1, 1)
    assert (s["value_tp_exact"], s["value_fp_exact"], s["value_fn_exact"]) == (3, 1, 1)
    assert (s["value_tp_norm"], s["value_fp_norm"], s["value_fn_norm"]) == (3, 1, 1)
    # 13次 → 召开常委会 overlaps 常委会会议: lenient yes, strict no
    assert (s["link_tp_lenient"], s["link_fp_lenient"], s["link_fn_lenient"]) == (3, 0, 1)
    assert (s["link_tp_strict"], s["link_fp_strict"], s["link_fn_strict"]) == (2, 1, 2)
    assert s["per_label"]["COUNT"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert s["per_label"]["MONEY"]["f1"] == s["per_label"]["PERCENT"]["f1"] == 1.0


# --- inputs ---------------------------------------------------------------------------------------


def test_load_gold_skips_synthetic_documents(gold_file: Path) -> None:
    assert [d.name for d in load_gold(gold_file)] == ["a", "b"]
    assert [d.name for d in load_gold(gold_file, include_synthetic=True)] == ["a", "b", "s"]
    assert [d.name for d in load_gold(gold_file.parent)] == ["a", "b"]  # a directory of JSONL files


def test_load_gold_errors_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(GOLD[0], ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=r"bad\.jsonl:2: not a doccano annotation record"):
        load_gold(bad)
    only_synthetic = tmp_path / "syn.jsonl"
    only_synthetic.write_text(json.dumps(GOLD[2], ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match="1 synthetic skipped; use --include-synthetic"):
        load_gold(only_synthetic)
    outside = tmp_path / "outside.jsonl"
    obj = {**GOLD[1], "entities": [{"id": 1, "label": "COUNT", "start_offset": 5, "end_offset": 500}], "relations": []}
    outside.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=r"outside\.jsonl:1: entity \[5, 500\) is outside the text of b"):
        load_gold(outside)
    with pytest.raises(EvaluationInputError, match="missing.jsonl: no such file"):
        load_gold(tmp_path / "missing.jsonl")


def test_load_predictions_round_trip(tmp_path: Path, gold_file: Path) -> None:
    loaded = load_predictions(write_pred(tmp_path / "pred.jsonl", PRED), load_gold(gold_file))
    assert loaded == PRED


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"doc": "a", "type": "MONEY", "text": "2054", "start": 0, "end": 4}, r"pred\.jsonl:1: record text '2054' is not text\[0:4\] = '2023' in document a"),
        ({"doc": "a", "type": "MONEY", "text": "", "start": 10, "end": 900}, r"pred\.jsonl:1: value span \[10, 900\) is outside the text in document a"),
        ({"doc": "a", "type": "DATE", "start": 0, "end": 4}, r"pred\.jsonl:1: not an extraction record \(type 'DATE' is not one of"),
        ({"doc": "a", "type": "MONEY", "start": 0}, r"pred\.jsonl:1: not an extraction record \(missing key 'end'\)"),
        ({"doc": "a", "type": "MONEY", "start": 0, "end": 4, "value": "2054"}, r"pred\.jsonl:1: not an extraction record \(value '2054' is not a number or null\)"),
        ({"doc": "zzz", "type": "MONEY", "start": 0, "end": 4}, r"pred\.jsonl: no 'doc' matches a gold document id"),
    ],
)
def test_load_predictions_errors(tmp_path: Path, gold_file: Path, line: dict, message: str) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=message):
        load_predictions(path, load_gold(gold_file))


# --- scoring runs ------------------------------------------------------------------------------------


def test_run_evaluation_counts(gold_file: Path) -> None:
    gold = prepare_gold(load_gold(gold_file))
    result = run_evaluation(gold, PRED)
    expected_counts(result.to_dict())
    a, b = result.doc_scores["a"].to_dict(), result.doc_scores["b"].to_dict()
    assert (a["value_tp_exact"], a["value_fp_exact"], a["value_fn_exact"], a["link_tp_strict"]) == (2, 0, 0, 2)
    assert (b["value_tp_exact"], b["value_fp_exact"], b["value_fn_exact"], b["link_tp_strict"]) == (1, 1, 1, 0)


def test_documents_without_predictions_score_as_empty(gold_file: Path) -> None:
    result = run_evaluation(prepare_gold(load_gold(gold_file)), {"a": PRED["a"]})
    assert result.missing_docs == ["b"]
    s = result.to_dict()
    assert (s["value_tp_overlap"], s["value_fp_overlap"], s["value_fn_overlap"]) == (2, 0, 2)


def test_evaluate_pairs_documents_by_name_or_position(gold_file: Path) -> None:
    docs = load_gold(gold_file)
    named = [Document(TEXT_B, records=PRED["b"], name="b"), Document(TEXT_A, records=PRED["a"], name="a")]
    expected_counts(evaluate(docs, named))
    unnamed = [Document(TEXT_A, records=PRED["a"]), Document(TEXT_B, records=PRED["b"])]
    expected_counts(evaluate(docs, unnamed))
    with pytest.raises(ValueError, match="1 unnamed predicted documents for 2 gold documents"):
        evaluate(docs, unnamed[:1])


def test_gold_normaliser_can_be_injected(gold_file: Path) -> None:
    s = evaluate(load_gold(gold_file), [Document("", records=PRED[n], name=n) for n in PRED], normalizer=lambda label, text, unit: 1.0)
    assert (s["value_tp_overlap"], s["value_tp_norm"]) == (3, 0)


def test_extract_records_and_compare(gold_file: Path) -> None:
    gold = prepare_gold(load_gold(gold_file))
    records = extract_records(PERFECT, gold)
    assert PERFECT.calls[-2:] == ["a", "b"]
    results = compare(gold, {"perfect": records, "pred": PRED})
    assert results["perfect"]["value_f1_exact"] == results["perfect"]["link_f1_strict"] == 1.0
    expected_counts(results["pred"])
    table = markdown_table(results).splitlines()
    assert table[0].startswith("| system | value P | value R | value F1 | exact F1 |")
    assert table[2] == "| perfect | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 4 | 4 |"
    assert table[3] == "| pred | 0.750 | 0.750 | 0.750 | 0.750 | 0.750 | 1.000 | 0.750 | 0.857 | 0.571 | 4 | 4 |"


def test_load_system_passes_the_configuration() -> None:
    calls: list[dict] = []
    loader = lambda **kw: calls.append(kw) or PERFECT
    for system in ("rules-only", "model", "hybrid"):
        load_system(system, "m", loader)
    assert calls == [{"rules_only": True}, {"hybrid": False, "model": "m"}, {"model": "m"}]
    with pytest.raises(ValueError, match="unknown system 'llm'"):
        load_system("llm", None, loader)


def test_document_folds_and_table_documents() -> None:
    docs = [Document(text="x", name=n) for n in "edcba"]
    assert [[d.name for d in fold] for fold in document_folds(docs, 2)] == [["a", "c", "e"], ["b", "d"]]
    assert is_table_document("三级指标|指标值\n") and is_table_document("一级指标 分值 得分 …")
    assert not is_table_document("全年预算执行率达 95%，得分 10分。")


def test_cross_validate_trains_per_fold_and_seed_and_scores_by_group(gold_file: Path) -> None:
    pytest.importorskip("torch")
    from test_model import TINY

    docs = load_gold(gold_file, include_synthetic=True)
    real = [d for d in docs if not d.meta.get("synthetic")]
    synthetic = [d for d in docs if d.meta.get("synthetic")]
    result = cross_validate(real, synthetic, k=2, seeds=(0, 1), fit_kwargs={"epochs": 1, "encoder": TINY},
                            systems=("rules-only", "hybrid"))
    assert result["folds"] == [["a"], ["b"]]
    assert set(result["seeds"]) == {0, 1}
    rules = result["seeds"][0]["rules-only"]
    direct = run_evaluation(prepare_gold(real), extract_records(load_system("rules-only"), prepare_gold(real))).to_dict()
    assert rules["all"]["value_tp_exact"] == direct["value_tp_exact"] and rules["all"]["docs"] == 2
    assert rules["prose"]["docs"] == 2 and rules["table"]["docs"] == 0
    value_logits, value_targets, value_rules = result["calibration"]["value"]
    assert value_logits.shape == (len(value_targets), 5) and len(value_targets) >= 4  # both folds, both seeds
    assert value_rules.shape == value_targets.shape and set(value_rules) <= set(range(5))
    link_logits, link_targets, link_rules = result["calibration"]["link"]
    assert len(link_logits) == len(link_targets) == len(link_rules) and (link_rules < link_logits.shape[1]).all()
    summary = seed_summary(result, "value_f1_overlap")
    assert set(summary) == {"rules-only", "hybrid"} and summary["rules-only"]["all"][1] == summary["rules-only"]["all"][2]


# --- presentation ------------------------------------------------------------------------------------


def test_context_is_the_sentence_with_line_breaks_shown() -> None:
    text = "上一句。本年度预算执行率\n\n达到 95%，较上年提高。下一句。"
    s, e = span(text, "95%")
    assert context(text, s, e) == ("本年度预算执行率⏎达到 ", "95%", "，较上年提高。")
    assert context(text, s, e, width=3) == ("达到 ", "95%", "，较上")


def test_render_report_lists_every_error(gold_file: Path) -> None:
    gold = prepare_gold(load_gold(gold_file))
    out = io.StringIO()
    render_report(run_evaluation(gold, PRED), gold, Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert "perfeval evaluation: 2 documents, 4 gold values, 4 gold links" in text
    assert "│ COUNT   │    2 │    2 │ 0.500 │ 0.500 │ 0.500 │" in text
    assert "│ a        │    2 │    2 │ 1.000 │    1.000 │   1.000 │   1.000 │          1.000 │" in text
    assert "│ b        │    2 │    2 │ 0.500 │    0.500 │   0.500 │   0.667 │          0.000 │" in text
    assert "link boundary  COUNT    gold 13次 → 常委会会议  pred 13次 → 召开常委会" in text
    assert "spurious       COUNT    pred 召开" in text
    assert "missed         COUNT    gold 5 件 → 审议报告" in text
    assert "审议报告 5 件。" in text  # the sentence
    out = io.StringIO()
    render_report(run_evaluation(gold, PRED), gold, Console(file=out, width=200), max_errors=1)
    assert "… 2 more errors (raise --max-errors to see them)" in out.getvalue()


def test_render_report_wrong_label_and_value(gold_file: Path) -> None:
    gold = prepare_gold(load_gold(gold_file))
    pred = {"a": [record(TEXT_A, "PERCENT", "2054.25 万元", None), record(TEXT_A, "PERCENT", "90.6%", 9.06, "完成预算")], "b": []}
    out = io.StringIO()
    render_report(run_evaluation(gold, pred), gold, Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert "wrong label    MONEY    gold 2054.25 万元 → 年度预算  pred PERCENT 2054.25 万元" in text
    assert "wrong value    PERCENT  gold 90.6% = 90.6 → 完成预算  pred 90.6% = 9.06 → 完成预算" in text


# --- command line ------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_json_with_predictions(tmp_path: Path, gold_file: Path) -> None:
    pred = write_pred(tmp_path / "pred.jsonl", PRED)
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--pred", str(pred), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    expected_counts(scores)
    for key in ("value_f1_overlap", "value_f1_exact", "value_f1_norm", "link_f1_lenient", "link_f1_strict", "per_label"):
        assert key in scores


def test_cli_include_synthetic(tmp_path: Path, gold_file: Path) -> None:
    pred = write_pred(tmp_path / "pred.jsonl", PRED)
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--pred", str(pred), "--json", "--include-synthetic"])
    scores = json.loads(result.stdout)
    assert (scores["docs"], scores["value_gold"], scores["value_fn_overlap"]) == (3, 5, 2)


def test_cli_report(tmp_path: Path, gold_file: Path) -> None:
    pred = write_pred(tmp_path / "pred.jsonl", PRED)
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--pred", str(pred)])
    assert result.exit_code == 0, result.output
    assert "missed" in result.stdout and "审议报告 5 件" in result.stdout


def test_cli_bad_prediction_file_is_one_line_on_stderr(tmp_path: Path, gold_file: Path) -> None:
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"doc": "a", "type": "MONEY"\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--pred", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"perfeval evaluate: {bad}:1: not an extraction record")


def test_cli_rejects_conflicting_sources(tmp_path: Path, gold_file: Path) -> None:
    pred = write_pred(tmp_path / "pred.jsonl", PRED)
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--pred", str(pred), "--rules-only"])
    assert result.exit_code == 2
    assert "choose one of --pred, --model and --rules-only" in result.stderr
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--compare", "rules-only,gpt"])
    assert result.exit_code == 2
    assert "unknown system 'gpt'" in result.stderr


@pytest.fixture()
def fake_systems(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """Replace the extractor loader used by the command: rules-only finds nothing, the rest is perfect."""
    loaded: list[tuple[str, str | None]] = []

    def fake_load(system: str, model: str | None = None) -> FakeExtractor:
        loaded.append((system, model))
        return FakeExtractor({}) if system == "rules-only" else PERFECT

    monkeypatch.setattr("perfeval.cli.evaluate.load_system", fake_load)
    return loaded


def test_cli_compare(tmp_path: Path, gold_file: Path, fake_systems: list) -> None:
    pred = write_pred(tmp_path / "pred.jsonl", PRED)
    args = ["evaluate", "--gold", str(gold_file), "--compare", "rules-only,model,hybrid", "--model", "m1", "--model", "m2", "--pred", str(pred)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    systems = json.loads(result.stdout)["systems"]
    assert list(systems) == ["pred", "rules-only", "model:m1", "model:m2", "hybrid:m1", "hybrid:m2"]
    assert fake_systems == [("rules-only", None), ("model", "m1"), ("model", "m2"), ("hybrid", "m1"), ("hybrid", "m2")]
    assert systems["rules-only"]["value_fn_overlap"] == 4
    assert systems["hybrid:m2"]["link_f1_strict"] == 1.0
    expected_counts(systems["pred"])
    table = runner.invoke(app, args).stdout.splitlines()
    assert [row.split(" | ")[0] for row in table[2:]] == ["| pred", "| rules-only", "| model:m1", "| model:m2", "| hybrid:m1", "| hybrid:m2"]


def test_cli_single_extractor(gold_file: Path, fake_systems: list) -> None:
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--model", "m", "--json"])
    assert json.loads(result.stdout)["value_f1_exact"] == 1.0
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--rules-only", "--json"])
    assert json.loads(result.stdout)["value_tp_overlap"] == 0
    assert fake_systems == [("hybrid", "m"), ("rules-only", None)]


class AgreeingModel:
    """Stands in for a trained model: sure of the rules' label and link for every candidate."""

    def __init__(self) -> None:
        from perfeval.model import ModelConfig

        self.config = ModelConfig(encoder={"model_type": "stand-in"})

    def decide(self, text: str, candidates: list) -> list:
        import numpy as np

        from perfeval.model import VALUE_CLASSES, Decision

        out = []
        for c in candidates:
            value = np.zeros(len(VALUE_CLASSES))
            value[VALUE_CLASSES.index(c.label) if c.label else 0] = 1.0
            link = np.zeros(1 + len(c.links))
            link[0 if c.rule_link is None else c.rule_link + 1] = 1.0
            out.append(Decision(value, link))
        return out


def test_cli_cross_validation(gold_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    trained: list[tuple[list[str], dict]] = []

    def fit(docs: list[Document], **kwargs: object) -> tuple[AgreeingModel, list]:
        trained.append(([d.name for d in docs], kwargs))
        return AgreeingModel(), []

    def candidate_logits(model: object, docs: list[Document]) -> types.SimpleNamespace:
        one = np.zeros(1, dtype=np.int64)
        return types.SimpleNamespace(value_logits=np.zeros((1, 5)), value_targets=one, value_rules=one,
                                     link_logits=[np.zeros(2)], link_targets=one, link_rules=one)

    monkeypatch.setitem(sys.modules, "perfeval.train", types.SimpleNamespace(fit=fit, candidate_logits=candidate_logits))
    args = ["evaluate", "--gold", str(gold_file), "--cv", "--epochs", "2", "--seeds", "7,8"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert trained[:2] == [(["b", "s"], {"seed": 7, "progress": False, "epochs": 2}),
                           (["a", "s"], {"seed": 7, "progress": False, "epochs": 2})]
    assert [kwargs["seed"] for _, kwargs in trained] == [7, 7, 8, 8]
    out = json.loads(result.stdout)
    assert out["folds"] == [["a"], ["b"]]
    by_seed = out["seeds"]["7"]
    assert by_seed["hybrid"]["all"] == by_seed["rules-only"]["all"]  # a model that agrees changes nothing
    assert "seed 7, fold 1/2: training on 2 documents" in result.stderr
    text = runner.invoke(app, args).stdout
    assert "2-fold cross-validation by document over 2 real documents (1 synthetic in every training fold)" in text
    assert "| hybrid | all (2) |" in text
    bad = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--cv", "--seeds", "x"])
    assert bad.exit_code == 2 and "--seeds" in bad.stderr


# --- end to end with the real rule layer ------------------------------------------------------------

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations" / "reports"


@pytest.mark.skipif(not any(ANNOTATIONS.glob("*.jsonl")), reason="no annotated reports")
def test_extract_jsonl_feeds_evaluate(tmp_path: Path) -> None:
    """``perfeval extract --format jsonl`` output is what ``--pred`` reads; doc ids are file stems."""
    from conftest import report_paths

    docs = load_gold(ANNOTATIONS)
    paths = [p for p in report_paths() if p.stem in {d.name for d in docs}]
    extracted = runner.invoke(app, ["extract", *map(str, paths), "--rules-only", "--format", "jsonl"])
    assert extracted.exit_code == 0, extracted.output
    pred = tmp_path / "pred.jsonl"
    pred.write_text(extracted.stdout, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--gold", str(ANNOTATIONS), "--pred", str(pred), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["docs"] == len(docs)
    assert scores["value_gold"] == sum(e.is_value for d in docs for e in d.entities)
    assert scores["value_pred"] == len(extracted.stdout.splitlines())
    assert 0 < scores["value_tp_overlap"] <= scores["value_gold"]

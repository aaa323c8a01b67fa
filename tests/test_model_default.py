"""The model shipped in perfeval/models/default/: it loads, runs, and still works without the rule layer."""

from __future__ import annotations

import pytest
import torch

from perfeval.model import DEFAULT_MODEL_DIR, PerfevalModel
from perfeval.model import inputs as model_inputs
from perfeval.model.features import RuleView

SEED = "2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，完成预算的 90.6%。"


@pytest.fixture(scope="module")
def default() -> PerfevalModel:
    torch.set_num_threads(1)
    return PerfevalModel.from_pretrained("default")


def test_default_model_is_small_and_loads(default: PerfevalModel) -> None:
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.iterdir())
    assert size <= 25 * 1024 * 1024
    assert "training data sha256" in (default.card or "")


def _values(pred: object, text: str) -> list[tuple[str, str, str | None]]:
    ents, rels = pred.entities, pred.relations  # type: ignore[attr-defined]
    link = {r.head: ents[r.tail].text for r in rels}
    return [(e.label, e.text, link.get(i)) for i, e in enumerate(ents) if e.is_value]


def test_default_model_reads_the_seed_example(default: PerfevalModel) -> None:
    assert _values(default.predict(SEED), SEED) == [
        ("MONEY", "2054.25 万元", "年度预算"), ("MONEY", "1860.77万元", "实际开支"), ("PERCENT", "90.6%", "完成预算")]


def test_default_model_runs_without_the_rule_layer(default: PerfevalModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_inputs, "rule_view", lambda text: RuleView())
    found = [v[1] for v in _values(default.predict(SEED), SEED)]
    # weaker without the rules (it may take the year for a value, or the comma after one), but it
    # still finds every figure
    assert all(any(figure in value for value in found) for figure in ("2054.25 万元", "1860.77万元", "90.6%"))


def test_values_the_rules_leave_unlinked_stay_unlinked(default: PerfevalModel, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "召开常委会会议 13次，任免国家机关工作人员 119 名。"
    assert {v[1]: v[2] for v in _values(default.predict(text), text)}["13次"] == "常委会会议"
    start = text.index("13次")
    real_view = model_inputs.rule_view(text)
    abstaining = RuleView(real_view.values, [None if v[1] == start else link for v, link in zip(real_view.values, real_view.links)])
    monkeypatch.setattr(model_inputs, "rule_view", lambda t: abstaining)
    linked = {v[1]: v[2] for v in _values(default.predict(text), text)}
    assert linked["13次"] is None and linked["119 名"] == "任免国家机关工作人员"

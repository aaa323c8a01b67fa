"""The model shipped in perfeval/models/default/: small, loads without torch, reads the seed example."""

from __future__ import annotations

import pytest

import perfeval
from perfeval.model import DEFAULT_MODEL_DIR, PerfevalModel

SEED = "2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，完成预算的 90.6%。"


@pytest.fixture(scope="module")
def default() -> PerfevalModel:
    return PerfevalModel.from_pretrained("default")


def test_default_model_is_small_and_loads(default: PerfevalModel) -> None:
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.iterdir())
    assert size <= 25 * 1024 * 1024
    assert "training data sha256" in (default.card or "")
    assert type(default.runner).__name__ == "OnnxRunner"


def test_default_model_reads_the_seed_example() -> None:
    doc = perfeval.load().extract(SEED)
    assert [(r.type, r.text, r.indicator.text if r.indicator else None) for r in doc.records] == [
        ("MONEY", "2054.25 万元", "年度预算"), ("MONEY", "1860.77万元", "实际开支"), ("PERCENT", "90.6%", "完成预算")]
    assert all(0.5 <= r.confidence <= 1 for r in doc.records)


def test_the_exported_model_decides_as_torch_does_on_the_shipped_reports(reports) -> None:
    pytest.importorskip("torch")
    import numpy as np

    from perfeval.model import document_candidates

    onnx, torch_model = PerfevalModel.from_pretrained("default"), PerfevalModel.from_pretrained("default", runtime="torch")
    for text in reports.values():
        candidates = document_candidates(text)
        for a, b in zip(onnx.decide(text, candidates), torch_model.decide(text, candidates)):
            np.testing.assert_allclose(a.value, b.value, atol=1e-4)
            np.testing.assert_allclose(a.link, b.link, atol=1e-4)


def test_batches_tokenised_by_region_decide_as_the_whole_text_does(reports) -> None:
    """decide() tokenises only the part of the text around each batch of candidates (bounded
    memory on long texts); the network sees exactly the windows of the whole text's tokens."""
    import numpy as np

    from perfeval.model import document_candidates
    from perfeval.calibration import softmax
    from perfeval.model.inputs import candidate_rows, link_limit, pad
    from perfeval.model.tokenization import encode

    model = PerfevalModel.from_pretrained("default")
    text = "\n\n".join(reports.values()) * 2
    candidates = link_limit(document_candidates(text), model.config)
    rows = candidate_rows(encode(model.tokenizer, text), candidates, model.config, model.tokenizer.cls_token_id or 0)
    value_logits, _ = model.runner(pad(rows, model.tokenizer.pad_token_id or 0))
    expected = softmax(value_logits, model.config.value_temperature)
    decided = np.stack([d.value for d in model.decide(text, candidates)])
    assert len(candidates) > 4 * 64  # several batches
    np.testing.assert_allclose(decided, expected, atol=1e-5)


def test_a_region_of_the_text_tokenises_as_in_the_whole() -> None:
    import numpy as np

    from perfeval.model.tokenization import encode

    tokenizer = PerfevalModel.from_pretrained("default").tokenizer
    text = "年度预算 2054.25 万元，\n\n全年实际开支 1860.77万元。" * 3
    whole = encode(tokenizer, text)
    begin = text.index("全年", 20)
    part = encode(tokenizer, text, begin, len(text) - 5)
    k = int(np.flatnonzero(whole.starts == part.starts[0])[0])
    for field in ("starts", "ends", "ids"):
        np.testing.assert_array_equal(getattr(part, field), getattr(whole, field)[k:k + len(part)])
    np.testing.assert_array_equal(part.gaps, whole.gaps[k:k + len(part)])  # the blank line before the region's first token counts


def test_the_default_extractor_makes_the_rules_decisions_on_the_shipped_reports(reports) -> None:
    """The shipped recipe turns the hybrid's overrides off (training/README.md says why): every
    value, type and link is the rules', and only the confidences come from the model."""
    rules, default = perfeval.load(rules_only=True), perfeval.load()

    def decisions(doc):
        return [(r.start, r.end, r.type, r.value, r.indicator and (r.indicator.start, r.indicator.end)) for r in doc.records]

    for text in reports.values():
        assert decisions(default.extract(text)) == decisions(rules.extract(text))


def test_extracting_needs_no_torch_nor_transformers() -> None:
    """``pip install perfeval`` brings neither: the default model, a --jobs worker and the spaCy
    component's worker set-up must run with both imports blocked."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.modules['torch'] = sys.modules['transformers'] = None  # any import of them fails\n"
        "import perfeval\n"
        "doc = perfeval.load().extract('年度预算 2054.25 万元，完成预算的 90.6%。')\n"
        "from perfeval.cli.extract import _init_worker\n"
        "_init_worker(None, False, threads=1)\n"
        "import os\n"
        "print(len(doc.records), os.environ['PERFEVAL_THREADS'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={k: v for k, v in __import__("os").environ.items() if k != "PERFEVAL_THREADS"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "1"]

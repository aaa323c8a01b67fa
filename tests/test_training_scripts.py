"""training/cross_validate.py: test folds of written passages and the README sections it writes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from perfeval.types import Document

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("torch", reason="the training scripts need the train extra")
spec = importlib.util.spec_from_file_location("cross_validate", ROOT / "training" / "cross_validate.py")
cv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cv)


def doc(name: str, **meta: object) -> Document:
    return Document(text="x", name=name, meta=dict(meta))


def test_the_cv_section_replaces_its_own_markers_only(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# t\n\nkept\n", encoding="utf-8")
    cv.write_section(readme, f"{cv.START}\nfirst\n{cv.END}")
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## After\n", encoding="utf-8")
    cv.write_section(readme, f"{cv.START}\nsecond\n{cv.END}")
    text = readme.read_text(encoding="utf-8")
    assert text.count(cv.START) == 1 and "second" in text and "first" not in text
    assert text.index("kept") < text.index("## Cross-validation") < text.index("second") < text.index("## After")


def test_choices_take_the_models_argmax_or_the_rules_choice() -> None:
    import numpy as np

    probs = np.array([[0.1, 0.9], [0.7, 0.3], [0.4, 0.6]])
    targets = np.array([1, 1, 0])
    confidence, correct = cv.choices(probs, targets)
    assert confidence.tolist() == [0.9, 0.7, 0.6] and correct.tolist() == [1, 0, 0]
    confidence, correct = cv.choices(probs, targets, rules=np.array([0, 1, 0]))
    assert confidence.tolist() == [0.1, 0.3, 0.4] and correct.tolist() == [0, 1, 1]
    table, eces = cv.calibration_table("values", [("rules", confidence, correct)])
    assert "| 0.0–0.1 |" not in table and "| 0.1–0.2 | 1 | 0.000 |" in table and "| 0.4–0.5 | 1 | 1.000 |" in table
    assert eces == [pytest.approx((0.1 + 0.7 + 0.6) / 3)]


def test_dev_set_benchmark_says_so_when_the_dev_set_is_absent(tmp_path):
    script = ROOT / "benchmarks" / "dev_set.py"
    result = subprocess.run([sys.executable, str(script), "--gold", str(tmp_path / "absent")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and "nothing to measure" in result.stdout

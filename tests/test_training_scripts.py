"""training/cross_validate.py: test folds of written passages and the README sections it writes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from perfeval.types import Document

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("cross_validate", ROOT / "training" / "cross_validate.py")
cv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cv)


def doc(name: str, **meta: object) -> Document:
    return Document(text="x", name=name, meta=dict(meta))


def test_written_folds_hold_out_whole_departments_and_nothing_else() -> None:
    docs = [doc("000_real"), doc("syn-0001", synthetic=True)]
    docs += [doc(f"written-{dept}_{k}", synthetic=True, origin="written") for dept in ("edu", "agri", "civil") for k in (1, 2)]
    folds = cv.written_folds(docs, 2)
    assert {name: [d.name for d in held] for name, held in folds.items()} == {
        "agri+edu": ["written-edu_1", "written-edu_2", "written-agri_1", "written-agri_2"],
        "civil": ["written-civil_1", "written-civil_2"],
    }


def test_sections_replace_their_own_markers_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = {"systems": {"hybrid": {}}, "folds": {}}
    readme = tmp_path / "README.md"
    readme.write_text("# t\n", encoding="utf-8")
    monkeypatch.setattr(cv, "markdown_table", lambda systems: "TABLE")  # tested in test_evaluate.py
    for kind in ("cv", "written", "cv"):
        cv.write_section(readme, cv.cv_section(result, f"cmd {kind}", kind), kind)
    text = readme.read_text(encoding="utf-8")
    assert text.count("<!-- cv:start -->") == 1 and text.count("<!-- written-cv:start -->") == 1
    assert "cmd written" in text and text.count("cmd cv") == 1
    assert text.index("## Cross-validation") < text.index("## Held-out written passages")


def test_dev_set_benchmark_says_so_when_the_dev_set_is_absent(tmp_path):
    script = ROOT / "benchmarks" / "dev_set.py"
    result = subprocess.run([sys.executable, str(script), "--gold", str(tmp_path / "absent")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and "nothing to measure" in result.stdout

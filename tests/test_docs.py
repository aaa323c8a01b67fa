"""The docs stand on their own: every link in them points to a file of this repository."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def tracked(pattern: str) -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for p in ROOT.rglob(pattern) if ".venv" not in p.parts)
    return [ROOT / line for line in out.splitlines()]


def markdown_texts() -> list[tuple[Path, str]]:
    texts = [(path, path.read_text(encoding="utf-8")) for path in tracked("*.md")]
    for path in tracked("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts.append((path, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")))
    return texts


DOCS = markdown_texts()


def test_the_guideline_and_the_output_contract_are_in_the_repository() -> None:
    guideline = (ROOT / "docs" / "ANNOTATION.md").read_text(encoding="utf-8")
    for section in ("## 1. Documents", "## 2. Entities", "## 3. The `value_of` relation", "## 4. Annotation files",
                    "## 5. Extraction records", "## 6. Scoring", "## 7. Settled cases"):
        assert section in guideline  # code and docs cite these numbers
    assert (ROOT / "docs" / "outputs.md").is_file()


@pytest.mark.parametrize("path, text", DOCS, ids=[str(p.relative_to(ROOT)) for p, _ in DOCS])
def test_every_link_points_inside_the_repository(path: Path, text: str) -> None:
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor on the same page
        resolved = (path.parent / target.split("#")[0]).resolve()
        assert resolved.is_relative_to(ROOT), f"{path.name}: {target} leaves the repository"
        assert resolved.exists(), f"{path.name}: {target} does not exist"
    assert "shared/spec" not in text, f"{path.name} refers to the shared spec outside the repository"

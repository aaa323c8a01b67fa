from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_REPORTS = ROOT.parent / "shared" / "reports"
EXAMPLES = ROOT / "examples"


def report_paths() -> list[Path]:
    """The shared reports (or their shipped copies in examples/ on a lone clone)."""
    folder = SHARED_REPORTS if SHARED_REPORTS.is_dir() else EXAMPLES
    return sorted(folder.glob("*.txt"))


@pytest.fixture(scope="session")
def reports() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in report_paths()}

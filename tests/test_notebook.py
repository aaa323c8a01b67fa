"""notebooks/quickstart.ipynb: stored without outputs, and runs top to bottom."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "quickstart.ipynb"
# Debian's fonts-noto-cjk and fonts-wqy-microhei, two of the files the notebook looks for
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.mark.slow
def test_notebook_runs() -> None:
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")
    pytest.importorskip("torch", reason="the notebook retrains a tiny model: it needs the train extra")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert sum("image/png" in output.get("data", {}) for output in outputs) == 2
    printed = "".join(output.get("text", "") for output in outputs)
    assert "values," in printed and "trained in" in printed
    if any(font.exists() for font in CJK_FONTS):
        assert "CJK font: None" not in printed and "CJK font: " in printed
        assert "missing from font" not in printed  # matplotlib's warning for glyphs it cannot draw


def test_notebook_imports_only_what_perfeval_and_its_notebook_extra_install() -> None:
    import ast
    import sys
    from importlib.metadata import packages_distributions, requires

    from packaging.requirements import Requirement

    def normal(name: str) -> str:
        return name.lower().replace("_", "-")

    installs = set()
    for line in requires("perfeval") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": "notebook"}):
            installs.add(normal(requirement.name))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    modules = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"perfeval"}
    assert "matplotlib" in third_party
    distributions = packages_distributions()
    missing = {m for m in third_party if not any(normal(d) in installs for d in distributions.get(m, [m]))}
    assert not missing, f"the notebook imports {sorted(missing)}: add them to the notebook extra in pyproject.toml"

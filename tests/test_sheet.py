"""`perfeval sheet` rebuilds score sheets and budget blocks exactly.

The fixtures in ``fixtures/sheets`` are sheets written for these tests in three layouts
seen on real report pages: one cell per line ending in ``|`` (``cells_pipe``), ``|`` rows
with a header and cells wrapped over lines and the header repeated after a page footer
(``pipe_wrapped``), and ``|`` rows with section weights in the header cells
(``pipe_header_weights``). Each ``.csv`` beside them was written by hand.
"""

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import perfeval
from perfeval.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
SHEETS = ["cells_pipe", "pipe_wrapped", "pipe_header_weights"]
runner = CliRunner()


def expected(name):
    with open(FIXTURES / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", SHEETS)
def test_sheet_command_rebuilds_the_sheet(name, tmp_path):
    out = tmp_path / "sheet.csv"
    result = runner.invoke(app, ["sheet", str(FIXTURES / f"{name}.txt"), "--rules-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig") as f:
        got = list(csv.DictReader(f))
    want = expected(name)
    assert [{k: row[k] for k in want[0]} for row in got] == want
    assert {row["doc"] for row in got} == {name}


@pytest.mark.parametrize("name", SHEETS)
def test_sheet_offsets_point_at_their_cells(name):
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    rows = perfeval.sheet(perfeval.load(rules_only=True).extract(text, name=name))
    for row in rows:
        assert text[row.start:row.end]
        if row.level3_start is not None:
            assert text[row.level3_start:row.level3_end] == row.level3
        for field in ("target", "actual", "weight", "score"):
            start = getattr(row, f"{field}_start")
            if start is not None:
                cell = "".join(text[start:getattr(row, f"{field}_end")].split())
                assert cell and cell in "".join((getattr(row, f"{field}_text", None) or cell).split())


def test_the_default_model_gives_the_same_sheet():
    text = (FIXTURES / "pipe_wrapped.txt").read_text(encoding="utf-8")
    rules = perfeval.sheet(perfeval.load(rules_only=True).extract(text))
    default = perfeval.sheet(perfeval.load().extract(text))
    assert default == rules


def test_sheet_on_stdout_is_csv():
    result = runner.invoke(app, ["sheet", str(FIXTURES / "cells_pipe.txt"), "--rules-only"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["section"] for r in rows[:2]] == ["budget", "budget"]
    assert rows[-1]["level3"] == "救助对象满意度"


def test_unreadable_input_is_named_and_the_rest_still_written(tmp_path):
    out = tmp_path / "sheet.csv"
    result = runner.invoke(app, ["sheet", str(FIXTURES / "cells_pipe.txt"), str(tmp_path / "missing.txt"), "-o", str(out),
                                 "--rules-only"])
    assert result.exit_code == 1
    assert "missing.txt" in result.output
    assert out.read_text(encoding="utf-8-sig").count("\n") == len(expected("cells_pipe")) + 1

"""Property tests of the CLI's outputs: hostile output paths never destroy anything or give a
traceback, every format reads back what was written, document names are unique."""

from __future__ import annotations

import csv
import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from typer.testing import CliRunner

from perfeval.cli.main import app
from perfeval.readers import document_names
from perfeval.writers import FORMATS_BY_SUFFIX, FORMULA_START, write_rows

SAMPLE = "2023年年度预算 2054.25 万元，完成预算的 90.6%。召开常委会会议 13次。"
RECORDS = ["2054.25 万元", "90.6%", "13次"]
STATES = ("absent", "file", "directory", "the input", "under a file", "in new folders", "symlink to a file")
NAME = st.text(alphabet=st.sampled_from(list("ab报告 =+-@'\"*?[]#%$~,;&()（）．.\u3000é\u200b")), min_size=1, max_size=12).filter(
    lambda n: n not in (".", "..") and not n.startswith("-")
)
runner = CliRunner()


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every path below ``root`` with its kind, mode and content (links not followed)."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        content = path.read_bytes() if stat.S_ISREG(info.st_mode) else os.readlink(path) if path.is_symlink() else None
        out[str(path.relative_to(root))] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), content)
    return out


def texts_in(path: Path, fmt: str) -> list[str]:
    """The ``text`` column of the records written to ``path``."""
    if fmt == "jsonl":
        return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "json":
        return [row["text"] for row in json.loads(path.read_text(encoding="utf-8"))]
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            return [row["text"] for row in csv.DictReader(f)]
    if fmt == "xlsx":
        rows = list(load_workbook(path)["records"].values)
        return [row[rows[0].index("text")] for row in rows[1:]]
    return pq.read_table(path).column("text").to_pylist()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=NAME,
    suffix=st.sampled_from([*FORMATS_BY_SUFFIX, ".txt", ""]),
    format=st.sampled_from([None, "jsonl", "json", "csv", "table"]),
    state=st.sampled_from(STATES),
)
def test_hostile_output_paths(name: str, suffix: str, format: str | None, state: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        report = root / "report.txt"
        report.write_text(SAMPLE, encoding="utf-8")
        output = root / (name + suffix)
        if state == "file":
            output.write_text("keep", encoding="utf-8")
            output.chmod(0o640)
        elif state == "directory":
            output.mkdir()
        elif state == "the input":
            output = report
        elif state == "under a file":
            (root / "blocker").write_text("keep", encoding="utf-8")
            output = root / "blocker" / (name + suffix)
        elif state == "in new folders":
            output = root / name / "deeper" / (name + suffix)
        elif state == "symlink to a file":
            (root / "target").write_text("keep", encoding="utf-8")
            output.symlink_to(root / "target")
        before = snapshot(root)
        args = ["extract", str(report), "--rules-only", "-o", str(output)] + (["-f", format] if format else [])
        result = runner.invoke(app, args)

        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        fmt = format or FORMATS_BY_SUFFIX.get(output.suffix.lower())
        refused = fmt in (None, "table") or state in ("directory", "the input", "under a file")
        if refused:
            assert result.exit_code == 2, result.output
            assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1
            assert snapshot(root) == before  # nothing written, nothing created, nothing changed
            return
        assert result.exit_code == 0, result.output
        after = snapshot(root)
        assert not [p for p in after if p.endswith(".part")]
        assert after["report.txt"] == before["report.txt"]
        assert texts_in(output, fmt) == RECORDS
        if state == "file":
            assert stat.S_IMODE(output.stat().st_mode) == 0o640
        if state == "symlink to a file":
            assert output.is_symlink() and (root / "target").read_bytes() != b"keep"  # written through the link


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["=1+2", "+1", "-2.64个百分点", "@SUM(A1)", "\t", "a\x0cb", "一\n二", "_x0041_"]),
)
ROWS = st.lists(
    st.fixed_dictionaries({"doc": st.text(min_size=1, max_size=8), "value": CELL},
                          optional={"note": CELL, "indicator": st.none() | st.fixed_dictionaries({"text": st.text(max_size=8), "start": st.integers(0, 10**6)})}),
    max_size=8,
)


def _same(written: Any, read: Any) -> bool:
    if isinstance(written, float) and isinstance(read, (int, float)) and not isinstance(read, bool):
        return math.isclose(written, read, rel_tol=1e-15, abs_tol=1e-300)
    return written == read


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, fmt=st.sampled_from(["jsonl", "json", "csv", "xlsx", "parquet"]))
def test_every_format_reads_back_what_was_written(rows: list[dict[str, Any]], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"rows.{fmt}"
        write_rows(rows, path)
        flat = [{**{k: v for k, v in r.items() if k != "indicator"},
                 **({f"indicator_{s}": (r.get("indicator") or {}).get(s) for s in ("text", "start")} if any("indicator" in x for x in rows) and any(x.get("indicator") for x in rows) else {})} for r in rows]
        if fmt in ("jsonl", "json"):
            text = path.read_text(encoding="utf-8")
            back = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else json.loads(text)
            assert back == rows
        elif fmt == "csv":
            with open(path, encoding="utf-8-sig", newline="") as f:
                back = list(csv.DictReader(f))
            assert len(back) == len(rows)
            for written, read in zip(flat, back):
                for key, value in written.items():
                    expected = "" if value is None else str(value)
                    if isinstance(value, str) and value.startswith(FORMULA_START):
                        expected = "'" + value  # a formula in a spreadsheet otherwise
                    assert read[key] == expected
        elif fmt == "xlsx":
            sheet = list(load_workbook(path)["records"].values)
            if not rows:
                return
            header = sheet[0]
            for written, read in zip(flat, sheet[1:]):
                for key, value in written.items():
                    cell = read[header.index(key)]
                    cell = unescape(cell) if isinstance(cell, str) else cell
                    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
                        value = float(value)  # beyond what Excel or openpyxl hold as integers
                    if isinstance(value, float):
                        value = float("%.16g" % value)  # openpyxl writes 16 significant digits
                    assert _same(value, cell) or (value == "" and cell is None), (key, value, cell)
        else:
            table = pq.read_table(path)
            if not rows:
                return
            for key in flat[0]:
                column = table.column(key)
                for value, read in zip([r.get(key) for r in flat], column.to_pylist()):
                    if str(column.type) == "string" and not isinstance(value, str) and value is not None:
                        value = str(value)  # a column of mixed kinds is text
                    elif str(column.type) == "double" and value is not None:
                        value = float(value)
                    assert _same(value, read), (key, value, read)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["good.pdf", "good.docx", "a/good.pdf", "b/good.pdf", "good.pdf.txt", "-", "stdin.txt",
                                 "x/y/z.txt", "z.txt", "=1+2.txt", "a/b.c.d"]), unique=True))
def test_document_names_are_unique_and_keep_the_stem_where_they_can(inputs: list[str]) -> None:
    names = document_names(inputs)
    assert len(set(names)) == len(names)
    stems = [("stdin" if item == "-" else Path(item).stem) for item in inputs]
    for item, name, stem in zip(inputs, names, stems):
        if stems.count(stem) == 1 and names.count(stem) <= 1 and stem not in [n for n in names if n != name]:
            assert name == stem

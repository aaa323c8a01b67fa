"""Where and how outputs are written: nothing destroyed, nothing lost, no formulas, one workbook.

Devices are made with ``mknod`` inside the test's folder (never ``/dev`` itself), so that a
regression cannot replace a system device.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import perfeval.cli.extract as extract_module
from perfeval.cli.main import app
from perfeval.writers import arrow_table, atomic_path, write_rows

SAMPLE = "2023年年度预算 2054.25 万元，完成预算的 90.6%。召开常委会会议 13次。"
RECORDS = ["2054.25 万元", "90.6%", "13次"]
runner = CliRunner()


def perfeval(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def device(path: Path, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7) at ``path``."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot make a device node here ({err})")
    return path


# ------------------------------------------------------------------ nothing destroyed


def test_a_device_is_written_in_place_not_replaced(tmp_path: Path, report: Path) -> None:
    null = device(tmp_path / "null", 3)
    result = perfeval("extract", report, "--rules-only", "-f", "jsonl", "-o", null)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_full_device_gives_one_line(tmp_path: Path, report: Path) -> None:
    full = device(tmp_path / "full", 7)
    result = perfeval("extract", report, "--rules-only", "-f", "jsonl", "-o", full)
    assert result.exit_code == 2
    assert one_error_line(result) == f"error: {full}: cannot write (No space left on device); check the disk and the folder"
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_pipe_gets_the_records_and_stays_a_pipe(tmp_path: Path, report: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = perfeval("extract", report, "--rules-only", "-f", "jsonl", "-o", fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["text"] for line in received[0].decode().splitlines()] == RECORDS
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("command", [
    ("extract", "{r}", "--rules-only", "-f", "jsonl", "-o", "{r}"),
    ("extract", "{d}", "--rules-only", "-f", "jsonl", "-o", "{r}"),  # the input came through its folder
    ("render", "{r}", "--rules-only", "-o", "{r}"),
    ("summary", "{r}", "--rules-only", "-o", "{r}.csv"),  # a different file: fine
])
def test_an_output_that_is_an_input_is_refused(tmp_path: Path, report: Path, command: tuple[str, ...]) -> None:
    args = [a.format(r=report, d=tmp_path) for a in command]
    result = perfeval(*args)
    if args[-1].endswith(".csv"):
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2
        assert one_error_line(result) == f"error: {report}: is one of the inputs; write the output to another file"
    assert report.read_text(encoding="utf-8") == SAMPLE


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path, report: Path) -> None:
    new, kept = tmp_path / "new.jsonl", tmp_path / "kept.csv"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    old_mask = os.umask(0o022)
    try:
        assert perfeval("extract", report, "--rules-only", "-o", new).exit_code == 0
        assert perfeval("extract", report, "--rules-only", "-o", kept).exit_code == 0
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text(encoding="utf-8-sig").startswith("type,")


def test_a_symlinked_output_keeps_its_link(tmp_path: Path, report: Path) -> None:
    target, link = tmp_path / "target.jsonl", tmp_path / "link.jsonl"
    target.write_text("", encoding="utf-8")
    link.symlink_to(target)
    assert perfeval("extract", report, "--rules-only", "-o", link).exit_code == 0
    assert link.is_symlink() and len(target.read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize("case", ["parent is a file", "output is a directory", "table to a file", "read-only file"])
def test_bad_outputs_are_one_line_before_the_work(tmp_path: Path, report: Path, case: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep", encoding="utf-8")
    read_only = tmp_path / "ro.jsonl"
    read_only.write_text("keep", encoding="utf-8")
    read_only.chmod(0o444)
    if case == "read-only file" and os.access(read_only, os.W_OK):
        pytest.skip("running as root: nothing is read-only")
    output, extra, message = {
        "parent is a file": (blocker / "sub" / "out.jsonl", [], f"cannot create its folder because {blocker} is a file"),
        "output is a directory": (tmp_path, ["-f", "jsonl"], "is a directory; give a file name inside it"),
        "table to a file": (tmp_path / "x.txt", ["-f", "table"], "--format table is for the screen"),
        "read-only file": (read_only, [], "the file is read-only"),
    }[case]
    # a model that does not exist: had the work started, the error would be about the model
    result = perfeval("extract", report, "--model", tmp_path / "no-model", "-o", output, *extra)
    assert result.exit_code == 2
    assert message in one_error_line(result)
    assert blocker.read_text(encoding="utf-8") == "keep" and read_only.read_text(encoding="utf-8") == "keep"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_a_read_only_folder_is_one_line(tmp_path: Path, report: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    result = perfeval("extract", report, "--rules-only", "-o", folder / "out.jsonl")
    assert result.exit_code == 2 and "is not writable" in one_error_line(result)


def test_render_creates_a_missing_folder(tmp_path: Path, report: Path) -> None:
    out = tmp_path / "new" / "page.html"
    result = perfeval("render", report, "--rules-only", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_killed_write_leaves_an_obvious_part_file_that_the_next_run_removes(tmp_path: Path, report: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    killer = (
        "import os, signal, sys; from pathlib import Path; from perfeval.writers import atomic_path\n"
        "with atomic_path(Path(sys.argv[1])) as tmp:\n"
        "    tmp.write_text('half', encoding='utf-8'); os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", killer, str(out)])
    assert proc.wait(timeout=60) == -signal.SIGKILL
    [orphan] = [p for p in tmp_path.iterdir() if p.name.startswith("out.jsonl.")]
    assert orphan.name.startswith(f"out.jsonl.perfeval-{proc.pid}-") and orphan.name.endswith(".part")
    assert out.read_text(encoding="utf-8") == "old\n"
    alive = tmp_path / f"out.jsonl.perfeval-{os.getpid()}-x.part"  # a run still going: left alone
    alive.write_text("", encoding="utf-8")
    assert perfeval("extract", report, "--rules-only", "-o", out).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["report.txt", "out.jsonl", alive.name])


# ------------------------------------------------------------------ nothing lost


REAL_EXTRACT_ONE = extract_module._extract_one


def killed_on_oom(job: extract_module.Job) -> extract_module.Outcome:
    """The worker's job, except that a file named ``oom*`` kills its process, as the OOM killer would."""
    if Path(job.path).name.startswith("oom"):
        os.kill(os.getpid(), signal.SIGKILL)
    return REAL_EXTRACT_ONE(job)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked (they see the patched job)")
def test_a_killed_worker_loses_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "_extract_one", killed_on_oom)
    names = ["a", "b", "oom", "c", "d", "e"]
    for name in names:
        (tmp_path / f"{name}.txt").write_text(f"{name}：年度预算 {len(name)}0 万元。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = perfeval("extract", *[tmp_path / f"{n}.txt" for n in names], "--rules-only", "-j", "2", "-o", out)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc"] for r in rows] == ["a", "b", "c", "d", "e"]  # in input order
    assert one_error_line(result).startswith(f"error: {tmp_path / 'oom.txt'}: the worker process died while extracting it")


def test_a_model_that_cannot_be_loaded_in_the_workers_is_one_line(tmp_path: Path, report: Path) -> None:
    second = tmp_path / "second.txt"
    second.write_text(SAMPLE, encoding="utf-8")
    result = perfeval("extract", report, second, "--model", tmp_path / "nowhere", "-j", "2", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"error: model directory {tmp_path / 'nowhere'} does not exist; pass a directory written by `perfeval train` or save_pretrained"
    )
    assert not (tmp_path / "out.jsonl").exists()


def test_a_value_beyond_int64_does_not_lose_the_parquet_batch(tmp_path: Path) -> None:
    import pandas as pd

    rows = [{"doc": "a", "value": 20542500}, {"doc": "b", "value": 25867048719552 * 10**8}, {"doc": "c", "value": None}]
    out = tmp_path / "out.parquet"
    write_rows(rows, out)
    frame = pd.read_parquet(out)
    assert list(frame["doc"]) == ["a", "b", "c"]
    assert frame["value"].tolist()[:2] == [20542500.0, 2.5867048719552e21]
    assert arrow_table([{"v": 1}, {"v": 2}]).schema.field("v").type == "int64"  # ordinary ints stay ints


def test_a_column_of_mixed_kinds_becomes_text_in_parquet(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "mixed.parquet"
    write_rows([{"x": 1}, {"x": "一"}, {"x": 10**400}], out)
    assert pd.read_parquet(out)["x"].tolist() == ["1", "一", str(10**400)]


# ------------------------------------------------------------------ spreadsheets


@pytest.fixture
def formula_report(tmp_path: Path) -> Path:
    path = tmp_path / "=1+2.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_csv_cells_that_start_like_a_formula_are_escaped(tmp_path: Path, formula_report: Path) -> None:
    out = tmp_path / "out.csv"
    assert perfeval("extract", formula_report, "--rules-only", "-o", out).exit_code == 0
    with open(out, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {r["doc"] for r in rows} == {"'=1+2"}
    stdout = perfeval("extract", formula_report, "--rules-only", "-f", "csv").stdout
    assert "'=1+2" in stdout and ",=1+2," not in stdout


@pytest.mark.parametrize("text", ["=1+2", "+1", "-2.64个百分点", "@SUM(A1)", "\t=x"])
def test_csv_escapes_every_formula_start(tmp_path: Path, text: str) -> None:
    out = tmp_path / "cells.csv"
    write_rows([{"text": text, "value": -2.64}], out)
    with open(out, encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row == {"text": "'" + text, "value": "-2.64"}  # numbers stay numbers


def test_xlsx_cells_are_text_never_formulas(tmp_path: Path, formula_report: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert perfeval("extract", formula_report, "--rules-only", "-o", out).exit_code == 0
    sheet = load_workbook(out)["records"]
    header = [c.value for c in sheet[1]]
    doc = sheet.cell(row=2, column=header.index("doc") + 1)
    assert (doc.value, doc.data_type) == ("=1+2", "s")


def test_two_reports_with_one_stem_get_distinct_doc_names(tmp_path: Path) -> None:
    import docx

    (tmp_path / "good.txt").write_text(SAMPLE, encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("自评得分 98.1分。")
    document.save(tmp_path / "good.docx")
    result = perfeval("extract", tmp_path, "--rules-only", "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert sorted({json.loads(line)["doc"] for line in result.stdout.splitlines()}) == ["good.docx", "good.txt"]


def test_a_file_named_twice_is_extracted_once(report: Path) -> None:
    result = perfeval("extract", report, report.parent, f"{report.parent}/./{report.name}", "--rules-only", "-f", "jsonl")
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == RECORDS


# ------------------------------------------------------------------ one workbook per batch


def test_xlsx_output_is_a_workbook_of_records_summary_sheets_and_findings(tmp_path: Path) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("2023年度某某局部门整体支出绩效自评报告\n年度预算 200 万元，实际支出 150 万元，预算执行率 80%。", encoding="utf-8")
    second.write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "third.txt").write_text("三级指标|年度指标值|实际完成值|分值|得分\n会议次数|≥12次|13次|10|10\n总分|10|10\n",
                                        encoding="utf-8")
    out = tmp_path / "batch.xlsx"
    result = perfeval("extract", tmp_path, "--rules-only", "-o", out)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["records", "summary", "sheets", "findings"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions  # the filter covers every column and row
    records = list(workbook["records"].values)
    assert records[0][:4] == ("type", "text", "start", "end") and len(records) == 1 + 3 + 3 + 6
    summary = {row[0]: row for row in list(workbook["summary"].values)[1:]}
    assert set(summary) == {"first", "second", "third"}
    header = next(workbook["summary"].values)
    assert summary["first"][header.index("total_budget_yuan")] == 2_000_000
    sheets = list(workbook["sheets"].values)
    assert sheets[0][0] == "doc" and [row[0] for row in sheets[1:]] == ["third"] * 2
    findings = list(workbook["findings"].values)
    assert findings[0][:4] == ("doc", "check", "severity", "message")
    assert [(row[0], row[1], row[2]) for row in findings[1:]] == [
        ("first", "execution_rate", "warning"), ("third", "weights", "info"), ("third", "total_score", "info"),
    ]
    assert json.loads(findings[1][4])[0][2] == "80%"  # spans: [start, end, text] as JSON

"""`perfeval extract`: formats, stdin, encodings, and bad input handled in one line."""

import csv
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from perfeval import __version__
from perfeval.cli.main import app

runner = CliRunner()
SAMPLE = "2023年年度预算 2054.25 万元，完成预算的 90.6%。召开常委会会议 13次。"


def run(*args, stdin=None):
    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_jsonl_rows_have_contract_keys_and_doc(report):
    result = run("extract", str(report), "--rules-only", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["2054.25 万元", "90.6%", "13次"]
    assert {r["doc"] for r in rows} == {"report"}
    assert rows[0]["indicator"]["text"] == "年度预算"


def test_table_format_is_readable(report):
    result = run("extract", str(report), "--rules-only", "-f", "table")
    assert result.exit_code == 0
    assert "年度预算" in result.stdout and "MONEY" in result.stdout and "┃" in result.stdout


def test_a_pipe_gets_jsonl_unless_a_format_is_asked_for(report):
    result = run("extract", str(report), "--rules-only")  # the runner's stdout is not a terminal
    assert result.exit_code == 0
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["2054.25 万元", "90.6%", "13次"]


def test_a_terminal_gets_a_table(report):
    script = (
        "import os, pty, sys\n"
        "pid, fd = pty.fork()\n"
        "if pid == 0:\n"
        "    os.execv(sys.executable, [sys.executable, '-m', 'perfeval', 'extract', sys.argv[1], '--rules-only'])\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n"
        "        chunk = os.read(fd, 4096)\n"
        "    except OSError:\n"
        "        break\n"
        "    if not chunk:\n"
        "        break\n"
        "    out += chunk\n"
        "sys.stdout.write(out.decode('utf-8', 'replace'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(report)], capture_output=True, text=True, timeout=120)
    assert "┃" in proc.stdout and "年度预算" in proc.stdout and '"type"' not in proc.stdout


def test_when_every_input_fails_only_the_errors_are_printed(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = run("extract", str(bad), str(tmp_path / "nope.txt"), "--rules-only", "-f", "table")
    assert result.exit_code == 1
    assert result.stdout == ""  # no empty table
    assert "2 input(s) failed" in result.stderr and "bad.txt: file is empty" in result.stderr


@pytest.mark.parametrize("command", [[], ["extract"], ["render"], ["summary"], ["check"], ["train"], ["evaluate"],
                                     ["annotations", "export-tasks"], ["annotations", "import"]])
def test_help_shows_flags_without_a_value(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    flags = [line.split("  ")[0] for line in result.stdout.splitlines() if line.strip().startswith(("--help", "--rules-only", "--version"))]
    assert flags and all("<" not in flag for flag in flags)  # the option column names no value


def test_stdin(report):
    result = run("extract", "-", "--rules-only", "-f", "json", stdin=SAMPLE.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[2]["value"] == 13


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / f"r-{encoding}.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    result = run("extract", str(path), "--rules-only", "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()][0] == "2054.25 万元"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        ("   \n\n".encode(), "empty"),
    ],
)
def test_bad_file_gives_one_line_and_nonzero_exit(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("extract", str(path), "--rules-only")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(path) in errors[0] and message in errors[0]


def test_missing_path_and_empty_directory(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("extract", str(tmp_path / "nope.txt"), str(empty), "--rules-only")
    assert result.exit_code == 1
    assert "nope.txt: no such file" in result.stderr
    assert "no reports" in result.stderr


def test_batch_keeps_good_files_and_lists_failures(tmp_path, report):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out.csv"
    result = run("extract", str(report), str(bad), "--rules-only", "-o", str(out))
    assert result.exit_code == 1
    with open(out, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["text"] for r in rows] == ["2054.25 万元", "90.6%", "13次"]
    assert rows[0]["indicator_text"] == "年度预算"
    assert "1 input(s) failed" in result.stderr and "bad.txt" in result.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".jsonl"])
def test_table_outputs(tmp_path, report, suffix):
    import pandas as pd

    out = tmp_path / f"out{suffix}"
    result = run("extract", str(report), "--rules-only", "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = {".xlsx": pd.read_excel, ".parquet": pd.read_parquet, ".jsonl": lambda p: pd.read_json(p, lines=True)}[suffix](out)
    assert list(frame["type"]) == ["MONEY", "PERCENT", "COUNT"]
    assert not list(tmp_path.glob(".out*.part"))  # the temporary file is gone


def test_unknown_output_suffix(tmp_path, report):
    result = run("extract", str(report), "--rules-only", "-o", str(tmp_path / "out.doc"))
    assert result.exit_code == 2 and "unknown output type" in result.stderr


def test_parallel_jobs_match_serial(tmp_path, report):
    second = tmp_path / "second.txt"
    second.write_text("自评得分 98.1分。", encoding="utf-8")
    serial = run("extract", str(report), str(second), "--rules-only", "-f", "jsonl")
    parallel = run("extract", str(report), str(second), "--rules-only", "-f", "jsonl", "--jobs", "2")
    assert parallel.exit_code == 0, parallel.output
    assert parallel.stdout == serial.stdout


@pytest.mark.parametrize(("jobs", "threads"), [([], 0), (["--jobs", "1"], 1), (["--jobs", "3"], 3)])
def test_jobs_is_the_number_of_cores(monkeypatch, report, jobs, threads):
    """``--jobs N`` uses N cores: with one file, one process whose model runs on N threads;
    without it, onnxruntime picks (0). A worker of a pool gets one thread each (the test above)."""
    from perfeval.cli import extract

    monkeypatch.setenv("PERFEVAL_THREADS", "")
    monkeypatch.delenv("PERFEVAL_THREADS")  # undone at teardown: the variable is unset again
    result = run("extract", str(report), "-f", "jsonl", *jobs)
    assert result.exit_code == 0, result.output
    assert extract._EXTRACTOR.model.runner.session.get_session_options().intra_op_num_threads == threads


def test_no_traceback_in_a_real_process(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "perfeval", "extract", str(path), "--rules-only"], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "bad.txt" in proc.stderr


def test_the_progress_bar_shows_files_and_figures_per_second() -> None:
    from perfeval.cli.extract import rates

    assert rates(4, 200, 2.0) == "2.0 files/s, 100 figures/s"
    assert rates(1, 3000, 0.5) == "2.0 files/s, 6,000 figures/s"

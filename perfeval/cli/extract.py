"""``perfeval extract``: reports in, records out (one row per value).

Also the batch machinery that ``summary`` and ``check`` share: inputs extracted one by one
or in worker processes (:func:`extract_batch`), where one file never costs the others
their results.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from perfeval.readers import STDIN, ReadError, collect_inputs, document_names, read
from perfeval.readers.txt import decode_text
from perfeval.types import Document
from perfeval.writers import OutputError, batch_tables, check_output, format_for, record_rows, render, write_rows, write_workbook

FORMATS = ("jsonl", "json", "csv", "table")


@dataclass(frozen=True)
class Job:
    """One input of a batch: its path (or ``-``), its document name, its place in the batch."""

    path: str
    name: str
    index: int


@dataclass
class Outcome:
    """What extracting one input gave: a document, or an error line."""

    job: Job
    document: Document | None = None
    error: str | None = None


def batch_jobs(inputs: list[str]) -> list[Job]:
    return [Job(item, name, i) for i, (item, name) in enumerate(zip(inputs, document_names(inputs)))]


# ------------------------------------------------------------------ extracting, in this process or in workers

_EXTRACTOR = None
QUEUED_PER_WORKER = 2  # files handed to the pool per worker: one at work, one waiting
_LOAD_ERROR: str | None = None


def _init_worker(model: Optional[str], rules_only: bool, threads: Optional[int] = None) -> None:
    """Load the extractor once per process; ``threads`` caps the model's threads per worker
    (``PERFEVAL_THREADS``, unless the user set it)."""
    global _EXTRACTOR
    import perfeval
    from perfeval.model.runtime import THREADS_VARIABLE

    if threads:
        os.environ.setdefault(THREADS_VARIABLE, str(threads))
    _EXTRACTOR = perfeval.load(model, rules_only=rules_only)


def _init_pool_worker(model: Optional[str], rules_only: bool) -> None:
    """:func:`_init_worker` in a pool: a model that cannot be loaded is raised by each job
    (an initializer that raises would only break the pool, hiding the reason). A forked worker
    starts with its parent's extractor: it is dropped, so that a failed load never leaves it."""
    global _EXTRACTOR, _LOAD_ERROR
    _EXTRACTOR, _LOAD_ERROR = None, None
    try:
        _init_worker(model, rules_only, threads=1)  # the processes already use the cores
    except Exception as err:
        _LOAD_ERROR = str(err)


def _extract_one(job: Job) -> Outcome:
    """Extract one input with the process's extractor; a bad file becomes an Outcome, never raises."""
    if _EXTRACTOR is None:
        raise RuntimeError(_LOAD_ERROR or "the extractor was not loaded")
    try:
        if job.path == STDIN:
            source = decode_text(sys.stdin.buffer.read(), "<stdin>")
        else:
            source = read(job.path)
            if not source.text.strip():
                raise ReadError(f"{job.path}: no text found; pass a report with text in it")
        return Outcome(job, _EXTRACTOR.extract_source(source, name=job.name))
    except ReadError as err:
        return Outcome(job, error=str(err))
    except Exception as err:  # one bad file must never abort a batch
        return Outcome(job, error=f"{job.path}: extraction failed ({type(err).__name__}: {err}); please report this file")


def _died(job: Job) -> Outcome:
    return Outcome(job, error=(
        f"{job.path}: the worker process died while extracting it (killed by the system, perhaps for "
        "memory); the other files were kept; try this one alone with --jobs 1"
    ))


def _alone(job: Job, model: Optional[str], rules_only: bool) -> Outcome:
    """``job`` in a fresh process of its own: its result, or the news that it killed that process too."""
    with ProcessPoolExecutor(1, initializer=_init_pool_worker, initargs=(model, rules_only)) as pool:
        try:
            return pool.submit(_extract_one, job).result()
        except BrokenProcessPool:
            return _died(job)


def _in_processes(jobs: list[Job], model: Optional[str], rules_only: bool, workers: int) -> Iterator[Outcome]:
    """Outcomes in the order they finish, from ``workers`` processes.

    The largest files go first, so that no long file is left for the end while the other
    workers wait, and each worker has a second file queued, so that it never waits for this
    process to hand it one. A worker that dies (the OOM killer, a crash in native code)
    breaks its pool: the files that were in flight are each tried again alone, one that kills
    its process again is reported, and the rest of the batch goes on in a new pool.
    """
    queue = deque(sorted(jobs, key=_size, reverse=True))
    while queue:
        in_flight: list[Job] = []
        with ProcessPoolExecutor(workers, initializer=_init_pool_worker, initargs=(model, rules_only)) as pool:
            running: dict[Future[Outcome], Job] = {}
            broken = False
            while queue or running:
                while queue and len(running) < QUEUED_PER_WORKER * workers and not broken:
                    job = queue.popleft()
                    try:
                        running[pool.submit(_extract_one, job)] = job
                    except BrokenProcessPool:
                        queue.appendleft(job)
                        broken = True
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        in_flight.append(job)
                        broken = True
        for job in in_flight:
            yield _alone(job, model, rules_only)


def _size(job: Job) -> int:
    try:
        return os.path.getsize(job.path)
    except OSError:
        return 0  # read() reports it


def extract_batch(jobs: list[Job], model: Optional[str], rules_only: bool, workers: Optional[int], console: Console) -> Iterator[Outcome]:
    """Outcomes of ``jobs``, with a progress bar on ``console`` for several files. A model that
    cannot be loaded raises; a bad file is an Outcome's error.

    ``workers`` is the number of cores to use (``--jobs``): that many processes, each running the
    model on one thread, when there are several files; one process whose model runs on that many
    threads otherwise (in input order). ``None``: one process, the model's threads left to
    onnxruntime (every core)."""
    progress = Progress(
        TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rates]}"),
        TimeRemainingColumn(), console=console, disable=len(jobs) < 2, transient=True,
    )
    with progress:
        task = progress.add_task("extract", total=len(jobs), rates="")
        if workers and workers > 1 and len(jobs) > 1 and all(job.path != STDIN for job in jobs):
            outcomes: Iterator[Outcome] = _in_processes(jobs, model, rules_only, workers)
        else:
            _init_worker(model, rules_only, threads=workers)
            outcomes = map(_extract_one, jobs)
        files = figures = 0
        start = time.perf_counter()
        for outcome in outcomes:
            files += 1
            figures += len(outcome.document.records) if outcome.document else 0
            progress.update(task, advance=1, rates=rates(files, figures, time.perf_counter() - start))
            yield outcome


def rates(files: int, figures: int, seconds: float) -> str:
    """The progress bar's throughput: files and figures (records) per second."""
    seconds = max(seconds, 1e-9)
    return f"{files / seconds:.1f} files/s, {figures / seconds:,.0f} figures/s"


# ------------------------------------------------------------------ the command


def print_table(rows: list[dict[str, Any]], console: Console) -> None:
    several = len({r["doc"] for r in rows}) > 1
    table = Table(show_lines=False)
    for column in ("doc",) * several + ("type", "text", "value", "unit", "indicator", "source", "conf"):
        table.add_column(column, justify="right" if column in ("value", "conf") else "left", overflow="fold")
    for r in rows:
        indicator = r["indicator"]["text"] if r["indicator"] else ""
        table.add_row(
            *(r["doc"],) * several, r["type"], r["text"].replace("\n", "⏎"), f"{r['value']:,}" if r["value"] is not None else "",
            r["unit"], indicator.replace("\n", "⏎"), r["source"], f"{r['confidence']:.2f}",
        )
    console.print(table)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr; the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def output_format(format: Optional[str], output: Optional[Path]) -> str:
    """The format to write: ``--format``, else the ``-o`` suffix, else table on a terminal and jsonl otherwise."""
    if format is not None and format not in FORMATS:
        raise fail(f"unknown --format {format!r}; use one of {', '.join(FORMATS)}")
    if output is None:
        return format or ("table" if sys.stdout.isatty() else "jsonl")
    if format == "table":
        raise fail(f"{output}: --format table is for the screen; to write a file use --format jsonl, json or csv, "
                   "or name it .jsonl .json .csv .xlsx or .parquet")
    try:
        return format or format_for(output)
    except ValueError as err:
        raise fail(str(err)) from None


def ready_output(output: Path, inputs: list[str]) -> None:
    """Exit 2 with one line, before any work, if ``output`` cannot or must not be written."""
    try:
        check_output(output, [item for item in inputs if item != STDIN])
    except OutputError as err:
        raise fail(str(err)) from None


def cannot_write(output: Path, err: OSError) -> typer.Exit:
    return fail(f"{output}: cannot write ({err.strerror or err}); check the disk and the folder")


def extract_command(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .pdf, .docx), directories, or - for stdin."),
    format: Optional[str] = typer.Option(None, "--format", "-f", help="jsonl, json, csv or table (default: by the -o suffix; else table on a terminal, jsonl in a pipe)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (.jsonl .json .csv .parquet; .xlsx: a workbook of records, summary and findings)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Use this many cores: files in N processes, the model on one thread in each (default: one process, the model on every core)."),
) -> None:
    """Extract linked, normalised values from reports."""
    fmt = output_format(format, output)
    inputs, errors = collect_inputs(paths)
    if output is not None:
        ready_output(output, inputs)
    try:
        outcomes = sorted(extract_batch(batch_jobs(inputs), model, rules_only, jobs, Console(stderr=True)), key=lambda o: o.job.index)
    except Exception as err:  # a model that cannot be loaded: one line, no traceback
        raise fail(str(err)) from None
    documents = [o.document for o in outcomes if o.document is not None]
    errors += [o.error for o in outcomes if o.error is not None]
    rows = [row for doc in documents for row in record_rows(doc)]
    if output is not None:
        try:
            if fmt == "xlsx":
                write_workbook(output, batch_tables(documents))
            else:
                write_rows(rows, output, fmt)
        except OSError as err:
            raise cannot_write(output, err) from None
        typer.echo(f"wrote {len(rows)} records from {len(documents)} file(s) to {output}", err=True)
    elif fmt == "table":
        if rows:
            print_table(rows, Console())
        elif documents:
            typer.echo(f"no values found in {len(documents)} file(s)", err=True)
    else:
        sys.stdout.write(render(rows, fmt))
    if errors:
        typer.echo(f"{len(errors)} input(s) failed:", err=True)
        for line in errors:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(1)

"""``perfeval extract``: reports in, records out (one row per value)."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from perfeval.readers import SUPPORTED_SUFFIXES, ReadError, read
from perfeval.readers.txt import decode_text
from perfeval.writers import format_for, render, write_rows

STDIN = "-"
FORMATS = ("jsonl", "json", "csv", "table")


@dataclass
class Outcome:
    """What extracting one input gave: rows, or an error line."""

    name: str
    rows: list[dict[str, Any]]
    error: str | None = None


def collect_inputs(paths: list[str]) -> tuple[list[str], list[str]]:
    """Expand directories into their report files; return ``(inputs, errors)``."""
    inputs, errors = [], []
    for raw in paths:
        if raw == STDIN:
            inputs.append(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                errors.append(f"{path}: no reports (.txt, .pdf, .docx) in this directory")
            inputs.extend(found)
        elif not path.exists():
            errors.append(f"{path}: no such file or directory; check the path")
        else:
            inputs.append(raw)
    return inputs, errors


_EXTRACTOR = None


def _init_worker(model: Optional[str], rules_only: bool, torch_threads: Optional[int] = None) -> None:
    """Load the extractor once per process; ``torch_threads`` caps torch's threads per worker."""
    global _EXTRACTOR
    import perfeval

    if torch_threads and not rules_only:
        import torch

        torch.set_num_threads(torch_threads)
    _EXTRACTOR = perfeval.load(model, rules_only=rules_only)


def _extract_one(item: str) -> Outcome:
    """Extract one input with the process's extractor; errors become an Outcome, never raise."""
    assert _EXTRACTOR is not None
    name = "stdin" if item == STDIN else Path(item).stem
    try:
        if item == STDIN:
            source = decode_text(sys.stdin.buffer.read(), "<stdin>")
        else:
            source = read(item)
            if not source.text.strip():
                raise ReadError(f"{item}: no text found; pass a report with text in it")
        doc = _EXTRACTOR.extract_source(source, name=name)
    except ReadError as err:
        return Outcome(name, [], str(err))
    except Exception as err:  # one bad file must never abort a batch
        return Outcome(name, [], f"{item}: extraction failed ({type(err).__name__}: {err}); please report this file")
    file = None if item == STDIN else item
    rows = [{**r.to_dict(), "doc": name, **({"file": file} if file else {})} for r in doc.records]
    return Outcome(name, rows)


def _run(inputs: list[str], model: Optional[str], rules_only: bool, jobs: int, console: Console) -> Iterator[Outcome]:
    progress = Progress(
        TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, disable=len(inputs) < 2, transient=True,
    )
    with progress:
        task = progress.add_task("extract", total=len(inputs))
        if jobs > 1 and len(inputs) > 1 and STDIN not in inputs:
            # one torch thread per worker: the processes already use the cores
            with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(model, rules_only, 1)) as pool:
                for outcome in pool.map(_extract_one, inputs):
                    progress.advance(task)
                    yield outcome
            return
        _init_worker(model, rules_only)
        for item in inputs:
            outcome = _extract_one(item)
            progress.advance(task)
            yield outcome


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


def extract_command(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .pdf, .docx), directories, or - for stdin."),
    format: Optional[str] = typer.Option(None, "--format", "-f", help="jsonl, json, csv or table (default: table on screen, or by the -o suffix)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (.jsonl .json .csv .xlsx .parquet), atomically."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Extract files in this many processes."),
) -> None:
    """Extract linked, normalised values from reports."""
    err = Console(stderr=True)
    if format is not None and format not in FORMATS:
        typer.echo(f"error: unknown --format {format!r}; use one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    try:
        fmt = format or (format_for(output) if output else "table")
    except ValueError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    inputs, errors = collect_inputs(paths)
    rows: list[dict[str, Any]] = []
    extracted = 0
    if inputs:
        try:
            for outcome in _run(inputs, model, rules_only, jobs, err):
                rows.extend(outcome.rows)
                if outcome.error:
                    errors.append(outcome.error)
                else:
                    extracted += 1
        except Exception as e:  # a model that cannot be loaded: one line, no traceback
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2)
    if output is not None:
        write_rows(rows, output, None if fmt == "table" else fmt)
        typer.echo(f"wrote {len(rows)} records from {extracted} file(s) to {output}", err=True)
    elif fmt == "table":
        print_table(rows, Console())
    else:
        sys.stdout.write(render(rows, fmt))
    if errors:
        typer.echo(f"{len(errors)} input(s) failed:", err=True)
        for line in errors:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(1)

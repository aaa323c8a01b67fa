"""``perfeval summary``: one row per report (department, project, year, kind, budget, spending, rate, score, grade)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from perfeval.cli.extract import Outcome, batch_jobs, cannot_write, extract_batch, fail, ready_output
from perfeval.readers import collect_inputs
from perfeval.summary import summarize
from perfeval.writers import format_for, write_rows

WAN = 10_000
PIPE_WIDTH = 160  # table width when stdout is not a terminal (rich would use 80)


def extract_documents(inputs: list[str], model: Optional[str], rules_only: bool) -> Iterator[Outcome]:
    """The :class:`Outcome` of each input, in order; exit 2 with one line if the model cannot be loaded."""
    try:
        yield from extract_batch(batch_jobs(inputs), model, rules_only, 1, Console(stderr=True))
    except Exception as err:  # raised by loading the extractor: bad files are outcomes
        raise fail(str(err)) from None


def print_summary(rows: list[dict[str, Any]], console: Console) -> None:
    projects = any(r["project"] for r in rows)
    table = Table()
    columns = ("report", "department") + ("project",) * projects + ("year", "kind", "budget 万元", "actual 万元", "rate %", "score", "grade")
    for column in columns:
        table.add_column(column, justify="left" if column in ("report", "department", "project", "kind", "grade") else "right")
    for r in rows:
        derived = r["grade"] is not None and r["grade_start"] is None
        table.add_row(
            r["doc"], r["department"] or "", *(r["project"] or "",) * projects, _text(r["year"]), r["kind"] or "",
            _text(_wan(r["total_budget_yuan"])), _text(_wan(r["actual_expenditure_yuan"])),
            _text(r["execution_rate_percent"]), _text(r["score_points"]), (r["grade"] or "") + (" (by score)" if derived else ""),
        )
    console.print(table)


def _wan(value: float | None) -> float | None:
    return None if value is None else value / WAN


def _text(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def summary_command(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .pdf, .docx) or directories."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write to this file (.csv .xlsx .jsonl .json .parquet) instead of a table on screen."
    ),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
) -> None:
    """One row per report: department, project, year, kind, budget, actual spending, execution rate, score and grade, with source spans.

    On disk money is in 元 (``total_budget_yuan``), on screen in 万元."""
    inputs, errors = collect_inputs(paths)
    if output is not None:
        try:
            format_for(output)
        except ValueError as err:
            raise fail(str(err)) from None
        ready_output(output, inputs)
    rows = []
    for outcome in extract_documents(inputs, model, rules_only):
        if outcome.document is not None:
            rows.append(summarize(outcome.document).to_row())
        if outcome.error is not None:
            errors.append(outcome.error)
    if output is not None:
        try:
            write_rows(rows, output, sheet="summary")
        except OSError as err:
            raise cannot_write(output, err) from None
        typer.echo(f"wrote {len(rows)} summaries to {output}", err=True)
    elif rows:
        console = Console()
        print_summary(rows, console if console.is_terminal else Console(width=PIPE_WIDTH))
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    if errors:
        raise typer.Exit(1)

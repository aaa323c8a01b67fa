"""``perfeval summary``: one row per report (department, year, kind, budget, spending, rate, score, grade)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from perfeval.cli.extract import collect_inputs
from perfeval.readers import ReadError
from perfeval.summary import summarize
from perfeval.types import Document
from perfeval.writers import atomic_path, format_for

WAN = 10_000
PIPE_WIDTH = 160  # table width when stdout is not a terminal (rich would use 80)


def extract_documents(
    paths: list[str], model: Optional[str], rules_only: bool
) -> Iterator[tuple[str, Document | None, str | None]]:
    """``(input, document, None)`` per readable report, ``(input, None, error)`` otherwise."""
    import perfeval

    inputs, errors = collect_inputs(paths)
    for error in errors:
        yield "", None, error
    if not inputs:
        return
    extractor = perfeval.load(model, rules_only=rules_only)
    for item in inputs:
        try:
            yield item, extractor.extract_file(item), None
        except ReadError as err:
            yield item, None, str(err)


def write_summary(rows: list[dict[str, Any]], path: Path) -> None:
    """Write summary rows to ``path`` (.csv .xlsx .jsonl .json .parquet), atomically."""
    fmt = format_for(path)
    with atomic_path(path) as tmp:
        if fmt == "jsonl":
            tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            return
        if fmt == "json":
            tmp.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            return
        import pandas as pd

        frame = pd.DataFrame(rows)
        if fmt == "csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        elif fmt == "xlsx":
            frame.to_excel(tmp, index=False, engine="openpyxl")
        else:
            frame.to_parquet(tmp, index=False)


def print_summary(rows: list[dict[str, Any]], console: Console) -> None:
    table = Table()
    for column in ("report", "department", "year", "kind", "budget 万元", "actual 万元", "rate %", "score", "grade"):
        table.add_column(column, justify="left" if column in ("report", "department", "kind", "grade") else "right")
    for r in rows:
        derived = r["grade"] is not None and r["grade_start"] is None
        table.add_row(
            r["name"], r["department"] or "", _text(r["year"]), r["kind"] or "",
            _text(_wan(r["total_budget"])), _text(_wan(r["actual_expenditure"])),
            _text(r["execution_rate"]), _text(r["score"]), (r["grade"] or "") + (" (by score)" if derived else ""),
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
    """One row per report: department, year, kind, budget, actual spending, execution rate, score and grade, with source spans."""
    if output is not None:
        try:
            format_for(output)
        except ValueError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from None
    rows, errors = [], []
    for _, doc, error in extract_documents(paths, model, rules_only):
        if doc is not None:
            rows.append(summarize(doc).to_row())
        else:
            errors.append(error)
    if output is not None:
        write_summary(rows, output)
        typer.echo(f"wrote {len(rows)} summaries to {output}", err=True)
    else:
        console = Console()
        print_summary(rows, console if console.is_terminal else Console(width=PIPE_WIDTH))
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    if errors:
        raise typer.Exit(1)

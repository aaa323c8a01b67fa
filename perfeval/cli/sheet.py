"""``perfeval sheet``: each report's score sheets and budget blocks, rebuilt (one row per indicator)."""

from __future__ import annotations

import sys
from dataclasses import fields
from pathlib import Path
from typing import Optional

import typer

from perfeval.cli.extract import cannot_write, fail, ready_output
from perfeval.cli.summary import extract_documents
from perfeval.readers import collect_inputs
from perfeval.sheet import SheetRow, sheet
from perfeval.writers import format_for, render, write_rows


def sheet_command(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .pdf, .docx) or directories."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write the rows to .csv, .xlsx, .jsonl, .json or .parquet (default: CSV on stdout)."
    ),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
) -> None:
    """Rebuild the score sheets and budget blocks of each report: one row per indicator (level
    1/2/3 names, target and qualifier, actual, unit, weight, score, met, offsets), per section
    weight and total, and per budget figure (funding source x column)."""
    inputs, errors = collect_inputs(paths)
    if output is not None:
        try:
            format_for(output)
        except ValueError as err:
            raise fail(str(err)) from None
        ready_output(output, inputs)
    rows: list[dict[str, object]] = []
    for outcome in extract_documents(inputs, model, rules_only):
        if outcome.document is not None:
            rows += [row.to_dict() for row in sheet(outcome.document)]
        if outcome.error is not None:
            errors.append(outcome.error)
    if output is None:
        sys.stdout.write(render(rows, "csv") if rows else ",".join(f.name for f in fields(SheetRow)) + "\n")  # the header alone
    else:
        try:
            write_rows(rows, output, sheet="sheets")
        except OSError as err:
            raise cannot_write(output, err) from None
        typer.echo(f"wrote {len(rows)} rows to {output}", err=True)
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    if errors:
        raise typer.Exit(1)

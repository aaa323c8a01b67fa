"""``perfeval sheet``: each report's score sheets and budget blocks, rebuilt (one row per indicator)."""

from __future__ import annotations

import csv
import sys
from dataclasses import fields
from pathlib import Path
from typing import Optional, TextIO

import typer

from perfeval.cli.summary import extract_documents, write_summary
from perfeval.sheet import SheetRow, sheet
from perfeval.writers import atomic_path


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
    rows: list[dict[str, object]] = []
    unreadable = 0
    for _, doc, error in extract_documents(paths, model, rules_only):
        if doc is None:
            typer.echo(f"error: {error}", err=True)
            unreadable += 1
            continue
        rows += [row.to_dict() for row in sheet(doc)]
    if output is None:
        _write_csv(rows, sys.stdout)
    elif output.suffix.lower() == ".csv":
        with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            _write_csv(rows, f)
    else:
        write_summary(rows, output)
    if output is not None:
        typer.echo(f"wrote {len(rows)} rows to {output}", err=True)
    if unreadable:
        raise typer.Exit(1)


def _write_csv(rows: list[dict[str, object]], stream: TextIO) -> None:
    """CSV with the :class:`SheetRow` columns; integers stay integers, None is empty."""
    writer = csv.DictWriter(stream, fieldnames=[f.name for f in fields(SheetRow)], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

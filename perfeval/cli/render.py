"""``perfeval render FILE -o report.html``: one self-contained HTML page of the extraction."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from perfeval import load
from perfeval.readers import ReadError
from perfeval.render import render_html


def render(
    file: Path = typer.Argument(..., help="A report: .txt, .pdf or .docx."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The HTML file to write (default: FILE with .html)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
) -> None:
    """Extract FILE and write a page that highlights its values, indicators and links."""
    try:
        extractor = load(model=model, rules_only=rules_only)
    except Exception as err:  # a model that cannot be loaded: one line, no traceback
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    try:
        document = extractor.extract_file(file)
    except ReadError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    target = output or file.with_suffix(".html")
    target.write_text(render_html(document), encoding="utf-8")
    typer.echo(f"wrote {target}: {len(document.records)} values, {len(document.relations)} links")

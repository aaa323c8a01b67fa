"""``perfeval render FILE -o report.html``: one self-contained HTML page of the extraction."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from perfeval.readers import ReadError, read
from perfeval.render import render_html


def render(
    file: Path = typer.Argument(..., help="A report: .txt, .pdf or .docx."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="The HTML file to write (default: FILE with .html)."),
    model: Optional[Path] = typer.Option(None, "--model", help="A model directory (default: perfeval's model)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Skip the model; use the rules alone."),
) -> None:
    """Extract FILE and write a page that highlights its values, indicators and links."""
    from perfeval import load

    try:
        source = read(file)
    except ReadError as err:
        raise typer.BadParameter(str(err), param_hint="FILE") from None
    document = load(model=model, rules_only=rules_only).extract(source.text, name=file.stem)
    target = output or file.with_suffix(".html")
    target.write_text(render_html(document), encoding="utf-8")
    typer.echo(f"{target}: {len(document.records)} values, {len(document.relations)} links")

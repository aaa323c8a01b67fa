"""``perfeval render FILE -o report.html``: one self-contained HTML page of the extraction."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from perfeval import Extractor, load
from perfeval.readers import ReadError
from perfeval.render import render_html


def _extractor(model: str | None, rules_only: bool) -> Extractor:
    """The extractor, or exit 2 with one line when the model cannot be loaded."""
    if rules_only:
        return load(rules_only=True)
    from perfeval.model import ModelLoadError  # imports torch: only when a model is wanted

    try:
        return load(model=model)
    except ModelLoadError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None


def render(
    file: Annotated[Path, typer.Argument(help="A report: .txt, .pdf or .docx.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The HTML file to write (default: FILE with .html).")] = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Use the rule layer alone, no model.")] = False,
    model: Annotated[str | None, typer.Option("--model", help="A model directory (default: the embedded model).")] = None,
) -> None:
    """Extract FILE and write a page that highlights its values, indicators and links."""
    extractor = _extractor(model, rules_only)
    try:
        document = extractor.extract_file(file)
    except ReadError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    target = output or file.with_suffix(".html")
    target.write_text(render_html(document), encoding="utf-8")
    typer.echo(f"wrote {target}: {len(document.records)} values, {len(document.relations)} links")

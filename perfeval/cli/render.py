"""``perfeval render FILE -o report.html``: one self-contained HTML page of the extraction and its checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from perfeval import Extractor, load
from perfeval.checks import check
from perfeval.cli.extract import cannot_write, fail, ready_output
from perfeval.readers import ReadError
from perfeval.render import render_html
from perfeval.writers import atomic_path


def _extractor(model: str | None, rules_only: bool) -> Extractor:
    """The extractor, or exit 2 with one line when the model cannot be loaded."""
    if rules_only:
        return load(rules_only=True)
    from perfeval.model import ModelLoadError  # imports torch: only when a model is wanted

    try:
        return load(model=model)
    except ModelLoadError as err:
        raise fail(str(err)) from None


def render(
    file: Annotated[Path, typer.Argument(help="A report: .txt, .pdf or .docx.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The HTML file to write (default: FILE with .html); folders are created.")] = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Use the rule layer alone, no model.")] = False,
    model: Annotated[str | None, typer.Option("--model", help="A model directory (default: the embedded model).")] = None,
) -> None:
    """Extract FILE and write a page that highlights its values, indicators, links and check findings."""
    target = output or file.with_suffix(".html")
    ready_output(target, [str(file)])
    extractor = _extractor(model, rules_only)
    try:
        document = extractor.extract_file(file)
    except ReadError as err:
        raise fail(str(err), code=1) from None
    findings = check(document)
    page = render_html(document, findings=[finding.to_dict() for finding in findings])
    try:
        with atomic_path(target) as tmp:
            tmp.write_text(page, encoding="utf-8")
    except OSError as err:
        raise cannot_write(target, err) from None
    typer.echo(f"wrote {target}: {len(document.records)} values, {len(document.relations)} links, {len(findings)} findings")

"""``perfeval check``: consistency findings per report (rates, shares, parts, grade, and the
score sheets' weights, scores and totals).

The exit status is 1 when a file cannot be read and, with ``--strict``, when any figure
disagrees with another (a warning), so the check can gate a pipeline; otherwise 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from perfeval.checks import Finding, check
from perfeval.readers import collect_inputs
from perfeval.cli.summary import extract_documents


def format_finding(report: str, finding: Finding) -> str:
    """One line: report, severity, check, message, and the spans as ``start-end``."""
    where = ",".join(f"{start}-{end}" for start, end, _ in finding.spans)
    message = finding.message.replace("\n", "")
    return f"{report}\t{finding.severity}\t{finding.check}\t{message}\t@{where}"


def check_command(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .pdf, .docx) or directories."),
    warnings_only: bool = typer.Option(False, "--warnings-only", "-w", help="Show only inconsistent figures."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
    strict: bool = typer.Option(False, "--strict", help="Exit with status 1 when any figure disagrees (a warning)."),
) -> None:
    """Check each report's figures against each other: execution rate = actual / budget,
    shares of totals, 其中 parts against their total, score against grade band, and in the
    score sheets scores against weights, weights against their section and 100, scores
    against 总分."""
    inputs, errors = collect_inputs(paths)
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    unreadable = len(errors)
    warnings = 0
    for outcome in extract_documents(inputs, model, rules_only):
        if outcome.document is None:
            typer.echo(f"error: {outcome.error}", err=True)
            unreadable += 1
            continue
        for finding in check(outcome.document):
            warnings += finding.severity == "warning"
            if finding.severity == "warning" or not warnings_only:
                typer.echo(format_finding(Path(outcome.job.path).name, finding))
    if unreadable or (strict and warnings):
        raise typer.Exit(1)

"""``perfeval annotations``: check the corpus, and the relabelling loop through Label Studio or doccano.

The commands only parse arguments and print; the work is done in :mod:`perfeval.annotations`.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from perfeval.annotations import CheckResult, Extractor, check_paths, export_tasks, import_export, label_config_path, summary
from perfeval.data.doccano import write_doccano
from perfeval.readers import collect_inputs
from perfeval.writers import OutputError, check_output

app = typer.Typer(
    help="Check annotation files; export tasks to and import them from labelling tools.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Tool(str, Enum):
    labelstudio = "labelstudio"
    doccano = "doccano"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _cannot_write(path: Path, err: OSError) -> typer.Exit:
    return _fail(f"{path}: cannot write ({err.strerror}); check that its folder exists and is writable")


def _ready_output(output: Path, inputs: list[Path] | list[str]) -> None:
    """Exit 2 with one line, before any work, if ``output`` cannot or must not be written."""
    try:
        check_output(output, inputs)
    except OutputError as err:
        raise _fail(str(err)) from None


def _require_existing(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise _fail(f"{path}: no such file or directory; check the path")


def _report(result: CheckResult) -> None:
    """Print what was left out (stderr) and every problem; exit 1 on any problem."""
    for skipped in result.skipped:
        typer.echo(f"warning: {skipped}", err=True)
    for problem in result.problems:
        typer.echo(str(problem))
    if result.problems:
        raise _fail(f"{len(result.problems)} problem(s); fix them in the annotation tool or the file", code=1)


def load_extractor(model: str | None, rules_only: bool) -> Extractor:
    """:func:`perfeval.load`, imported when needed (tests replace this function)."""
    from perfeval import load

    return load(model=model, rules_only=rules_only)


@app.command()
def check(paths: list[Path] = typer.Argument(..., help="Annotation JSONL files or directories of them.")) -> None:
    """Check offsets, labels, overlaps, ids and value_of links; exit 1 on any problem."""
    _require_existing(paths)
    result = check_paths(paths)
    _report(result)
    typer.echo(summary(result.documents))


@app.command("export-tasks")
def export_tasks_command(
    reports: list[Path] = typer.Argument(..., help="Report files (txt, pdf, docx) to pre-annotate."),
    to: Tool = typer.Option(..., "--to", help="The labelling tool the tasks are for."),
    output: Path = typer.Option(..., "-o", "--output", help="Tasks file: JSON for labelstudio, JSONL for doccano."),
    model: str | None = typer.Option(None, "--model", help="Model directory (default: perfeval's model)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Pre-annotate with the rules alone, without a model."),
    below: float | None = typer.Option(None, "--below", min=0.0, max=1.0,
                                       help="Review queue: export only the documents with a value under this confidence, most uncertain first."),
) -> None:
    """Write tasks pre-annotated with perfeval's predictions (and label_config.xml for Label Studio).

    With --below, a review queue for the next labelled reports: only documents with a value the
    model is unsure of, sorted by uncertainty, each task scored by its lowest confidence.
    A report that cannot be read is named and left out (exit 1); the others are exported."""
    inputs, errors = collect_inputs([str(r) for r in reports])
    if errors:
        raise _fail(errors[0])
    _ready_output(output, inputs)
    if to is Tool.labelstudio:
        _ready_output(label_config_path(output), inputs)
    try:
        extractor = load_extractor(model, rules_only)
    except Exception as err:  # a model that cannot be loaded: one line, no traceback
        raise _fail(str(err)) from None
    try:
        written, unreadable = export_tasks(inputs, extractor, to.value, output, below)
    except OSError as err:
        raise _cannot_write(output, err) from None
    for path in written:
        typer.echo(f"wrote {path}")
    for error in unreadable:
        typer.echo(f"error: {error}", err=True)
    if unreadable:
        raise typer.Exit(1)


@app.command("import")
def import_command(
    export: Path = typer.Argument(..., help="A Label Studio JSON export or a doccano JSONL export."),
    tool: Tool = typer.Option(..., "--from", help="The tool that wrote the export."),
    output: Path = typer.Option(..., "-o", "--output", help="The annotation JSONL file to write."),
) -> None:
    """Convert a labelling tool's export into the corpus format; nothing is written if it has problems.

    Label Studio tasks that nobody annotated are left out with a warning."""
    _require_existing([export])
    _ready_output(output, [export])
    result = import_export(export, tool.value)
    _report(result)
    if not result.documents:
        raise _fail(f"{export}: no annotated document in the export; nothing written", code=1)
    try:
        write_doccano(result.documents, output)
    except OSError as err:
        raise _cannot_write(output, err) from None
    typer.echo(f"wrote {output}: {summary(result.documents)}")

"""Entry point of the ``perfeval`` command: one module per command under :mod:`perfeval.cli`."""

from __future__ import annotations

import typer

from perfeval import __version__
from perfeval.cli import annotations
from perfeval.cli.check import check_command
from perfeval.cli.evaluate import evaluate_command
from perfeval.cli.extract import extract_command
from perfeval.cli.extract_ray import extract_ray_command
from perfeval.cli.render import render
from perfeval.cli.sheet import sheet_command
from perfeval.cli.summary import summary_command
from perfeval.cli.train import train_command

app = typer.Typer(
    help="Extract figures from Chinese budget-performance self-evaluation reports (绩效自评报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich help shows flags as taking a value (<bool>)
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"perfeval {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """perfeval: budget-performance report figures as linked, source-grounded records."""


app.command("extract")(extract_command)
app.command("extract-ray")(extract_ray_command)
app.add_typer(annotations.app, name="annotations")
app.command("render")(render)
app.command("evaluate")(evaluate_command)
app.command("summary")(summary_command)
app.command("sheet")(sheet_command)
app.command("check")(check_command)
app.command("train")(train_command)

"""Entry point of the ``perfeval`` command: one module per command under :mod:`perfeval.cli`."""

from __future__ import annotations

import typer

from perfeval import __version__

app = typer.Typer(
    help="Extract figures from Chinese budget-performance self-evaluation reports (绩效自评报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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


from perfeval.cli.extract import extract_command  # noqa: E402
from perfeval.cli import annotations  # noqa: E402
from perfeval.cli.render import render  # noqa: E402
from perfeval.cli.evaluate import evaluate_command  # noqa: E402
from perfeval.cli.summary import summary_command  # noqa: E402
from perfeval.cli.check import check_command  # noqa: E402
from perfeval.cli.train import train_command  # noqa: E402

# --- command registration (one line per command module) ---
app.command("extract")(extract_command)
app.add_typer(annotations.app, name="annotations")
app.command("render")(render)
app.command("evaluate")(evaluate_command)
app.command("summary")(summary_command)
app.command("check")(check_command)
app.command("train")(train_command)
# --- end of command registration ---

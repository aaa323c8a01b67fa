"""``perfeval extract-ray``: reports in, a partitioned Parquet dataset out, extracted by a Ray actor pool."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Optional

import typer

from perfeval.cli.extract import fail


def extract_ray_command(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .pdf, .docx) and directories."),
    output: Path = typer.Option(..., "--output", "-o", help="The Parquet dataset folder (created; reruns add only new documents)."),
    address: Optional[str] = typer.Option(None, "--address", help="A Ray cluster (ray://HEAD:10001, or auto); default: $RAY_ADDRESS, else a local Ray."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Actors, each holding one extractor (default: one per CPU of the cluster)."),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Documents per batch."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rule layer alone, no model."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory (default: the embedded model)."),
) -> None:
    """Extract reports with Ray into partitioned Parquet (needs the ray extra)."""
    if importlib.util.find_spec("ray") is None:
        raise fail("extract-ray needs Ray; pip install 'perfeval[ray]'")
    import ray

    from perfeval.distributed import ERRORS_SHARD, extract_to_parquet, model_version, read_results

    if output.exists() and not output.is_dir():
        raise fail(f"{output}: is a file; give a folder for the Parquet dataset")
    if not ray.is_initialized():
        ray.init(address=address)
    version = model_version(model, rules_only)
    extract_to_parquet(paths, output, model=model, rules_only=rules_only, num_workers=workers, batch_size=batch_size)
    rows = [row for row in read_results(output).select(["model_version", "doc_shard", "error"]).to_pylist() if row["model_version"] == version]
    errors = [row["error"] for row in rows if row["doc_shard"] == ERRORS_SHARD]
    typer.echo(f"{output}: {len(rows) - len(errors)} records of model version {version}", err=True)
    if errors:
        typer.echo(f"{len(errors)} input(s) failed:", err=True)
        for line in errors:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(1)

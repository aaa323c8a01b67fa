"""``perfeval train``: train a model directory from doccano annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def train_command(
    data: Path = typer.Option(..., "--data", help="Annotation file or directory of doccano *.jsonl (e.g. annotations/)."),
    out: Path = typer.Option(..., "--out", help="Model directory to write."),
    base_model: Optional[str] = typer.Option(None, "--base-model", help="Hugging Face encoder name or local path; default: a small encoder trained from scratch."),
    epochs: int = typer.Option(30, "--epochs", help="Passes over the training windows."),
    seed: int = typer.Option(0, "--seed", help="Random seed (training is deterministic for a seed)."),
    dev: Optional[Path] = typer.Option(None, "--dev", help="Annotations scored after every epoch (never trained on)."),
    no_rule_features: bool = typer.Option(False, "--no-rule-features", help="Do not feed rule value spans to the network."),
) -> None:
    """Train a perfeval model on annotated reports and save it to OUT."""
    from perfeval.data.doccano import read_doccano
    from perfeval.train import train

    if not data.exists():
        raise typer.BadParameter(f"{data} does not exist", param_hint="--data")
    train_docs = read_doccano(data)
    if not train_docs:
        raise typer.BadParameter(f"no annotated documents found in {data}", param_hint="--data")
    dev_docs = read_doccano(dev) if dev else None
    if dev_docs:
        dev_ids = {d.name for d in dev_docs}
        train_docs = [d for d in train_docs if d.name not in dev_ids]
    path = train(
        train_docs, out, dev_docs=dev_docs, base_model=base_model, epochs=epochs, seed=seed,
        use_rule_features=not no_rule_features,
    )
    typer.echo(f"saved model to {path} ({len(train_docs)} training documents)")

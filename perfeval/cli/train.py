"""``perfeval train``: train a model directory from doccano annotations."""

from __future__ import annotations

import shlex
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from perfeval.types import Document


class EncoderSize(str, Enum):
    """Names of :data:`perfeval.train.ENCODER_SIZES` (kept here: the CLI must not import torch to show help)."""

    default = "default"
    tiny = "tiny"


def read_annotations(path: Path, option: str) -> list[Document]:
    """The documents of ``path`` after :func:`perfeval.annotations.check_paths`: every problem
    printed as ``file:line: message`` and exit 1, before any training."""
    from perfeval.annotations import check_paths

    if not path.exists():
        raise typer.BadParameter(f"{path} does not exist", param_hint=option)
    result = check_paths([path])
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if result.problems:
        typer.echo(f"error: {len(result.problems)} problem(s) in {option} {path}; `perfeval annotations check {path}` lists them too", err=True)
        raise typer.Exit(1)
    if not result.documents:
        raise typer.BadParameter(f"no annotated documents found in {path}", param_hint=option)
    return result.documents


def reproduce_command(data: Path, out: Path, base_model: str | None, encoder_size: EncoderSize, epochs: int, seed: int,
                      dev: Path | None) -> str:
    """The ``perfeval train`` command line that trains this model again."""
    args = ["perfeval", "train", "--data", str(data), "--out", str(out), "--epochs", str(epochs), "--seed", str(seed)]
    if base_model:
        args += ["--base-model", base_model]
    if encoder_size is not EncoderSize.default:
        args += ["--encoder-size", encoder_size.value]
    if dev:
        args += ["--dev", str(dev)]
    return shlex.join(args)


def train_command(
    data: Path = typer.Option(..., "--data", help="Annotation file or directory of doccano *.jsonl (e.g. annotations/)."),
    out: Path = typer.Option(..., "--out", help="Model directory to write."),
    base_model: Optional[str] = typer.Option(None, "--base-model", help="Hugging Face encoder name or local path; default: a small encoder trained from scratch."),
    encoder_size: EncoderSize = typer.Option(EncoderSize.default, "--encoder-size", help="Size of the encoder trained from scratch: default, or tiny (seconds to train, to try the loop out)."),
    epochs: int = typer.Option(8, "--epochs", min=1, help="Passes over the training candidates."),
    seed: int = typer.Option(0, "--seed", help="Random seed (training is deterministic for a seed)."),
    dev: Optional[Path] = typer.Option(None, "--dev", help="Annotations scored after every epoch (never trained on)."),
) -> None:
    """Train a perfeval model on annotated reports and save it to OUT."""
    if base_model and encoder_size is not EncoderSize.default:
        raise typer.BadParameter("is for an encoder trained from scratch; leave it out with --base-model", param_hint="--encoder-size")
    train_docs = read_annotations(data, "--data")
    dev_docs = read_annotations(dev, "--dev") if dev else None
    if dev_docs:
        dev_ids = {d.name for d in dev_docs}
        train_docs = [d for d in train_docs if d.name not in dev_ids]
    from perfeval.train import ENCODER_SIZES, train

    path = train(
        train_docs, out, dev_docs=dev_docs, base_model=base_model, epochs=epochs, seed=seed,
        encoder=ENCODER_SIZES[encoder_size.value],
        reproduce=reproduce_command(data, out, base_model, encoder_size, epochs, seed, dev),
    )
    typer.echo(f"saved model to {path} ({len(train_docs)} training documents)")

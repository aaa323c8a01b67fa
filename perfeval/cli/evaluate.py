"""``perfeval evaluate``: score predictions or extractors against annotated documents.

Three modes:

- one system (default): ``--pred PRED.jsonl``, ``--model PATH`` (the hybrid extractor with
  that model), ``--rules-only``, or none of them (perfeval's default extractor); prints a
  per-label table and every error with its sentence, or ``--json`` flat scores;
- ``--compare rules-only,model,hybrid``: several systems side by side as a markdown table
  (or ``--json``: ``{system: flat scores}``); ``--model`` (repeatable) picks the model(s)
  behind ``model`` and ``hybrid``, ``--pred`` (repeatable) adds prediction files;
- ``--cv``: leave-one-document-out cross-validation of a training configuration
  (``--base-model``, ``--epochs``, ``--seed``) for the systems in ``--compare`` (default
  ``model,hybrid``).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, List, Optional

import typer

from perfeval.evaluation import (
    SYSTEMS,
    EvaluationInputError,
    compare,
    cross_validate,
    extract_records,
    load_gold,
    load_predictions,
    load_system,
    markdown_table,
    prepare_gold,
    render_report,
    run_evaluation,
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"perfeval evaluate: {message}", err=True)
    return typer.Exit(code=2)


def evaluate_command(
    gold: Path = typer.Option(..., "--gold", help="Annotation JSONL (doccano) file or a directory of them."),
    pred: Optional[List[Path]] = typer.Option(None, "--pred", help="Records JSONL from `perfeval extract --format jsonl` (repeatable with --compare)."),
    model: Optional[List[str]] = typer.Option(None, "--model", help="A model directory (repeatable with --compare); default: perfeval's model."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Evaluate the rule layer alone."),
    compare_systems: Optional[str] = typer.Option(None, "--compare", help=f"Comma-separated systems to compare: {', '.join(SYSTEMS)}."),
    cv: bool = typer.Option(False, "--cv", help="Leave-one-document-out cross-validation: train on the rest (synthetic included), test on each real document."),
    include_synthetic: bool = typer.Option(False, "--include-synthetic", help="Also score synthetic documents (skipped by default)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the report."),
    max_errors: Optional[int] = typer.Option(None, "--max-errors", help="List at most this many errors in the report."),
    base_model: Optional[str] = typer.Option(None, "--base-model", help="--cv: the encoder to fine-tune."),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="--cv: training epochs."),
    seed: int = typer.Option(0, "--seed", help="--cv: random seed."),
    work_dir: Optional[Path] = typer.Option(None, "--work-dir", help="--cv: where fold models are written (default: a temporary directory)."),
) -> None:
    """Score extraction against annotated documents (docs/ANNOTATION.md section 6).

    Synthetic documents are left out unless --include-synthetic: scores should describe real reports.
    """
    pred, model = list(pred or []), list(model or [])
    systems = [s.strip() for s in compare_systems.split(",") if s.strip()] if compare_systems else []
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise _fail(f"--compare: unknown system {unknown[0]!r}; choose from {', '.join(SYSTEMS)}")
    try:
        if cv:
            _run_cv(gold, systems or ["model", "hybrid"], base_model, epochs, seed, work_dir, as_json)
            return
        docs = load_gold(gold, include_synthetic)
        gold_set = prepare_gold(docs)
        if systems or len(pred) > 1 or len(model) > 1:
            runs: dict[str, Any] = {}
            for path in pred:
                runs[path.stem] = load_predictions(path, docs)
            for system in systems:
                for m in ([None] if system == "rules-only" or not model else model):
                    name = system if m is None or len(model) == 1 else f"{system}:{Path(m).name}"
                    runs[name] = extract_records(_load(system, m), gold_set)
            results = compare(gold_set, runs)
            typer.echo(json.dumps({"docs": len(docs), "systems": results}, ensure_ascii=False) if as_json else markdown_table(results))
            return
        if sum((bool(pred), bool(model), rules_only)) > 1:
            raise _fail("choose one of --pred, --model and --rules-only (or use --compare)")
        if pred:
            predictions = load_predictions(pred[0], docs)
        else:
            system = "rules-only" if rules_only else "hybrid"
            predictions = extract_records(_load(system, model[0] if model else None), gold_set)
    except EvaluationInputError as err:
        raise _fail(str(err)) from None
    evaluation = run_evaluation(gold_set, predictions)
    if as_json:
        typer.echo(json.dumps(evaluation.to_dict(), ensure_ascii=False))
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console.width = 120
    render_report(evaluation, gold_set, console, max_errors)


def _load(system: str, model: str | None) -> Any:
    try:
        return load_system(system, model)
    except Exception as err:
        from perfeval.model import ModelLoadError

        if not isinstance(err, (OSError, ValueError, ModelLoadError)):
            raise
        raise EvaluationInputError(f"{model or 'the default model'}: cannot load the {system} extractor ({err})") from err


def _run_cv(gold: Path, systems: list[str], base_model: str | None, epochs: int | None, seed: int, work_dir: Path | None, as_json: bool) -> None:
    from perfeval.train import train  # type: ignore[import-not-found]

    docs = load_gold(gold, include_synthetic=True)
    kwargs: dict[str, Any] = {"seed": seed}
    if base_model is not None:
        kwargs["base_model"] = base_model
    if epochs is not None:
        kwargs["epochs"] = epochs
    with tempfile.TemporaryDirectory(prefix="perfeval-cv-") as tmp:
        result = cross_validate(
            docs,
            train,
            work_dir or Path(tmp),
            systems=systems,
            train_kwargs=kwargs,
            progress=lambda msg: typer.echo(msg, err=True),
        )
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"leave-one-document-out over {len(result['folds'])} real documents ({len(docs)} in all)\n")
    typer.echo(markdown_table(result["systems"]))
    for system in systems:
        typer.echo(f"\nper fold, {system}:\n")
        typer.echo(markdown_table({name: fold[system] for name, fold in result["folds"].items()}, first="held out"))

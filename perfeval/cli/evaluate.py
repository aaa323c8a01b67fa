"""``perfeval evaluate``: score predictions or extractors against annotated documents.

Three modes:

- one system (default): ``--pred PRED.jsonl``, ``--model PATH`` (the hybrid extractor with
  that model), ``--rules-only``, or none of them (perfeval's default extractor); prints a
  per-label table and every error with its sentence, or ``--json`` flat scores;
- ``--compare rules-only,model,hybrid``: several systems side by side as a markdown table
  (or ``--json``: ``{system: flat scores}``); ``--model`` (repeatable) picks the model(s)
  behind ``model`` and ``hybrid``, ``--pred`` (repeatable) adds prediction files;
- ``--cv``: k-fold cross-validation by document (``--folds``) of a training configuration
  (``--base-model``, ``--epochs``) over ``--seeds``, for the systems in ``--compare`` (default
  all three), on the real documents of every ``--gold`` (e.g. ``annotations/reports`` and
  ``../shared/dev/gold``, read in place); synthetic documents only train.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List, Optional

import typer

from perfeval.evaluation import (
    SYSTEMS,
    EvaluationInputError,
    compare,
    cross_validate,
    cv_table,
    is_table_document,
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
    gold: List[Path] = typer.Option(..., "--gold", help="Annotation JSONL (doccano) file or a directory of them (repeatable with --cv)."),
    pred: Optional[List[Path]] = typer.Option(None, "--pred", help="Records JSONL from `perfeval extract --format jsonl` (repeatable with --compare)."),
    model: Optional[List[str]] = typer.Option(None, "--model", help="A model directory (repeatable with --compare); default: perfeval's model."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Evaluate the rule layer alone."),
    compare_systems: Optional[str] = typer.Option(None, "--compare", help=f"Comma-separated systems to compare: {', '.join(SYSTEMS)}."),
    cv: bool = typer.Option(False, "--cv", help="k-fold cross-validation by document: train on the other folds (synthetic included), test on each fold's real documents."),
    include_synthetic: bool = typer.Option(False, "--include-synthetic", help="Also score synthetic documents (skipped by default)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the report."),
    max_errors: Optional[int] = typer.Option(None, "--max-errors", help="List at most this many errors in the report."),
    base_model: Optional[str] = typer.Option(None, "--base-model", help="--cv: the encoder to fine-tune."),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="--cv: training epochs."),
    seeds: str = typer.Option("0", "--seeds", help="--cv: comma-separated random seeds (the spread between them is shown)."),
    folds: int = typer.Option(6, "--folds", min=2, help="--cv: number of folds."),
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
            _run_cv(gold, systems or list(SYSTEMS), base_model, epochs, folds, seeds, as_json)
            return
        if len(gold) > 1:
            raise _fail("--gold: one file or directory, except with --cv")
        docs = load_gold(gold[0], include_synthetic)
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


def _run_cv(golds: list[Path], systems: list[str], base_model: str | None, epochs: int | None, folds: int, seeds: str,
            as_json: bool) -> None:
    docs = [d for gold in golds for d in load_gold(gold, include_synthetic=True)]
    real = [d for d in docs if not d.meta.get("synthetic")]
    synthetic = [d for d in docs if d.meta.get("synthetic")]
    kwargs: dict[str, Any] = {}
    if base_model is not None:
        kwargs["base_model"] = base_model
    if epochs is not None:
        kwargs["epochs"] = epochs
    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise _fail(f"--seeds: {seeds!r} is not a comma-separated list of integers") from None
    result = cross_validate(real, synthetic, k=folds, seeds=seed_list, fit_kwargs=kwargs, systems=systems,
                            progress=lambda msg: typer.echo(msg, err=True))
    result.pop("calibration")
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    sizes = {"all": len(real), "table": sum(is_table_document(d.text) for d in real),
             "prose": sum(not is_table_document(d.text) for d in real)}
    typer.echo(f"{len(result['folds'])}-fold cross-validation by document over {len(real)} real documents "
               f"({len(synthetic)} synthetic in every training fold), seeds {seed_list}\n")
    typer.echo(cv_table(result, sizes))

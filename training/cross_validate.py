"""k-fold cross-validation by document of the default recipe on real text, with several seeds.

    .venv/bin/python training/cross_validate.py [--k 6] [--seeds 0,1,2] [--write]

The real documents are the four annotated reports in ``annotations/reports`` and, where it is
there, the 20 excerpts of ``../shared/dev/gold`` (read in place, never copied). Synthetic
documents (``annotations/synthetic``) go into every training fold and are never tested on.
For each seed and fold, a model is trained with ``training/default.json`` and rules-only,
model-only and hybrid extraction are scored on the held-out documents, all of them and the
table and prose documents apart (:func:`perfeval.evaluation.is_table_document`).

The held-out candidates' logits calibrate the model: a temperature for the value head and
one for the link head (:func:`perfeval.calibration.temperature`), reported with reliability
tables and the expected calibration error before and after. With ``--write`` the tables go
into ``training/README.md`` (between ``<!-- cv:start -->`` and ``<!-- cv:end -->``) and the
temperatures into ``training/default.json``, from where ``training/train_default.py`` puts
them into the shipped model (whose card copies the section). Everything is also written to
``<out>/cv.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from perfeval.calibration import expected_calibration_error, reliability, softmax, temperature
from perfeval.data.doccano import read_doccano
from perfeval.evaluation import cross_validate, cv_table, is_table_document

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEV = ROOT.parent / "shared" / "dev" / "gold"
SETTINGS = HERE / "default.json"
SYSTEMS = ("rules-only", "model", "hybrid")
START, END = "<!-- cv:start -->", "<!-- cv:end -->"
FIT_KEYS = ("epochs", "batch_size", "lr", "synthetic_ratio", "base_model", "encoder", "settings")


def real_documents(reports: Path, dev: Path) -> list:
    docs = read_doccano(reports)
    if dev.is_dir():
        docs += read_doccano(dev)
    return [d for d in docs if not d.meta.get("synthetic")]


def choices(probs: np.ndarray, targets: np.ndarray, rules: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(confidence, correct) of the model's most likely choice, or with ``rules`` of the rules'
    choice (what a hybrid record carries when no override applies)."""
    if rules is None:
        chosen = probs.argmax(axis=1)
    else:
        chosen = rules
    return probs[np.arange(len(chosen)), chosen], (chosen == targets).astype(float)


def calibration_table(name: str, columns: list[tuple[str, np.ndarray, np.ndarray]]) -> tuple[str, list[float]]:
    """Reliability table (10 equal-width bins) of each ``(title, confidence, correct)`` column, and their ECEs."""
    tables = [reliability(confidence, correct, bins=10) for _, confidence, correct in columns]
    head = f"| {name}: confidence | " + " | ".join(f"{title}: choices | accuracy" for title, _, _ in columns) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(columns)]
    for bins in zip(*tables):
        if any(b.count for b in bins):
            lines.append(f"| {bins[0].low:.1f}–{bins[0].high:.1f} | " + " | ".join(f"{b.count} | {b.accuracy:.3f}" for b in bins) + " |")
    eces = [expected_calibration_error(confidence, correct, bins=10) for _, confidence, correct in columns]
    return "\n".join(lines), eces


def calibration_section(logits: np.ndarray, targets: np.ndarray, rules: np.ndarray, t: float, name: str,
                        where: np.ndarray | None = None) -> str:
    """The model's own choice before and after temperature ``t``, and the rules' choice's
    probability after it (restricted to ``where``), with the ECE of each."""
    raw, scaled = softmax(logits, 1.0), softmax(logits, t)
    keep = np.ones(len(rules), dtype=bool) if where is None else where
    columns = [("model's choice, T = 1", *choices(raw, targets)), (f"model's choice, T = {t:.2f}", *choices(scaled, targets)),
               (f"rules' choice, T = {t:.2f}", *choices(scaled[keep], targets[keep], rules[keep]))]
    table, eces = calibration_table(name, columns)
    summary = "; ".join(f"{title}: {ece:.4f}" for (title, _, _), ece in zip(columns, eces))
    return f"{table}\n\n{name.capitalize()} ECE ({len(targets)} candidates, {int(keep.sum())} with a rules' choice): {summary}."


def section(result: dict[str, Any], command: str, temperatures: dict[str, float], calibration: str) -> str:
    folds = result["folds"]
    lines = [
        START, "",
        f"{len(folds)}-fold cross-validation by document over {sum(len(f) for f in folds)} real documents "
        f"({result['group_sizes']['table']} table, {result['group_sizes']['prose']} prose); seeds "
        f"{', '.join(str(s) for s in result['seeds'])}; synthetic documents only in training folds. Cells: mean over "
        "the seeds (lowest–highest where they differ). The rules were written and tuned on these documents, so "
        "rules-only is in-sample here; the models are not.",
        "", "```bash", command, "```", "", cv_table(result, result["group_sizes"]), "",
        "Folds: " + "; ".join(", ".join(f) for f in folds) + ".", "",
        "Calibration on the held-out candidates of every fold and seed, temperatures fitted on them "
        f"(value {temperatures['value']:.2f}, link {temperatures['link']:.2f}). Columns: the model's most likely "
        "choice before and after scaling, and the rules' choice with the model's scaled probability of it, which is "
        "the `confidence` a record of the shipped hybrid carries (its overrides are off). Accuracy: the share of "
        "choices that match the gold (a value's label, or no value; a value's gold indicator, or no link).", "",
        calibration, "", END,
    ]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    """Replace the cv section of ``path`` (append it when the markers are missing)."""
    old = path.read_text(encoding="utf-8")
    if START in old and END in old:
        old = old[: old.index(START)] + text + old[old.index(END) + len(END):]
    else:
        old = old.rstrip("\n") + "\n\n## Cross-validation\n\n" + text + "\n"
    path.write_text(old, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, default=ROOT / "annotations" / "reports")
    parser.add_argument("--dev", type=Path, default=DEV, help="the dev excerpts' gold (skipped where absent)")
    parser.add_argument("--synthetic", type=Path, default=ROOT / "annotations" / "synthetic")
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--out", type=Path, default=Path("/tmp/perfeval-cv"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--recipe", type=Path, default=SETTINGS, help="training recipe (JSON keyword arguments of perfeval.train.train)")
    parser.add_argument("--device", default="cpu", help="torch device for training, e.g. cuda")
    parser.add_argument("--write", action="store_true", help="write the tables into training/README.md and the temperatures into the recipe")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    recipe = json.loads(args.recipe.read_text(encoding="utf-8"))
    fit_kwargs = {k: v for k, v in recipe.items() if k in FIT_KEYS} | {"device": args.device}
    real = real_documents(args.reports, args.dev)
    synthetic = [d for d in read_doccano(args.synthetic) if d.meta.get("synthetic")] if args.synthetic.exists() else []
    seeds = [int(s) for s in args.seeds.split(",")]
    result = cross_validate(real, synthetic, k=args.k, seeds=seeds, fit_kwargs=fit_kwargs, systems=SYSTEMS, progress=print)
    result["group_sizes"] = {"all": len(real), "table": sum(is_table_document(d.text) for d in real),
                             "prose": sum(not is_table_document(d.text) for d in real)}
    (value_logits, value_targets, value_rules), (link_logits, link_targets, link_rules) = result.pop("calibration").values()
    temperatures = {"value": temperature(value_logits, value_targets), "link": temperature(link_logits, link_targets)}
    calibration = "\n\n".join([
        calibration_section(value_logits, value_targets, value_rules, temperatures["value"], "values", where=value_rules > 0),
        calibration_section(link_logits, link_targets, link_rules, temperatures["link"], "links"),
    ])
    command = " ".join(["python training/cross_validate.py", *sys.argv[1:]])
    text = section(result, command, temperatures, calibration)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cv.json").write_text(json.dumps(result | {"temperatures": temperatures}, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    if args.write:
        write_section(HERE / "README.md", text)
        settings = recipe.setdefault("settings", {})
        settings["value_temperature"], settings["link_temperature"] = round(temperatures["value"], 4), round(temperatures["link"], 4)
        args.recipe.write_text(json.dumps(recipe, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Leave-one-report-out cross-validation of the default training recipe.

    .venv/bin/python training/cross_validate.py [--data annotations/] [--out /tmp/perfeval-cv]

For each real report: train on the other real reports plus all synthetic documents
(synthetic documents are never test documents), then score rules-only, model-only and
hybrid extraction on the held-out report. Prints the markdown table of
:func:`perfeval.evaluation.markdown_table` (micro-averaged over folds) and the per-fold
link F1, and writes everything to ``<out>/cv.json``. With ``--write`` the table also
replaces the cross-validation section of ``training/README.md`` and of the shipped
model card (between ``<!-- cv:start -->`` and ``<!-- cv:end -->``).

``--written-folds K`` tests on the hand-written synthetic passages instead (K folds of whole
departments, trained on everything else): text that neither the rule layer nor the model
was developed on, so rules and hybrid compete on equal terms. It is a supplement to the
leave-one-report-out table, never part of it (section ``written-cv``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any

import torch

from perfeval.data.doccano import read_doccano
from perfeval.evaluation import cross_validate, markdown_table
from perfeval.model import DEFAULT_MODEL_DIR
from perfeval.train import WRITTEN, train
from perfeval.types import Document

HERE = Path(__file__).resolve().parent
SETTINGS = HERE / "default.json"
SYSTEMS = ("rules-only", "model", "hybrid")
MARKERS = {"cv": ("<!-- cv:start -->", "<!-- cv:end -->"), "written": ("<!-- written-cv:start -->", "<!-- written-cv:end -->")}
HEADINGS = {"cv": "Cross-validation", "written": "Held-out written passages"}


def _reusing(train_fn: Callable[..., Path]) -> Callable[..., Path]:
    """``train_fn``, except that a fold whose model directory already exists is not retrained
    (training is deterministic for a seed, so this re-scores the same models, e.g. after a
    decoding change)."""

    def run(docs: Any, out_dir: Path, **kwargs: Any) -> Path:
        if (Path(out_dir) / "config.json").is_file():
            return Path(out_dir)
        return train_fn(docs, out_dir, **kwargs)

    return run


def written_folds(docs: list[Document], k: int) -> dict[str, list[Document]]:
    """The written passages (``origin == "written"``) in ``k`` test folds of whole departments
    (the name's part before ``_``: ``written-edu_3`` -> ``edu``), assigned in turn by name."""
    department = {id(d): str(d.name).removeprefix("written-").split("_")[0] for d in docs if d.meta.get("origin") == WRITTEN}
    written = [d for d in docs if id(d) in department]
    departments = sorted(set(department.values()))
    groups = [departments[i::k] for i in range(k)]
    return {"+".join(g): [d for d in written if department[id(d)] in g] for g in groups if g}


def cv_section(result: dict[str, Any], command: str, kind: str = "cv") -> str:
    """The markdown block written between the ``kind`` markers."""
    start, end = MARKERS[kind]
    if kind == "cv":
        intro = f"Leave-one-report-out over the {len(result['folds'])} real reports; synthetic documents only in training folds."
    else:
        intro = (
            f"The written passages held out in {len(result['folds'])} folds of whole departments; each fold's model is trained on "
            "the four real reports, the generated synthetic documents and the other departments' passages."
        )
    lines = [start, "", intro, ""]
    lines += ["```bash", command, "```", "", markdown_table(result["systems"]), ""]
    lines += ["Link F1 per held-out fold (lenient / strict):", ""]
    for fold, systems in result["folds"].items():
        cells = ", ".join(f"{s} {r['link_f1_lenient']:.3f} / {r['link_f1_strict']:.3f}" for s, r in systems.items())
        lines.append(f"- `{fold}`: {cells}")
    return "\n".join(lines + ["", end])


def write_section(path: Path, section: str, kind: str = "cv") -> None:
    """Replace the ``kind`` section of ``path`` (append it when the markers are missing)."""
    start, end = MARKERS[kind]
    text = path.read_text(encoding="utf-8")
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + f"\n\n## {HEADINGS[kind]}\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "annotations")
    parser.add_argument("--out", type=Path, default=Path("/tmp/perfeval-cv"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--recipe", type=Path, default=SETTINGS, help="training recipe (JSON keyword arguments of perfeval.train.train)")
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs")
    parser.add_argument("--seed", type=int, default=None, help="override the recipe's seed (to see how much the scores move between runs)")
    parser.add_argument("--device", default="cpu", help="torch device for training, e.g. cuda")
    parser.add_argument("--write", action="store_true", help="write the table into training/README.md and the default model card")
    parser.add_argument("--from-json", type=Path, default=None, help="reuse the cv.json of an earlier run instead of training")
    parser.add_argument("--reuse", action="store_true", help="re-score fold models already in --out instead of retraining them")
    parser.add_argument(
        "--written-folds", type=int, default=None, metavar="K",
        help="test on the written synthetic passages instead, in K folds of whole departments (a check of text neither the rules nor the model saw)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = json.loads(args.recipe.read_text(encoding="utf-8"))
    if args.epochs:
        settings["epochs"] = args.epochs
    if args.seed is not None:
        settings["seed"] = args.seed
    settings.update(progress=False, device=args.device)
    command = "python training/cross_validate.py"
    if args.from_json:
        result = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        command = " ".join([command, *sys.argv[1:]])
        docs = read_doccano(args.data)
        trainer = _reusing(train) if args.reuse else train
        folds = written_folds(docs, args.written_folds) if args.written_folds else None
        result = cross_validate(docs, trainer, args.out, systems=SYSTEMS, train_kwargs=settings, progress=print, test_folds=folds)
        result["kind"] = "written" if folds else "cv"
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "cv.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    kind = result.get("kind", "cv")
    section = cv_section(result, command, kind)
    print(section)
    if args.write:
        for path in (HERE / "README.md", DEFAULT_MODEL_DIR / "README.md"):
            write_section(path, section, kind)


if __name__ == "__main__":
    main()

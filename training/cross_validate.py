"""Leave-one-report-out cross-validation of the default training recipe.

    .venv/bin/python training/cross_validate.py [--data annotations/] [--out /tmp/perfeval-cv]

For each real report: train on the other real reports plus all synthetic documents
(synthetic documents are never test documents), then score rules-only, model-only and
hybrid extraction on the held-out report. Prints the markdown table of
:func:`perfeval.evaluation.markdown_table` (micro-averaged over folds) and the per-fold
link F1, and writes everything to ``<out>/cv.json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from perfeval.data.doccano import read_doccano
from perfeval.evaluation import cross_validate, markdown_table
from perfeval.train import train

SETTINGS = Path(__file__).resolve().parent / "default.json"
SYSTEMS = ("rules-only", "model", "hybrid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "annotations")
    parser.add_argument("--out", type=Path, default=Path("/tmp/perfeval-cv"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs")
    parser.add_argument("--device", default="cpu", help="torch device for training, e.g. cuda")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))
    if args.epochs:
        settings["epochs"] = args.epochs
    settings.update(progress=False, device=args.device)
    docs = read_doccano(args.data)
    result = cross_validate(docs, train, args.out, systems=SYSTEMS, train_kwargs=settings, progress=print)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cv.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown_table(result["systems"]))
    for fold, systems in result["folds"].items():
        cells = ", ".join(f"{s} {r['link_f1_lenient']:.3f}/{r['link_f1_strict']:.3f}" for s, r in systems.items())
        print(f"{fold}: link F1 lenient/strict: {cells}")


if __name__ == "__main__":
    main()

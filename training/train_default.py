"""Rebuild the model shipped in ``perfeval/models/default/`` from everything in ``annotations/``.

    .venv/bin/python training/train_default.py            # writes perfeval/models/default/
    .venv/bin/python training/train_default.py --out DIR  # somewhere else

The settings live in ``training/default.json``; ``training/cross_validate.py --write``
measures that recipe and this script copies its table (the section between the cv
markers of ``training/README.md``) into the new model card. Takes about 8 minutes on 2
CPU cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from perfeval.data.doccano import read_doccano
from perfeval.model import DEFAULT_MODEL_DIR
from perfeval.train import train

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Path(__file__).resolve().parent / "default.json"
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- cv:start -->", "<!-- cv:end -->"


def copy_cv_section(card: Path) -> None:
    """Append the recipe's cross-validation section of ``training/README.md`` to ``card``."""
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return
    section = text[text.index(START) : text.index(END) + len(END)]
    card.write_text(card.read_text(encoding="utf-8").rstrip("\n") + "\n\n## Cross-validation of this recipe\n\n" + section + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "annotations")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))
    docs = read_doccano(args.data)
    path = train(docs, args.out, **settings, reproduce="python training/train_default.py (recipe in training/default.json)")
    copy_cv_section(path / "README.md")
    print(f"saved {path}")


if __name__ == "__main__":
    main()

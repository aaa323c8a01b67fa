"""Rebuild the model shipped in ``perfeval/models/default/`` from everything in ``annotations/``.

    .venv/bin/python training/train_default.py            # writes perfeval/models/default/
    .venv/bin/python training/train_default.py --out DIR  # somewhere else

The settings live in ``training/default.json``; they are the ones the shipped model card
and the cross-validation table in ``training/README.md`` were made with. Takes about
10-15 minutes on 2 CPU cores.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "annotations")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))
    docs = read_doccano(args.data)
    path = train(docs, args.out, **settings)
    print(f"saved {path}")


if __name__ == "__main__":
    main()

"""Rebuild the model shipped in ``perfeval/models/default/`` from every annotated real and synthetic document.

    .venv/bin/python training/train_default.py            # writes perfeval/models/default/
    .venv/bin/python training/train_default.py --out DIR  # somewhere else

The training data are ``annotations/`` (the four seed reports and the synthetic documents)
and, where it is there, the dev excerpts' gold in ``../shared/dev/gold`` (read in place,
never copied into the repository). The settings live in ``training/default.json``;
``training/cross_validate.py --write`` measures that recipe and this script copies its
section of ``training/README.md`` (between the cv markers) into the new model card, with
the sha256 of each source file. Takes about 4 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import torch

from perfeval.data.doccano import read_doccano
from perfeval.model import DEFAULT_MODEL_DIR
from perfeval.train import train

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Path(__file__).resolve().parent / "default.json"
README = Path(__file__).resolve().parent / "README.md"
DEV = ROOT.parent / "shared" / "dev" / "gold"
START, END = "<!-- cv:start -->", "<!-- cv:end -->"


HYBRID = """## How perfeval uses it

The recipe (`training/default.json`) turns the hybrid's three overrides off (`drop_threshold`,
`add_threshold`, `relink_threshold` are null): in cross-validation on real text (below) every
override the model made cost more right answers than it won. So the default extractor makes the
rules' and the table stage's decisions, and each record's `confidence` is this model's
probability of the rules' label, scaled by the temperature fitted on the cross-validation
predictions (`value_temperature`); each link's confidence is its probability of the rules'
indicator (`link_temperature`). `perfeval.load(hybrid=False)` runs the model's own decisions.
Set the thresholds in `config.json` to turn an override back on."""


def source_files(data: Path, dev: Path) -> list[Path]:
    """The annotation files trained on: ``data`` and, where it exists, ``dev``."""
    files = sorted(data.rglob("*.jsonl"))
    if dev.is_dir():
        files += sorted(dev.glob("*.jsonl"))
    return files


def sources_section(files: list[Path], counts: dict[Path, int]) -> str:
    """The model card's table of training files: path, documents, sha256."""
    lines = ["## Training data", "", "| file | documents | sha256 |", "|---|---:|---|"]
    for f in files:
        if f.resolve().is_relative_to(ROOT):
            shown = f.resolve().relative_to(ROOT)
        elif f.resolve().is_relative_to(ROOT.parent):
            shown = Path("..") / f.resolve().relative_to(ROOT.parent)
        else:
            shown = f
        lines.append(f"| `{shown}` | {counts[f]} | `{hashlib.sha256(f.read_bytes()).hexdigest()}` |")
    lines += ["", "Paths are relative to the repository; `../shared/dev/gold/` is the dev excerpts' gold, which is read "
              "in place beside the repository and is not part of it."]
    return "\n".join(lines)


def cv_section() -> str | None:
    """The recipe's cross-validation section of ``training/README.md``, if written."""
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return None
    return text[text.index(START) : text.index(END) + len(END)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "annotations")
    parser.add_argument("--dev", type=Path, default=DEV, help="the dev excerpts' gold (skipped where absent)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    recipe = json.loads(SETTINGS.read_text(encoding="utf-8"))
    files = source_files(args.data, args.dev)
    per_file = {f: read_doccano(f) for f in files}
    docs = [d for f in files for d in per_file[f]]
    path = train(docs, args.out, **recipe, reproduce="python training/train_default.py")
    card = path / "README.md"
    parts = [card.read_text(encoding="utf-8").rstrip("\n"), HYBRID, sources_section(files, {f: len(v) for f, v in per_file.items()})]
    section = cv_section()
    if section:
        parts.append("## Cross-validation of this recipe\n\n" + section)
    card.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"saved {path}")


if __name__ == "__main__":
    main()

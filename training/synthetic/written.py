#!/usr/bin/env python
"""Build ``annotations/synthetic/written.jsonl`` from the hand-written passages in ``written/``.

    .venv/bin/python training/synthetic/written.py [--out annotations/synthetic/written.jsonl]

Each ``written/<name>.txt`` is one invented passage with inline gold markup (``markup.py``);
it becomes one doccano record with id ``written-<name>``, ``"synthetic": true`` and
``"origin": "written"`` (training keeps every written passage in every epoch, where
generated documents are sampled). Deterministic: the same files give the same output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from markup import doccano_fields, parse  # noqa: E402

SOURCE = HERE / "written"
OUT = HERE.parent.parent / "annotations" / "synthetic" / "written.jsonl"


def build(source: Path = SOURCE) -> list[dict]:
    """One record per passage file, in file-name order."""
    records = []
    for file in sorted(source.glob("*.txt")):
        try:
            block = parse(file.read_text(encoding="utf-8"), "w", wrap=False)
            fields = doccano_fields(block.spans)
        except ValueError as err:
            raise ValueError(f"{file}: {err}") from None
        records.append({"id": f"written-{file.stem}", "text": block.text, **fields, "synthetic": True, "origin": "written"})
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    records = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    values = sum(1 for r in records for e in r["entities"] if e["label"] != "INDICATOR")
    print(f"wrote {len(records)} passages, {values} values, {sum(len(r['relations']) for r in records)} links to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Print the data card's count table (annotations/README.md, between the counts markers).

    python training/corpus_stats.py            # print the table
    python training/corpus_stats.py --write    # rewrite it in annotations/README.md
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from perfeval.data import annotation_files, read_doccano
from perfeval.types import VALUE_LABELS

ROOT = Path(__file__).resolve().parents[1]
CARD = ROOT / "annotations" / "README.md"
COLUMNS = ("documents", *VALUE_LABELS, "values", "INDICATOR", "value_of")


def row(docs) -> dict[str, int]:
    labels = Counter(e.label for d in docs for e in d.entities)
    counts = {"documents": len(docs), **{label: labels[label] for label in VALUE_LABELS}}
    counts["values"] = sum(labels[label] for label in VALUE_LABELS)
    counts["INDICATOR"] = labels["INDICATOR"]
    counts["value_of"] = sum(len(d.relations) for d in docs)
    return counts


def table(folder: Path) -> str:
    lines = ["| file | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for file in annotation_files(folder):
        counts = row(read_doccano(file))
        lines.append(f"| `{file.relative_to(folder).as_posix()}` | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the table in annotations/README.md")
    args = parser.parse_args()
    rendered = table(ROOT / "annotations")
    if not args.write:
        print(rendered)
        return
    card = CARD.read_text(encoding="utf-8")
    card = re.sub(
        r"(<!-- counts:start -->\n).*?(<!-- counts:end -->)", lambda m: m.group(1) + rendered + "\n" + m.group(2), card, flags=re.S
    )
    CARD.write_text(card, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Extraction accuracy on the real dev excerpts (``../shared/dev``), split into table and prose documents.

    python benchmarks/dev_set.py                                 # rules-only and the default, now
    python benchmarks/dev_set.py --pred before=old.jsonl         # also score saved predictions

A document is a *table document* when its text has a ``|``-separated row or at least three
of the words that head score sheets and budget blocks (一级指标, 年度指标值, 分值, 得分,
预算数, 执行数, 执行率 …), whatever perfeval makes of it; the others are *prose documents*.
Scores are ANNOTATION.md section 6 (micro-averaged over the documents of each group): value
F1 and precision by overlap, value F1 with the gold normalised value, link F1 lenient and
strict. ``--pred`` scores records JSONL as ``perfeval extract --format jsonl`` writes it
(e.g. from an older checkout), so versions compare on one harness. The dev texts are read
where they are and never copied; without ``../shared/dev`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import perfeval
from perfeval.evaluation import extract_records, load_gold, load_predictions, prepare_gold, run_evaluation

DEV = Path(__file__).resolve().parents[2] / "shared" / "dev" / "gold"
_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标值", "完成值", "实际值", "分值", "得分", "预算数", "执行数", "执行率")
COLUMNS = (("value F1", "value_f1_overlap"), ("value P", "value_p_overlap"), ("norm F1", "value_f1_norm"),
           ("link F1 lenient", "link_f1_lenient"), ("link F1 strict", "link_f1_strict"))


def is_table_document(text: str) -> bool:
    compact = re.sub(r"\s", "", text)
    return bool(re.search(r"\|", text)) or sum(word in compact for word in _HEADER_WORDS) >= 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEV, help="gold annotations (default: ../shared/dev/gold)")
    parser.add_argument("--pred", action="append", default=[], metavar="NAME=FILE", help="saved predictions to score")
    parser.add_argument("--no-live", action="store_true", help="score only --pred files")
    args = parser.parse_args()
    if not args.gold.exists():
        print(f"{args.gold}: not here (a clone without ../shared); nothing to measure")
        return 0
    docs = load_gold(args.gold)
    groups = {
        f"all ({len(docs)})": docs,
        f"table ({sum(is_table_document(d.text) for d in docs)})": [d for d in docs if is_table_document(d.text)],
        f"prose ({sum(not is_table_document(d.text) for d in docs)})": [d for d in docs if not is_table_document(d.text)],
    }
    systems: dict[str, dict] = {}
    for spec in args.pred:
        name, _, file = spec.partition("=")
        systems[name] = load_predictions(file, docs)
    if not args.no_live:
        gold = prepare_gold(docs)
        systems["rules-only"] = extract_records(perfeval.load(rules_only=True), gold)
        systems["default"] = extract_records(perfeval.load(), gold)
    print("| system | documents | " + " | ".join(title for title, _ in COLUMNS) + " |")
    print("|---|---|" + "---:|" * len(COLUMNS))
    for name, predictions in systems.items():
        for group, members in groups.items():
            scores = run_evaluation(prepare_gold(members), predictions).scores.to_dict()
            cells = " | ".join(f"{scores[key]:.3f}" for _, key in COLUMNS)
            print(f"| {name} | {group} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

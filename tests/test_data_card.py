"""The data card's count table matches the annotation files."""

import re
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "training"))
from corpus_stats import CARD, table  # noqa: E402


def test_counts_in_the_data_card_match_the_files():
    card = CARD.read_text(encoding="utf-8")
    written = re.search(r"<!-- counts:start -->\n(.*?)\n<!-- counts:end -->", card, flags=re.S)
    assert written, "annotations/README.md lost its counts markers"
    assert written.group(1) == table(ROOT / "annotations"), "run: python training/corpus_stats.py --write"

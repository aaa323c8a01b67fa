"""Training examples: annotated documents cut into token windows with tag and link targets.

Built once per document (one row of :func:`perfeval.data.hf.to_hf_dataset`); the training
loop applies augmentation on top. Within a window:

- tokens carry the BIO tag of their first character; tokens of an entity that the
  window cuts are ignored (no loss);
- each whole value gets a link target: ``0`` for no link, ``k + 1`` for its gold
  indicator as candidate ``k``; values whose gold indicator is outside the window or
  beyond ``max_pair_chars`` get no link loss (``link_mask`` False).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

import numpy as np

from perfeval.model.config import ModelConfig
from perfeval.model.features import TextStats, candidate_indicators, pad_candidates
from perfeval.model.inputs import IGNORE, doc_inputs
from perfeval.model.tokenization import ModelTokenizer
from perfeval.model.windows import plan_windows
from perfeval.types import INDICATOR, LABELS, VALUE_LABELS


@dataclass
class WindowExample:
    """One window: token lists (length L) and link targets for its V values over C candidates.

    ``spans`` (S, 2) are ``[start, end)`` token positions inside the window, ``span_labels``
    (S,) index :data:`~perfeval.types.LABELS`; ``values`` (V,) and ``cand_index`` (V, C)
    index ``spans``; ``cand_feats`` (V, C, F); ``cand_mask`` (V, C); ``targets`` (V,);
    ``link_mask`` (V,).
    """

    doc_id: str
    ids: list[int]
    gaps: list[int]
    rule_tags: list[int]
    labels: list[int]
    spans: np.ndarray
    span_labels: np.ndarray
    values: np.ndarray
    cand_index: np.ndarray
    cand_feats: np.ndarray
    cand_mask: np.ndarray
    targets: np.ndarray
    link_mask: np.ndarray


def _token_span(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Tokens whose first character lies in ``[start, end)``; empty when none does."""
    return bisect_left(starts, start), bisect_left(starts, end)


def windows_of_row(
    row: dict[str, Any], tokenizer: ModelTokenizer, config: ModelConfig, overlap: int
) -> list[WindowExample]:
    """Window examples of one dataset row (columns of :func:`perfeval.data.hf.to_hf_dataset`)."""
    text, char_tags = row["text"], row["ner_tags"]
    doc = doc_inputs(tokenizer, text, config.use_rule_features)
    starts = [s for s, _ in doc.encoded.offsets]
    labels = [char_tags[s] for s in starts]
    entities = [(e["label"], e["start"], e["end"]) for e in row["entities"]]
    tok_spans = [_token_span(starts, s, e) for _, s, e in entities]
    link_of = {r["head"]: r["tail"] for r in row["relations"]}
    stats = TextStats(
        text,
        [s for lab, s, _ in entities if lab == INDICATOR],
        [s for lab, s, _ in entities if lab in VALUE_LABELS],
        doc.rules,
    )
    out = []
    for w in plan_windows(len(starts), config.window_tokens, overlap):
        inside = [k for k, (a, b) in enumerate(tok_spans) if w.start <= a < b <= w.end]
        window_labels = labels[w.start : w.end]
        for a, b in tok_spans:
            if a < b and (a < w.start < b or a < w.end < b):
                for t in range(max(a, w.start), min(b, w.end)):
                    window_labels[t - w.start] = IGNORE
        out.append(_window_example(row["id"], doc, w.start, w.end, window_labels, entities, tok_spans, inside, link_of, stats, config))
    return out


def _window_example(
    doc_id: str,
    doc: Any,
    start: int,
    end: int,
    labels: list[int],
    entities: list[tuple[str, int, int]],
    tok_spans: list[tuple[int, int]],
    inside: list[int],
    link_of: dict[int, int],
    stats: TextStats,
    config: ModelConfig,
) -> WindowExample:
    local = {k: i for i, k in enumerate(inside)}
    values = [k for k in inside if entities[k][0] in VALUE_LABELS]
    indicators = [k for k in inside if entities[k][0] == INDICATOR]
    cands = candidate_indicators(
        [entities[k][1:] for k in values], [entities[k][1:] for k in indicators], stats, config.max_pair_chars
    )
    index, feats, mask = pad_candidates(cands)
    targets = np.zeros(len(values), dtype=np.int64)
    link_mask = np.ones(len(values), dtype=bool)
    for v, k in enumerate(values):
        gold = link_of.get(k)
        if gold is None:
            continue
        choices = [indicators[c] for c, _ in cands[v]]
        if gold in choices:
            targets[v] = choices.index(gold) + 1
        else:
            link_mask[v] = False
    ind_local = np.array([local[k] for k in indicators], dtype=np.int64)
    return WindowExample(
        doc_id=doc_id,
        ids=doc.encoded.ids[start:end],
        gaps=doc.encoded.gaps[start:end],
        rule_tags=doc.rule_tags[start:end],
        labels=labels,
        spans=np.array([[tok_spans[k][0] - start, tok_spans[k][1] - start] for k in inside], dtype=np.int64).reshape(-1, 2),
        span_labels=np.array([LABELS.index(entities[k][0]) for k in inside], dtype=np.int64),
        values=np.array([local[k] for k in values], dtype=np.int64),
        cand_index=ind_local[index] if len(indicators) else index,
        cand_feats=feats,
        cand_mask=mask,
        targets=targets,
        link_mask=link_mask,
    )

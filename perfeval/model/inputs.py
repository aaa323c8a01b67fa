"""Model inputs of a document: tokens, layout ids and rule tags, cut into padded window batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from perfeval.model.features import RuleView, rule_view, token_rule_tags
from perfeval.model.tokenization import Encoded, ModelTokenizer, encode

IGNORE = -100


@dataclass
class DocInputs:
    """A whole document as token-aligned lists (``encoded`` plus one rule tag id per token),
    and the rule layer's view of it (empty when rule features are off)."""

    text: str
    encoded: Encoded
    rule_tags: list[int]
    rules: RuleView


def doc_inputs(tokenizer: ModelTokenizer, text: str, use_rules: bool) -> DocInputs:
    encoded = encode(tokenizer, text)
    rules = rule_view(text) if use_rules else RuleView()
    return DocInputs(text, encoded, token_rule_tags(encoded.offsets, rules.spans()), rules)


@dataclass
class Batch:
    """Padded windows: every tensor is (B, L); ``first_token`` (B,) is where token ``start`` sits."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    gaps: torch.Tensor
    rule_tags: torch.Tensor
    labels: torch.Tensor
    first_token: torch.Tensor


def make_batch(
    rows: Sequence[tuple[list[int], list[int], list[int], list[int]]],
    tokenizer: ModelTokenizer,
    device: torch.device | str = "cpu",
) -> Batch:
    """``rows`` of (ids, gaps, rule_tags, labels) for a window's tokens -> a padded :class:`Batch`.

    ``[CLS]``/``[SEP]`` (when the tokenizer has them) wrap each window; labels use
    :data:`IGNORE` on special and padding positions.
    """
    head = [tokenizer.cls_token_id] if tokenizer.cls_token_id is not None else []
    tail = [tokenizer.sep_token_id] if tokenizer.sep_token_id is not None else []
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    width = max(len(r[0]) for r in rows) + len(head) + len(tail)
    cols: list[list[list[int]]] = [[], [], [], [], []]
    for ids, gaps, rules, labels in rows:
        n = len(ids) + len(head) + len(tail)
        fill = width - n
        sh, st = [0] * len(head), [0] * len(tail)
        ih, it = [IGNORE] * len(head), [IGNORE] * len(tail)
        cols[0].append(head + ids + tail + [pad] * fill)
        cols[1].append([1] * n + [0] * fill)
        cols[2].append(sh + gaps + st + [0] * fill)
        cols[3].append(sh + rules + st + [0] * fill)
        cols[4].append(ih + labels + it + [IGNORE] * fill)
    tensors = [torch.tensor(c, dtype=torch.long, device=device) for c in cols]
    return Batch(*tensors, torch.full((len(rows),), len(head), dtype=torch.long))

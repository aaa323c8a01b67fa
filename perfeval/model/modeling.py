"""The network: an encoder (any Hugging Face encoder, or the compact one trained from
scratch) + layout/rule embeddings, a BIO tagging head
and a (value, indicator) link scorer with a no-link option.

Shapes: ``B`` windows, ``L`` tokens per window (special tokens included), ``H`` the
encoder's hidden size, ``T`` BIO tags, ``S`` spans, ``V`` values, ``I`` candidate
indicators, ``F`` pair features (:class:`~perfeval.model.features.PairFeatures`).
"""

from __future__ import annotations

import torch
from torch import nn

from perfeval.model.config import ModelConfig
from perfeval.model.features import (
    NUM_BETWEEN,
    NUM_BREAKS,
    NUM_DISTANCE,
    NUM_NEWLINES,
    NUM_RULE_LINK,
    RULE_AGREES,
    RULE_ELSEWHERE,
    RULE_TAGS,
    RULE_UNLINKED,
)
from perfeval.model.tokenization import NUM_GAPS
from perfeval.types import LABELS

PAIR_FEATURE_SIZES = (NUM_DISTANCE, NUM_BREAKS, NUM_NEWLINES, NUM_BETWEEN, NUM_BETWEEN, NUM_RULE_LINK)
RULE_LINK_FEATURE = PAIR_FEATURE_SIZES.index(NUM_RULE_LINK)
NO_LINK = 0
RULE_SKIP_INIT = 4.0  # logit bonus, at initialisation, for agreeing with the rules


class PerfevalNetwork(nn.Module):
    """Encoder, tagger and linker; see the module docstring for the shape letters."""

    def __init__(self, config: ModelConfig, encoder: nn.Module) -> None:
        """``encoder``: a :class:`~perfeval.model.encoder.CompactEncoder` or a transformers model;
        both take ``inputs_embeds`` and ``attention_mask``."""
        super().__init__()
        self.config = config
        self.encoder = encoder
        hidden = self._input_embeddings().embedding_dim
        self.gap_embed = nn.Embedding(NUM_GAPS, hidden)
        self.rule_embed = nn.Embedding(len(RULE_TAGS), hidden)
        for table in (self.gap_embed, self.rule_embed):
            nn.init.normal_(table.weight, std=0.02)
        self.dropout = nn.Dropout(0.1)
        self.tagger = nn.Linear(hidden, len(config.labels))
        # skip connections from the rules' opinion straight to the scores: copying the rules
        # is where training starts, the encoder learns the corrections
        self.rule_tag_skip = nn.Embedding(len(RULE_TAGS), len(config.labels))
        self.rule_link_skip = nn.Embedding(NUM_RULE_LINK, 1)
        self.rule_no_link_skip = nn.Embedding(NUM_RULE_LINK, 1)
        self._init_skips()
        self.span_proj = nn.Linear(3 * hidden, config.span_dim)
        self.span_label = nn.Embedding(len(LABELS), config.span_dim)
        self.pair_features = nn.ModuleList(nn.Embedding(n, config.feature_dim) for n in PAIR_FEATURE_SIZES)
        pair_in = 3 * config.span_dim + len(PAIR_FEATURE_SIZES) * config.feature_dim
        self.pair_scorer = nn.Sequential(nn.Linear(pair_in, config.pair_hidden), nn.GELU(), nn.Linear(config.pair_hidden, 1))
        self.no_link_scorer = nn.Sequential(
            nn.Linear(config.span_dim, config.pair_hidden), nn.GELU(), nn.Linear(config.pair_hidden, 1)
        )

    def _input_embeddings(self) -> nn.Embedding:
        embeddings: nn.Embedding = getattr(self.encoder, "get_input_embeddings")()  # on both encoder kinds
        return embeddings

    def _init_skips(self) -> None:
        with torch.no_grad():
            self.rule_tag_skip.weight.zero_()
            for i, tag in enumerate(RULE_TAGS[1:], start=1):
                self.rule_tag_skip.weight[i, self.config.labels.index(tag)] = RULE_SKIP_INIT
            self.rule_link_skip.weight.zero_()
            self.rule_link_skip.weight[RULE_AGREES] = RULE_SKIP_INIT / 2
            self.rule_link_skip.weight[RULE_ELSEWHERE] = -RULE_SKIP_INIT / 4
            # a value the rules leave unlinked, or link outside the candidates, leans to no link
            self.rule_no_link_skip.weight.zero_()
            self.rule_no_link_skip.weight[RULE_UNLINKED] = RULE_SKIP_INIT / 2
            self.rule_no_link_skip.weight[RULE_ELSEWHERE] = RULE_SKIP_INIT / 4

    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, gaps: torch.Tensor, rule_tags: torch.Tensor
    ) -> torch.Tensor:
        """(B, L) ids, mask, layout ids and rule tag ids -> (B, L, H) hidden states."""
        embeds = self._input_embeddings()(input_ids) + self.gap_embed(gaps)
        if self.config.use_rule_features:
            embeds = embeds + self.rule_embed(rule_tags)
        out = self.encoder(inputs_embeds=embeds, attention_mask=attention_mask)
        return self.dropout(out if isinstance(out, torch.Tensor) else out.last_hidden_state)

    def tag_logits(self, hidden: torch.Tensor, rule_tags: torch.Tensor) -> torch.Tensor:
        """(..., H) hidden states and (...) rule tag ids -> (..., T) BIO logits."""
        logits = self.tagger(hidden)
        if self.config.use_rule_features:
            logits = logits + self.rule_tag_skip(rule_tags)
        return logits

    def span_reps(self, hidden: torch.Tensor, spans: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Span vectors from rows of one sequence.

        hidden: (N, H) token states; spans: (S, 2) ``[start, end)`` row indices; labels: (S,)
        indices into :data:`~perfeval.types.LABELS` -> (S, span_dim).
        """
        if spans.numel() == 0:
            return hidden.new_zeros((0, self.config.span_dim))
        csum = torch.cat([hidden.new_zeros((1, hidden.shape[1])), hidden.cumsum(0)])
        start, end = spans[:, 0], spans[:, 1]
        mean = (csum[end] - csum[start]) / (end - start).unsqueeze(1).to(hidden.dtype)
        rep = torch.cat([hidden[start], hidden[end - 1], mean], dim=1)
        return torch.tanh(self.span_proj(rep) + self.span_label(labels))

    def link_logits(
        self, values: torch.Tensor, candidates: torch.Tensor, features: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """Scores of linking each value to each of its candidates, column :data:`NO_LINK` = no link.

        values: (V, D); candidates: (V, C, D) indicator vectors; features: (V, C, F) ids;
        mask: (V, C) bool, False on padding -> (V, 1 + C) logits (masked pairs -1e4).
        """
        no_link = self.no_link_scorer(values)
        if candidates.shape[1] == 0:
            return no_link
        if self.config.use_rule_features:
            # the rules' view of the value: the strongest opinion over its candidates
            status = features[..., RULE_LINK_FEATURE].masked_fill(~mask, 0).amax(dim=1)
            no_link = no_link + self.rule_no_link_skip(status)
        v = values.unsqueeze(1).expand_as(candidates)
        feats = [table(features[..., k]) for k, table in enumerate(self.pair_features)]
        pair = self.pair_scorer(torch.cat([v, candidates, v * candidates, *feats], dim=-1)).squeeze(-1)
        if self.config.use_rule_features:
            pair = pair + self.rule_link_skip(features[..., RULE_LINK_FEATURE]).squeeze(-1)
        pair = pair.masked_fill(~mask, -1e4)
        return torch.cat([no_link, pair], dim=1)

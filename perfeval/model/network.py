"""The network: an encoder over each value candidate's window, a value head (no value, or
which label) and a link head (which indicator candidate, or none).

Shapes as in :mod:`perfeval.model.inputs`: ``N`` value candidates, ``W`` window tokens, ``K``
indicator candidates, ``H`` the encoder's hidden size, ``D`` = ``config.head_dim``. The
window's first token (``[CLS]``) carries the value's categorical features; the value is
marked on its own tokens. An indicator candidate is read from the states of its first and
last tokens and of the tokens just outside it, plus its features; one outside the window
is read from its features alone. Both heads start from the rules' opinion: the value
head's bias towards the rule label and the link head's towards the rules' indicator are
learned corrections on top of skip connections from those features.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from perfeval.model.candidates import PROPOSERS
from perfeval.model.config import CONFIG_NAME, ONNX_NAME, WEIGHTS_NAME, ModelConfig
from perfeval.model.encoder import COMPACT_MODEL_TYPE, CompactEncoder, CompactEncoderConfig
from perfeval.model.inputs import INPUT_NAMES, LINK_FEATURES, VALUE_FEATURES
from perfeval.model.serialization import ModelLoadError, one_line
from perfeval.model.tokenization import NUM_GAPS

RULE_PRIOR = 3.0  # logit bonus, at initialisation, for agreeing with the rules
_RULE_BIT = 1 << PROPOSERS.index("rule")


class CandidateNetwork(nn.Module):
    """Encoder, value head and link head; see the module docstring for the shape letters."""

    def __init__(self, config: ModelConfig, encoder: nn.Module) -> None:
        """``encoder``: a :class:`~perfeval.model.encoder.CompactEncoder` or a transformers model;
        both take ``inputs_embeds`` and ``attention_mask``."""
        super().__init__()
        self.config = config
        self.encoder = encoder
        hidden = self._input_embeddings().embedding_dim
        d, f = config.head_dim, config.feature_dim
        self.gap_embed = nn.Embedding(NUM_GAPS, hidden)
        self.mark_embed = nn.Embedding(2, hidden)
        self.value_feature_embeds = nn.ModuleList(nn.Embedding(size, hidden) for _, size in VALUE_FEATURES)
        self.link_feature_embeds = nn.ModuleList(nn.Embedding(size, f) for _, size in LINK_FEATURES)
        for table in (self.gap_embed, self.mark_embed, *self.value_feature_embeds, *self.link_feature_embeds):
            nn.init.normal_(table.weight, std=0.02)
        self.dropout = nn.Dropout(0.1)
        self.value_proj = nn.Linear(2 * hidden, d)
        self.value_head = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, len(config.classes)))
        # the rule label's class gets a head start: rules-first, corrections learned
        self.rule_label_skip = nn.Embedding(VALUE_FEATURES[1][1], len(config.classes))
        self.link_proj = nn.Linear(4 * hidden + len(LINK_FEATURES) * f, d)
        self.pair_head = nn.Sequential(nn.Linear(3 * d, d), nn.GELU(), nn.Linear(d, 1))
        self.no_link_head = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, 1))
        self.rule_link_skip = nn.Parameter(torch.tensor(RULE_PRIOR))
        self.rules_link_skip = nn.Embedding(2, 1)  # no-link bias by whether the rules link the value
        with torch.no_grad():
            self.rule_label_skip.weight.zero_()
            for i in range(len(config.classes)):
                self.rule_label_skip.weight[i, i] = RULE_PRIOR  # rule label k+1 -> class k+1; none -> NONE
            self.rules_link_skip.weight.copy_(torch.tensor([[RULE_PRIOR], [0.0]]))

    def _input_embeddings(self) -> nn.Embedding:
        embeddings: nn.Embedding = getattr(self.encoder, "get_input_embeddings")()  # on both encoder kinds
        return embeddings

    def forward(
        self,
        input_ids: torch.Tensor,
        gaps: torch.Tensor,
        marks: torch.Tensor,
        attention_mask: torch.Tensor,
        value_features: torch.Tensor,
        link_row: torch.Tensor,
        link_start: torch.Tensor,
        link_end: torch.Tensor,
        link_features: torch.Tensor,
        link_index: torch.Tensor,
        link_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """-> value logits (N, classes) and link logits (N, 1 + K): column 0 is *no link*,
        where a value has fewer than K candidates the rest score -1e4."""
        embeds = self._input_embeddings()(input_ids) + self.gap_embed(gaps) + self.mark_embed(marks)
        features = sum(table(value_features[:, k]) for k, table in enumerate(self.value_feature_embeds))
        first = torch.zeros_like(embeds)
        first[:, 0] = features
        out = self.encoder(inputs_embeds=embeds + first, attention_mask=attention_mask)
        hidden = self.dropout(out if isinstance(out, torch.Tensor) else out.last_hidden_state)
        mark = (marks == 1).unsqueeze(-1).to(hidden.dtype)
        value_mean = (hidden * mark).sum(1) / mark.sum(1).clamp(min=1.0)
        value = torch.tanh(self.value_proj(torch.cat([hidden[:, 0], value_mean], dim=-1)))
        value_logits = self.value_head(value) + self.rule_label_skip(value_features[:, 1])

        width = hidden.shape[1]
        states = hidden.reshape(-1, hidden.shape[-1])  # (N * W, H)
        before = (link_start - 1).clamp(min=0)
        after = (link_end + 1).clamp(max=width - 1)
        gathered = [states.index_select(0, link_row * width + index) for index in (link_start, link_end, before, after)]
        feats = [table(link_features[:, k]) for k, table in enumerate(self.link_feature_embeds)]
        inside = link_features[:, 3:4].to(hidden.dtype)  # column 3: inside the window
        link = torch.tanh(self.link_proj(torch.cat([g * inside for g in gathered] + feats, dim=-1)))  # (L, D)
        v = value.index_select(0, link_row)
        pair = self.pair_head(torch.cat([v, link, v * link], dim=-1)).squeeze(-1)
        is_rule = ((link_features[:, 0] // _RULE_BIT) % 2).to(hidden.dtype)  # arithmetic: ONNX has no integer AND
        pair = pair + self.rule_link_skip * is_rule
        padded = torch.full_like(link_mask, -1e4, dtype=pair.dtype).reshape(-1).scatter(0, link_index, pair)
        no_link = self.no_link_head(value) + self.rules_link_skip(value_features[:, 5])
        return value_logits, torch.cat([no_link, padded.reshape(link_mask.shape)], dim=1)


# ------------------------------------------------------------------ building, weights and export

OUTPUT_NAMES = ("value_logits", "link_logits")


def build_encoder(settings: dict) -> nn.Module:
    """A randomly initialised encoder from its config dict (``model_type`` picks the class):
    the compact encoder, or any transformers architecture (imported only then)."""
    settings = dict(settings)
    model_type = settings.pop("model_type")
    if model_type == COMPACT_MODEL_TYPE:
        return CompactEncoder(CompactEncoderConfig(**settings))
    from transformers import AutoConfig, AutoModel

    return AutoModel.from_config(AutoConfig.for_model(model_type, **settings))


def build_network(config: ModelConfig, path: Path | None = None) -> CandidateNetwork:
    """A network with a randomly initialised encoder made from ``config.encoder``."""
    try:
        encoder = build_encoder(config.encoder)
    except (KeyError, ValueError, TypeError) as err:
        raise ModelLoadError(f"model directory {path}: cannot build the encoder from {CONFIG_NAME} ({one_line(err)}); retrain the model") from None
    return CandidateNetwork(config, encoder)


def read_weights(network: CandidateNetwork, path: Path) -> None:
    file = path / WEIGHTS_NAME
    try:
        state = load_file(str(file))
    except (SafetensorError, OSError, ValueError) as err:
        raise ModelLoadError(f"model directory {path} is corrupt: {WEIGHTS_NAME} cannot be read ({one_line(err)}); re-save or retrain the model") from None
    try:
        result = network.load_state_dict(state, strict=False)
    except RuntimeError as err:
        first = str(err).strip().splitlines()[-1].strip()
        raise ModelLoadError(f"model directory {path}: {WEIGHTS_NAME} does not fit {CONFIG_NAME} ({first}); retrain the model") from None
    problems = [*result.missing_keys, *result.unexpected_keys]
    if problems:
        raise ModelLoadError(
            f"model directory {path}: {WEIGHTS_NAME} does not fit {CONFIG_NAME} "
            f"({len(result.missing_keys)} missing, {len(result.unexpected_keys)} unexpected tensors, e.g. {problems[0]}); retrain the model"
        )


def write_weights(network: CandidateNetwork, path: Path) -> None:
    state = {k: v.detach().contiguous().clone() for k, v in network.state_dict().items()}
    save_file(state, str(path / WEIGHTS_NAME), metadata={"format": "pt"})
    (path / WEIGHTS_NAME).chmod(0o644)  # safetensors creates it owner-only; a shipped model must be readable


def export_onnx(network: CandidateNetwork, path: Path, example: dict[str, np.ndarray]) -> None:
    """Write ``model.onnx``: the network on the CPU in eval mode, every axis but the features dynamic."""
    network = network.to("cpu").eval()
    args = tuple(torch.from_numpy(example[name]) for name in INPUT_NAMES)
    dynamic = {"input_ids": {0: "n", 1: "w"}, "gaps": {0: "n", 1: "w"}, "marks": {0: "n", 1: "w"},
               "attention_mask": {0: "n", 1: "w"}, "value_features": {0: "n"}, "link_row": {0: "l"}, "link_start": {0: "l"},
               "link_end": {0: "l"}, "link_features": {0: "l"}, "link_index": {0: "l"}, "link_mask": {0: "n", 1: "k"},
               "value_logits": {0: "n"}, "link_logits": {0: "n", 1: "k1"}}
    with torch.no_grad():
        torch.onnx.export(network, args, str(path / ONNX_NAME), input_names=list(INPUT_NAMES),
                          output_names=list(OUTPUT_NAMES), dynamic_axes=dynamic, opset_version=17, dynamo=False)
    (path / ONNX_NAME).chmod(0o644)

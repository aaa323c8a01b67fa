"""The compact encoder trained from scratch for the shipped default model.

A BERT-shaped stack (token + position embeddings, LayerNorm, post-norm layers of
self-attention and a GELU feed-forward) written with torch's own modules and
``scaled_dot_product_attention``: small, quick to train on a CPU, and exported to ONNX with
the rest of the network for prediction without torch. Pretrained Hugging Face encoders
(``--base-model``) go through ``transformers.AutoModel``; both are called the same way by
:class:`~perfeval.model.network.CandidateNetwork`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

COMPACT_MODEL_TYPE = "perfeval-compact"


@dataclass
class CompactEncoderConfig:
    """Sizes of a :class:`CompactEncoder`; saved as the ``encoder`` entry of ``config.json``."""

    vocab_size: int
    hidden_size: int = 128
    num_hidden_layers: int = 3
    num_attention_heads: int = 4
    intermediate_size: int = 384
    max_position_embeddings: int = 512
    dropout: float = 0.1
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"model_type": COMPACT_MODEL_TYPE, **asdict(self)}


class EncoderLayer(nn.Module):
    """Self-attention, add & norm, GELU feed-forward, add & norm: (B, L, H) -> (B, L, H)."""

    def __init__(self, config: CompactEncoderConfig) -> None:
        super().__init__()
        hidden = config.hidden_size
        self.heads = config.num_attention_heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.attention_out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=config.layer_norm_eps)
        self.feed_forward = nn.Sequential(
            nn.Linear(hidden, config.intermediate_size), nn.GELU(), nn.Linear(config.intermediate_size, hidden)
        )
        self.output_norm = nn.LayerNorm(hidden, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        """``bias``: (B, 1, 1, L), added to the attention scores: 0 on real keys, -1e4 on padding."""
        batch, length, hidden = x.shape
        qkv = self.qkv(x).view(batch, length, 3, self.heads, hidden // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        p = self.dropout.p if self.training else 0.0
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=p)
        x = self.attention_norm(x + self.dropout(self.attention_out(attended.transpose(1, 2).reshape(batch, length, hidden))))
        return self.output_norm(x + self.dropout(self.feed_forward(x)))


class CompactEncoder(nn.Module):
    """``forward(inputs_embeds=(B, L, H), attention_mask=(B, L))`` -> (B, L, H) hidden states."""

    def __init__(self, config: CompactEncoderConfig) -> None:
        super().__init__()
        self.config = config
        hidden = config.hidden_size
        self.word_embeddings = nn.Embedding(config.vocab_size, hidden, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, hidden)
        self.norm = nn.LayerNorm(hidden, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)
        self.layers = nn.ModuleList(EncoderLayer(config) for _ in range(config.num_hidden_layers))
        for table in (self.word_embeddings, self.position_embeddings):
            nn.init.normal_(table.weight, std=0.02)
            if table.padding_idx is not None:
                table.weight.data[table.padding_idx].zero_()

    def get_input_embeddings(self) -> nn.Embedding:
        return self.word_embeddings

    def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(inputs_embeds.shape[1], device=inputs_embeds.device)
        x = self.dropout(self.norm(inputs_embeds + self.position_embeddings(positions)))
        # an additive mask, not a boolean one: the same scores (exp(-1e4) is 0 in float32), and a
        # simpler exported graph than the boolean mask's where / isnan guard
        bias = (attention_mask[:, None, None, :].to(x.dtype) - 1.0) * 1e4
        for layer in self.layers:
            x = layer(x, bias)
        return x

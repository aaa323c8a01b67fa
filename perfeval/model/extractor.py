"""``PerfevalModel``: a trained network with its tokenizer and config, from text to entities and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from perfeval import DEFAULT_MODEL as DEFAULT_MODEL_DIR
from perfeval.model.config import ModelConfig
from perfeval.model.decoding import (
    TokenSpan,
    decode_entities,
    decode_links,
    snap_indicators,
)
from perfeval.model.features import (
    RULE_UNLINKED,
    RuleView,
    TextStats,
    candidate_indicators,
    pad_candidates,
)
from perfeval.model.inputs import DocInputs, doc_inputs, make_batch
from perfeval.model.modeling import PerfevalNetwork
from perfeval.model.serialization import (
    build_network,
    read_card,
    read_config,
    read_tokenizer,
    read_weights,
    write_dir,
)
from perfeval.model.tokenization import ModelTokenizer
from perfeval.model.windows import Window, plan_windows
from perfeval.types import INDICATOR, LABELS, Entity, Relation

BATCH_WINDOWS = 16
LINK_CHUNK = 256
KEEP_BELOW_O = 0.9  # hidden states are kept for tokens whose P(O) is below this


@dataclass
class ModelPrediction:
    """Entities in text order (``source="model"``) and ``value_of`` links indexing into them."""

    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass
class _Merged:
    """Per-token tag probabilities (n, T) of a document, and hidden rows (R, H) of the tokens
    that can end up inside an entity: ``kept`` (R,) holds their token indices, ascending."""

    probs: torch.Tensor
    hidden: torch.Tensor
    kept: torch.Tensor

    def rows(self, first: int, last: int) -> tuple[int, int]:
        """``[start, end)`` rows of the kept tokens among tokens ``first..last`` (never empty)."""
        start = int(torch.searchsorted(self.kept, first))
        end = int(torch.searchsorted(self.kept, last, right=True))
        if end > start:
            return start, end
        start = min(start, self.kept.numel() - 1)
        return start, start + 1


class PerfevalModel:
    """Tagger + linker. Load with :meth:`from_pretrained`, run with :meth:`predict`."""

    def __init__(
        self, config: ModelConfig, tokenizer: ModelTokenizer, network: PerfevalNetwork, card: str | None = None
    ) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.network = network
        self.card = card
        self.network.eval()

    @classmethod
    def from_pretrained(cls, path_or_name: str | Path) -> "PerfevalModel":
        """Load a model directory (``"default"`` names the model shipped with perfeval).

        Raises :class:`~perfeval.model.serialization.ModelLoadError` for a missing,
        incomplete, corrupt or incompatible directory.
        """
        path = DEFAULT_MODEL_DIR if str(path_or_name) == "default" else Path(path_or_name)
        config = read_config(path)
        tokenizer = read_tokenizer(path)
        network = build_network(config, path)
        read_weights(network, path)
        return cls(config, tokenizer, network, read_card(path))

    def save_pretrained(self, path: str | Path) -> Path:
        """Write config, weights, tokenizer and model card to the directory ``path``."""
        path = Path(path)
        write_dir(path, self.config, self.network, self.tokenizer, self.card)
        return path

    def to(self, device: torch.device | str) -> "PerfevalModel":
        """Move the network to ``device`` (e.g. ``"cuda"``); returns ``self``."""
        self.network.to(device)
        return self

    @property
    def device(self) -> torch.device:
        return next(self.network.parameters()).device

    def inputs(self, text: str) -> DocInputs:
        return doc_inputs(self.tokenizer, text, self.config.use_rule_features)

    @torch.no_grad()
    def predict(self, text: str) -> ModelPrediction:
        """Entities and links of ``text``, any length (windows of ``config.window_tokens``)."""
        self.network.eval()
        doc = self.inputs(text)
        if len(doc.encoded) == 0:
            return ModelPrediction()
        merged = self._merge_windows(doc)
        spans = decode_entities(merged.probs, doc.encoded.offsets, text, self.config.labels)
        if self.config.snap_to_rules:
            rule_indicators = sorted({link for link in doc.rules.links if link is not None})
            spans = snap_indicators(spans, rule_indicators, doc.encoded.offsets, text)
        return ModelPrediction([s.entity for s in spans], self._links(text, spans, merged, doc.rules))

    def _merge_windows(self, doc: DocInputs) -> _Merged:
        enc = doc.encoded
        n = len(enc)
        windows = plan_windows(n, self.config.window_tokens, self.config.window_overlap)
        probs = torch.zeros((n, len(self.config.labels)))
        kept_index: list[torch.Tensor] = []
        kept_rows: list[torch.Tensor] = []
        for i in range(0, len(windows), BATCH_WINDOWS):
            chunk: list[Window] = windows[i : i + BATCH_WINDOWS]
            rows = [
                (enc.ids[w.start : w.end], enc.gaps[w.start : w.end], doc.rule_tags[w.start : w.end], [0] * (w.end - w.start))
                for w in chunk
            ]
            batch = make_batch(rows, self.tokenizer, self.device)
            hidden = self.network.encode(batch.input_ids, batch.attention_mask, batch.gaps, batch.rule_tags)
            window_probs = self.network.tag_logits(hidden, batch.rule_tags).softmax(-1).cpu()
            hidden = hidden.cpu()
            for b, w in enumerate(chunk):
                lo = int(batch.first_token[b]) + w.own_start - w.start
                hi = lo + w.own_end - w.own_start
                probs[w.own_start : w.own_end] = window_probs[b, lo:hi]
                # a token can join an entity when it is likely inside one (Viterbi may take
                # it in) or inside a rule span (snapping may take it in)
                keep = (window_probs[b, lo:hi, 0] < KEEP_BELOW_O) | (batch.rule_tags[b, lo:hi].cpu() != 0)
                kept_index.append(torch.arange(w.own_start, w.own_end)[keep])
                kept_rows.append(hidden[b, lo:hi][keep])
        return _Merged(probs, torch.cat(kept_rows), torch.cat(kept_index))

    def _links(self, text: str, spans: list[TokenSpan], merged: _Merged, rules: RuleView) -> list[Relation]:
        if not spans:
            return []
        dev = self.device
        rows = torch.tensor([merged.rows(s.first, s.last) for s in spans], device=dev)
        labels = torch.tensor([LABELS.index(s.entity.label) for s in spans], device=dev)
        reps = self.network.span_reps(merged.hidden.to(dev), rows, labels)
        values = [i for i, s in enumerate(spans) if s.entity.is_value]
        indicators = [i for i, s in enumerate(spans) if s.entity.label == INDICATOR]
        ind_spans = [(spans[i].entity.start, spans[i].entity.end) for i in indicators]
        val_spans = [(spans[i].entity.start, spans[i].entity.end) for i in values]
        stats = TextStats(text, [s for s, _ in ind_spans], [s for s, _ in val_spans], rules)
        relations = []
        for c in range(0, len(values), LINK_CHUNK):
            cands = candidate_indicators(val_spans[c : c + LINK_CHUNK], ind_spans, stats, self.config.max_pair_chars)
            index, feats, mask = (torch.from_numpy(a).to(dev) for a in pad_candidates(cands))
            ind_reps = reps[torch.tensor(indicators, dtype=torch.long, device=dev)[index]] if indicators else reps.new_zeros((len(cands), 0, reps.shape[1]))
            logits = self.network.link_logits(reps[values[c : c + LINK_CHUNK]], ind_reps, feats, mask).cpu()
            for v, row in enumerate(cands):
                if self.config.defer_to_rule_abstention and rules.link_feature(val_spans[c + v], (0, 0)) == RULE_UNLINKED:
                    continue
                target, confidence = decode_links(logits[v, : 1 + len(row)], [indicators[k] for k, _ in row])
                if target is not None:
                    relations.append(Relation(values[c + v], target, source="model", confidence=confidence))
        return relations

"""``PerfevalModel``: a trained network with its tokenizer and config, from candidates to decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from perfeval.calibration import softmax
from perfeval.model.candidates import ValueCandidate
from perfeval.model.config import DEFAULT_MODEL_DIR, ONNX_NAME, ModelConfig
from perfeval.model.inputs import CandidateArrays, candidate_rows, link_limit, pad
from perfeval.model.runtime import OnnxRunner, Runner, TorchRunner
from perfeval.model.serialization import CARD_NAME, network_file, read_card, read_config, read_tokenizer
from perfeval.model.tokenization import ModelTokenizer, encode

if TYPE_CHECKING:
    from perfeval.model.network import CandidateNetwork

BATCH = 64  # value candidates per network call (onnxruntime keeps the largest batch's buffers)
GROUP_SIZE = 512  # value candidates tokenised together ...
GROUP_CHARS = 50_000  # ... when they stand within this many characters
REGION_MARGIN = 2000  # characters tokenised around a group of candidates


@dataclass
class Decision:
    """The model's view of one value candidate: class probabilities (``config.classes``,
    ``NONE`` first) and probabilities over *no link* followed by its indicator candidates."""

    value: np.ndarray
    link: np.ndarray


class PerfevalModel:
    """Scores value and indicator candidates. Load with :meth:`from_pretrained`, run with :meth:`decide`."""

    def __init__(self, config: ModelConfig, tokenizer: ModelTokenizer, runner: Runner, card: str | None = None,
                 network: CandidateNetwork | None = None) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.runner = runner
        self.card = card
        self.network = network  # set when the model runs on torch (training, fine-tuning)

    @classmethod
    def from_pretrained(cls, path_or_name: str | Path, runtime: str = "onnx") -> "PerfevalModel":
        """Load a model directory (``"default"`` names the model shipped with perfeval).

        ``runtime="onnx"`` runs ``model.onnx`` with onnxruntime (no torch); ``"torch"`` builds
        the network from ``model.safetensors`` (needs the ``train`` extra). Either falls back to
        the other file when only that one is there. Raises
        :class:`~perfeval.model.serialization.ModelLoadError` for a missing, incomplete, corrupt
        or incompatible directory.
        """
        path = DEFAULT_MODEL_DIR if str(path_or_name) == "default" else Path(path_or_name)
        config = read_config(path)
        tokenizer = read_tokenizer(path)
        file = network_file(path, prefer_onnx=runtime == "onnx")
        if file.name == ONNX_NAME:
            return cls(config, tokenizer, OnnxRunner(file), read_card(path))
        from perfeval.model.network import build_network, read_weights

        network = build_network(config, path)
        read_weights(network, path)
        return cls(config, tokenizer, TorchRunner(network), read_card(path), network)

    @classmethod
    def from_network(cls, network: CandidateNetwork, tokenizer: ModelTokenizer, card: str | None = None) -> "PerfevalModel":
        return cls(network.config, tokenizer, TorchRunner(network), card, network)

    def save_pretrained(self, path: str | Path) -> Path:
        """Write config, weights (``model.safetensors``), the exported ``model.onnx``, the
        tokenizer and the model card to the directory ``path`` (needs torch)."""
        import json

        from perfeval.model.network import export_onnx, write_weights

        if self.network is None:
            raise ValueError("this model was loaded from model.onnx; load it with runtime='torch' to save it")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "config.json").write_text(json.dumps(self.config.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_weights(self.network, path)
        export_onnx(self.network, path, _example(self))
        self.tokenizer.save(path)
        if self.card is not None:
            (path / CARD_NAME).write_text(self.card, encoding="utf-8")
        return path

    def arrays(self, text: str, candidates: Sequence[ValueCandidate]) -> CandidateArrays:
        """The network's inputs for ``candidates`` of ``text``."""
        limited = link_limit(candidates, self.config)
        cls_id = self.tokenizer.cls_token_id or 0
        rows = candidate_rows(encode(self.tokenizer, text), limited, self.config, cls_id)
        return pad(rows, self.tokenizer.pad_token_id or 0)

    def decide(self, text: str, candidates: Sequence[ValueCandidate]) -> list[Decision]:
        """Calibrated probabilities for every candidate of ``text`` (``Decision.link`` has one
        entry for *no link* and one per indicator candidate, in ``candidate.links`` order;
        candidates beyond ``config.max_links`` are cut, the rules' choice kept last).

        Candidates close together in the text (:func:`groups`) are tokenised together, once.
        """
        limited = link_limit(candidates, self.config)
        cls_id, pad_id = self.tokenizer.cls_token_id or 0, self.tokenizer.pad_token_id or 0
        decisions: list[Decision | None] = [None] * len(limited)
        for group in groups(limited):
            encoded = encode(self.tokenizer, text, *region(text, [limited[i] for i in group]))
            for k in range(0, len(group), BATCH):
                chunk = group[k:k + BATCH]
                arrays = pad(candidate_rows(encoded, [limited[i] for i in chunk], self.config, cls_id), pad_id)
                value_logits, link_logits = self.runner(arrays)
                value = softmax(value_logits, self.config.value_temperature)
                link = softmax(link_logits, self.config.link_temperature)
                for row, i in enumerate(chunk):
                    decisions[i] = Decision(value[row], link[row, : 1 + len(limited[i].links)])
        return [d for d in decisions if d is not None]


def groups(candidates: Sequence[ValueCandidate]) -> list[list[int]]:
    """Indices of ``candidates`` in groups tokenised together: neighbours in text order, at most
    ``GROUP_SIZE`` of them within ``GROUP_CHARS`` characters, so that what is tokenised stays
    bounded however long the text."""
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].start)
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < GROUP_SIZE and candidates[i].end - candidates[out[-1][0]].start <= GROUP_CHARS:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def region(text: str, candidates: Sequence[ValueCandidate]) -> tuple[int, int]:
    """The part of ``text`` to tokenise for ``candidates``: their spans and indicator
    candidates with ``REGION_MARGIN`` characters either side (more than any window holds,
    short of pages of whitespace)."""
    start = min(min(c.start, int(c.links.starts.min(initial=c.start))) for c in candidates)
    end = max(max(c.end, int(c.links.ends.max(initial=c.end))) for c in candidates)
    return max(0, start - REGION_MARGIN), min(len(text), end + REGION_MARGIN)


def _example(model: PerfevalModel) -> dict[str, np.ndarray]:
    """A small input for tracing the export: two value candidates of a sentence."""
    from perfeval.model.candidates import document_candidates

    text = "年度预算 2054.25 万元，全年实际开支 1860.77万元，完成预算的 90.6%。召开常委会会议 13次。"
    return model.arrays(text, document_candidates(text)).as_dict()

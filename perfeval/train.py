"""Training a :class:`~perfeval.model.PerfevalModel` from annotated documents.

>>> from perfeval.data.doccano import read_doccano
>>> from perfeval.train import train
>>> train(read_doccano("annotations/"), "models/mine", epochs=8, seed=0)  # doctest: +SKIP

Each annotated document is read by the rule layer into candidates
(:func:`perfeval.model.candidates.document_candidates`); the gold annotation says what each
candidate is: the label of the gold value it overlaps (or no value) and which of its
indicator candidates is the gold indicator (or none; a gold indicator no proposer found
teaches nothing). The network learns both with cross-entropy.

Without ``base_model`` the encoder is a small BERT-shaped
:class:`~perfeval.model.encoder.CompactEncoder` trained from scratch over a character
vocabulary built from the training texts; with it, any Hugging Face encoder (a name or a
local directory with a fast tokenizer) is fine-tuned. Training is deterministic for a seed.
Each batch is augmented: some tokens become ``[UNK]`` (unseen characters at prediction
time), some layout ids change (PDF line breaks fall anywhere), and some candidates lose
what the rules said about them (the network must also weigh them on its own).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn.functional import cross_entropy
from tqdm.auto import tqdm

from perfeval.model import ModelConfig, PerfevalModel
from perfeval.model.candidates import PROPOSERS, ValueCandidate, document_candidates
from perfeval.model.config import VALUE_CLASSES
from perfeval.model.encoder import CompactEncoder, CompactEncoderConfig
from perfeval.model.inputs import CandidateArrays, CandidateRow, candidate_rows, link_limit, pad
from perfeval.model.network import CandidateNetwork
from perfeval.model.tokenization import NUM_GAPS, ModelTokenizer, build_char_tokenizer, encode
from perfeval.types import Document

SCRATCH_ENCODER: dict[str, Any] = {
    "hidden_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 256,
    "max_position_embeddings": 128,
    "dropout": 0.1,
}
# from-scratch encoder sizes by name (``perfeval train --encoder-size``): the default, and a
# tiny one that trains in seconds, for trying the loop out
ENCODER_SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "tiny": {"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 128},
}
UNK_RATE, GAP_NOISE_RATE = 0.05, 0.03
RULE_DROPOUT = 0.1  # share of candidates trained without what the rules say about them
IGNORE = -100

WRITTEN = "written"  # doc.meta["origin"] of hand-written synthetic passages: trained on every epoch
_RULE_BIT = 1 << PROPOSERS.index("rule")


@dataclass
class Example:
    """One value candidate's inputs and targets: its class and its gold indicator
    (0 no link, ``j + 1`` its ``j``-th indicator candidate, ``IGNORE``: nothing to learn)."""

    row: CandidateRow
    value_target: int
    link_target: int


def train(
    train_docs: Sequence[Document],
    out_dir: str | Path,
    *,
    dev_docs: Sequence[Document] | None = None,
    base_model: str | None = None,
    epochs: int = 8,
    seed: int = 0,
    lr: float | None = None,
    batch_size: int = 32,
    encoder: dict[str, Any] | None = None,
    synthetic_ratio: float = 1.0,
    settings: dict[str, Any] | None = None,
    device: str = "cpu",
    progress: bool = True,
    reproduce: str | None = None,
) -> Path:
    """Train on ``train_docs`` and save the model directory ``out_dir``; returns its path.

    ``encoder`` overrides :data:`SCRATCH_ENCODER` for a from-scratch encoder; ``lr``
    defaults to 1e-3 from scratch and 5e-5 for a ``base_model``. Every epoch sees all
    candidates of real documents and of hand-written synthetic passages (``doc.meta["origin"]
    == "written"``), and a fresh sample of ``synthetic_ratio`` times as many candidates of the
    other (generated) synthetic documents (all of them when there is nothing else).
    ``settings`` are :class:`~perfeval.model.ModelConfig` fields saved with the model: the
    hybrid's thresholds (None: that override off), the calibration temperatures. With
    ``dev_docs`` the value and strict link accuracy on them are printed after every epoch and
    put in the model card. ``reproduce`` is the model card's line on how to train it again.
    """
    model, history = fit(train_docs, dev_docs=dev_docs, base_model=base_model, epochs=epochs, seed=seed, lr=lr,
                         batch_size=batch_size, encoder=encoder, synthetic_ratio=synthetic_ratio, settings=settings,
                         device=device, progress=progress)
    recipe = {"seed": seed, "epochs": epochs, "lr": lr or _default_lr(base_model), "batch_size": batch_size,
              "synthetic_ratio": synthetic_ratio, **(settings or {})}
    model.card = model_card(model, train_docs, recipe=recipe, history=history, reproduce=reproduce)
    return model.save_pretrained(out_dir)


def _default_lr(base_model: str | None) -> float:
    return 5e-5 if base_model else 1e-3


def fit(
    train_docs: Sequence[Document],
    *,
    dev_docs: Sequence[Document] | None = None,
    base_model: str | None = None,
    epochs: int = 8,
    seed: int = 0,
    lr: float | None = None,
    batch_size: int = 32,
    encoder: dict[str, Any] | None = None,
    synthetic_ratio: float = 1.0,
    settings: dict[str, Any] | None = None,
    device: str = "cpu",
    progress: bool = True,
) -> tuple[PerfevalModel, list[dict[str, float]]]:
    """The trained model, in memory (on torch, on the CPU), and the scores of each epoch;
    :func:`train` saves it. Arguments as there."""
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, not {epochs}: a model without training is not a model")
    _seed_everything(seed)
    tokenizer, net = _build(train_docs, base_model, encoder, settings)
    net.to(device)
    every_epoch, generated = split_pools(train_docs)
    core = examples(every_epoch, tokenizer, net.config)
    synthetic = examples(generated, tokenizer, net.config)
    n_synthetic = min(len(synthetic), round(synthetic_ratio * len(core))) if core else len(synthetic)
    lr = lr if lr is not None else _default_lr(base_model)
    per_epoch = (len(core) + n_synthetic + batch_size - 1) // batch_size
    steps = max(1, epochs * per_epoch)
    optimizer = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))
    )
    model = PerfevalModel.from_network(net, tokenizer)
    history: list[dict[str, float]] = []
    bar = tqdm(total=steps, desc="training", disable=not progress, unit="step")
    pad_id = tokenizer.pad_token_id or 0
    for epoch in range(epochs):
        rng = random.Random(seed * 100_003 + epoch)
        net.train()
        losses = []
        pool = core + rng.sample(synthetic, n_synthetic)
        rng.shuffle(pool)
        for k in range(0, len(pool), batch_size):
            batch = [_augment(ex, tokenizer, rng) for ex in pool[k:k + batch_size]]
            loss = _loss(net, batch, pad_id, device)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{np.mean(losses):.4f}")
        scores: dict[str, float] = {"epoch": epoch + 1, "loss": float(np.mean(losses)) if losses else 0.0}
        if dev_docs:
            net.eval()
            scores.update(accuracy(model, examples(dev_docs, tokenizer, net.config)))
            bar.write(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in scores.items()))
        history.append(scores)
    bar.close()
    net.to("cpu").eval()
    return model, history


def split_pools(docs: Sequence[Document]) -> tuple[list[Document], list[Document]]:
    """(documents trained on in every epoch, generated synthetic documents sampled per epoch):
    real reports and hand-written synthetic passages go in the first pool."""
    generated = [d for d in docs if d.meta.get("synthetic") and d.meta.get("origin") != WRITTEN]
    chosen = {id(d) for d in generated}
    return [d for d in docs if id(d) not in chosen], generated


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _build(
    docs: Sequence[Document], base_model: str | None, encoder: dict[str, Any] | None, settings: dict[str, Any] | None
) -> tuple[ModelTokenizer, CandidateNetwork]:
    if base_model:
        from transformers import AutoModel, AutoTokenizer

        hf_tokenizer = AutoTokenizer.from_pretrained(base_model)
        if not hf_tokenizer.is_fast:
            raise ValueError(f"{base_model}: perfeval needs a fast tokenizer (tokenizer.json) for exact offsets")
        tokenizer = ModelTokenizer.from_hf(hf_tokenizer)
        enc = AutoModel.from_pretrained(base_model)
    else:
        tokenizer = build_char_tokenizer(doc.text for doc in docs)
        sizes = {**SCRATCH_ENCODER, **(encoder or {})}
        enc = CompactEncoder(CompactEncoderConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id or 0, **sizes))
    settable = {f.name for f in fields(ModelConfig)} - {"encoder", "base_model", "classes", "schema_version"}
    unknown = set(settings or {}) - settable
    if unknown:
        raise ValueError(f"settings: {', '.join(sorted(unknown))} cannot be set; choose from the thresholds, temperatures and sizes of ModelConfig")
    config = ModelConfig(encoder=enc.config.to_dict(), base_model=base_model, **(settings or {}))
    problems = config.problems()
    if problems:
        raise ValueError("settings: " + "; ".join(problems))
    positions = getattr(enc.config, "max_position_embeddings", 512)
    if config.window_tokens + 1 > positions:
        raise ValueError(f"{base_model or 'the encoder'}: {positions} positions are fewer than a window's {config.window_tokens + 1}")
    return tokenizer, CandidateNetwork(config, enc)


def gold_targets(doc: Document, candidates: Sequence[ValueCandidate]) -> list[tuple[int, int]]:
    """``(value target, link target)`` of each candidate against the gold annotation of ``doc``."""
    link_of = {r.head: (doc.entities[r.tail].start, doc.entities[r.tail].end) for r in doc.relations}
    golds = sorted(((e.start, e.end, e.label, link_of.get(i)) for i, e in enumerate(doc.entities) if e.is_value))
    starts = [g[0] for g in golds]
    out = []
    for c in candidates:
        gold = _overlapping(golds, starts, c.start, c.end)
        if gold is None:
            out.append((0, IGNORE))
            continue
        _, _, label, link = gold
        if link is None:
            target = 0
        else:
            j = c.links.index(link)
            target = IGNORE if j is None else j + 1
        out.append((VALUE_CLASSES.index(label), target))
    return out


def _overlapping(golds: list[tuple[int, int, str, Any]], starts: list[int], start: int, end: int):
    from bisect import bisect_left

    best, overlap = None, 0
    for g in golds[max(0, bisect_left(starts, start) - 2): bisect_left(starts, end)]:
        size = min(end, g[1]) - max(start, g[0])
        if size > overlap:
            best, overlap = g, size
    return best


def examples(docs: Sequence[Document], tokenizer: ModelTokenizer, config: ModelConfig) -> list[Example]:
    """Every candidate of ``docs`` with its targets."""
    out = []
    cls_id = tokenizer.cls_token_id or 0
    for doc in docs:
        candidates = link_limit(document_candidates(doc.text), config)
        rows = candidate_rows(encode(tokenizer, doc.text), candidates, config, cls_id)
        for row, (value_target, link_target) in zip(rows, gold_targets(doc, candidates)):
            out.append(Example(row, value_target, link_target))
    return out


def _augment(ex: Example, tokenizer: ModelTokenizer, rng: random.Random) -> Example:
    """A copy with [UNK] dropout, layout noise and, sometimes, without the rules' opinion."""
    row = ex.row
    unk = tokenizer.unk_token_id
    ids = [row.ids[0]] + [unk if unk is not None and rng.random() < UNK_RATE else t for t in row.ids[1:]]
    gaps = [rng.randrange(NUM_GAPS - 1) if rng.random() < GAP_NOISE_RATE else g for g in row.gaps]
    features, links = row.value_features, row.link_features
    if rng.random() < RULE_DROPOUT:
        features = [features[0], 0, *features[2:5], 0]
        links = links.copy()
        links[:, 0] &= ~_RULE_BIT
    new_row = type(row)(ids, gaps, row.marks, features, row.link_positions, links)
    return Example(new_row, ex.value_target, ex.link_target)


def _tensors(arrays: CandidateArrays, device: str) -> list[torch.Tensor]:
    from perfeval.model.network import INPUT_NAMES

    feeds = arrays.as_dict()
    return [torch.from_numpy(feeds[name]).to(device) for name in INPUT_NAMES]


def _loss(net: CandidateNetwork, batch: list[Example], pad_id: int, device: str) -> torch.Tensor:
    arrays = pad([ex.row for ex in batch], pad_id)
    value_logits, link_logits = net(*_tensors(arrays, device))
    value_targets = torch.tensor([ex.value_target for ex in batch], dtype=torch.long, device=device)
    link_targets = torch.tensor([ex.link_target for ex in batch], dtype=torch.long, device=device)
    loss = cross_entropy(value_logits, value_targets)
    if bool((link_targets != IGNORE).any()):
        loss = loss + cross_entropy(link_logits, link_targets, ignore_index=IGNORE)
    return loss


def accuracy(model: PerfevalModel, exs: Sequence[Example], batch_size: int = 256) -> dict[str, float]:
    """Share of candidates typed right (``value_acc``) and of gold-linked values whose gold
    indicator the model picks (``link_acc``), the model alone."""
    pad_id = model.tokenizer.pad_token_id or 0
    right = linked = picked = 0
    for k in range(0, len(exs), batch_size):
        chunk = exs[k:k + batch_size]
        value_logits, link_logits = model.runner(pad([ex.row for ex in chunk], pad_id))
        for i, ex in enumerate(chunk):
            right += int(value_logits[i].argmax() == ex.value_target)
            if ex.link_target != IGNORE and ex.value_target:
                linked += 1
                picked += int(link_logits[i, : 1 + ex.row.num_links].argmax() == ex.link_target)
    return {"value_acc": right / max(1, len(exs)), "link_acc": picked / max(1, linked)}


@dataclass
class HeldOut:
    """Held-out predictions for calibration. Values: every candidate's logits (N, classes),
    its gold class and the rules' class (0: the rules left it out). Links: for every gold
    value whose gold indicator is among its candidates, the link logits (*no link* first),
    the gold choice and the rules' choice (0: no link)."""

    value_logits: np.ndarray
    value_targets: np.ndarray
    value_rules: np.ndarray
    link_logits: list[np.ndarray]
    link_targets: np.ndarray
    link_rules: np.ndarray


def candidate_logits(model: PerfevalModel, docs: Sequence[Document], batch_size: int = 256) -> HeldOut:
    """The model's logits on every candidate of ``docs``, with the gold and the rules' choices."""
    exs = examples(docs, model.tokenizer, model.config)
    pad_id = model.tokenizer.pad_token_id or 0
    value_logits, link_logits, link_targets, link_rules = [], [], [], []
    for k in range(0, len(exs), batch_size):
        chunk = exs[k:k + batch_size]
        v, links = model.runner(pad([ex.row for ex in chunk], pad_id))
        value_logits.append(v)
        for i, ex in enumerate(chunk):
            if ex.value_target and ex.link_target != IGNORE:
                link_logits.append(links[i, : 1 + ex.row.num_links])
                link_targets.append(ex.link_target)
                rule = np.flatnonzero(ex.row.link_features[:, 0] & _RULE_BIT)
                link_rules.append(int(rule[0]) + 1 if len(rule) else 0)
    classes = len(model.config.classes)
    return HeldOut(
        np.concatenate(value_logits) if value_logits else np.zeros((0, classes)),
        np.array([ex.value_target for ex in exs], dtype=np.int64),
        np.array([ex.row.value_features[1] for ex in exs], dtype=np.int64),  # 0 or 1 + the label's index, as VALUE_CLASSES
        link_logits, np.array(link_targets, dtype=np.int64), np.array(link_rules, dtype=np.int64),
    )


def data_hash(docs: Sequence[Document]) -> str:
    """sha256 of the documents' ids, texts, entities and relations (order-independent)."""
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.name or ""):
        obj = [doc.name, doc.text, [(e.label, e.start, e.end) for e in doc.entities], [(r.head, r.tail) for r in doc.relations]]
        digest.update(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def model_card(
    model: PerfevalModel, docs: Sequence[Document], *, recipe: dict[str, Any], history: list[dict[str, float]],
    reproduce: str | None = None,
) -> str:
    """The README.md of a trained model directory: what it is, what it was trained on and how."""
    synthetic = sum(1 for d in docs if d.meta.get("synthetic"))
    written = sum(1 for d in docs if d.meta.get("synthetic") and d.meta.get("origin") == WRITTEN)
    params = sum(p.numel() for p in model.network.parameters()) if model.network is not None else 0
    encoder = model.config.encoder
    lines = [
        "# perfeval model",
        "",
        "Decides on the rule layer's candidates of Chinese budget-performance self-evaluation reports",
        "(绩效自评报告): types each value candidate (MONEY / PERCENT / COUNT / SCORE, or no value) and",
        "picks its indicator among the spans the rules propose (or none).",
        "",
        "| | |",
        "|---|---|",
        f"| trained | {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} |",
        f"| encoder | {model.config.base_model or 'compact transformer from scratch, ' + str(encoder.get('num_hidden_layers')) + ' layers, hidden ' + str(encoder.get('hidden_size'))} |",
        f"| parameters | {params:,} |",
        f"| training documents | {len(docs)} ({len(docs) - synthetic} real, {synthetic} synthetic"
        + (f", {written} of them hand-written passages" if written else "") + ") |",
        f"| training data sha256 | `{data_hash(docs)}` |",
        f"| training document ids | {', '.join(sorted(d.name or '?' for d in docs if not d.meta.get('synthetic')))} |",
        f"| vocabulary | {len(model.tokenizer)} tokens |",
        f"| recipe | {', '.join(f'{k}={v}' for k, v in recipe.items())} |",
        f"| final training loss | {history[-1]['loss']:.4f} |" if history else "| final training loss | - |",
        "",
        "Inputs: the report text exactly as extracted (offsets are code-point indices into it) and the",
        "rule layer's candidates. Limitations: real training text is a few dozen reports; characters",
        "never seen in training are `[UNK]`; unseen layouts are covered through the rule layer and the",
        "synthetic documents.",
        "",
        f"Reproduce: `{reproduce}`." if reproduce else "Reproduce: `python training/train_default.py` (recipe in `training/default.json`).",
        "",
    ]
    if history and "value_acc" in history[-1]:
        last = history[-1]
        lines += ["Dev accuracy after the last epoch (model alone):", "",
                  f"- value candidates typed right: {last['value_acc']:.4f}",
                  f"- gold indicators picked: {last['link_acc']:.4f}", ""]
    return "\n".join(lines) + "\n"

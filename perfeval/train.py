"""Training a :class:`~perfeval.model.PerfevalModel` from annotated documents.

>>> from perfeval.data.doccano import read_doccano
>>> from perfeval.train import train
>>> train(read_doccano("annotations/"), "models/mine", epochs=40, seed=0)  # doctest: +SKIP

Without ``base_model`` the encoder is a small BERT-shaped
:class:`~perfeval.model.encoder.CompactEncoder` trained from scratch over a character
vocabulary built from the training texts; with it, any Hugging Face encoder
(name or local directory with a fast tokenizer) is fine-tuned. Training is
deterministic for a seed. Each step augments its windows: some tokens become
``[UNK]`` (unseen characters at prediction time), some line/space layout ids are
changed (PDF line breaks fall anywhere), some windows lose their rule tags (the
network must also work without the rule layer), and some gold indicators are hidden
from their value's candidates, which must then be *no link*.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn.functional import cross_entropy
from tqdm.auto import tqdm
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

from perfeval.data.hf import to_hf_dataset
from perfeval.model import ModelConfig, PerfevalModel
from perfeval.model.encoder import CompactEncoder, CompactEncoderConfig
from perfeval.model.examples import WindowExample, windows_of_row
from perfeval.model.features import RULE_NONE
from perfeval.model.inputs import IGNORE, make_batch
from perfeval.model.modeling import NO_LINK, RULE_LINK_FEATURE, PerfevalNetwork
from perfeval.model.tokenization import NUM_GAPS, ModelTokenizer, build_char_tokenizer
from perfeval.types import Document

SCRATCH_ENCODER: dict[str, Any] = {
    "hidden_size": 128,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "intermediate_size": 384,
    "max_position_embeddings": 512,
    "dropout": 0.1,
}
# from-scratch encoder sizes by name (``perfeval train --encoder-size``): the default, and a
# tiny one that trains in seconds, for trying the loop out
ENCODER_SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "tiny": {"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 128},
}
UNK_RATE, GAP_NOISE_RATE = 0.05, 0.03
# share of gold links whose indicator is hidden from the candidates (target: no link), as
# happens at prediction time when the tagger misses the indicator
HIDE_TARGET_RATE = 0.15

WRITTEN = "written"  # doc.meta["origin"] of hand-written synthetic passages: trained on every epoch

Scorer = Callable[[PerfevalModel, Sequence[Document]], dict[str, float]]


def train(
    train_docs: Sequence[Document],
    out_dir: str | Path,
    *,
    dev_docs: Sequence[Document] | None = None,
    base_model: str | None = None,
    epochs: int = 30,
    seed: int = 0,
    lr: float | None = None,
    batch_size: int = 8,
    encoder: dict[str, Any] | None = None,
    use_rule_features: bool = True,
    synthetic_ratio: float = 0.25,
    rule_dropout: float = 0.05,
    device: str = "cpu",
    progress: bool = True,
    reproduce: str | None = None,
) -> Path:
    """Train on ``train_docs`` and save the model directory ``out_dir``; returns its path.

    ``encoder`` overrides :data:`SCRATCH_ENCODER` for a from-scratch encoder; ``lr``
    defaults to 1e-3 from scratch and 5e-5 for a ``base_model``. Every epoch sees all
    windows of real documents and of hand-written synthetic passages (``doc.meta["origin"]
    == "written"``) and a fresh sample of ``synthetic_ratio`` times as many windows of the
    other (generated) synthetic documents (all of them when there is nothing else).
    ``rule_dropout`` is the share of windows trained without rule features.
    With ``dev_docs`` the value and link F1 on them are printed after every
    epoch and put in the model card. ``reproduce`` is the model card's line on how to
    train this model again (the command that did).
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, not {epochs}: a model without training is not a model")
    _seed_everything(seed)
    tokenizer, net = _build(train_docs, base_model, encoder, use_rule_features)
    net.to(device)
    every_epoch, generated = split_pools(train_docs)
    core = _examples(every_epoch, tokenizer, net.config)
    synthetic = _examples(generated, tokenizer, net.config)
    n_synthetic = min(len(synthetic), round(synthetic_ratio * len(core))) if core else len(synthetic)
    lr = lr if lr is not None else (5e-5 if base_model else 1e-3)
    steps = epochs * ((len(core) + n_synthetic + batch_size - 1) // batch_size)
    optimizer = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, max(1, steps // 20), max(1, steps))
    model = PerfevalModel(net.config, tokenizer, net)
    history: list[dict[str, float]] = []
    bar = tqdm(total=steps, desc="training", disable=not progress, unit="step")
    for epoch in range(epochs):
        rng = random.Random(seed * 100_003 + epoch)
        net.train()
        losses = []
        for batch in _batches(core + rng.sample(synthetic, n_synthetic), batch_size, rng):
            loss = _loss(net, tokenizer, _augment(batch, tokenizer, rng, rule_dropout))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{np.mean(losses):.4f}")
        scores = {"epoch": epoch + 1, "loss": float(np.mean(losses)) if losses else 0.0}
        if dev_docs:
            scores.update(quick_scores(model, dev_docs))
            bar.write(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in scores.items()))
        history.append(scores)
    bar.close()
    recipe = {"seed": seed, "epochs": epochs, "lr": lr, "batch_size": batch_size, "synthetic_ratio": synthetic_ratio, "rule_dropout": rule_dropout}
    model.card = model_card(model, train_docs, recipe=recipe, history=history, reproduce=reproduce)
    return model.to("cpu").save_pretrained(out_dir)


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
    docs: Sequence[Document], base_model: str | None, encoder: dict[str, Any] | None, use_rules: bool
) -> tuple[ModelTokenizer, PerfevalNetwork]:
    if base_model:
        hf_tokenizer = AutoTokenizer.from_pretrained(base_model)
        if not hf_tokenizer.is_fast:
            raise ValueError(f"{base_model}: perfeval needs a fast tokenizer (tokenizer.json) for exact offsets")
        tokenizer = ModelTokenizer.from_hf(hf_tokenizer)
        enc = AutoModel.from_pretrained(base_model)
    else:
        tokenizer = build_char_tokenizer(doc.text for doc in docs)
        settings = {**SCRATCH_ENCODER, **(encoder or {})}
        enc = CompactEncoder(CompactEncoderConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id or 0, **settings))
    positions = getattr(enc.config, "max_position_embeddings", 512)
    config = ModelConfig(
        encoder=enc.config.to_dict(),
        base_model=base_model,
        use_rule_features=use_rules,
        window_tokens=min(254, positions - 2),
        window_overlap=min(64, (positions - 2) // 4),
    )
    return tokenizer, PerfevalNetwork(config, enc)


def _examples(docs: Sequence[Document], tokenizer: ModelTokenizer, config: ModelConfig) -> list[WindowExample]:
    if not docs:
        return []
    dataset = to_hf_dataset(docs)
    overlap = config.window_tokens // 2
    return [ex for row in dataset for ex in windows_of_row(row, tokenizer, config, overlap)]


def _batches(examples: list[WindowExample], size: int, rng: random.Random) -> list[list[WindowExample]]:
    order = list(range(len(examples)))
    rng.shuffle(order)
    return [[examples[i] for i in order[k : k + size]] for k in range(0, len(order), size)]


def _augment(
    batch: list[WindowExample], tokenizer: ModelTokenizer, rng: random.Random, rule_dropout: float
) -> list[WindowExample]:
    """Copies of the windows with [UNK] dropout, layout noise and rule-tag dropout."""
    unk = tokenizer.unk_token_id
    out = []
    for ex in batch:
        ids = [unk if unk is not None and rng.random() < UNK_RATE else t for t in ex.ids]
        gaps = [rng.randrange(NUM_GAPS - 1) if rng.random() < GAP_NOISE_RATE else g for g in ex.gaps]
        changes: dict[str, Any] = {"ids": ids, "gaps": gaps}
        hide = [v for v, t in enumerate(ex.targets) if t > 0 and rng.random() < HIDE_TARGET_RATE]
        if hide:
            mask, targets = ex.cand_mask.copy(), ex.targets.copy()
            mask[hide, targets[hide] - 1] = False
            targets[hide] = NO_LINK
            changes.update(cand_mask=mask, targets=targets)
        if rng.random() < rule_dropout:
            feats = ex.cand_feats.copy()
            feats[..., RULE_LINK_FEATURE] = RULE_NONE
            changes.update(rule_tags=[0] * len(ex.rule_tags), cand_feats=feats)
        out.append(WindowExample(**{**ex.__dict__, **changes}))
    return out


def _loss(net: PerfevalNetwork, tokenizer: ModelTokenizer, batch: list[WindowExample]) -> torch.Tensor:
    """Tag cross-entropy over real tokens + link cross-entropy over values with a usable target."""
    device = next(net.parameters()).device
    inputs = make_batch([(ex.ids, ex.gaps, ex.rule_tags, ex.labels) for ex in batch], tokenizer, device)
    hidden = net.encode(inputs.input_ids, inputs.attention_mask, inputs.gaps, inputs.rule_tags)
    logits = net.tag_logits(hidden, inputs.rule_tags)
    loss = cross_entropy(logits.reshape(-1, logits.shape[-1]), inputs.labels.reshape(-1), ignore_index=IGNORE)
    link_losses = []
    for b, ex in enumerate(batch):
        if not ex.link_mask.any():
            continue
        spans = torch.from_numpy(ex.spans + int(inputs.first_token[b])).to(device)
        reps = net.span_reps(hidden[b], spans, torch.from_numpy(ex.span_labels).to(device))
        cands = reps[torch.from_numpy(ex.cand_index).to(device)]
        feats, mask = torch.from_numpy(ex.cand_feats).to(device), torch.from_numpy(ex.cand_mask).to(device)
        link = net.link_logits(reps[torch.from_numpy(ex.values).to(device)], cands, feats, mask)
        keep = torch.from_numpy(ex.link_mask).to(device)
        link_losses.append(cross_entropy(link[keep], torch.from_numpy(ex.targets).to(device)[keep], reduction="sum"))
    if link_losses:
        n = sum(int(ex.link_mask.sum()) for ex in batch)
        loss = loss + torch.stack(link_losses).sum() / n
    return loss


def quick_scores(model: PerfevalModel, docs: Sequence[Document]) -> dict[str, float]:
    """Micro F1 of exact value spans (label + offsets) and of strict links, model output only."""
    counts = np.zeros((2, 3))  # rows: values, links; cols: true positives, predicted, gold
    for doc in docs:
        pred = model.predict(doc.text)
        pv, pl = _value_keys(pred.entities, pred.relations)
        gv, gl = _value_keys(doc.entities, doc.relations)
        counts[0] += (len(pv & gv), len(pv), len(gv))
        counts[1] += (len(pl & gl), len(pl), len(gl))
    out = {}
    for row, name in enumerate(("value_f1", "link_f1_strict")):
        tp, pred_n, gold_n = counts[row]
        out[name] = float(2 * tp / (pred_n + gold_n)) if pred_n + gold_n else 0.0
    return out


def _value_keys(entities: Sequence[Any], relations: Sequence[Any]) -> tuple[set[tuple], set[tuple]]:
    values = {(e.label, e.start, e.end) for e in entities if e.is_value}
    links = set()
    for r in relations:
        v, i = entities[r.head], entities[r.tail]
        links.add((v.label, v.start, v.end, i.start, i.end))
    return values, links


def data_hash(docs: Sequence[Document]) -> str:
    """sha256 of the documents' ids, texts, entities and relations (order-independent)."""
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.name or ""):
        obj = [doc.name, doc.text, [(e.label, e.start, e.end) for e in doc.entities], [(r.head, r.tail) for r in doc.relations]]
        digest.update(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def model_card(
    model: PerfevalModel, docs: Sequence[Document], *, recipe: dict[str, Any], history: list[dict[str, float]], reproduce: str | None = None
) -> str:
    """The README.md of a trained model directory: what it is, what it was trained on and how."""
    synthetic = sum(1 for d in docs if d.meta.get("synthetic"))
    written = sum(1 for d in docs if d.meta.get("synthetic") and d.meta.get("origin") == WRITTEN)
    params = sum(p.numel() for p in model.network.parameters())
    lines = [
        "# perfeval model",
        "",
        "Character-level BIO tagger (MONEY / PERCENT / COUNT / SCORE / INDICATOR) and value -> indicator",
        "linker for Chinese budget-performance self-evaluation reports (绩效自评报告).",
        "",
        "| | |",
        "|---|---|",
        f"| trained | {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} |",
        f"| encoder | {model.config.base_model or 'compact transformer from scratch, ' + str(model.config.encoder.get('num_hidden_layers')) + ' layers, hidden ' + str(model.config.encoder.get('hidden_size'))} |",
        f"| parameters | {params:,} |",
        f"| training documents | {len(docs)} ({len(docs) - synthetic} real, {synthetic} synthetic"
        + (f", {written} of them hand-written passages" if written else "") + ") |",
        f"| training data sha256 | `{data_hash(docs)}` |",
        f"| training document ids | {', '.join(sorted(d.name or '?' for d in docs if not d.meta.get('synthetic')))} |",
        f"| vocabulary | {len(model.tokenizer)} tokens |",
        f"| recipe | {', '.join(f'{k}={v}' for k, v in recipe.items())} |",
        f"| rule features / snap to rule indicator spans | {model.config.use_rule_features} / {model.config.snap_to_rules} |",
        f"| final training loss | {history[-1]['loss']:.4f} |" if history else "| final training loss | - |",
        "",
    ]
    lines += [
        "Inputs: the report text exactly as extracted (offsets are code-point indices into it). The rule",
        "layer's values and links are input features; the model still runs without them, less well.",
        "Limitations: trained on four real reports of Guangzhou district offices (2023) plus generated and",
        "hand-written synthetic documents; characters never seen in training are `[UNK]`; other report",
        "kinds, provinces and table layouts are covered mainly through the synthetic data and the rule features.",
        "",
        f"Reproduce: `{reproduce}`." if reproduce else "Reproduce: `perfeval.train.train` with the recipe above on the documents of that sha256.",
        "",
    ]
    if history and "value_f1" in history[-1]:
        last = history[-1]
        lines += ["Dev scores after the last epoch (model only, exact spans):", "", f"- value F1: {last['value_f1']:.4f}", f"- link F1 (strict): {last['link_f1_strict']:.4f}", ""]
    return "\n".join(lines) + "\n"

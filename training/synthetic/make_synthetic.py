#!/usr/bin/env python
"""Generate synthetic, gold-annotated 绩效自评报告 passages (doccano JSONL).

    .venv/bin/python training/synthetic/make_synthetic.py --out annotations/synthetic/synthetic.jsonl

Deterministic: document ``i`` is drawn from ``random.Random(f"{seed}-{i}")``, so the
same seed and count always give the same file. Gold spans are known by construction
(templates write them inline, see ``markup.py``); layout noise (hard wrapping, page
boilerplate) is inserted afterwards with offsets shifted accordingly.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import phrases as ph  # noqa: E402
import prose  # noqa: E402
import tables  # noqa: E402
from markup import Block, Span, doccano_fields, insert, parse, wrap  # noqa: E402

SEED = 20261122
N_DOCS = 300
# document plan: (form, share)
PLAN = [("prose", 0.55), ("table", 0.25), ("long", 0.2)]


# ----------------------------------------------------------------------------- layout

def heading(c: prose.Ctx, key: str) -> str:
    return c.pick(ph.HEAD_DECOR) + c.pick(ph.SECTION_HEADS[key])


def running_header(c: prose.Ctx) -> str:
    return c.pick([
        f"{c.district}{c.dept}绩效自评报告",
        f"{c.org}{c.year}年度绩效自评报告",
        f"{c.city}财政局绩效自评报告",
        f"{c.year}年度{c.pick(['部门整体支出', '项目支出'])}绩效自评报告",
    ])


def page_break(c: prose.Ctx, page: int) -> str:
    """Boilerplate a page turn leaves in extracted text (its numbers are not values)."""
    total = page + c.rng.randint(1, 12)
    return c.pick([
        f"\n\n- {page} -\n",
        f"\n— {page} —\n",
        f"\n第 {page} 页 共 {total} 页\n",
        f"\n\n{running_header(c)}\n- {page} -\n",
        f"\n\n{page}\n",
        f"\n{running_header(c)}\n",
        f"\n第{page}页\n",
    ])


def newline_points(block: Block) -> list[int]:
    """Offsets of line breaks outside every span: where a page may turn."""
    pts = []
    for i, ch in enumerate(block.text):
        if ch == "\n" and not any(sp.start <= i < sp.end for sp in block.spans):
            pts.append(i)
    return pts


class Layout:
    """Per-document extraction habits: wrapping, paragraph separators, page turns."""

    def __init__(self, c: prose.Ctx, long: bool):
        r = c.rng
        x = r.random()
        self.width = 0 if x < 0.35 else r.randint(24, 42)
        self.wrap_sep = r.choice(["\n", "\n", "\n\n", " \n"])
        self.in_indicator = r.random() < 0.6
        self.para_sep = r.choice(["\n\n", "\n", "\n\n", "\n \n"])
        self.page_every = r.randint(900, 1800) if (long or r.random() < 0.35) else 10**9
        self.page = r.randint(1, 6)


def assemble(c: prose.Ctx, blocks: list[Block], lay: Layout) -> dict:
    r = c.rng
    for b in blocks:
        if b.wrap and lay.width:
            wrap(b, lay.width, lay.wrap_sep, lay.in_indicator)
    # page turns: inside blocks at free line breaks, or between blocks
    since = 0
    for b in blocks:
        since += len(b.text)
        if since >= lay.page_every:
            pts = newline_points(b)
            if pts and r.random() < 0.7:
                p = r.choice(pts)
                insert(b, p, page_break(c, lay.page).rstrip("\n"))
            else:
                b.text = b.text + page_break(c, lay.page).rstrip("\n")
            lay.page += 1
            since = 0
    text_parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for i, b in enumerate(blocks):
        if i:
            sep = lay.para_sep
            text_parts.append(sep)
            offset += len(sep)
        text_parts.append(b.text)
        spans += [Span(sp.label, sp.start + offset, sp.end + offset, sp.key, sp.link) for sp in b.spans]
        offset += len(b.text)
    text = "".join(text_parts)
    return {"text": text, **doccano_fields(spans)}


# ----------------------------------------------------------------------------- documents

def plain_len(markups: list[tuple]) -> int:
    return sum(len(parse(item[0], "x").text) for item in markups)


def blocks_from(c: prose.Ctx, markups: list[tuple], form_counts: Counter) -> list[Block]:
    """Parse each ``(markup, wrap[, tag])``; count values per tag (``prose`` or ``table:<style>``)."""
    blocks = []
    for i, item in enumerate(markups):
        m, w = item[0], item[1]
        if not m:
            continue
        b = parse(m, f"b{i}", wrap=w)
        tag = item[2] if len(item) > 2 else "prose"
        form_counts[f"values:{tag}"] += sum(sp.label != "INDICATOR" for sp in b.spans)
        blocks.append(b)
    return blocks


def title(c: prose.Ctx) -> str:
    if c.kind == "dept":
        t = c.pick([f"{c.year}年度{c.org}部门整体支出绩效自评报告", f"{c.org}\n{c.year} 年部门整体支出绩效自评报告",
                    f"{c.org}{c.year}年度部门整体支出绩效自评报告"])
    else:
        t = c.pick([f"{c.year}年度{c.project}项目支出绩效自评报告", f"{c.org}{c.year}年{c.project}项目绩效自评报告",
                    f"“{c.project}”项目{c.year}年度绩效自评报告"])
    return c.pick(["", "", " 附件 2\n\n", "附件1\n"]) + t


def doc_prose(c: prose.Ctx, form_counts: Counter) -> list[tuple]:
    r = c.rng
    gens = prose.PROSE_DEPT if c.kind == "dept" else prose.PROSE_PROJ
    out: list[tuple] = []
    if r.random() < 0.3:
        out.append((heading(c, r.choice(["budget", "perf", "score"])), False))
    if r.random() < 0.4:
        out.append((prose.p_negatives(c), True))
    target = r.choice([250, 400, 600, 900, 1200, 1500])
    for g in r.sample(gens, len(gens)):
        m = g(c)
        if r.random() < 0.3:
            m = prose.p_negatives(c) + m
        out.append((m, True))
        form_counts["prose:" + g.__name__] += 1
        if plain_len(out) >= target * r.uniform(0.6, 1.0):
            break
    if r.random() < 0.25:
        out.append((prose.p_unlinked(c), True))
    if r.random() < 0.3:
        out.append((prose.p_filler(c), True))
    return out


def doc_table(c: prose.Ctx, style: str) -> list[tuple]:
    r = c.rng
    out: list[tuple] = []
    if r.random() < 0.5:
        out.append((c.pick(["附表：", "附件2：", "表1 ", ""]) + c.pick(["绩效自评表如下：", f"{c.year}年度绩效自评情况详见下表。", "自评情况表"]), False))
    if c.kind == "dept" and r.random() < 0.3:
        out.append((tables.finance_table(c, style), False, f"table:{style}"))
    tbl = tables.dept_table(c, style) if c.kind == "dept" else tables.project_table(c, style)
    out.append((tbl, False, f"table:{style}"))
    if r.random() < 0.4:
        out.append((c.pick(["填表人：", "联系人："]) + c.pick(["张某", "李某", "王某"]) + c.pick(["", f"  联系电话：020-{r.randint(80000000, 89999999)}"]), False))
    if r.random() < 0.4:
        out.append((prose.p_score(c), True))
    return out


def doc_long(c: prose.Ctx, style: str) -> list[tuple]:
    r = c.rng
    out: list[tuple] = [(title(c), False), (heading(c, "basic"), False), (prose.p_basic(c), True)]
    if r.random() < 0.5:
        out.append((prose.p_negatives(c), True))
    out.append((heading(c, "budget"), False))
    if c.kind == "dept":
        out += [(prose.p_budget(c), True), (prose.p_income(c), True)]
        if r.random() < 0.4:
            st = tables.STYLES[r.randrange(len(tables.STYLES))]
            out.append((tables.finance_table(c, st), False, f"table:{st}"))
        if r.random() < 0.5:
            out.append((prose.p_three_public(c), True))
    else:
        out += [(prose.p_project_funds(c), True)]
        if r.random() < 0.5:
            out.append((prose.p_bare_exec(c), True))
    if r.random() < 0.4:
        out.append((prose.p_negatives(c), True))
    out.append((heading(c, "perf"), False))
    for _ in range(r.randint(2, 4)):
        out.append((prose.p_outputs(c), True))
        if r.random() < 0.5:
            out.append((prose.p_filler(c), True))
    out.append((prose.p_outcomes(c), True))
    if r.random() < 0.5:
        out.append((prose.p_outcomes(c), True))
    if r.random() < 0.5:
        out.append((prose.p_indicator_list(c), True))
    if r.random() < 0.4:
        out.append((prose.p_weighted_items(c), True))
    target = r.randint(3000, 8000)
    task = 0
    once = [prose.p_weighted_items, prose.p_indicator_list, prose.p_unlinked, prose.p_negatives]
    r.shuffle(once)
    while plain_len(out) < target * 0.8 and task < 16:
        task += 1
        out.append((prose.p_task(c, task), True))
        if r.random() < 0.4:
            out.append((r.choice([prose.p_outputs, prose.p_outcomes])(c), True))
        if once and r.random() < 0.4:
            out.append((once.pop()(c), True))
    out.append((heading(c, "score"), False))
    out.append((prose.p_score(c), True))
    out += [(heading(c, "problem"), False), (prose.p_problems(c), True), (heading(c, "measure"), False), (prose.p_measures(c), True)]
    out += doc_table(c, style)
    if r.random() < 0.25:
        c.kind, c.project = ("proj" if c.kind == "dept" else "dept"), r.choice(c.bank["projects"])
        out += doc_table(c, tables.STYLES[(tables.STYLES.index(style) + 1) % len(tables.STYLES)])
    if r.random() < 0.3:
        out.append((c.pick([f"{c.org}\n{c.year + 1}年{r.randint(1, 6)}月{r.randint(1, 28)}日", f"{c.org}\n{c.year + 1}年{r.randint(1, 6)}月"]), False))
    return out


def make_doc(seed: int, i: int, form_counts: Counter) -> dict:
    rng = random.Random(f"{seed}-{i}")
    x = rng.random()
    form = "prose" if x < PLAN[0][1] else ("table" if x < PLAN[0][1] + PLAN[1][1] else "long")
    c = prose.make_ctx(rng)
    style = tables.STYLES[i % len(tables.STYLES)]
    if form == "prose":
        markups = doc_prose(c, form_counts)
        form_counts[f"doc:prose:{c.kind}"] += 1
    elif form == "table":
        markups = doc_table(c, style)
        form_counts[f"doc:table:{style}:{c.kind}"] += 1
    else:
        markups = doc_long(c, style)
        form_counts[f"doc:long:{style}:{c.kind}"] += 1
    lay = Layout(c, form == "long")
    doc = assemble(c, blocks_from(c, markups, form_counts), lay)
    obj = {"id": f"syn-{i + 1:04d}", "text": doc["text"], "entities": doc["entities"], "relations": doc["relations"], "synthetic": True}
    return obj


def generate(seed: int = SEED, n_docs: int = N_DOCS) -> tuple[list[dict], Counter]:
    form_counts: Counter = Counter()
    docs = [make_doc(seed, i, form_counts) for i in range(n_docs)]
    return docs, form_counts


# ----------------------------------------------------------------------------- stats

SURFACE_FEATURES = {
    "fullwidth digits": re.compile(r"[０-９]"),
    "line break inside": re.compile(r"\n"),
    "page boilerplate inside": re.compile(r"\n\s*(?:-|—|第)"),
    "digit-group comma": re.compile(r"\d[,，]\d{3}"),
    "亿元": re.compile(r"亿元"),
    "千元": re.compile(r"千元"),
    "元 (not 万/亿/千)": re.compile(r"(?<![万亿千])元"),
    "Chinese numeral": re.compile(r"^[零一二三四五六七八九十百千万]+"),
    "余/多 inside": re.compile(r"\d\s*[余多]"),
    "万 multiplier count": re.compile(r"\d万[^元]"),
    "百分点": re.compile(r"百分点"),
    "百分之": re.compile(r"百分之"),
    "malformed 13.%": re.compile(r"\d\.%"),
    "negative sign": re.compile(r"^[-－]"),
    "bare number": re.compile(r"^[\d.,，０-９．]+$"),
}


def stats(docs: list[dict], form_counts: Counter) -> dict:
    labels: Counter = Counter()
    feats: Counter = Counter()
    linked = 0
    chars = 0
    for d in docs:
        chars += len(d["text"])
        linked += len(d["relations"])
        for e in d["entities"]:
            labels[e["label"]] += 1
            if e["label"] != "INDICATOR":
                s = d["text"][e["start_offset"] : e["end_offset"]]
                for name, rx in SURFACE_FEATURES.items():
                    if rx.search(s):
                        feats[name] += 1
    values = sum(v for k, v in labels.items() if k != "INDICATOR")
    return {"documents": len(docs), "characters": chars, "values": values, "value_of": linked,
            "labels": dict(sorted(labels.items())), "forms": dict(sorted(form_counts.items())), "surface": dict(sorted(feats.items()))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="annotations/synthetic/synthetic.jsonl")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--n", type=int, default=N_DOCS, help="number of documents")
    ap.add_argument("--stats", action="store_true", help="print counts as JSON")
    args = ap.parse_args(argv)
    docs, form_counts = generate(args.seed, args.n)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    st = stats(docs, form_counts)
    print(f"wrote {st['documents']} documents, {st['values']} values, {st['value_of']} links to {out}")
    if args.stats:
        print(json.dumps(st, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

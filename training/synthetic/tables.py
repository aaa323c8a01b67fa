"""Score tables (绩效自评表) as PDF/web text extraction leaves them.

A table is built as rows of cells (each cell inline markup), then rendered in one of
the :data:`STYLES`. Gold follows ANNOTATION.md "Tables": a cell number is a value when
its kind is evident (unit in the cell, unit in a header, a 分值/得分 column, a 度量单位
cell); its span is the number plus a unit in the same cell; target/actual/weight/score
cells link to the row's 三级指标; budget-execution cells link to their column header;
section weights ``预算执行情况（10分）`` are SCORE linked to the section name.
"""

from __future__ import annotations

import random

import phrases as ph
from forms import count_surface, fullwidth, num, pct_number, rate, wan
from markup import I, V
from prose import FILLER_VERBS, Ctx

STYLES = ("cell", "pipe", "space", "tab", "md")

Row = list[str]


def render(rows: list[Row], style: str, rng: random.Random) -> str:
    """Flatten ``rows`` the way a PDF or web page extractor would."""
    lines: list[str] = []
    if style == "cell":
        sep = rng.choice(["\n", "\n", "\n", "\n\n"])
        for row in rows:
            cells = [c for c in row if c.strip()]
            if cells:
                lines.append(sep.join(cells))
        return sep.join(lines)
    if style == "pipe":
        outer = rng.random() < 0.6
        pad = rng.choice([" | ", "|", " |", "| "])
        for row in rows:
            if len(row) == 1:
                lines.append(row[0])
                continue
            body = pad.join(row)
            lines.append(("|" + (" " if pad.startswith(" ") else "") + body + (" " if pad.endswith(" ") else "") + "|") if outer else body)
        return "\n".join(lines)
    if style == "md":
        width = max(len(r) for r in rows)
        out = []
        header_done = False
        for row in rows:
            if len(row) == 1:
                out.append(row[0])
                continue
            cells = row + [""] * (width - len(row))
            out.append("| " + " | ".join(cells) + " |")
            if not header_done:
                out.append("|" + "---|" * width)
                header_done = True
        return "\n".join(out)
    if style == "tab":
        return "\n".join("\t".join(row) for row in rows)
    # "space": cells run together, empty cells vanish
    gap = rng.choice([" ", " ", "  ", "　"])
    for row in rows:
        cells = [c for c in row if c.strip()]
        if cells:
            lines.append(gap.join(cells))
    return "\n".join(lines)


def maybe_break(rng: random.Random, text: str, style: str) -> str:
    """In one-cell-per-line text a long cell wraps inside itself."""
    if style == "cell" and len(text) >= 7 and rng.random() < 0.25:
        p = rng.randint(3, len(text) - 2)
        return text[:p] + "\n" + text[p:]
    return text


def bare(rng: random.Random, x: float, decimals: int = 2) -> str:
    s = num(rng, x, decimals, comma_p=0.3)
    return fullwidth(s) if rng.random() < 0.03 else s


def score_cell(rng: random.Random, x: float) -> str:
    s = f"{x:g}" if not float(x).is_integer() else str(int(x))
    if rng.random() < 0.15:
        s = f"{x:.1f}" if float(x).is_integer() else s
    return s


# -------------------------------------------------------------- indicator rows

def indicator_rows(c: Ctx, n: int) -> list[tuple[str, str, str, str, float, float, str, str]]:
    """(一级, 二级, 三级, kind, target, actual, unit, qual) tuples for a project/department."""
    r = c.rng
    out = []
    counts = r.sample(c.bank["counts"], min(len(c.bank["counts"]), max(1, n // 3)))
    for noun, mw, lo, hi, verbs in counts:
        t = r.randint(lo, hi)
        a = int(t * r.uniform(0.95, 1.3))
        verb = c.pick(verbs)
        name = c.pick([noun, noun + "数量", noun + "数"] + ([] if verb in FILLER_VERBS else [verb + noun]))
        out.append(("产出指标", "数量指标", name, "count", float(t), float(a), mw, c.pick(["≥", "≥", "", "=", "不少于"])))
    rates = r.sample(c.bank["rates"] + ph.GENERIC_RATES, min(n - len(out), 6))
    for name, lo, hi in rates:
        t = float(r.choice([80, 85, 90, 95, 100])) if hi > 50 else float(hi)
        a = rate(r, max(lo, t - 5), 100) if hi > 50 else round(r.uniform(lo, hi), 2)
        if "满意" in name:
            l1, l2 = c.pick(["满意度指标", "效益指标"]), c.pick(["服务对象满意度指标", "满意度"])
        elif "及时" in name:
            l1, l2 = "产出指标", "时效指标"
        elif "率" in name:
            l1, l2 = c.pick(["产出指标", "效益指标"]), c.pick(["质量指标", "社会效益指标", "质量指标"])
        else:
            l1, l2 = "效益指标", "社会效益指标"
        out.append((l1, l2, name, "percent", t, a, "%", c.pick(["≥", "≥", "=", "", "≥ "]) if hi > 50 else "≤"))
    if r.random() < 0.5:
        cost = wan(r, 5, 3000)
        out.append(("产出指标", "成本指标", c.pick(["项目总成本", "成本控制数", "单位成本控制"]), "money", cost, round(cost * r.uniform(0.8, 1.0), 2), "万元", "≤"))
    if r.random() < 0.5:
        out.append(("效益指标", "可持续影响指标", c.pick(["长效管理机制", "服务水平持续提升", "制度建设完善程度"]), "qual", 0, 0, "", ""))
    if r.random() < 0.4:
        out.append(("产出指标", "时效指标", c.pick(["项目完成时间", "资金拨付时间"]), "date", 0, 0, "", ""))
    return out


def value_cell(c: Ctx, kind: str, x: float, unit: str, link: str, qual: str, in_cell_unit: bool = True) -> str:
    r = c.rng
    if kind == "count":
        if in_cell_unit:
            s = count_surface(r, int(x), unit, style=c.pick(["plain", "plain", "plain", "approx"]) if not qual else "plain")
        else:
            s = str(int(x))
        return qual + V("C", s, link)
    if kind == "percent":
        if in_cell_unit:
            s = pct_number(r, x) + c.pick(["%", "%", "％"])
        else:
            s = pct_number(r, x)
        return qual + V("P", s, link)
    if kind == "money":
        s = bare(r, x) + (c.pick(["万元", "万元", " 万元"]) if in_cell_unit else "")
        return qual + V("M", s, link)
    if kind == "date":
        return c.pick([f"{c.year}年12月底前", f"{c.year}年{r.randint(6, 12)}月{r.randint(1, 28)}日前完成", "按期完成"])
    return c.pick(["有效提升", "逐步完善", "达到预期", "中长期", "持续发挥作用"])


def deviation(c: Ctx) -> str:
    return c.pick(["", "", "", "无偏差", "已完成", "受疫情影响进度滞后，下一步加快推进", "部分项目尚未结算", "无"])


# -------------------------------------------------------------- 项目支出绩效自评表

def project_table(c: Ctx, style: str) -> str:
    r = c.rng
    rows: list[Row] = []
    rows.append([c.pick(["项目支出绩效自评表", f"{c.year}年度项目支出绩效自评表", "附表：项目支出绩效自评表"])])
    rows.append([c.pick([f"（{c.year}年度）", f"（ {c.year} 年度）", f"填报单位：{c.org}"])])
    rows.append(["项目名称", f"{c.project}项目"])
    rows.append(["主管部门", c.org, "实施单位", c.org])
    hk = {n: c.k() for n in ("a", "b", "e", "w", "rt", "sc")}
    unit_in_head = r.random() < 0.7
    h_budget = c.pick(["年初预算数", "年初预算"])
    h_full = c.pick(["全年预算数", "调整后预算数"])
    h_exec = c.pick(["全年执行数", "实际支出数"])
    head0 = c.pick(["项目资金（万元）", "项目资金(万元)"] + (["项目资金\n（万元）"] if style == "cell" else [])) if unit_in_head else "项目资金"
    rows.append([head0, "", I(h_budget, hk["a"]), I(h_full, hk["b"]), I(h_exec, hk["e"]), I("分值", hk["w"]), I("执行率", hk["rt"]), I("得分", hk["sc"])])
    total_b = wan(r, 20, 8000)
    total_f = round(total_b * r.uniform(0.9, 1.2), 2)
    total_e = round(total_f * r.uniform(0.75, 1.0), 2)
    er = round(total_e / total_f * 100, 2)
    w = float(c.pick([10, 10, 20, 5]))
    got = round(min(w, w * er / 100), 2)

    def mcell(x: float, key: str) -> str:
        return V("M", bare(r, x) + ("" if unit_in_head else c.pick(["万元", " 万元"])), key)

    rows.append(["年度资金总额", "", mcell(total_b, hk["a"]), mcell(total_f, hk["b"]), mcell(total_e, hk["e"]),
                 V("S", score_cell(r, w), hk["w"]), V("P", pct_number(r, er) + c.pick(["%", "%", "％"]), hk["rt"]), V("S", score_cell(r, got), hk["sc"])])
    share = r.uniform(0.6, 1.0)
    for label, frac in (("其中：当年财政拨款", share), ("上年结转资金", (1 - share) * 0.5), ("其他资金", (1 - share) * 0.5)):
        if frac < 0.01:
            rows.append([label, "", c.pick(["0", "—", ""]), c.pick(["0", "—"]), c.pick(["0", "—"]), "—", "—", "—"])
            continue
        b1, f1, e1 = round(total_b * frac, 2), round(total_f * frac, 2), round(total_e * frac, 2)
        rows.append([label, "", mcell(b1, hk["a"]), mcell(f1, hk["b"]), mcell(e1, hk["e"]), "—",
                     V("P", pct_number(r, round(e1 / f1 * 100, 2)) + "%", hk["rt"]) if r.random() < 0.6 else "—", "—"])
    rows.append(["年度总体目标", "预期目标", "实际完成情况"])
    rows.append(["", c.pick(ph.FILLERS), c.pick(ph.FILLERS) + "，" + c.pick(["较好完成了年度目标", "达到预期目标", "基本完成年度目标"])])
    measure_col = r.random() < 0.3
    if measure_col:
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分"])
    else:
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", c.pick(["年度指标值", "年度目标值"]), "实际完成值", "分值", "得分", c.pick(["偏差原因分析及改进措施", "偏差原因", "未完成原因分析"])])
    specs = indicator_rows(c, r.randint(5, 9))
    remaining = 90.0 - w
    ws = split_weights(r, remaining, len(specs))
    total = got
    last1 = None
    for (l1, l2, name, kind, t, a, unit, qual), wi in zip(specs, ws):
        k = c.k()
        gi = wi if r.random() < 0.7 else round(wi * r.uniform(0.5, 0.95), 1)
        total += gi
        l1c = l1 if l1 != last1 or style in ("space",) else ""
        last1 = l1
        name_cell = I(maybe_break(r, name, style), k)
        if measure_col:
            if kind in ("qual", "date"):
                rows.append(["", l1c, l2, name_cell, "定性", value_cell(c, kind, t, unit, k, ""), "", value_cell(c, kind, a, unit, k, ""), V("S", score_cell(r, wi), k), V("S", score_cell(r, gi), k)])
            else:
                qual_word = {"≥": "≥", "≥ ": "≥", "=": "=", "": "=", "不少于": "≥", "≤": "≤"}.get(qual, "≥")
                rows.append(["", l1c, l2, name_cell, qual_word, value_cell(c, kind, t, unit, k, "", False), unit,
                             value_cell(c, kind, a, unit, k, "", False), V("S", score_cell(r, wi), k), V("S", score_cell(r, gi), k)])
        else:
            rows.append(["", l1c, l2, name_cell, value_cell(c, kind, t, unit, k, qual), value_cell(c, kind, a, unit, k, ""),
                         V("S", score_cell(r, wi), k), V("S", score_cell(r, gi), k), deviation(c)])
    tk = c.k()
    tot_row = [I("总分", tk), V("S", "100", tk), V("S", score_cell(r, round(total, 2)), tk)]
    if r.random() < 0.3:
        tot_row.append(c.pick(["自评等级：优", "评价等级：良", "（自评等级：优）"]))
    rows.append(tot_row)
    return render(rows, style, r)


def split_weights(r: random.Random, total: float, n: int) -> list[float]:
    base = [r.choice([5, 5, 10, 10, 15, 20]) for _ in range(n)]
    s = sum(base)
    ws = [max(1, round(b * total / s)) for b in base]
    ws[-1] = max(1, total - sum(ws[:-1]))
    return [float(x) for x in ws]


# -------------------------------------------------------------- 部门整体支出绩效自评表

DEPT_THIRD = [
    ("预算编制", [("预算编制准确率", "percent"), ("绩效目标合理性", "qual"), ("预算调整率", "percent")]),
    ("预算执行情况", [("预算执行率", "percent"), ("结转结余率", "percent"), ("“三公”经费控制率", "percent"), ("政府采购执行率", "percent")]),
    ("预算管理", [("资金使用合规性", "qual"), ("管理制度健全性", "qual"), ("预决算信息公开性", "qual")]),
    ("资产管理", [("资产管理安全性", "qual"), ("固定资产利用率", "percent")]),
]


def dept_table(c: Ctx, style: str) -> str:
    r = c.rng
    rows: list[Row] = []
    rows.append([c.pick([f"{c.year}年度部门整体支出绩效自评表", "部门整体支出绩效自评表", "附件：部门整体支出绩效评价指标评分表"])])
    rows.append(["部门名称", c.org])
    cols = {n: c.k() for n in ("a", "b", "e", "rt")}
    pct_head = r.random() < 0.6
    where = c.pick(["corner", "corner", "column", "cell"])  # where the money unit is written
    ucol = c.pick(["（万元）", "(万元)"]) if where == "column" else ""
    head = [c.pick(["预算执行情况（万元）", "预算执行情况(万元)", "资金情况（万元）"]) if where == "corner" else c.pick(["预算执行情况", "资金来源", "项目"]),
            I(c.pick(["年初预算数", "年初预算"]), cols["a"]) + ucol,
            I(c.pick(["调整后预算数", "全年预算数", "全年预算数"]), cols["b"]) + c.pick(["", "（A）"]) + ucol,
            I(c.pick(["预算执行数", "全年执行数", "实际支出数"]), cols["e"]) + c.pick(["", "（B）"]) + ucol,
            (I("预算执行率", cols["rt"]) + c.pick(["(%)", "（%）", "（B/A）(%)"])) if pct_head else I(c.pick(["预算执行率", "执行率（B/A）"]), cols["rt"])]
    rows.append(head)
    tb = wan(r, 100, 60000)
    fiscal = r.uniform(0.85, 1.0)
    for label, frac in (("总额", 1.0), (c.pick(["财政资金", "其中：财政拨款"]), fiscal), (c.pick(["单位资金", "其他资金"]), 1.0 - fiscal)):
        if frac < 0.005:
            rows.append([label, "0", "0", "0", c.pick(["—", "0", ""])])
            continue
        a = round(tb * frac, 2)
        b = round(a * r.uniform(0.95, 1.2), 2)
        e = round(b * r.uniform(0.8, 1.0), 2)
        er = round(e / b * 100, 2)
        u = c.pick(["万元", " 万元"]) if where == "cell" else ""
        rows.append([label, V("M", bare(r, a) + u, cols["a"]), V("M", bare(r, b) + u, cols["b"]), V("M", bare(r, e) + u, cols["e"]),
                     V("P", pct_number(r, er) + ("" if pct_head else c.pick(["%", "％"])), cols["rt"])])
    rows.append(["一级指标", "二级指标", "三级指标", "分值", c.pick(["指标值", "年度目标值", "目标值"]), "实际完成值", "得分", c.pick(["", "扣分原因"])])
    total_w = 0.0
    total_g = 0.0
    groups = r.sample(DEPT_THIRD, r.randint(2, 4))
    extra = [("履职效能", [(n, "percent") for n, _, _ in r.sample(c.bank["rates"], min(2, len(c.bank["rates"])))] +
              [(cnt[0], "count") for cnt in r.sample(c.bank["counts"], 2)])]
    for sec, items in groups + extra:
        sk = c.k()
        items = r.sample(items, min(len(items), r.randint(1, 3)))
        ws = [float(r.choice([2, 3, 5, 5, 10])) for _ in items]
        sw = sum(ws)
        total_w += sw
        op, cl = c.pick([("（", "）"), ("(", ")"), ("（", "）")])
        sec_cell = I(sec, sk) + op + V("S", f"{sw:g}分", sk) + cl
        sub = c.pick(["", "预算管理", "投入管理", "产出", "效果"])
        for j, ((name, kind), wi) in enumerate(zip(items, ws)):
            k = c.k()
            gi = wi if r.random() < 0.7 else round(wi * r.uniform(0.5, 0.95), 1)
            total_g += gi
            if kind == "percent":
                t = float(r.choice([90, 95, 100]))
                tcell = c.pick(["≥", "≥", "=", ""]) + V("P", pct_number(r, t) + "%", k)
                acell = V("P", pct_number(r, rate(r, 85, 100)) + c.pick(["%", "%", "％"]), k)
                if name in ("预算调整率", "结转结余率"):
                    tcell = c.pick(["≤", "≤"]) + V("P", pct_number(r, float(r.choice([5, 10, 15]))) + "%", k)
                    acell = V("P", pct_number(r, round(r.uniform(0, 15), 2)) + "%", k)
            elif kind == "count":
                mw = next((x[1] for x in c.bank["counts"] if x[0] == name), "次")
                t = r.randint(5, 500)
                tcell = c.pick(["≥", ""]) + V("C", f"{t}{mw}", k)
                acell = V("C", count_surface(r, int(t * r.uniform(1, 1.3)), mw, "plain"), k)
            else:
                tcell = c.pick(["规范", "健全", "合理", "及时公开"])
                acell = c.pick(["规范", "健全", "较合理", "已公开", "基本规范"])
            first = sec_cell if j == 0 else ""
            rows.append([first, sub if j == 0 else "", I(maybe_break(r, name, style), k), V("S", score_cell(r, wi), k), tcell, acell,
                         V("S", score_cell(r, gi), k), "" if gi == wi else c.pick(["执行进度偏慢", "个别指标未达标", "扣分"])])
    tk = c.k()
    rows.append([I(c.pick(["总分", "总得分", "总计"]), tk), "", "", V("S", score_cell(r, total_w), tk), "", "", V("S", score_cell(r, round(total_g, 2)), tk)])
    return render(rows, style, r)


# -------------------------------------------------------------- 收支情况表 (unit line above)

FIN_ROWS = [("收入合计", None), ("财政拨款收入", 0.9), ("其他收入", 0.1), ("支出合计", None), ("基本支出", 0.6),
            ("人员经费", 0.45), ("公用经费", 0.15), ("项目支出", 0.4)]


def finance_table(c: Ctx, style: str) -> str:
    """Income/expense table with ``单位：万元`` above it: each row names the measured item,
    so its cells (budget, final, rate) link to the row name."""
    r = c.rng
    rows: list[Row] = [[c.pick([f"表{r.randint(1, 3)} {c.year}年度收支情况表", f"{c.org}{c.year}年度收支预算执行情况表", "部门收支总体情况表"])]]
    rows.append([c.pick(["单位：万元", "单位: 万元", "金额单位：万元"])])
    with_rate = r.random() < 0.6
    head = [c.pick(["项目", "科目名称", "项 目"]), c.pick(["年初预算数", "预算数"]), c.pick(["调整后预算数", "全年预算数"]), c.pick(["决算数", "执行数", "实际支出"])]
    if with_rate:
        head.append(c.pick(["完成率（%）", "执行率(%)"]))
    rows.append(head)
    base = wan(r, 300, 50000)
    for name, frac in FIN_ROWS:
        if frac is None:
            frac = 1.0
        if r.random() < 0.25 and name in ("人员经费", "公用经费", "其他收入"):
            continue
        k = c.k()
        a = round(base * frac * r.uniform(0.9, 1.05), 2)
        b = round(a * r.uniform(0.95, 1.15), 2)
        e = round(b * r.uniform(0.8, 1.0), 2)
        label = c.pick(["", "其中："]) + I(name, k) if name in ("财政拨款收入", "基本支出", "人员经费") else I(name, k)
        if name.endswith("合计"):
            label = c.pick(["一、", "二、", ""]) + label if name == "收入合计" else c.pick(["二、", ""]) + label
        row = [label, V("M", bare(r, a), k), V("M", bare(r, b), k), V("M", bare(r, e), k)]
        if with_rate:
            row.append(V("P", pct_number(r, round(e / b * 100, 2)), k))
        rows.append(row)
    return render(rows, style, r)

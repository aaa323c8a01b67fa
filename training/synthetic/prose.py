"""Prose paragraph generators. Each returns inline markup (see :mod:`markup`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import phrases as ph
from forms import PP, C, M, P, S, cn_int, pct_surface, points_surface, rate, score_value, wan
from markup import I, V


@dataclass
class Ctx:
    rng: random.Random
    year: int
    province: str
    city: str
    district: str
    dept: str
    org: str
    kind: str  # "dept" (部门整体) or "proj" (项目支出)
    project: str
    bank: dict
    n: int = 0
    stats: dict = field(default_factory=dict)

    def k(self) -> str:
        self.n += 1
        return f"k{self.n}"

    def pick(self, seq):
        return self.rng.choice(seq)


def make_ctx(rng: random.Random, kind: str | None = None) -> Ctx:
    province, city, districts = rng.choice(ph.PLACES)
    district = rng.choice(districts)
    dept = rng.choice(list(ph.DEPTS))
    bank = ph.DEPTS[dept]
    if dept == "街道办事处":
        unit = rng.choice(ph.STREETS) + "办事处"
    else:
        unit = dept
    prefix = rng.choice(ph.ORG_PREFIXES).format(province=province, city=city, district=district)
    org = prefix + unit
    kind = kind or rng.choice(["dept", "proj"])
    return Ctx(rng, rng.randint(2019, 2025), province, city, district, dept, org, kind, rng.choice(bank["projects"]), bank)


def when(c: Ctx) -> str:
    return c.pick([f"{c.year}年", f"{c.year}年度", f"{c.year} 年", "本年度", "全年", "", "一年来，", f"截至{c.year}年12月31日，"])


def body(c: Ctx) -> str:
    return c.pick([c.org, "我局", "本单位", "我单位", "我办", "本部门", "", ""])


def sent_end(c: Ctx) -> str:
    return c.pick(["。", "。", "；", "。"])


# ------------------------------------------------------------------ 部门整体 budget

def p_budget(c: Ctx) -> str:
    r = c.rng
    init = wan(r, 100, 60000)
    adj = round(init * r.uniform(0.85, 1.3), 2)
    spent = round(adj * r.uniform(0.75, 1.0), 2)
    er = round(spent / adj * 100, 2)
    a, b, d, e = c.k(), c.k(), c.k(), c.k()
    basic = round(init * r.uniform(0.4, 0.8), 2)
    proj = round(init - basic, 2)
    f, g = c.k(), c.k()
    forms = [
        f"{when(c)}{body(c)}{I(c.pick(ph.BUDGET_IND['initial']), a)}{M(r, init, a)}，其中{I('基本支出', f)}{M(r, basic, f)}，{I('项目支出', g)}{M(r, proj, g)}。",
        f"{when(c)}{I(c.pick(ph.BUDGET_IND['initial']), a)}为{M(r, init, a)}。",
        f"{body(c)}{c.year}年度{I(c.pick(ph.BUDGET_IND['initial']), a)}{M(r, init, a)}（其中{I('基本支出', f)}{M(r, basic, f)}、{I('项目支出', g)}{M(r, proj, g)}）。",
    ]
    s = c.pick(forms)
    s += c.pick([
        f"年中经调整后，{I(c.pick(ph.BUDGET_IND['adjusted']), b)}为{M(r, adj, b)}，",
        f"{I(c.pick(ph.BUDGET_IND['adjusted']), b)}{M(r, adj, b)}，",
        f"{I(c.pick(ph.BUDGET_IND['adjusted']), b)}：{M(r, adj, b)}；",
    ])
    s += c.pick([
        f"全年累计{I(c.pick(ph.BUDGET_IND['spent']), d)}{M(r, spent, d)}，{I(c.pick(['完成预算', '预算执行率', '执行率']), e)}{c.pick(['', '为', '达'])}{P(r, er, e)}。",
        f"{I(c.pick(ph.BUDGET_IND['spent']), d)}{M(r, spent, d)}，{I(c.pick(ph.BUDGET_IND['exec_rate']), e)}{c.pick(['', '为', '达到'])}{P(r, er, e)}。",
        f"{I(c.pick(ph.BUDGET_IND['spent']), d)} {V('M', fmt_bare(r, spent), d)}，{I(c.pick(ph.BUDGET_IND['exec_rate']), e)}{P(r, er, e)}。",
    ])
    return s


def fmt_bare(r: random.Random, x: float) -> str:
    return f"{x:.2f}"


def p_bare_exec(c: Ctx) -> str:
    """项目预算数 628.67 万元，执行数 605.58：a bare number whose unit is implied."""
    r = c.rng
    bud = wan(r, 20, 5000)
    sp = round(bud * r.uniform(0.7, 1.0), 2)
    a, b, e = c.k(), c.k(), c.k()
    unit = c.pick(["万元", " 万元", "万元"])
    return (
        f"{c.pick(['', c.project + '项目'])}{I(c.pick(['项目预算数', '预算数', '年初预算数', '全年预算数']), a)}{V('M', f'{bud:.2f}{unit}', a)}，"
        f"{I(c.pick(['执行数', '全年执行数', '实际执行数']), b)}{c.pick(['', ' ', '为'])}{V('M', f'{sp:.2f}', b)}，"
        f"{I(c.pick(['执行率', '预算执行率', '完成预算']), e)}{c.pick(['', '为', '的'])}{P(r, round(sp / bud * 100, 2), e)}。"
    )


def p_income(c: Ctx) -> str:
    r = c.rng
    inc = wan(r, 200, 80000)
    fisc = round(inc * r.uniform(0.85, 0.999), 2)
    other = round(inc - fisc, 2)
    a, b, s1, o = c.k(), c.k(), c.k(), c.k()
    s = f"{when(c)}{I(c.pick(ph.BUDGET_IND['income']), a)}{M(r, inc, a)}，其中{I(c.pick(ph.BUDGET_IND['fiscal']), b)}{M(r, fisc, b)}，"
    share = c.pick(['占总收入', '占收入总额', '占比'])
    s += f"{I(share, s1)}{c.pick(['的', '', '的']) if share != '占比' else c.pick(['', '为'])}{P(r, round(fisc / inc * 100, 2), s1)}；{I(c.pick(ph.BUDGET_IND['other_income']), o)}{M(r, other, o)}。"
    exp = round(inc * r.uniform(0.85, 1.02), 2)
    e = c.k()
    s += f"{I(c.pick(ph.BUDGET_IND['expense']), e)}{M(r, exp, e)}"
    up = r.random() < 0.6
    ch = round(exp * r.uniform(0.01, 0.25), 2)
    chk, rk = c.k(), c.k()
    pct = round(ch / (exp - ch if up else exp + ch) * 100, 2)
    if up:
        s += f"，{I(c.pick(ph.CHANGE_UP), chk)}{M(r, ch, chk)}，{I(c.pick(ph.RATIO_UP), rk)}{c.pick(['', '为', ''])}{P(r, pct, rk)}"
    else:
        style = r.random()
        if style < 0.4:
            s += f"，{I(c.pick(ph.CHANGE_DOWN), chk)}{M(r, ch, chk)}，{I(c.pick(ph.RATIO_DOWN), rk)}{P(r, pct, rk)}"
        elif style < 0.7:
            s += f"，{I(c.pick(ph.CHANGE_DOWN), chk)}{M(r, ch, chk)}，{I(c.pick(['增幅', '增长率']), rk)}为{V('P', '-' + pct_surface(r, pct, False), rk)}"
        else:
            s += f"，{I(c.pick(['同比下降', '同比减少', '较上年下降']), rk)}{P(r, pct, rk)}"
    s += "。"
    basic = round(exp * r.uniform(0.4, 0.85), 2)
    proj = round(exp - basic, 2)
    b1, b2, sh1, sh2 = c.k(), c.k(), c.k(), c.k()
    s += c.pick([
        f"其中：{I('基本支出', b1)}{M(r, basic, b1)}，{I('占总支出', sh1)}{c.pick(['的', ''])}{P(r, round(basic / exp * 100, 2), sh1)}；{I('项目支出', b2)}{M(r, proj, b2)}，{I('占总支出', sh2)}{c.pick(['的', ''])}{P(r, round(proj / exp * 100, 2), sh2)}。",
        f"按支出性质分，{I('基本支出', b1)}{M(r, basic, b1)}、{I('项目支出', b2)}{M(r, proj, b2)}，分别{I('占总支出', sh1)}的{P(r, round(basic / exp * 100, 2), sh1)}和{P(r, round(proj / exp * 100, 2), sh1)}。",
        f"{I('基本支出', b1)}{M(r, basic, b1)}（{I(c.pick(ph.BUDGET_IND['personnel']), sh1)}{M(r, basic * 0.7, sh1)}、{I(c.pick(ph.BUDGET_IND['public']), sh2)}{M(r, basic * 0.3, sh2)}），{I('项目支出', b2)}{M(r, proj, b2)}。",
    ])
    return s


def p_three_public(c: Ctx) -> str:
    r = c.rng
    items = r.sample(ph.THREE_PUBLIC, r.randint(2, 4))
    tot = 0.0
    parts = []
    for it in items:
        k = c.k()
        if r.random() < 0.2:
            parts.append(f"{I(it, k)}{V('M', c.pick(['0元', '0 万元', '0万元']), k)}")
        else:
            v = round(r.uniform(0.3, 60), 2)
            tot += v
            parts.append(f"{I(it, k)}{M(r, v, k, unit=c.pick(['万元', '万元', '元']))}")
    a, b, e = c.k(), c.k(), c.k()
    d = round(r.uniform(0.5, 20), 2)
    s = f"{when(c)}“三公”经费{I(c.pick(['支出', '决算数', '实际支出']), a)}{M(r, tot or 1.5, a)}，其中" + "，".join(parts) + "。"
    s += c.pick([
        f"与上年相比{I('减少', b)}{M(r, d, b)}，{I('下降', e)}{P(r, round(r.uniform(1, 30), 2), e)}，主要原因是严格落实过紧日子要求。",
        f"{I('同比减少', b)}{M(r, d, b)}，{I('降幅', e)}{P(r, round(r.uniform(1, 30), 2), e)}。",
        "严格控制“三公”经费支出，未超预算。",
    ])
    return s


# ------------------------------------------------------------------ 项目支出 funds

def p_project_funds(c: Ctx) -> str:
    r = c.rng
    bud = wan(r, 10, 30000)
    fis = round(bud * r.uniform(0.6, 1.0), 2)
    arr = round(bud * r.uniform(0.85, 1.0), 2)
    sp = round(arr * r.uniform(0.7, 1.0), 2)
    a, f, b, br, d, e = (c.k() for _ in range(6))
    name = c.pick([f"{c.project}项目", f"“{c.project}”项目", "该项目", "本项目"])
    s = c.pick([
        f"{name}{c.year}年{I(c.pick(ph.FUND_IND['budget']), a)}{M(r, bud, a)}，其中{I(c.pick(['财政资金', '市级财政资金', '区级财政资金', '中央补助资金']), f)}{M(r, fis, f)}。",
        f"{c.year}年{name}{c.pick(['共', '', '合计'])}安排{I(c.pick(['项目资金', '专项资金', '预算资金']), a)}{M(r, bud, a)}。",
        f"{name}{I(c.pick(ph.FUND_IND['budget']), a)}为{M(r, bud, a)}。",
    ])
    s += c.pick([
        f"截至{c.year}年12月31日，{I(c.pick(ph.FUND_IND['arrived']), b)}{M(r, arr, b)}，{I('资金到位率', br)}{P(r, round(arr / bud * 100, 2), br)}；",
        f"{I(c.pick(ph.FUND_IND['arrived']), b)}{M(r, arr, b)}，{I('资金到位率', br)}{c.pick(['为', '达', ''])}{P(r, round(arr / bud * 100, 2), br)}，",
        f"资金已全部到位，{I('资金到位率', br)}{P(r, 100.0, br)}；",
    ])
    s += c.pick([
        f"{I(c.pick(ph.FUND_IND['spent']), d)}{M(r, sp, d)}，{I(c.pick(ph.FUND_IND['exec_rate']), e)}{P(r, round(sp / arr * 100, 2), e)}。",
        f"{c.pick(['累计', '全年', ''])}{I(c.pick(ph.FUND_IND['spent']), d)}{M(r, sp, d)}，{I(c.pick(ph.FUND_IND['exec_rate']), e)}{c.pick(['为', '达到'])}{P(r, round(sp / arr * 100, 2), e)}，结余资金按规定收回。",
    ])
    return s


# ------------------------------------------------------------------ outputs (counts)

FILLER_VERBS = {"完成", "开展", "组织", "举办", "召开", "实施", "开设", "采集", "培育"}


def count_clause(c: Ctx, item: tuple | None = None) -> str:
    """A counted output. Indicator convention (ANNOTATION.md): when the verb directly
    precedes the noun, an act verb (任免, 走访, 办结, 调解…) stays in the indicator and a
    filler verb (开展, 组织, 召开…) stays out; when the value stands between verb and
    noun (走访 [124 家][民营企业]) the indicator is the noun alone."""
    r = c.rng
    noun, mw, lo, hi, verbs = item or c.pick(c.bank["counts"] + ph.GENERIC_COUNTS)
    n = r.randint(lo, hi)
    k = c.k()
    verb = c.pick(verbs)
    q = c.pick(["", "", "", "共", "累计", "共计"])
    approx = c.pick(["", "", "", "", "约", "近", "超过"])
    plain = "plain" if approx else None  # no 约…余 doubling
    link = "" if approx else c.pick(["", "", "共", "达", "为"])
    head = f"{verb}{I(noun, k)}" if verb in FILLER_VERBS else I(verb + noun, k)
    form = r.random()
    if form < 0.45:
        # a trailing 数量 names the count and stays inside, as 次数 / 人数 do in the real
        # reports (安全保障发生事故次数, 代表进社区人数) and as in the synthetic tables
        suffix = c.pick(["", "", "数量"]) if verb not in FILLER_VERBS else ""
        named = I(verb + noun + suffix, k) if suffix else head
        return f"{q}{named}{link}{approx}{C(r, n, mw, k, style=plain)}"
    if form < 0.75:
        return f"{q}{verb}{approx}{C(r, n, mw, k, style=plain)}{I(noun, k)}"
    if form < 0.8 and hi >= 100:
        big = c.pick(["百", "千"] if hi >= 1000 else ["百"])
        return f"{verb}{c.pick(['近', '上', '逾', ''])}{V('C', big + mw, k)}{I(noun, k)}"
    if form < 0.85:
        t = max(lo, int(n * r.uniform(0.7, 1.0)))
        return f"{head}{c.pick(['目标值', '年度目标', '计划'])}{c.pick(['≥', '不少于', '≥', '='])}{C(r, t, mw, k, style='plain')}，实际完成{C(r, n, mw, k, style='plain')}"
    if form < 0.9 and lo <= 10:
        # Chinese numerals, 近 outside
        return f"{verb}{c.pick(['', '近'])}{C(r, min(n, 99), mw, k, style='cn')}{I(noun, k)}"
    return f"{q}{head}{C(r, n, mw, k, style=c.pick(['approx', 'plain', 'wan' if n >= 10000 else 'plain']))}"


def p_outputs(c: Ctx) -> str:
    r = c.rng
    pool = c.bank["counts"] + r.sample(ph.GENERIC_COUNTS, 4)
    items = r.sample(pool, r.randint(2, 6))
    clauses = [count_clause(c, it) for it in items]
    joiners = ["，", "；", "，", "、"]
    s = when(c) + c.pick(["", body(c)]) + clauses[0]
    for cl in clauses[1:]:
        s += c.pick(joiners) + cl
    s += "。"
    if r.random() < 0.5:
        s += c.pick(ph.FILLERS) + "。"
    if r.random() < 0.35:
        s += meeting_clause(c)
    return s


def meeting_clause(c: Ctx) -> str:
    r = c.rng
    parts = []
    for name in r.sample(["党组会议", "常委会会议", "主任会议", "局务会议", "专题会议", "办公会议", "座谈会"], r.randint(2, 4)):
        k = c.k()
        n = r.randint(1, 40)
        parts.append(c.pick([f"{I(name, k)}{C(r, n, '次', k)}", f"{C(r, n, '次', k)}{I(name, k)}"]))
    return c.pick(["召开", "组织召开", "全年召开"]) + "、".join(parts) + "。"


# ------------------------------------------------------------------ outcomes (rates)

def rate_clause(c: Ctx, item: tuple | None = None) -> str:
    r = c.rng
    name, lo, hi = item or c.pick(c.bank["rates"] + ph.GENERIC_RATES)
    x = rate(r, lo, hi)
    k = c.k()
    if hi > 50:
        target = float(r.choice([t for t in (80, 85, 90, 95, 98, 100) if t <= max(x, 80)]))
    else:
        target = float(r.randint(int(lo), int(hi)))
    form = r.random()
    if form < 0.25:
        return f"{I(name, k)}{c.pick(['达到', '达', '为', ''])}{P(r, x, k)}{c.pick(['', '', '以上'])}"
    if form < 0.45:
        return f"{I(name, k)}{P(r, x, k)}，{c.pick(['高于', '超过', '达到'])}年度目标值（{c.pick(['≥', '不低于', '≥ ', '＞'])}{P(r, target, k)}）"
    if form < 0.6:
        return f"{I(name, k)}目标值为{c.pick(['≥', '不低于', '=', '≥'])}{P(r, target, k)}，实际完成{P(r, x, k)}"
    if form < 0.7:
        pts = round(r.uniform(0.1, 8), 2)
        k2 = c.k()
        if r.random() < 0.3:
            return f"{I(name, k)}{P(r, x, k)}，{I(c.pick(['同比变动', '较上年变化', '同比增减']), k2)}{c.pick(['', '为'])}{V('P', '-' + (points_surface(r, pts) if r.random() < 0.5 else pct_surface(r, pts, False)), k2)}"
        return f"{I(name, k)}{P(r, x, k)}，{I(c.pick(['同比提高', '较上年提高', '同比提升', '同比下降']), k2)}{PP(r, pts, k2)}"
    if form < 0.73:
        return f"{I(name, k)}{c.pick(['保持在', '达'])}{V('P', '百分之' + cn_int(int(x)), k)}"
    if form < 0.9:
        return f"{c.pick(['经问卷调查，', '通过第三方调查，', ''])}{I(name, k)}{c.pick(['为', '达'])}{P(r, x, k)}，{c.pick(['完成年度目标', '达到预期目标', '较好完成目标'])}"
    return f"{I(name, k)}{c.pick(['', '为'])}{P(r, x, k)}"


def p_outcomes(c: Ctx) -> str:
    r = c.rng
    pool = c.bank["rates"] + r.sample(ph.GENERIC_RATES, 3)
    items = r.sample(pool, r.randint(2, 4))
    s = c.pick(["在效益指标方面，", "效益方面，", "从满意度指标看，", "", "质量指标：", "时效指标："])
    s += "；".join(rate_clause(c, it) for it in items) + "。"
    if r.random() < 0.15:
        k = c.k()
        mw = c.pick(["次", "起", "件"])
        s += f"{I(c.pick(['有效投诉', '安全责任事故', '群众投诉']), k)}{c.pick(['目标值', '年度指标值'])}{c.pick(['≤', '≤', '不超过'])}{C(r, r.randint(1, 10), mw, k, style='plain')}，实际发生{C(r, 0, mw, k, style='plain')}。"
    elif r.random() < 0.3:
        k = c.k()
        s += f"{c.pick(['发生', ''])}{I(c.pick(['安全事故发生次数', '安全责任事故', '重大安全事故发生数', '有效投诉']), k)}{c.pick(['为', ''])}{V('C', '0', k) if r.random() < 0.5 else C(r, 0, c.pick(['起', '次', '宗']), k, style='plain')}。"
    return s


def p_indicator_list(c: Ctx) -> str:
    """指标1，…达到100%以上。指标2，… (numbered indicators: 指标N is a name, not a value)."""
    r = c.rng
    n = r.randint(2, 5)
    out = [c.pick([f"任务{cn_int(r.randint(1, 6))}：", "年初目标完成情况：", ""])]
    for i in range(1, n + 1):
        lead = c.pick([f"指标{i}，", f"指标 {i}，", f"{i}.", f"（{cn_int(i)}）", f"({i})"])
        if r.random() < 0.55:
            out.append(lead + rate_clause(c) + "。")
        else:
            out.append(lead + count_clause(c) + "。")
    return "".join(out)


def p_weighted_items(c: Ctx) -> str:
    """1.预算执行率（10分）：…得 9.8 分 — section/indicator weights in prose."""
    r = c.rng
    out = []
    items = r.sample([("预算执行率", 10), ("资金到位率", 5), ("绩效目标完成率", 20), ("预算编制准确率", 5),
                      ("资产管理规范性", 5), ("政府采购执行率", 5), ("结转结余率", 5), ("服务对象满意度", 10)], r.randint(2, 4))
    if r.random() < 0.45:
        sec, lo, hi = c.pick(ph.SECTIONS_DEPT if c.kind == "dept" else ph.SECTIONS_PROJ)
        sk = c.k()
        op, cl = c.pick([("（", "）"), ("(", ")")])
        out.append(f"{c.pick(['（一）', '（二）', '一、', '二、', '（三）'])}{I(sec, sk)}{op}{S(r, float(sum(w for _, w in items)), sk)}{cl}")
    for i, (name, w) in enumerate(items, 1):
        k = c.k()
        got = round(w * r.uniform(0.6, 1.0), 1) if r.random() < 0.6 else float(w)
        head = c.pick([f"{i}.", f"（{cn_int(i)}）", f"{i}、"])
        op, cl = c.pick([("（", "）"), ("(", ")"), ("（", "）")])
        s = f"{head}{I(name, k)}{op}{S(r, w, k)}{cl}{c.pick(['。', '：', ''])}"
        if name.endswith("率"):
            x = rate(r, 70, 100) if name != "结转结余率" else round(r.uniform(0, 12), 2)
            s += f"{c.pick(['实际完成', '全年', '该指标'])}{P(r, x, k)}，"
        s += c.pick([f"得{S(r, got, k)}。", f"得分{S(r, got, k)}。", f"得分为{S(r, got, k)}。", f"本项得{S(r, got, k)}。", f"扣{V('S', f'{w - got:g}分')}，得{S(r, got, k)}。" if got < w else f"得满分{S(r, got, k)}。"])
        out.append(s)
    return "\n".join(out)


def p_score(c: Ctx) -> str:
    r = c.rng
    x = score_value(r, 80, 100)
    k = c.k()
    what = "部门整体支出" if c.kind == "dept" else f"{c.project}项目"
    s = c.pick([
        f"经综合评价，{body(c)}{c.year}年度{what}绩效{I(c.pick(['自评得分', '自评结果']), k)}{c.pick(['为', '', '为'])}{S(r, x, k)}，评价等级为“{c.pick(ph.GRADES)}”。",
        f"根据评分标准，{what}{I(c.pick(['自评得分', '综合得分', '绩效评价得分']), k)}{S(r, x, k)}，等级为{c.pick(ph.GRADES)}。",
        f"{c.year}年度{body(c)}整体支出绩效{I('自评得分', k)}{S(r, x, k)}，扣分原因主要是{c.pick(ph.PROBLEMS)}。",
        f"按照绩效自评指标体系，{I(c.pick(ph.SCORE_IND), k)}为 {V('S', f'{x:g}' + c.pick([' 分', '分']), k)}，自评等级“{c.pick(ph.GRADES)}”。",
    ])
    if r.random() < 0.5:
        secs = r.sample(ph.SECTIONS_DEPT if c.kind == "dept" else ph.SECTIONS_PROJ, r.randint(2, 4))
        parts = []
        for name, lo, hi in secs:
            k2 = c.k()
            w = r.choice(range(lo, hi + 1, 5))
            got = round(w * r.uniform(0.8, 1.0), 1)
            parts.append(c.pick([f"{I(name, k2)}{c.pick(['得分', '得'])}{S(r, got, k2)}", f"{I(name, k2)}（{S(r, w, k2)}）得{S(r, got, k2)}"]))
        s += "其中" + "，".join(parts) + "。"
    return s


def p_unlinked(c: Ctx) -> str:
    """Values with no nameable indicator: entities without value_of."""
    r = c.rng
    return c.pick([
        f"上述两项合计{M(r, wan(r, 5, 500))}。",
        f"二者相差{P(r, round(r.uniform(0.5, 9), 2))}左右。",
        f"其余{M(r, wan(r, 1, 90))}已按程序结转下年使用。",
        f"涉及金额{M(r, wan(r, 5, 900))}，均已按规定处理。",
        f"较好地完成了各项任务，部分指标超额完成{P(r, round(r.uniform(1, 30), 1))}。",
        f"其中{C(r, r.randint(2, 9), '项')}已完成整改，其余正在推进。",
    ])


# ------------------------------------------------------------------ negatives and filler

def p_negatives(c: Ctx) -> str:
    """Numbers that are NOT values: years, dates, ordinals, names, phone numbers, measures."""
    r = c.rng
    y = c.year
    cands = [
        f"根据《关于开展{y}年度预算绩效自评工作的通知》（{c.pick(['穗财绩', '杭财预', '宁财绩', '财预', '区财'])}〔{y + 1}〕{r.randint(1, 90)}号）要求，",
        f"于{y + 1}年{r.randint(1, 4)}月{r.randint(1, 28)}日前完成自评工作。",
        "对照“十四五”规划目标，",
        f"第{c.pick(['一', '二', '三', '四'])}季度支出进度偏慢，",
        f"{c.district}第{c.pick(['十四', '十七', '十八'])}届人民代表大会第{c.pick(['二', '三', '四'])}次会议审议通过了预算报告。",
        f"联系电话：{c.pick(['020', '0571', '025', '028', '0755'])}-{r.randint(80000000, 89999999)}。",
        f"实行{c.pick(['24', '7×24', '48'])}小时值班制度。",
        f"建成{c.pick(['服务中心', '活动场地', '仓储用房'])}面积{r.randint(200, 9000)}平方米。",
        f"完成道路{c.pick(['养护', '巡查'])}{r.randint(5, 300)}.{r.randint(1, 9)}公里。",
        "畅通12345热线诉求渠道，",
        f"详见附件{r.randint(1, 4)}。",
        f"开展庆祝建党{y - 1921}周年系列活动，",
        f"{c.pick(['1.', '2.', '（一）', '（二）', '(1)', '(2)'])}{c.pick(ph.FILLERS)}。",
        f"项目实施期为{y}年1月至{y}年12月。",
        f"落实“{r.randint(1, 9)}+{r.randint(2, 9)}+N”工作机制，",
        f"本报告所称指标{r.randint(1, 9)}为年初设定的产出指标。",
        f"重量约{r.randint(2, 90)}吨，",
        f"自{y}年{r.randint(1, 12)}月起实施。",
    ]
    picks = r.sample(cands, r.randint(1, 3))
    return "".join(picks) + c.pick(ph.FILLERS) + "。"


def p_filler(c: Ctx) -> str:
    r = c.rng
    return "".join(f + c.pick(["，", "；", "。"]) for f in r.sample(ph.FILLERS, r.randint(1, 3))).rstrip("，；。") + "。"


def p_task(c: Ctx, i: int) -> str:
    """任务N：年初目标，…。目标完成情况，… — a task section as the reports write it."""
    r = c.rng
    head = c.pick([f"任务{cn_int(i)}：", f"任务 {i}：", f"{i}.", f"（{cn_int(i)}）", f"重点工作{i}："])
    s = head + c.pick(["年初目标，", "年初目标：", ""]) + c.pick(ph.FILLERS) + "。"
    s += c.pick(["目标完成情况，", "完成情况：", "实际完成情况，", ""])
    s += "，".join(count_clause(c) for _ in range(r.randint(1, 3))) + "。"
    if r.random() < 0.6:
        s += "；".join(rate_clause(c) for _ in range(r.randint(1, 2))) + "。"
    return s


def p_problems(c: Ctx) -> str:
    r = c.rng
    items = r.sample(ph.PROBLEMS, r.randint(1, 3))
    return "".join(f"{c.pick(['一是', '二是', '三是'][i:i + 1] + [f'{i + 1}.'])}{t}。" for i, t in enumerate(items))


def p_measures(c: Ctx) -> str:
    r = c.rng
    items = r.sample(ph.MEASURES, r.randint(1, 3))
    return "下一步，" + "；".join(items) + "。"


def p_basic(c: Ctx) -> str:
    r = c.rng
    s = f"{c.org}{c.pick(['是', '为'])}{c.pick(['行政单位', '财政全额拨款行政单位', '参照公务员法管理的事业单位'])}，"
    if r.random() < 0.6:
        k1, k2 = c.k(), c.k()
        s += c.pick([
            f"内设{C(r, r.randint(3, 12), '个', k1)}{I('科室', k1)}，{I(c.pick(['编制人数', '核定编制', '行政编制']), k2)}{C(r, r.randint(10, 120), '名', k2)}。",
            f"下设{C(r, r.randint(2, 9), '个', k1, style='cn')}{I(c.pick(['内设机构', '职能科室']), k1)}，{I('在职人员', k2)}{C(r, r.randint(10, 300), '人', k2)}。",
        ])
    s += c.pick(ph.FILLERS) + "。"
    return s


PROSE_DEPT = [p_budget, p_income, p_three_public, p_outputs, p_outcomes, p_score, p_bare_exec, p_weighted_items]
PROSE_PROJ = [p_project_funds, p_bare_exec, p_outputs, p_outcomes, p_indicator_list, p_score, p_weighted_items]

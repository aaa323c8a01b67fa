"""Surface forms of numbers and values, as they appear in extracted report text.

Every function takes the generator's ``random.Random`` and returns a surface string
(the text of the value span, no qualifier); the ``M``/``P``/``C``/``S`` helpers wrap
it in markup (see :mod:`markup`).
"""

from __future__ import annotations

import random

from markup import V

FW = str.maketrans("0123456789.,%-", "０１２３４５６７８９．，％－")
DIG = "零一二三四五六七八九"


def fullwidth(s: str) -> str:
    return s.translate(FW)


def cn_int(n: int) -> str:
    """Chinese numeral for 0 <= n < 100000 (十 not 一十 at the front)."""
    if n == 0:
        return "零"
    units = ["", "十", "百", "千", "万"]
    digits = [int(d) for d in str(n)]
    out = []
    zero = False
    for i, d in enumerate(digits):
        pos = len(digits) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and out:
            out.append("零")
        zero = False
        out.append(DIG[d] + units[pos])
    s = "".join(out)
    if s.startswith("一十"):
        s = s[1:]
    return s


def group(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def num(rng: random.Random, x: float, decimals: int, comma_p: float = 0.35) -> str:
    """Format ``x``; thousands separators with probability ``comma_p`` (when >= 1000)."""
    if abs(x) >= 1000 and rng.random() < comma_p:
        s = group(x, decimals)
        if rng.random() < 0.05:
            s = s.replace(",", "，")
        return s
    return f"{x:.{decimals}f}"


def page_line(rng: random.Random) -> str:
    """A page footer as it lands between a number and its unit (never a bare number there)."""
    n = rng.randint(2, 30)
    return rng.choice([f"- {n} -", f"—{n}—", f"- {n}-", f"第 {n} 页 共 {n + rng.randint(1, 20)} 页", f"— {n} —"])


def gap(rng: random.Random, p_break: float = 0.06) -> str:
    """What stands between a number and its unit: mostly nothing, sometimes a space or a break."""
    r = rng.random()
    if r < p_break * 0.5:
        return rng.choice(["\n", "\n\n", " \n", "\n "])
    if r < p_break:
        return "\n\n" + page_line(rng) + "\n\n"
    if r < 0.35:
        return " "
    return ""


def maybe_fw(rng: random.Random, s: str, p: float = 0.07) -> str:
    return fullwidth(s) if rng.random() < p else s


# ---------------------------------------------------------------- money

def wan(rng: random.Random, lo: float = 5, hi: float = 20000) -> float:
    """A random amount in 万元, log-uniform-ish, 2 decimals."""
    import math

    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))), 2)


def money_surface(rng: random.Random, amount_wan: float, unit: str | None = None, breaks: bool = True) -> str:
    if unit is None:
        r = rng.random()
        if amount_wan >= 10000 and r < 0.5:
            unit = "亿元"
        elif r < 0.68:
            unit = "万元"
        elif r < 0.9:
            unit = "元"
        else:
            unit = "千元"
    if unit == "万元" and rng.random() < 0.035 and amount_wan >= 1:
        n = int(round(amount_wan))
        if n < 100000:
            return cn_int(n) + "万元"
    if unit == "亿元":
        n = num(rng, amount_wan / 10000, rng.choice([2, 2, 4]))
    elif unit == "万元":
        n = num(rng, amount_wan, rng.choice([2, 2, 2, 4, 1, 0]) if amount_wan < 100000 else 2)
    elif unit == "元":
        n = num(rng, amount_wan * 10000, 2, comma_p=0.7)
    else:
        n = num(rng, amount_wan * 10, 2, comma_p=0.6)
    n = maybe_fw(rng, n)
    return n + (gap(rng) if breaks else rng.choice(["", "", " "])) + unit


def M(rng: random.Random, amount_wan: float, link: str | None = None, unit: str | None = None) -> str:
    return V("M", money_surface(rng, amount_wan, unit), link)


# ---------------------------------------------------------------- percent

def pct_number(rng: random.Random, x: float) -> str:
    if float(x).is_integer() and rng.random() < 0.7:
        return str(int(x))
    return f"{x:.{rng.choice([1, 2, 2])}f}"


def pct_surface(rng: random.Random, x: float, allow_cn: bool = True) -> str:
    r = rng.random()
    if allow_cn and float(x).is_integer() and 0 < x <= 100 and r < 0.05:
        return "百分之" + cn_int(int(x))
    s = pct_number(rng, x)
    if r < 0.07 and "." not in s and x >= 10:
        return s + ".%"  # malformed as in real reports (13.%)
    sign = rng.choice(["%", "%", "%", "%", "％"])
    sp = " " if rng.random() < 0.15 else ""
    return maybe_fw(rng, s) + sp + sign


def points_surface(rng: random.Random, x: float) -> str:
    s = maybe_fw(rng, pct_number(rng, x))
    return s + rng.choice(["个百分点", "个百分点", " 个百分点", "百分点"])


def P(rng: random.Random, x: float, link: str | None = None) -> str:
    return V("P", pct_surface(rng, x), link)


def PP(rng: random.Random, x: float, link: str | None = None) -> str:
    return V("P", points_surface(rng, x), link)


def rate(rng: random.Random, lo: float = 80, hi: float = 100) -> float:
    r = rng.random()
    if r < 0.3:
        return 100.0
    if r < 0.5:
        return float(rng.randint(int(lo), int(hi)))
    return round(rng.uniform(lo, hi), 2)


# ---------------------------------------------------------------- count

def count_surface(rng: random.Random, n: int, mw: str, style: str | None = None) -> str:
    if style is None:
        r = rng.random()
        if r < 0.08 and n >= 20:
            style = "approx"
        elif r < 0.15 and n <= 99:
            style = "cn"
        elif r < 0.4 and n >= 10000:
            style = "wan"
        else:
            style = "plain"
    if style == "approx":
        base = int(round(n, -1 if n < 1000 else -2)) or 10
        return maybe_fw(rng, str(base)) + rng.choice(["余", "多", "余", " 余 "]).strip() + mw
    if style == "cn":
        return cn_int(n) + mw
    if style == "wan":
        return f"{n / 10000:.{rng.choice([1, 2])}f}".rstrip("0").rstrip(".") + "万" + mw
    s = maybe_fw(rng, num(rng, n, 0, comma_p=0.4))
    return s + (gap(rng, 0.03)) + mw


def C(rng: random.Random, n: int, mw: str, link: str | None = None, style: str | None = None) -> str:
    return V("C", count_surface(rng, n, mw, style), link)


# ---------------------------------------------------------------- score

def score_value(rng: random.Random, lo: float = 80, hi: float = 100) -> float:
    r = rng.random()
    if r < 0.35:
        return float(rng.randint(int(lo), int(hi)))
    return round(rng.uniform(lo, hi), rng.choice([1, 2]))


def score_number(rng: random.Random, x: float) -> str:
    if float(x).is_integer():
        return str(int(x)) if rng.random() < 0.85 else f"{x:.1f}"
    return f"{x:g}"


def score_surface(rng: random.Random, x: float) -> str:
    return maybe_fw(rng, score_number(rng, x), 0.04) + rng.choice(["分", "分", "分", " 分"])


def S(rng: random.Random, x: float, link: str | None = None) -> str:
    return V("S", score_surface(rng, x), link)

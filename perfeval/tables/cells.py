"""Cell tokens: flattened table text cut into the cells it may hold, each with a kind.

Web pages, Word exports and PDF text layers flatten a table in one of a few ways: ``|``
rows (one row per line, or one cell per line ending in ``|``), cells run together with
spaces, one cell per line, or cells run together with no separator at all
(``年度资金总额194.9194.9100%``). :func:`tokenize` turns any of them into one stream of
:class:`Token`, in text order, that :mod:`perfeval.tables.layout` cuts into rows:

- a ``|`` (or tab) line gives one token per non-empty cell;
- any other line is cut at header terms and standard indicator-level names (found with
  whitespace inside them: ``年度指标 值``, ``产 出 指 标``), at figures (``≥90%``,
  ``20万元``, a run of digits that may hold several cells) and at whitespace;
- page furniture (``- 1 -``, a page's ``2、`` glued to a run-together line) is dropped.

A token's ``kind`` is what the row aligner weighs against a column's role: ``header``
(a header term, with its :class:`~perfeval.tables.grid.Role`), ``level`` (产出指标,
数量指标, 产出指标(50分)), ``break`` (年度总体目标, 注：: the table ends), ``banner``
(绩效指标, a merged label over the sheet: skipped), ``number``, ``percent``, ``measure``
(a number with a unit), ``dash``, ``nature`` (≥, 定性), ``unit`` (a lone 度量单位 cell),
``total`` (总分, 合计), ``name`` (short text), ``numtext`` (text starting with a figure: ``100%覆盖``, ``2019年``),
``text`` (a sentence) and ``remark`` (偏差原因 words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from perfeval.rules.normalize import COUNT_UNITS, same_length_view
from perfeval.rules.values import COUNT_NOT_BEFORE
from perfeval.tables.grid import Role, role_of

MONEY_UNITS = ("万亿元", "亿元", "千万元", "百万元", "万元", "千元", "元")
PERCENT_UNITS = ("个百分点", "百分点", "%", "‰")
VALUE_UNITS = MONEY_UNITS + PERCENT_UNITS + ("分",) + tuple(sorted(COUNT_UNITS, key=len, reverse=True))
QUALIFIERS = ("≥", "≤", ">=", "<=", "＞", "＜", ">", "<", "=", "＝", "不少于", "不低于", "不高于", "不超过",
              "不多于", "不大于", "不小于", "大于", "小于", "高于", "低于", "超过", "达到")
NATURE_WORDS = frozenset(("≥", "≤", "=", "＝", ">", "<", ">=", "<=", "定性", "定量", "正向", "反向"))
DASHES = frozenset("—–-－/／\\、一…")  # a lone 一 is an OCR'd dash

_SPACE = r"[ \t\u3000\u00a0]*"


def _spaced(word: str) -> str:
    """A regex for ``word`` with any whitespace between its characters (``产 出 指 标``)."""
    return r"\s*".join(re.escape(ch) for ch in word)


_SUFFIX = r"(?:\s*[（(][^（()）\n]{0,14}[)）])?"  # 全年预算数(A), 执行率(B/A), 资金情况(万元)
_WEIGHT_SUFFIX = r"(?:\s*[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）])?"  # 产出指标(50分)

# Header terms of score sheets and budget blocks, as run-together text writes them.
_HEADER_PATTERNS = (
    r"年\s*初\s*预.数", r"调\s*整\s*预\s*算(?:\s*[数将])?",  # OCR: 年初预匏数, 调整预算将
    r"资\s*金\s*[（(]\s*(?:万元|元|万兀)\s*[)）]",  # 项Fl资金(万兀): the label of a budget block
)
_HEADER_WORDS = (
    "一级指标", "二级指标", "三级指标", "四级指标", "级指标", "指标名称",
    "年度指标值", "年初目标值", "年度目标值", "预期目标值", "指标值", "目标值",
    "全年实际值", "实际完成值", "全年完成值", "实际值", "完成值",
    "分值", "权重", "得分", "自评得分",
    "年初预算数", "全年预算数", "调整后预算数", "调整预算数", "预算数", "全年执行数", "执行数", "决算数", "执行率",
    "项目资金", "资金情况", "资金来源",
    "评价标准", "评分标准", "指标说明", "备注", "度量单位", "计量单位", "指标性质",
)
_NOTE_HEADER = r"(?:未完成|偏差)\s*原\s*因[^\d|。\n]{0,16}?措\s*施|偏\s*差\s*原\s*因(?:\s*分\s*析)?"
# Standard names of indicator levels (一级: 产出指标 …; 二级: 数量指标 …), which cut run-together text.
_LEVEL_ONE_WORDS = ("产出指标", "效益指标", "满意度指标", "项目决策", "项目管理", "项目产出", "项目效益")
_LEVEL_TWO_WORDS = (
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
    "经济效益", "社会效益", "生态效益", "环境效益", "可持续影响",
)
_LEVEL_WORDS = _LEVEL_ONE_WORDS + _LEVEL_TWO_WORDS
_BANNER_WORDS = ("绩效指标", "年度绩效指标")
_BREAK_WORDS = ("年度总体目标", "总体目标", "评价结论", "存在问题", "项目负责人", "财务负责人", "填报人", "项目名称",
                "主管部门", "实施单位")
_TOTAL_WORDS = frozenset(("总分", "合计", "总计", "得分合计", "总得分", "合  计"))
_BREAK_PREFIX = re.compile(r"^(?:注\s*[:：]|说明\s*[:：])|(?:自评表|评价表|自评报告)[)）]?$")


def _alternation(words: tuple[str, ...], suffix: str) -> str:
    return "|".join(_spaced(w) + suffix for w in sorted(words, key=len, reverse=True))


_LEXICON = re.compile(
    r"(?P<furniture>指标\s*[\dLl]\s*[:：])"  # a template's empty placeholder row: 指标1：
    rf"|(?P<level>{_alternation(_LEVEL_WORDS, _WEIGHT_SUFFIX)})"
    rf"|(?P<banner>{_alternation(_BANNER_WORDS, '')})"
    rf"|(?P<break>{_alternation(_BREAK_WORDS, '')}|注\s*[:：])"
    rf"|(?P<header>{_NOTE_HEADER}|{_alternation(_HEADER_WORDS, _SUFFIX)}|{'|'.join(_HEADER_PATTERNS)})"
)
# A figure: qualifier, number (a digit run may hold several run-together cells), 余/多, unit.
# Physical measures and durations: never values (ANNOTATION.md section 7), but one cell with their number.
OTHER_UNITS = ("平方公里", "平方米", "立方米", "公里", "千米", "厘米", "毫米", "米", "㎡", "亩", "公顷", "吨", "千克",
               "公斤", "斤", "个月", "小时", "天", "周", "年", "TB", "GB", "MB", "千瓦时", "千瓦")
def _unit(unit: str) -> str:
    """A unit, not when it starts a word (项 of 项目, 人 of 人员: the prose grammar's list)."""
    bad = COUNT_NOT_BEFORE.get(unit, "")
    return re.escape(unit) + (f"(?![{bad}])" if bad else "")


_UNIT_ALT = "|".join(_unit(u) for u in sorted(VALUE_UNITS + OTHER_UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"(?:(?:{'|'.join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))}){_SPACE})?"
    rf"(?<![A-Za-z\d])(?<![A-Za-z\d]\.)\d[\d,.]*(?<![,.])(?![\d年月日号时])"
    rf"(?:[余多])?(?:[万亿](?=元|$|[^\u4e00-\u9fff]))?(?:{_UNIT_ALT})?"
)
# A date, maybe glued to a figure before it (``32022年6月完成``: a weight 5, then the date).
_DATE = re.compile(r"(?<![\d.])(?P<lead>\d{1,2}?)(?P<date>(?:19|20)\d{2}\s*年度?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:[底末前内])?)")
_DASH_CELL = re.compile(r"[—–\-－/／\\一]+|[-—–]{0,2}")
_NUMBER = re.compile(r"[+\-]?\d+(?:\.\d+)?")
_PAGE_NUMBER = re.compile(r"^[-—–－]\s*\d{1,3}\s*[-—–－]$|^第\s*\d{1,3}\s*页")
_REMARK = re.compile(r"^(?:无|无偏差|已完成|扣分|未完成)$|偏差|原因|滞后|偏慢|未达|尚未|影响|加快|下一步")
_SENTENCE = re.compile(r"[。；;！？]")
_LONG_LINE = 150  # a line this long is a run-together page, whose page number ``2、`` opens the next line
_RUN_PAGE_NUMBER = re.compile(r"^\d{1,2}、")


@dataclass(frozen=True)
class Token:
    """A possible cell: ``text == document[start:end]``, its kind, and where it stands.

    ``line`` is the index of its line; ``glued`` is True when nothing (no space, no ``|``)
    separates it from the token before it on the same line, as in run-together text;
    ``role`` is set for ``header`` tokens; ``piped`` for cells of a ``|`` line, which
    never share a cell with their neighbours.
    """

    start: int
    end: int
    text: str
    kind: str
    line: int
    glued: bool = False
    role: Role | None = None
    piped: bool = False


def tokenize(text: str, start: int, end: int, first_line: int = 0) -> list[Token]:
    """Tokens of ``text[start:end]`` (whole lines), in text order."""
    tokens: list[Token] = []
    line_no = first_line
    pos = start
    previous_length = start - text.rfind("\n", 0, max(0, start - 1)) - 2 if start else 0
    while pos <= end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        line = text[pos:stop]
        if _PAGE_NUMBER.match("".join(line.split())):
            pass  # a page footer between two rows: - 1 -
        elif "|" in line or "\t" in line:
            tokens += _pipe_tokens(text, pos, stop, line_no)
        else:
            skip = 0
            m = _RUN_PAGE_NUMBER.match(line)
            if m and previous_length >= _LONG_LINE:
                skip = m.end()
            tokens += _free_tokens(text, pos + skip, stop, line_no)
        previous_length = len(line)
        line_no += 1
        pos = stop + 1
    return tokens


def _pipe_tokens(text: str, start: int, end: int, line: int) -> list[Token]:
    sep = "|" if "|" in text[start:end] else "\t"
    out = []
    pos = start
    for part in text[start:end].split(sep):
        cell_start, cell_end = _strip(text, pos, pos + len(part))
        pos += len(part) + 1
        if cell_start < cell_end:
            cell = text[cell_start:cell_end]
            kind, role = classify(cell)
            if kind != "furniture":
                out.append(Token(cell_start, cell_end, cell, kind, line, False, role, piped=True))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _free_tokens(text: str, start: int, end: int, line: int) -> list[Token]:
    """A line without separators: lexicon terms, figures, then whitespace-separated words."""
    view = same_length_view(text[start:end])
    pieces: list[tuple[int, int, str, Role | None]] = []  # (start, end, kind, role), line-relative
    taken = 0
    for m in _LEXICON.finditer(view):
        if not _cuts_here(view, m):
            continue
        pieces += _plain(view, taken, m.start())
        kind = m.lastgroup or "header"
        role = role_of(m.group()) if kind == "header" else None
        pieces.append((m.start(), m.end(), kind, role))
        taken = m.end()
    pieces += _plain(view, taken, len(view))
    out: list[Token] = []
    previous_end = None
    for s, e, kind, role in _section_weights(view, pieces):
        cell = text[start + s:start + e]
        if kind == "plain":
            kind, role = classify(cell)
        if kind == "furniture":
            continue
        glued = previous_end is not None and previous_end == s
        out.append(Token(start + s, start + e, cell, kind, line, glued, role))
        previous_end = e
    return out


def _cuts_here(view: str, m: re.Match[str]) -> bool:
    """Whether a lexicon term cuts the text here: it spans spaces (``一级 指标``), is a whole
    word, or stands in run-together text; inside a short spaced cell (``预算执行率（%）``)
    it is part of that cell."""
    if re.search(r"\s", m.group()):
        return True
    left = m.start()
    while left > 0 and not view[left - 1].isspace():
        left -= 1
    right = m.end()
    while right < len(view) and not view[right].isspace():
        right += 1
    chunk = view[left:right]
    if (left, right) == m.span():
        return True
    return len(chunk) > 16 or bool(_GLUED_FIGURE.search(chunk)) or len(_LEXICON.findall(chunk)) >= 2


_GLUED_FIGURE = re.compile(r"[\u4e00-\u9fff）)][\d≥≤]|[\d%][\u4e00-\u9fff]")
_OPEN_WEIGHT = re.compile(r"[\u4e00-\u9fff]{2}\s*[（(]$")
_WEIGHT_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*分")


def _section_weights(view: str, pieces: list) -> list:
    """``顼目产出(30分)`` cut at the figure is one name cell again (a section weight)."""
    out = []
    for piece in pieces:
        if (len(out) >= 2 and view[piece[0]:piece[1]].startswith((")", "）")) and out[-1][0] == out[-2][1]
                and _WEIGHT_FIGURE.fullmatch(view[out[-1][0]:out[-1][1]]) and _OPEN_WEIGHT.search(view[out[-2][0]:out[-2][1]])):
            name = out[-2]
            out[-2:] = [(name[0], piece[0] + 1, "plain", None)]
            if piece[1] > piece[0] + 1:
                out.append((piece[0] + 1, piece[1], piece[2], piece[3]))
            continue
        out.append(piece)
    return out


def _plain(view: str, start: int, end: int) -> list[tuple[int, int, str, None]]:
    """Dates, figures and whitespace-separated words between lexicon terms.

    A date is one ``numtext`` token; digits glued before its year are a figure of their own.
    """
    out: list[tuple[int, int, str, None]] = []
    pos = start
    for m in _DATE.finditer(view, start, end):
        out += _figures(view, pos, m.start("date"))
        out.append((m.start("date"), m.end("date"), "plain", None))
        pos = m.end()
    return out + _figures(view, pos, end)


def _figures(view: str, start: int, end: int) -> list[tuple[int, int, str, None]]:
    out: list[tuple[int, int, str, None]] = []
    pos = start
    for m in _FIGURE.finditer(view, start, end):
        out += _words(view, pos, m.start())
        out.append((m.start(), m.end(), "plain", None))
        pos = m.end()
    return out + _words(view, pos, end)


def _words(view: str, start: int, end: int) -> list[tuple[int, int, str, None]]:
    """Whitespace-separated words; an ellipsis (``……``, an elided row) stands alone; single
    characters spaced out into a known header word (``项 目``) are one word."""
    return [(start + m.start(), start + m.end(), "plain", None)
            for m in re.finditer(r"项\s+目|…+|[^\s…]+", view[start:end])]


def join_text_runs(text: str, tokens: list[Token]) -> list[Token]:
    """Run-together text: the words between two figures or terms on one line are one cell.

    Spaces inside such a run are where the source wrapped a cell (``市级应急物资管 理制度执行率``).
    A run that is one phrase twice (``显著提升显著提升``) is two cells: a target and an actual.
    """
    joined: list[Token] = []
    for k, t in enumerate(tokens):
        prev = joined[-1] if joined else None
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        inside_rule = prev is not None and t.kind in _FIGURE_KINDS and _in_rule(prev, t, after)
        lone_header = t.kind == "header" and prev is not None and prev.kind in _RUN_KINDS and prev.end == t.start and (
            after is None or after.kind not in ("header", "banner"))  # 预算|执行率: a name, not a header
        if (prev is not None and prev.line == t.line and not t.piped and not prev.piped
                and prev.kind in _RUN_KINDS and (t.kind in _RUN_KINDS or inside_rule or lone_header)):
            cell = text[prev.start:t.end]
            kind, role = classify(cell)
            joined[-1] = Token(prev.start, t.end, cell, kind if kind in _RUN_KINDS else "name", prev.line, prev.glued, role)
        else:
            joined.append(t)
    return _split_duplicates(joined)


_RUN_KINDS = frozenset(("name", "numtext", "text", "remark"))
_FIGURE_KINDS = frozenset(("number", "percent", "measure"))
# A figure right after one of these, or right before punctuation, is part of a sentence (a scoring
# rule: 计4分；每低于一个百分点扣1分；以95%为标准), not a cell of its own.
_RULE_BEFORE = re.compile(r"(?:计|扣|以|于|过|至|为|每|达|不足|超出|[（(\-~～—;；,，、)）A-Za-z])$")
_RULE_AFTER = re.compile(r"^[,，;；、(（]")


def _in_rule(before: Token, figure: Token, after: Token | None) -> bool:
    if before.end != figure.start:
        return False
    if _RULE_BEFORE.search(before.text):
        return True
    return after is not None and after.start == figure.end and bool(_RULE_AFTER.match(after.text))


def _split_duplicates(tokens: list[Token]) -> list[Token]:
    out = []
    for t in tokens:
        half = len(t.text) // 2
        if t.kind in ("name", "text", "numtext") and half >= 1 and len(t.text) % 2 == 0 and t.text[:half] == t.text[half:]:
            kind, role = classify(t.text[:half])
            out.append(Token(t.start, t.start + half, t.text[:half], kind, t.line, t.glued, role))
            out.append(Token(t.start + half, t.end, t.text[half:], kind, t.line, True, role))
        else:
            out.append(t)
    return out


@lru_cache(maxsize=16384)
def classify(cell: str) -> tuple[str, Role | None]:
    """``(kind, role)`` of one cell's text (see the module docstring)."""
    view = same_length_view(cell)
    compact = "".join(view.split())
    if not compact or all(ch in DASHES for ch in compact) and (len(compact) <= 3 or set(compact) == {"…"}):
        return "dash", None
    if _PAGE_NUMBER.match(compact):
        return "furniture", None
    if compact in NATURE_WORDS:
        return "nature", None
    if compact in VALUE_UNITS or compact in ("万元", "元"):
        return "unit", None
    m = _LEXICON.fullmatch(view.strip())
    if m is not None and m.lastgroup != "header":
        return m.lastgroup or "name", None
    if _BREAK_PREFIX.search(compact) or any(compact.startswith(w) for w in _BREAK_WORDS):
        return "break", None
    if compact in _TOTAL_WORDS:
        return "total", None
    figure = _FIGURE.fullmatch(compact)
    if figure is not None:
        return figure_kind(compact), None
    if _is_header(compact) and (role_of(compact) is Role.NOTE or not _REMARK.search(compact)):
        return "header", role_of(compact)
    if (compact[0].isdigit() or compact[0] in "≥≤<>=＝") and len(re.sub(r"^[^\u4e00-\u9fff]*", "", compact)) <= 6:
        return "numtext", None
    if _REMARK.search(compact):
        return "remark", None
    if _SENTENCE.search(compact) or len(compact) > 40:
        return "text", None
    return "name", None


def _is_header(compact: str) -> bool:
    """A header cell: a known column role, short, no figure (``全年预算数(A)``, ``得分 (10分*执行率)``)."""
    role = role_of(compact)
    if role is Role.OTHER or len(compact) > 24:
        return False
    return role is not Role.NOTE or len(compact) <= 16


def level_rank(cell: str) -> int:
    """1 for a standard 一级指标 name (产出指标, 效益指标 …), else 2 (数量指标, 社会效益 …)."""
    compact = re.sub(r"[（(].*$", "", "".join(cell.split()))
    return 1 if compact in _LEVEL_ONE_WORDS else 2


def figure_kind(compact: str) -> str:
    """``percent``, ``measure`` (a unit), ``number`` (bare), ``numtext`` (a physical measure)."""
    if compact.endswith(OTHER_UNITS) and not compact.endswith(("人天", "个")):
        return "numtext"
    if compact.endswith(PERCENT_UNITS):
        return "percent"
    if any(compact.endswith(u) for u in VALUE_UNITS) or compact.endswith(("万", "亿")):
        return "measure"
    return "number"


def numbers_in(compact: str) -> list[str]:
    """The numbers written in a figure (``≥21933人`` -> ``["21933"]``)."""
    return _NUMBER.findall(compact)

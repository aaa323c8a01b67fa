"""Rebuilding tables from flattened text: headers, then rows aligned to the header's columns.

:func:`find_tables` reads every layout of :mod:`perfeval.tables.cells` the same way:

1. **Header.** A run of header tokens (``一级指标 二级指标 三级指标 分值 年度指标值 …``,
   ``项目资金（万元） 年初预算数 …``), over one or more lines, is a table's header when it
   names a score sheet (a name column and a target, actual, weight or score column) or a
   budget block (two of budget, executed, rate). A second header line that completes the
   first (``年度 实际`` / ``指标值 完成值``, ``（万元）``) is joined to it column by column.
2. **Body.** The tokens after the header, up to a table-ending word (``年度总体目标``,
   ``注：``, ``评价结论``), a numbered heading, a prose line (in row-per-line layouts) or a new
   header. A header with the same columns again (repeated after a page break) continues
   the table.
3. **Rows.** A dynamic programme cuts the body into rows and places each row's tokens in
   columns, in order, maximising how well each token's kind fits its column's role
   (:data:`_FIT`: bare numbers in 分值/得分, amounts in budget columns, names in name
   columns …). Consecutive text tokens may share one cell (a name wrapped over lines or
   cut by spaces); a digit run of run-together text may be split into several cells
   (``194.9194.9100%``), the split chosen by how plausible its numbers are and by the
   row around it (equal target and actual, 执行率 = 执行数 / 预算数). In ``|``-row and spaced
   layouts rows start at line starts; elsewhere (one cell per line, run together, PDF text
   in one line) anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfeval.rules.normalize import same_length_view
from perfeval.tables.cells import Token, classify, join_text_runs, level_rank, tokenize
from perfeval.tables.grid import (
    BUDGET_ROLES,
    SHEET_ROLES,
    VALUE_ROLES,
    Cell,
    Column,
    Role,
    Row,
    Table,
    number_levels,
    columns_from_header,
    role_of,
    unit_in,
)

Span = tuple[int, int]
_NEG = float("-inf")

# ------------------------------------------------------------------ scoring constants

ROW_COST = 1.0  # every row
STRAY_COST = 0.8  # a token in no row
LINE_COST = 0.6  # a row continued on the next line, in row-per-line layouts
NO_NAME_COST = 2.0  # a row that does not start with its name (scrambled PDF text)
SPLIT_COST = 3.5  # per extra cell cut out of one digit run: a cut must make the row more plausible
MAX_ROW_TOKENS = 60
CUTS_PER_ARITY = 3  # the most plausible ways to cut a digit run into 2, 3 or 4 cells, each weighed in its row
HEADER_LOOKBACK = 3  # lines above a header keyword that may hold the header's first cells
EMPTY_ROW_COST = 0.5  # a row with no cell in a value column
LINE_MERGE_COST = 0.5  # two lines' tokens in one cell
SPACE_MERGE_COST = 1.0  # two tokens that a space separates on one line, in one cell
_HEADER_KEYS = re.compile(r"金\s*额|指\s*标\s*值|完\s*成\s*值|实\s*际\s*值|分\s*值|得\s*分|预\s*算\s*数|执\s*行\s*数|执\s*行\s*率|级\s*指\s*标")

# How well a token kind fits a column role (missing pairs: -4).
_TEXT_VALUE = {"measure": 2.0, "percent": 2.0, "number": 1.6, "numtext": 1.4, "name": 0.6, "text": 0.5, "dash": 0.8,
               "remark": -0.5, "nature": -1.0, "unit": -2.0, "level": -3.0, "header": 0.3, "total": -2.0}
_FIT: dict[Role, dict[str, float]] = {
    Role.NAME: {"name": 1.5, "total": 2.0, "header": 1.5, "text": 0.3, "remark": -1.0, "level": -0.5, "numtext": -1.5,
                "dash": -2.0, "nature": -3.0, "unit": -3.0},
    Role.LABEL: {"name": 2.0, "total": 2.0, "header": 2.0, "level": 0.5, "text": 0.0, "numtext": -1.0, "dash": -2.0},
    Role.TARGET: _TEXT_VALUE,
    Role.ACTUAL: _TEXT_VALUE,
    Role.WEIGHT: {"number": 3.0, "dash": 0.8},
    Role.SCORE: {"number": 3.0, "dash": 0.8},
    Role.BUDGET: {"number": 3.0, "dash": 1.0},
    Role.EXECUTED: {"number": 3.0, "dash": 1.0},
    Role.AMOUNT: {"number": 3.0, "dash": 1.0},
    Role.RATE: {"percent": 3.0, "number": 1.5, "dash": 1.0},
    Role.UNIT: {"unit": 3.0, "dash": 0.5, "name": 0.2},
    Role.NATURE: {"nature": 3.0, "dash": 0.5},
    Role.NOTE: {"remark": 2.0, "text": 1.0, "name": 0.3, "numtext": 0.3, "dash": 0.2, "number": -0.5,
                "percent": -0.5, "measure": -0.5, "header": 0.0},
    Role.OTHER: {},
}
_UPPER_NAME = {"level": 2.5, "name": -0.3, "header": -0.3, "text": -1.0, "remark": -2.0, "numtext": -2.0, "dash": -2.0}
# Merging a token into the cell before it, in the same column.
_MERGE: dict[Role, dict[str, float]] = {
    Role.NAME: {"name": 0.1, "text": 0.1, "numtext": 0.0, "header": 0.1, "remark": -0.5},
    Role.LABEL: {"name": 0.1, "text": 0.0},
    Role.TARGET: {"name": 0.0, "text": 0.0, "numtext": 0.0},
    Role.ACTUAL: {"name": 0.0, "text": 0.0, "numtext": 0.0},
    Role.NOTE: {k: 0.1 for k in ("name", "text", "numtext", "remark", "number", "percent", "measure", "dash", "header",
                                 "nature", "unit", "level")},
}
_NAME_ROLES = (Role.NAME, Role.LABEL)

_FRAGMENT = re.compile(r"^(?:年度|实际|全年|年初|项目|项\s*目|预算|执行|完成|全年实际|年度指标|[（(](?:单位[:：])?(?:万元|元|万兀)[)）]|指标值|完成值|值)$")
_PREFIX = re.compile(r"^(?:年度|实际|全年|年初|预算|执行|完成|全年实际|年度指标)$")  # a header cell cut short
_OCR_JUNK = re.compile(r"^[,，、.A-Za-z()（）]{1,4}$")  # ,A、: what OCR left of (A) between two headers
_UNIT_FRAGMENT = re.compile(r"^[（(](?:单位[:：])?(?:万元|元|万兀)[)）]$")
_SECTION_WEIGHT = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
_HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
_FIGURES = re.compile(r"\d+(?:\.\d+)?")
_UNIT_LINE = re.compile(r"(?:金额)?单位[:：]\s*(万元|元|亿元|千元)")
_PROSE_END = "。"


# ------------------------------------------------------------------ entry point

def find_tables(text: str, skip: list[Span] | tuple = ()) -> list[Table]:
    """Every score sheet and budget block in ``text``, in text order.

    ``skip`` lists ``(start, end)`` spans (page numbers, running headers found by a reader)
    that are neither cells nor table ends.
    """
    lines = _line_spans(text)
    tables: list[Table] = []
    read = [False] * len(lines)  # lines that belong to a table already read
    read_up_to = 0
    for i, (start, end) in enumerate(lines):
        if i < read_up_to or not _HEADER_KEYS.search(text, start, end):
            continue
        first = max(read_up_to, i - HEADER_LOOKBACK)
        found = _tables_from(text, lines, first, i, skip)
        if found is not None:
            new_tables, read_up_to = found
            tables += new_tables
            read[first:read_up_to] = [True] * (read_up_to - first)
    tables += _headerless(text, lines, read, skip)
    return sorted(tables, key=lambda t: t.span[0])


# Score-sheet layouts tried on ``|`` rows whose header is not in the text (an excerpt that
# starts in the middle of a table): the layout with 指标性质 and 度量单位 columns, the
# national one (指标值, 实际完成值, 分值, 得分) and the common provincial one (分值 first).
_N, _T, _A, _W, _S = Role.NAME, Role.TARGET, Role.ACTUAL, Role.WEIGHT, Role.SCORE
_TEMPLATES: tuple[tuple[Role, ...], ...] = (
    (_N, _N, _N, Role.NATURE, _T, Role.UNIT, _A, _W, _S, Role.NOTE),
    (_N, _N, _N, _T, _A, _W, _S, Role.NOTE),
    (_N, _N, _N, _W, _T, _A, _S, Role.NOTE),
)
HEADERLESS_MIN_ROWS = 2  # rows with a weight or score a headerless reading needs


def _headerless(text: str, lines: list[Span], read: list[bool], skip: list[Span] | tuple) -> list[Table]:
    """Score sheets in blocks of ``|`` lines that no header covers, read with the best template."""
    tables = []
    i = 0
    while i < len(lines):
        if read[i] or "|" not in text[lines[i][0]:lines[i][1]]:
            i += 1
            continue
        j = i
        while j < len(lines) and not read[j] and ("|" in text[lines[j][0]:lines[j][1]] or not text[lines[j][0]:lines[j][1]].strip()):
            j += 1
        tokens = _tokens(text, lines, i, j, skip)
        cut = next((k for k, t in enumerate(tokens) if t.kind in ("break", "header")), len(tokens))
        table = _best_template(text, tokens[:cut])
        if table is not None:
            tables.append(table)
        i = j
    return tables


def _best_template(text: str, tokens: list[Token]) -> Table | None:
    best: tuple[float, Table] | None = None
    for roles in _TEMPLATES:
        columns = [Column(role) for role in roles]
        number_levels(columns)
        rows, score = _rows(text, tokens, columns, True)
        table = Table(columns, [Row(cells) for cells in rows], [], None, "pipe")
        scored = sum(any(row.get(k) is not None for k in table.columns_of(_W) + table.columns_of(_S)) for row in table.rows)
        if scored >= HEADERLESS_MIN_ROWS and (best is None or score > best[0]):
            best = (score, table)
    return best[1] if best else None


def _line_spans(text: str) -> list[Span]:
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _overlaps(spans: list[Span] | tuple, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


# ------------------------------------------------------------------ grids from readers

def tables_from_grid(grid: list[list[Cell | None]], layout: str, page: int | None = None) -> list[Table]:
    """The score sheets and budget blocks of one grid a reader found (a PDF ruled table, a
    Word table), ``grid[r][c]`` being the cell in row ``r`` and column ``c`` (None: empty, or
    covered by a merged cell). Header rows are found as in text; body cells keep the column
    the grid gives them. A row that ends a table in text (``年度总体目标``) ends one here.
    """
    tables: list[Table] = []
    current: tuple[list[Column], list[Cell], list[Row]] | None = None
    r = 0
    while r < len(grid):
        tokens = _row_tokens(grid, r)
        header = _header_at(tokens, 0) if tokens else None
        if header is not None and header.end == len(tokens):
            columns, cells, used = _grid_columns(grid, r)
            r += used
            if current is not None and [c.role for c in columns] == [c.role for c in current[0]]:
                continue  # the header again, after a page break
            if current is not None and current[2]:
                tables.append(Table(current[0], current[2], current[1], _grid_unit(current[0]), layout, page))
            current = (columns, cells, [])
            continue
        if tokens and tokens[0].kind == "break":
            if current is not None and current[2]:
                tables.append(Table(current[0], current[2], current[1], _grid_unit(current[0]), layout, page))
            current = None
        elif current is not None and tokens:
            width = len(current[0])
            current[2].append(Row([grid[r][c] if c < len(grid[r]) else None for c in range(width)]))
        r += 1
    if current is not None and current[2]:
        tables.append(Table(current[0], current[2], current[1], _grid_unit(current[0]), layout, page))
    return tables


def _row_tokens(grid: list[list[Cell | None]], r: int) -> list[Token]:
    out = []
    for cell in grid[r]:
        if cell is not None and cell.text.strip():
            kind, role = classify(cell.text)
            out.append(Token(cell.start, cell.end, cell.text, kind, r, False, role, piped=True))
    return out


def _grid_columns(grid: list[list[Cell | None]], r: int) -> tuple[list[Column], list[Cell], int]:
    """Columns from header row ``r`` (and a row below it that completes it: ``指标值 | 完成值``);
    the header cells; how many rows the header takes. A header cell merged over several
    columns (None to its right) names them all."""
    rows = [grid[r]]
    below = _row_tokens(grid, r + 1) if r + 1 < len(grid) else []
    if below and all(_FRAGMENT.match("".join(t.text.split())) for t in below):
        rows.append(grid[r + 1])
    width = max(len(row) for row in rows)
    parts: list[list[Cell]] = []
    for c in range(width):
        parts.append([row[c] for row in rows if c < len(row) and row[c] is not None and row[c].text.strip()])
    columns = columns_from_header(parts)
    for c in range(1, width):
        if not parts[c] and columns[c - 1].role in _NAME_ROLES:
            columns[c] = Column(columns[c - 1].role, [], columns[c - 1].unit, columns[c - 1].level)
    roles = {col.role for col in columns}
    if len(roles & BUDGET_ROLES) >= 2 and Role.NAME not in roles and columns[0].role is Role.OTHER:
        columns[0].role = Role.LABEL
    return columns, [cell for part in parts for cell in part], len(rows)


def _grid_unit(columns: list[Column]) -> str | None:
    return next((c.unit for c in columns if c.role is Role.LABEL and c.unit), None)


# ------------------------------------------------------------------ headers

@dataclass
class _Header:
    columns: list[Column]
    cells: list[Cell]  # every header token, as cells (section weights in them are values)
    first: int  # token index of the header's first token
    end: int  # token index after the header


def _header_at(tokens: list[Token], i: int) -> _Header | None:
    """The header whose first token is ``tokens[i]``, if a valid one starts there.

    The header may go on over lines while it is not yet valid (``绩效指标 | 一级 指标`` /
    ``二级指标 | …``); once valid, a new line adds only fragments that complete it
    (``指标值 完成值``, ``（万元）``).
    """
    j = i
    while j < len(tokens) and _header_like(tokens[j], first=j == i):
        if j > i and tokens[j].line != tokens[j - 1].line and _valid_alone(tokens[i:j]):
            on_last_line = sum(t.line == tokens[j - 1].line for t in tokens[i:j])
            if on_last_line >= 3 and not _FRAGMENT.match("".join(tokens[j].text.split())):
                break  # a whole header row is read: the next line is a row, not more header
        j += 1
    run = [t for t in tokens[i:j] if t.kind != "banner" and not _OCR_JUNK.match("".join(t.text.split()))]
    if len(run) < 2:
        return None
    groups = _column_groups(run)
    columns = columns_from_header([[Cell(t.start, t.end, t.text) for t in group] for group in groups])
    roles = {c.role for c in columns}
    sheet = Role.NAME in roles and bool(roles & SHEET_ROLES)
    budget = len(roles & BUDGET_ROLES) >= 2
    items = Role.AMOUNT in roles and columns[0].role is Role.OTHER and run[0].piped  # 项目 | 金额
    if not (sheet or budget or items) or (len(columns) < 3 and not items):
        return None
    if (budget or items) and not sheet and columns[0].role is Role.OTHER:
        columns[0].role = Role.LABEL  # 项目 / 资金情况 heading the funding-source rows
    if sheet and columns[0].role is Role.OTHER and _SECTION_WEIGHT.search(columns[0].header[0].text):
        columns[0].role = Role.OTHER  # 年度绩效目标1（80分）: a label over the sheet, no cells below
    return _Header(columns, [Cell(t.start, t.end, t.text) for t in tokens[i:j]], i, j)


def _header_like(token: Token, first: bool) -> bool:
    if token.kind in ("header", "banner"):
        return True
    compact = "".join(token.text.split())
    if _FRAGMENT.match(compact) or (not first and _OCR_JUNK.match(compact)):
        return True
    return first and token.kind == "name" and bool(_SECTION_WEIGHT.search(compact))


def _column_groups(run: list[Token]) -> list[list[Token]]:
    """Header tokens grouped by column: a second line that completes the first joins it.

    ``年度 实际`` on one line and ``指标值 完成值`` below: the fragments of the second line
    complete the short cells of the first, in order; ``（万元）`` joins the first column.
    """
    first_line = [t for t in run if t.line == run[0].line]
    rest = run[len(first_line):]
    groups = [[t] for t in first_line]
    if not rest or not _valid_alone(first_line):
        return groups + [[t] for t in rest]
    incomplete = [k for k, t in enumerate(first_line) if _PREFIX.match("".join(t.text.split())) or role_of(t.text) is Role.OTHER]
    completions = [t for t in rest if not _UNIT_FRAGMENT.match("".join(t.text.split()))]
    if len(completions) > len(incomplete):
        return groups + [[t] for t in rest]
    for k, t in zip(incomplete, completions):
        groups[k].append(t)
    for t in rest:
        if _UNIT_FRAGMENT.match("".join(t.text.split())):
            groups[0].append(t)
    return groups


def _valid_alone(tokens: list[Token]) -> bool:
    roles = {role_of(t.text) for t in tokens}
    return len(roles & (SHEET_ROLES | BUDGET_ROLES)) >= 2


# ------------------------------------------------------------------ one region of lines

def _tables_from(
    text: str, lines: list[Span], first: int, i: int, skip: list[Span] | tuple
) -> tuple[list[Table], int] | None:
    """The tables whose header is on lines ``first``..``i + 3`` (and any that follow); the next line to read."""
    tokens = _tokens(text, lines, first, min(len(lines), i + 4), skip)
    header = next((h for h in (_header_at(tokens, k) for k in range(len(tokens))) if h), None)
    if header is None:
        return None
    stream = _stream_layout(tokens, header)
    run_together = any(t.glued for t in tokens[header.first + 1:header.end])
    header_line_end = tokens[header.end - 1].line + 1
    tokens = [t for t in tokens[max(0, header.first - 4):] if t.line < header_line_end]  # 4 before: a unit
    j = header_line_end
    while j < len(lines) and not _ends_table(text, lines[j], stream):
        tokens += _tokens(text, lines, j, j + 1, skip)
        j += 1
    if run_together:
        tokens = join_text_runs(text, tokens)
    tables = _read_tokens(text, lines, tokens, stream)
    return (tables, j) if tables else None


def _tokens(text: str, lines: list[Span], first: int, last: int, skip: list[Span] | tuple) -> list[Token]:
    out: list[Token] = []
    for k in range(first, last):
        s, e = lines[k]
        if skip and _overlaps(skip, s, e):
            continue
        out += tokenize(text, s, e, k)
    return out


def _stream_layout(tokens: list[Token], header: _Header) -> bool:
    """True when rows do not follow lines: one header cell per line, or cells run together."""
    head = tokens[header.first:header.end]
    lines = {t.line for t in head}
    if len(lines) >= 3 and len(head) <= len(lines) + 1:
        return True  # one cell per line
    return any(t.glued for t in head[1:]) or (head[-1].end - head[0].start > 150 and len(lines) == 1)


def _ends_table(text: str, line: Span, stream: bool) -> bool:
    """A line no table row runs into: a numbered heading, a prose line (row-per-line layouts)."""
    s, e = line
    content = text[s:e].strip()
    if _HEADING.match(content) and "|" not in content and len(_FIGURES.findall(content)) < 2:
        return True  # 三、存在的问题 (not 一、收入合计 718.34 788.84, a row)
    if stream:
        return False
    return "|" not in content and "\t" not in content and len(content) > 30 and _PROSE_END in content


def _read_tokens(text: str, lines: list[Span], tokens: list[Token], stream: bool) -> list[Table]:
    """Headers and bodies in one token stream -> tables."""
    tables: list[Table] = []
    k = 0
    current: tuple[_Header, list[Token], int, bool, list[Token]] | None = None  # header, body, header line …
    while k < len(tokens):
        token = tokens[k]
        header = _header_at(tokens, k) if _header_like(token, first=True) and token.kind != "banner" else None
        if header is not None:
            if current is not None and _same_columns(current[0], header):
                k = header.end  # the header again, after a page break
                continue
            if current is not None:
                tables.append(_build(text, lines, *current))
            current = (header, [], token.line, stream, tokens[max(0, k - 4):k])
            k = header.end
            continue
        if token.kind == "break":
            if current is not None:
                tables.append(_build(text, lines, *current))
                current = None
            k += 1
            if token.text.startswith("注"):  # a footnote: no table in the rest of its line
                while k < len(tokens) and tokens[k].line == token.line:
                    k += 1
            continue
        if current is not None and token.kind != "banner":
            current[1].append(token)
        k += 1
    if current is not None:
        tables.append(_build(text, lines, *current))
    return [t for t in tables if t.rows]


def _same_columns(a: _Header, b: _Header) -> bool:
    return [c.role for c in a.columns] == [c.role for c in b.columns]


def _build(
    text: str, lines: list[Span], header: _Header, body: list[Token], header_line: int, stream: bool,
    before: list[Token],
) -> Table:
    columns = header.columns
    unit = next((c.unit for c in columns if c.role is Role.LABEL and c.unit), None)
    unit = unit or _unit_above(text, lines, header_line) or _unit_in_body(before[-4:] + body)
    rows = [Row(cells) for cells in _rows(text, body, columns, not stream)[0]]
    layout = "pipe" if any("|" in text[lines[t.line][0]:lines[t.line][1]] for t in body[:5]) else (
        "stream" if stream else "spaced")
    return Table(columns, rows, header.cells, unit, layout)


def _unit_above(text: str, lines: list[Span], line: int) -> str | None:
    for k in range(line - 1, max(-1, line - 4), -1):
        m = _UNIT_LINE.search(text, *lines[k])
        if m:
            return m.group(1)
    return None


def _unit_in_body(body: list[Token]) -> str | None:
    """``项目资金 (元)`` written among the rows, as scrambled PDF text leaves it."""
    for token in body:
        if token.kind in ("name", "header") and role_of(token.text) is Role.LABEL:
            unit = unit_in(token.text)
            if unit:
                return unit
        if _UNIT_FRAGMENT.match("".join(token.text.split())):
            return unit_in(token.text)
    return None


# ------------------------------------------------------------------ rows

@dataclass(frozen=True)
class _Part:
    """A token, or one cell cut out of a token's digit run."""

    start: int
    end: int
    kind: str
    value: float | None  # the number, for plausibility
    unit: str  # what is written after the number: 万元, %, 分 …
    text: str  # without whitespace
    rank: int = 0  # for a level name: 1 (产出指标) or 2 (数量指标)


def _rows(
    text: str, tokens: list[Token], columns: list[Column], row_per_line: bool
) -> tuple[list[list[Cell | None]], float]:
    """Cut ``tokens`` into rows and place each row's cells in ``columns`` (see the module
    docstring); the rows and the reading's total score."""
    if not tokens:
        return [], 0.0
    options = [_options(text, t, tokens[k + 1] if k + 1 < len(tokens) else None) for k, t in enumerate(tokens)]
    roles = [c.role for c in columns]
    has_names = any(r in _NAME_ROLES for r in roles)
    n = len(tokens)
    best = [_NEG] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    line_starts = [k == 0 or tokens[k].line != tokens[k - 1].line for k in range(n)]
    for i in range(n):
        if best[i] == _NEG:
            continue
        if best[i] - STRAY_COST > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] - STRAY_COST, -1 - i  # a stray token
        if row_per_line and not line_starts[i]:
            continue
        aligner = _Aligner(columns, has_names)
        crossings = 0
        for k in range(i, min(n, i + MAX_ROW_TOKENS)):
            if k > i and line_starts[k]:
                crossings += 1
            if not aligner.extend(options[k], first=k == i, piped=tokens[k].piped, new_line=line_starts[k],
                                  glued=tokens[k].glued):
                break
            score = best[i] + aligner.best() - ROW_COST - (LINE_COST * crossings if row_per_line else 0.0)
            if not aligner.has_value():
                score -= EMPTY_ROW_COST
            if score > best[k + 1]:
                best[k + 1], back[k + 1] = score, i
    rows: list[list[Cell | None]] = []
    k = n
    while k > 0:
        i = back[k]
        if i < 0:
            k = -1 - i
            continue
        aligner = _Aligner(columns, has_names, trace=True)
        for m in range(i, k):
            aligner.extend(options[m], first=m == i, piped=tokens[m].piped, new_line=line_starts[m],
                           glued=tokens[m].glued)
        rows.append(_cells(text, aligner.placement(), len(columns)))
        k = i
    return rows[::-1], best[n]


def _cells(text: str, placed: list[tuple[int, _Part]], width: int) -> list[Cell | None]:
    spans: list[list[int] | None] = [None] * width
    for column, part in placed:
        span = spans[column]
        if span is None:
            spans[column] = [part.start, part.end]
        else:
            span[1] = part.end
    return [Cell(s[0], s[1], text[s[0]:s[1]]) if s else None for s in spans]


class _Aligner:
    """Best order-preserving placement of a growing row of tokens in the columns.

    ``score[j]``: the best total fit of the tokens so far with the last one in column ``j``.
    """

    def __init__(self, columns: list[Column], has_names: bool, trace: bool = False) -> None:
        self.roles = [c.role for c in columns]
        self.deepest = max((c.level for c in columns if c.role is Role.NAME), default=0)
        self.levels = [c.level for c in columns]
        self.value_up_to = [any(r in VALUE_ROLES for r in self.roles[:j + 1]) for j in range(len(columns))]
        self.has_names = has_names
        self.score: list[float] = [_NEG] * len(columns)
        self.trace = trace
        self.paths: list[list[tuple[int, _Part]] | None] = [None] * len(columns)

    def best(self) -> float:
        return max(self.score)

    def has_value(self) -> bool:
        """Whether the best placement so far puts a token in a value column."""
        j = max(range(len(self.score)), key=lambda k: self.score[k])
        return self.value_up_to[j]

    def fit(self, part: _Part, j: int) -> float:
        role = self.roles[j]
        if role is Role.NAME and self.levels[j] < self.deepest:
            fit = _UPPER_NAME.get(part.kind, -4.0)
            if part.kind == "level" and part.rank != self.levels[j]:
                fit -= 1.0
        else:
            fit = _FIT[role].get(part.kind, -4.0)
            if role is Role.NAME and part.kind == "name" and len(part.text) <= 2:
                fit = 0.5  # 理率: the tail of a wrapped name more likely than a name
        if role in (Role.WEIGHT, Role.SCORE) and part.kind == "number" and part.value is not None and part.value > 100:
            fit = 0.5
        if role in (Role.BUDGET, Role.EXECUTED, Role.AMOUNT) and part.kind == "measure":
            fit = 3.0 if part.unit in _MONEY_UNITS else -1.0
        if role in (Role.WEIGHT, Role.SCORE) and part.kind == "measure" and part.unit == "分":
            fit = 2.0
        return fit

    def extend(
        self, options: list[tuple[list[_Part], float]], first: bool, piped: bool = False, new_line: bool = False,
        glued: bool = True,
    ) -> bool:
        """Add the next token (one of its ``options``: cuts into cells, with a plausibility)."""
        m = len(self.roles)
        new = [_NEG] * m
        new_paths: list[list[tuple[int, _Part]] | None] = [None] * m
        for parts, plausibility in options:
            # place the parts in increasing columns after the current last column
            prev = self._prefix_best(first)
            prev_paths = self._prefix_paths(first) if self.trace else None
            for p, part in enumerate(parts):
                cur = [_NEG] * m
                cur_paths: list[list[tuple[int, _Part]] | None] = [None] * m
                for j in range(m):
                    if prev[j] == _NEG:
                        continue
                    fit = self.fit(part, j)
                    if first and p == 0 and self.has_names and self.roles[j] not in _NAME_ROLES:
                        fit -= NO_NAME_COST
                    cur[j] = prev[j] + fit
                    if self.trace and prev_paths is not None:
                        cur_paths[j] = (prev_paths[j] or []) + [(j, part)]
                if p + 1 < len(parts):
                    prev, prev_paths = self._shift(cur, cur_paths)
                else:
                    extra = plausibility - SPLIT_COST * (len(parts) - 1)
                    for j in range(m):
                        if cur[j] + extra > new[j]:
                            new[j] = cur[j] + extra
                            new_paths[j] = cur_paths[j]
        whole = options[0][0]
        if not first and not piped and len(whole) == 1 and whole[0].start == self._start_of(options):
            part = whole[0]  # merge the token, read whole, into the cell before it
            for j in range(m):
                merge = _MERGE.get(self.roles[j], {}).get(part.kind)
                if self.roles[j] is Role.NAME and self.levels[j] < self.deepest:
                    merge = None  # level names (数量指标) are whole
                if merge is not None and new_line:
                    merge -= LINE_MERGE_COST
                elif merge is not None and not glued:
                    merge -= SPACE_MERGE_COST
                if merge is not None and self.score[j] != _NEG and self.score[j] + merge > new[j]:
                    new[j] = self.score[j] + merge
                    new_paths[j] = (self.paths[j] or []) + [(j, part)] if self.trace else None
        if all(v == _NEG for v in new):
            return False
        self.score, self.paths = new, new_paths
        return True

    @staticmethod
    def _start_of(options: list[tuple[list[_Part], float]]) -> int:
        """Where the token starts: its whole reading is the option of one part from there."""
        return min(parts[0].start for parts, _ in options)

    def _prefix_best(self, first: bool) -> list[float]:
        """``out[j]``: best score with the last token in a column before ``j`` (0 at a row start)."""
        m = len(self.roles)
        if first:
            return [0.0] * m
        out = [_NEG] * m
        running = _NEG
        for j in range(m):
            out[j] = running
            running = max(running, self.score[j])
        return out

    def _prefix_paths(self, first: bool) -> list[list[tuple[int, _Part]] | None]:
        m = len(self.roles)
        if first:
            return [[] for _ in range(m)]
        out: list[list[tuple[int, _Part]] | None] = [None] * m
        running, path = _NEG, None
        for j in range(m):
            out[j] = path
            if self.score[j] > running:
                running, path = self.score[j], self.paths[j]
        return out

    def _shift(self, cur: list[float], paths: list) -> tuple[list[float], list]:
        """Prefix maxima of ``cur`` shifted by one column: the next part goes further right."""
        m = len(cur)
        out = [_NEG] * m
        out_paths: list = [None] * m
        running, path = _NEG, None
        for j in range(m):
            out[j], out_paths[j] = running, path
            if cur[j] > running:
                running, path = cur[j], paths[j]
        return out, out_paths

    def placement(self) -> list[tuple[int, _Part]]:
        j = max(range(len(self.score)), key=lambda k: self.score[k])
        return self.paths[j] or []


# ------------------------------------------------------------------ digit runs

_MONEY_UNITS = ("万元", "元", "亿元", "千元", "万", "亿")
_RUN = re.compile(r"^(?P<qual>[^\d]*)(?P<digits>\d[\d.,]*?)(?P<unit>[^\d.,]*)$")
_VALID = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,4})?$")


def _options(text: str, token: Token, after: Token | None) -> list[tuple[list[_Part], float]]:
    """The ways to read ``token``: itself, or (a digit run) cut into 2-4 cells; with plausibility."""
    whole = _part(text, token.start, token.end, token.kind)
    options = [([whole], _plausibility([whole]))]
    if token.kind not in ("number", "percent", "measure"):
        return options
    glued = token.glued or (after is not None and after.glued and after.line == token.line)
    m = _RUN.match(same_length_view(token.text))
    if m is None or m.group("qual").strip():
        return options  # a qualifier opens one cell: ≥90% is never two
    digits = m.group("digits").replace(",", "")
    if "," in m.group("digits"):
        return options  # digit grouping: one number
    invalid = digits.count(".") > 1 or not _VALID.match(digits)
    implausible = invalid or options[0][1] < -2
    if not glued and not implausible:
        return options
    offset = token.start + m.start("digits")
    cuts: list[tuple[list[_Part], float]] = []
    for arity in (2, 3, 4):
        readings = []
        for parts in _partitions(digits, arity):
            cells = []
            pos = offset
            for k, piece in enumerate(parts):
                s = pos
                e = pos + len(piece) + (len(m.group("unit")) if k == arity - 1 else 0)
                if k == 0:
                    s = token.start  # the qualifier stays with the first cell
                kind = token.kind if k == arity - 1 else "number"
                cells.append(_part(text, s, e, kind))
                pos += len(piece)
            readings.append((cells, _plausibility(cells, after)))
        readings.sort(key=lambda reading: -reading[1])
        cuts += readings[:CUTS_PER_ARITY]  # the row decides between the most plausible ones
    return cuts if implausible and cuts else options + cuts


def _partitions(digits: str, arity: int) -> list[list[str]]:
    """Every way to cut ``digits`` into ``arity`` valid numbers."""
    if arity == 1:
        return [[digits]] if _VALID.match(digits) else []
    out = []
    for cut in range(1, len(digits)):
        head = digits[:cut]
        if not _VALID.match(head):
            continue
        for rest in _partitions(digits[cut:], arity - 1):
            out.append([head] + rest)
    return out


def _part(text: str, start: int, end: int, kind: str) -> _Part:
    compact = same_length_view(text[start:end])
    numbers = re.findall(r"\d+(?:\.\d+)?", compact)
    value = float(numbers[0]) if numbers else None
    unit = re.sub(r"^[^\d]*[\d.,]+", "", "".join(compact.split()))
    rank = level_rank(compact) if kind == "level" else 0
    if kind in ("name", "header") and _SECTION_WEIGHT.search(compact):
        kind, rank = "level", 1  # 预算执行情况（10分）: a section over the rows below
    return _Part(start, end, kind, value, unit, "".join(compact.split()), rank)


def _plausibility(parts: list[_Part], after: Token | None = None) -> float:
    """How likely these numbers are as cells of one row.

    Percents under 1000, at most two decimals, no zero cut out of a run; equal amounts side
    by side; a rate that is the ratio of two amounts before it (``194.9194.9100%``); a last
    cell equal to the next token (``1020万元 20万元``: a weight 10, then target = actual).
    """
    score = 0.0
    for part in parts:
        if part.value is None:
            continue
        if part.kind == "percent" and part.value > 1000:
            score -= 3.0
        elif part.kind == "percent" and part.value > 200:
            score -= 1.0
        if len(parts) > 1 and part.value == 0:
            score -= 0.5
        decimals = re.search(r"\.(\d+)", str(part.value))
        if decimals and len(decimals.group(1)) > 2 and part.kind == "number":
            score -= 0.5
    for a, b in zip(parts, parts[1:]):
        if a.value and a.value == b.value and (a.kind, a.unit) == (b.kind, b.unit):
            score += 1.0
    rate = parts[-1]
    if len(parts) >= 3 and rate.kind == "percent" and rate.value:
        amounts = [p.value for p in parts[:-1] if p.kind == "number" and p.value]
        if any(abs(b / a * 100 - rate.value) <= 0.6 for k, a in enumerate(amounts) for b in amounts[k + 1:]):
            score += 2.0
    if len(parts) > 1 and after is not None and "".join(after.text.split()) == parts[-1].text:
        score += 1.5
    return score

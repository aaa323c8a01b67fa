"""Inline gold markup for synthetic passages, and layout noise that keeps offsets right.

Templates write annotated spans inline::

    ⟦Ia¦预算执行率⟧为⟦P>a¦98.5%⟧

``⟦`` opens a span, then the label letter (``I`` INDICATOR, ``M`` MONEY, ``P`` PERCENT,
``C`` COUNT, ``S`` SCORE), an optional key (indicators) or ``>key`` (a value's
``value_of`` link to the indicator with that key), ``¦``, the surface text, ``⟧``.
Keys are local to one block (a paragraph or a table); :func:`parse` namespaces them.

A :class:`Block` holds plain text plus spans; :func:`wrap` and :func:`insert` add
line breaks / page boilerplate and shift every span, so ``text[start:end]`` stays the
surface that was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABEL_OF = {"I": "INDICATOR", "M": "MONEY", "P": "PERCENT", "C": "COUNT", "S": "SCORE"}
OPEN, SEP, CLOSE = "⟦", "¦", "⟧"
_SPAN = re.compile(r"⟦([IMPCS])(\w*)(?:>(\w+))?¦(.*?)⟧", re.S)


def I(text: str, key: str = "") -> str:  # noqa: E741 - reads like the label
    """An INDICATOR span with optional link key."""
    return f"{OPEN}I{key}{SEP}{text}{CLOSE}"


def V(letter: str, surface: str, link: str | None = None) -> str:
    """A value span (``letter`` in M, P, C, S), linked to indicator ``link`` if given."""
    return f"{OPEN}{letter}{'>' + link if link else ''}{SEP}{surface}{CLOSE}"


@dataclass
class Span:
    label: str
    start: int
    end: int
    key: str | None = None  # indicator key (namespaced)
    link: str | None = None  # value -> indicator key (namespaced)


@dataclass
class Block:
    text: str
    spans: list[Span] = field(default_factory=list)
    wrap: bool = True  # prose is hard-wrapped like PDF text; tables keep their lines


def parse(markup: str, ns: str, wrap: bool = True) -> Block:
    """Strip markup, returning plain text and spans; keys get prefix ``ns``."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _SPAN.finditer(markup):
        plain = markup[pos : m.start()]
        out.append(plain)
        length += len(plain)
        letter, key, link, surface = m.groups()
        if OPEN in surface or CLOSE in surface or not surface.strip():
            raise ValueError(f"bad span surface {surface!r}")
        if surface != surface.strip():
            raise ValueError(f"span surface has outer whitespace: {surface!r}")
        label = LABEL_OF[letter]
        span = Span(label, length, length + len(surface))
        if letter == "I":
            span.key = f"{ns}:{key}" if key else None
        elif link:
            span.link = f"{ns}:{link}"
        spans.append(span)
        out.append(surface)
        length += len(surface)
        pos = m.end()
    rest = markup[pos:]
    if OPEN in rest or CLOSE in rest:
        raise ValueError(f"unbalanced markup near {rest[:40]!r}")
    out.append(rest)
    return Block("".join(out), spans, wrap)


def doccano_fields(spans: list[Span]) -> dict:
    """``entities`` and ``relations`` of a doccano record (ids in text order) for ``spans``.

    Raises ``ValueError`` for a duplicate indicator key or a link to an unknown key."""
    ordered = sorted(spans, key=lambda sp: (sp.start, sp.end))
    key_to_id: dict[str, int] = {}
    entities = []
    for n, sp in enumerate(ordered, 1):
        if sp.key:
            if sp.key in key_to_id:
                raise ValueError(f"duplicate indicator key {sp.key}")
            key_to_id[sp.key] = n
        entities.append({"id": n, "label": sp.label, "start_offset": sp.start, "end_offset": sp.end})
    relations = []
    for n, sp in enumerate(ordered, 1):
        if sp.link:
            if sp.link not in key_to_id:
                raise ValueError(f"link to unknown indicator {sp.link}")
            relations.append({"id": len(relations) + 1, "from_id": n, "to_id": key_to_id[sp.link], "type": "value_of"})
    return {"entities": entities, "relations": relations}


def insert(block: Block, pos: int, s: str) -> None:
    """Insert ``s`` at ``pos``; spans strictly containing ``pos`` grow, later ones shift."""
    block.text = block.text[:pos] + s + block.text[pos:]
    n = len(s)
    for sp in block.spans:
        if sp.start >= pos:
            sp.start += n
            sp.end += n
        elif sp.end > pos:
            sp.end += n


def inside(block: Block, pos: int, labels: tuple[str, ...] | None = None) -> Span | None:
    for sp in block.spans:
        if sp.start < pos < sp.end and (labels is None or sp.label in labels):
            return sp
    return None


VALUE_LABELS = ("MONEY", "PERCENT", "COUNT", "SCORE")
NUMCH = set("0123456789０１２３４５６７８９.．,，")


def wrap(block: Block, width: int, sep: str, allow_in_indicator: bool) -> list[int]:
    """Hard-wrap every line of ``block`` at about ``width`` chars with ``sep``.

    Breaks never fall inside a value span (they move to its end); inside an
    indicator only if ``allow_in_indicator``. Returns the offsets (after wrapping)
    of the inserted breaks that lie outside every span: safe places for page breaks.
    """
    points: list[int] = []
    line_start = 0
    text = block.text
    while line_start < len(text):
        nl = text.find("\n", line_start)
        line_end = len(text) if nl < 0 else nl
        p = line_start + width
        while p < line_end - 2:
            sp = inside(block, p, None if not allow_in_indicator else VALUE_LABELS)
            if sp is not None:
                p = sp.end
                if p >= line_end - 2:
                    break
            while p < line_end - 2 and (text[p] in "，。；：、）」”%" or (text[p - 1] in NUMCH and text[p] in NUMCH)):
                p += 1  # keep closing punctuation on the line; don't split digit runs
            if inside(block, p) is not None and (not allow_in_indicator or inside(block, p, VALUE_LABELS)):
                p += 1
                continue
            points.append(p)
            p += width
        line_start = line_end + 1
    safe: list[int] = []
    for p in sorted(points, reverse=True):
        insert(block, p, sep)
        safe = [q + len(sep) for q in safe]
        if inside(block, p) is None:
            safe.append(p)
    return sorted(safe)

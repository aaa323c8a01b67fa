"""Record tables on disk: JSONL / JSON / CSV / XLSX / Parquet, always written atomically.

Rows are flat dicts: the record fields of ANNOTATION.md section 5 plus ``doc`` (and
``file``, ``page`` where known). For the tabular formats the ``indicator`` object is
flattened into ``indicator_text`` / ``indicator_start`` / ``indicator_end``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMATS_BY_SUFFIX = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


def format_for(path: Path) -> str:
    """The output format named by ``path``'s suffix; ValueError for an unknown one."""
    try:
        return FORMATS_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        known = ", ".join(FORMATS_BY_SUFFIX)
        raise ValueError(f"{path}: unknown output type {path.suffix!r}; use one of {known}") from None


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its ``indicator`` object spread into three columns."""
    out = {k: v for k, v in row.items() if k != "indicator"}
    indicator = row.get("indicator") or {}
    out["indicator_text"] = indicator.get("text")
    out["indicator_start"] = indicator.get("start")
    out["indicator_end"] = indicator.get("end")
    return out


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    """Text formats (jsonl, json, csv) as a string."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        flat_rows = [flat(r) for r in rows]
        columns = list(dict.fromkeys(k for r in flat_rows for k in r))
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        writer.writerows(flat_rows)
        return buffer.getvalue()
    raise ValueError(f"{fmt} is not a text format")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_rows(rows: list[dict[str, Any]], path: Path, fmt: str | None = None) -> None:
    """Write ``rows`` to ``path`` in ``fmt`` (default: by suffix), atomically."""
    fmt = fmt or format_for(path)
    with atomic_path(path) as tmp:
        if fmt in ("jsonl", "json", "csv"):
            tmp.write_text(render(rows, fmt), encoding="utf-8-sig" if fmt == "csv" else "utf-8")
            return
        import pandas as pd

        frame = pd.DataFrame([flat(r) for r in rows])
        if fmt == "xlsx":
            frame.to_excel(tmp, index=False, engine="openpyxl")
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            raise ValueError(f"unknown output format {fmt!r}")

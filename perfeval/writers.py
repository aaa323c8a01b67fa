"""Tables on disk: JSONL / JSON / CSV / XLSX / Parquet, written so that nothing is destroyed.

Rows are flat dicts with any keys: records (the fields of ``docs/ANNOTATION.md`` section 5,
plus ``doc`` and ``file``), report summaries, check findings. For the tabular formats a
dict value such as a record's ``indicator`` is spread into ``indicator_text`` /
``indicator_start`` / ``indicator_end``, and a list value becomes its JSON text.

Writing never destroys what was there: :func:`check_output` refuses, before any work, an
output that is a directory, one of the inputs, a read-only file or inside a folder that cannot
be written; :func:`atomic_path` writes regular files through a temporary file in the same
folder that replaces the target only when the writing succeeded, keeps the mode of the file it
replaces (new files get the usual mode under the umask), writes devices and pipes such as
``/dev/null`` in place instead of replacing them, and removes what a killed run left behind.

Cells that a spreadsheet would run as a formula (text starting with ``= + - @``, a tab or a
carriage return) are neutralised: in CSV by a leading ``'`` (the usual guard against formula
injection), in XLSX by storing them as text cells, which never evaluate.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import importlib.util
import io
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from perfeval.checks import check
from perfeval.sheet import sheet
from perfeval.summary import summarize
from perfeval.types import Document

FORMATS_BY_SUFFIX = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
TEXT_FORMATS = ("jsonl", "json", "csv")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PARTIAL_SUFFIX = ".part"
_PARTIAL = re.compile(r"\.perfeval-(\d+)-[^.]+\.part$")
_OOXML_ESCAPE_START = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
# characters JSON leaves raw that Python's str.splitlines() (and some JSONL readers) break lines at
_LINE_BREAKING = re.compile("[\x85\u2028\u2029]")


class OutputError(Exception):
    """An output that cannot or must not be written; the message names it and what to do."""


def format_for(path: Path) -> str:
    """The output format named by ``path``'s suffix; ValueError for an unknown one, or for
    Parquet without pyarrow (the ``parquet`` extra)."""
    try:
        fmt = FORMATS_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        known = ", ".join(FORMATS_BY_SUFFIX)
        raise ValueError(f"{path}: unknown output type {path.suffix!r}; use one of {known}") from None
    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ValueError(f"{path}: Parquet output needs pyarrow; pip install 'perfeval[parquet]', or write .jsonl / .csv")
    return fmt


# ------------------------------------------------------------------ checks before the work


def check_output(path: Path, inputs: Iterable[str | Path] = ()) -> None:
    """Raise :class:`OutputError` if ``path`` cannot be written, or must not be (one of ``inputs``).

    Folders that do not exist yet are fine (they are created); the nearest one that exists
    must be a writable folder.
    """
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name inside it, such as {path / 'records.jsonl'}")
    if path.exists():
        for item in inputs:
            if os.path.exists(item) and os.path.samefile(item, path):
                raise OutputError(f"{path}: is one of the inputs; write the output to another file")
        if not os.access(path, os.W_OK):
            raise OutputError(f"{path}: the file is read-only; choose another output or make it writable")
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot create its folder because {folder} is a file; choose another output path")
    if path.is_file() or not path.exists():  # a new or replaced file needs a writable folder
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{path}: the folder {folder} is not writable; choose another output folder")


# ------------------------------------------------------------------ writing safely


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_orphans(path: Path) -> None:
    """Delete temporary files of ``path`` left by perfeval runs that were killed (their process is gone)."""
    for leftover in path.parent.glob(f"{glob.escape(path.name)}.perfeval-*{PARTIAL_SUFFIX}"):
        m = _PARTIAL.search(leftover.name)
        if m is None:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except (PermissionError, OverflowError):  # alive (another user's) or not a pid: leave it
            continue


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A path to write ``path``'s new content to.

    For a regular file (or a new one) that is ``path.perfeval-PID-XXXX.part`` beside it,
    which replaces the file only when the block succeeds, with the old file's mode (or
    ``0o666`` under the umask); symbolic links are followed, not replaced. For an existing
    device or pipe (``/dev/null``, ``/dev/stdout``) it is ``path`` itself, written in place.
    """
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        yield target
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_orphans(target)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f"{target.name}.perfeval-{os.getpid()}-", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ------------------------------------------------------------------ cells


def flat(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with every dict value spread into ``<key>_<subkey>`` columns.

    A key that holds a dict in some rows and None in others gets the sub-columns in all rows.
    """
    subkeys: dict[str, list[str]] = {}
    for row in rows:
        for key, value in row.items():
            if isinstance(value, Mapping):
                known = subkeys.setdefault(key, [])
                known += [k for k in value if k not in known]
    out = []
    for row in rows:
        spread: dict[str, Any] = {}
        for key, value in row.items():
            if key in subkeys:
                inner = value if isinstance(value, Mapping) else {}
                spread.update({f"{key}_{sub}": inner.get(sub) for sub in subkeys[key]})
            else:
                spread[key] = value
        out.append(spread)
    return out


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _cell(value: Any) -> Any:
    """A list or dict as its JSON text; anything else unchanged."""
    if isinstance(value, (list, tuple, Mapping)):
        return json.dumps(value, ensure_ascii=False)
    return value


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, with a leading ``'``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# ------------------------------------------------------------------ formats


def _json(obj: Any, indent: int | None = None) -> str:
    """JSON with CJK as it is, and with the characters that some readers take as line breaks escaped."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render(rows: Sequence[Mapping[str, Any]], fmt: str) -> str:
    """Text formats (jsonl, json, csv) as a string."""
    if fmt == "jsonl":
        return "".join(_json(r) + "\n" for r in rows)
    if fmt == "json":
        return _json(list(rows), indent=2) + "\n"
    if fmt == "csv":
        flat_rows = flat(rows)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_columns(flat_rows))
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(_cell(v)) for k, v in row.items()} for row in flat_rows)
        return buffer.getvalue()
    raise ValueError(f"{fmt} is not a text format")


def write_rows(rows: Sequence[Mapping[str, Any]], path: Path, fmt: str | None = None, sheet: str = "records") -> None:
    """Write ``rows`` to ``path`` in ``fmt`` (default: by suffix); xlsx puts them on ``sheet``."""
    fmt = fmt or format_for(path)
    if fmt == "xlsx":
        write_workbook(path, {sheet: rows})
        return
    with atomic_path(path) as tmp:
        if fmt in TEXT_FORMATS:
            tmp.write_text(render(rows, fmt), encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(arrow_table(rows), tmp)
        else:
            raise ValueError(f"unknown output format {fmt!r}")


def _arrow_column(values: list[Any]) -> Any:
    """One Arrow column: the type Arrow infers; numbers it cannot hold (beyond int64) as float64,
    and a column of mixed kinds or numbers beyond float64 as text."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        pass
    numbers = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
    if numbers:
        try:
            return pa.array([None if v is None else float(v) for v in values], pa.float64())
        except OverflowError:
            pass
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def arrow_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    """``rows`` (flattened) as a ``pyarrow.Table``, one column per key in order of appearance."""
    import pyarrow as pa

    flat_rows = flat(rows)
    columns = _columns(flat_rows)
    return pa.table({c: _arrow_column([_cell(r.get(c)) for r in flat_rows]) for c in columns})


def _xlsx_text(text: str) -> str:
    """``text`` with OOXML's ``_xHHHH_`` escapes, which Excel reads back as the characters:
    for the control characters XML cannot hold, and for a ``_`` that starts such a sequence."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = _OOXML_ESCAPE_START.sub("_x005F_", text)
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell: formula-like text stays text, characters XML cannot hold are escaped."""
    from openpyxl.cell import WriteOnlyCell

    value = _cell(value)
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        value = float(value)
    if isinstance(value, str):
        value = _xlsx_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def write_workbook(path: Path, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """One XLSX workbook with a sheet per table (name -> rows), in order; each sheet has a
    frozen header row and a filter over its columns. Streams rows: memory stays flat."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(title=name[:31])  # Excel's limit on sheet names
        flat_rows = flat(rows)
        columns = _columns(flat_rows)
        sheet.freeze_panes = "A2"
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(flat_rows) + 1}"
        sheet.append([_xlsx_cell(sheet, c) for c in columns])
        for row in flat_rows:
            sheet.append([_xlsx_cell(sheet, row.get(c)) for c in columns])
    if not tables:
        workbook.create_sheet(title="records")
    with atomic_path(path) as tmp:
        workbook.save(tmp)


# ------------------------------------------------------------------ the tables of a batch


def record_rows(doc: Document) -> list[dict[str, Any]]:
    """One row per record: its fields, then ``doc`` (the document's name) and ``file`` where known."""
    file = doc.meta.get("path")
    return [{**r.to_dict(), "doc": doc.name, **({"file": file} if file else {})} for r in doc.records]


def summary_rows(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """One :func:`perfeval.summary.summarize` row per document."""
    return [summarize(doc).to_row() for doc in docs]


def finding_rows(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """One row per :func:`perfeval.checks.check` finding: ``doc``, then the finding's own fields."""
    return [{"doc": doc.name, **finding.to_dict()} for doc in docs for finding in check(doc)]


def batch_tables(docs: Sequence[Document]) -> dict[str, list[dict[str, Any]]]:
    """The sheets of a batch's workbook, by name: records, report summaries, the rebuilt score
    sheets and budget blocks (:func:`perfeval.sheet`), check findings."""
    return {
        "records": [row for doc in docs for row in record_rows(doc)],
        "summary": summary_rows(docs),
        "sheets": [row.to_dict() | {"doc": doc.name} for doc in docs for row in sheet(doc)],
        "findings": finding_rows(docs),
    }

"""Readers: a report file -> :class:`SourceText` (the text all offsets point into).

Each reader has one job: turn one file format into text plus what the extractor needs
to know about its layout (page starts, boilerplate spans to skip when finding values).
The reader is picked by what the file is, not only by its name: a PDF or a Word file
saved as ``.txt`` is read as what it is (:func:`sniff`).

Also here: the report files of a batch (:func:`collect_inputs`) and their document names,
unique within the batch (:func:`document_names`).
"""

from __future__ import annotations

import bisect
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from perfeval.tables.grid import Table


class ReadError(Exception):
    """A file that cannot be read as a report; the message names the file and what to do."""


@dataclass
class SourceText:
    """Text extracted from a report file.

    ``page_starts`` holds the offset at which each page begins (empty for unpaged
    sources); ``skip`` holds ``(start, end)`` spans of running headers, footers and
    page-number lines that value finding must ignore (offsets still index ``text``);
    ``tables`` the grids the source's own structure gives (PDF ruled tables, Word tables),
    empty where the tables must be rebuilt from the text.
    """

    text: str
    path: Path | None = None
    page_starts: list[int] = field(default_factory=list)
    skip: list[tuple[int, int]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)

    def page_of(self, offset: int) -> int | None:
        """1-based page number holding ``offset``, or None for unpaged text."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)


def _reader_for(suffix: str) -> Callable[[Path], SourceText] | None:
    if suffix in (".txt", ".text", ".md"):
        from perfeval.readers.txt import read_txt

        return read_txt
    if suffix == ".pdf":
        from perfeval.readers.pdf import read_pdf

        return read_pdf
    if suffix == ".docx":
        from perfeval.readers.docx import read_docx

        return read_docx
    return None


SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".pdf", ".docx")
STDIN = "-"

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Word .doc, Excel .xls
SNIFF_BYTES = 1024  # the PDF header may follow up to 1 KB of junk


def sniff(path: Path) -> str | None:
    """The suffix of what ``path`` really holds, by its first bytes: ``.pdf``, ``.docx``,
    ``.zip`` (another zip archive), ``.doc`` (an old OLE Office file), or None (plain text,
    a broken archive, anything else: read by its suffix)."""
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if PDF_MAGIC in head:
        return ".pdf"
    if head.startswith(OLE_MAGIC):
        return ".doc"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                return ".docx" if "word/document.xml" in archive.namelist() else ".zip"
        except zipfile.BadZipFile:  # broken: the reader of its suffix says so
            return None
    return None


def read(path: str | Path) -> SourceText:
    """Read one report file (``.txt``, ``.pdf``, ``.docx``); raise :class:`ReadError` on bad input."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise ReadError(f"{path}: is a directory; pass the report files in it (or the directory to `perfeval extract`)")
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        try:
            suffix = sniff(path) or suffix
        except OSError as err:
            raise ReadError(f"{path}: cannot read ({err.strerror}); check that the file is readable") from None
    if suffix == ".zip":
        raise ReadError(f"{path}: is a zip archive, not a report; unpack it, or save the report as .txt, .pdf or .docx")
    if suffix == ".doc":
        raise ReadError(f"{path}: is an old Word (.doc) or Excel file; save it as .docx or .pdf")
    reader = _reader_for(suffix)
    if reader is None:
        raise ReadError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; convert it to .txt, .pdf or .docx"
        )
    return reader(path)


def collect_inputs(paths: list[str]) -> tuple[list[str], list[str]]:
    """Expand directories into their report files; return ``(inputs, errors)``.

    ``-`` (standard input) is kept as it is. A file named twice (also through a directory,
    or by another path) is read once.
    """
    inputs, errors, seen = [], [], set()
    for raw in paths:
        path = Path(raw)
        if raw != STDIN and path.is_dir():
            found = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                errors.append(f"{path}: no reports (.txt, .pdf, .docx) in this directory")
        elif raw != STDIN and not path.exists():
            errors.append(f"{path}: no such file or directory; check the path")
            continue
        else:
            found = [raw]
        for item in found:
            key = item if item == STDIN else str(Path(item).resolve())
            if key not in seen:
                seen.add(key)
                inputs.append(item)
    return inputs, errors


def document_names(inputs: list[str]) -> list[str]:
    """A document name per input, unique within the batch: the file's stem (``good``); where
    two inputs share it, their file names (``good.pdf``, ``good.docx``); where those clash
    too, the paths as given. Standard input (``-``) is ``stdin``. Where a stem meets another
    input's file name (``good.pdf.txt`` and ``a/good.pdf``), the stem stays."""
    options = [("stdin", "<stdin>", "<stdin>") if item == STDIN else (Path(item).stem, Path(item).name, item) for item in inputs]
    level = [0] * len(inputs)
    while True:
        names = [option[k] for option, k in zip(options, level)]
        groups: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            groups.setdefault(name, []).append(i)
        moved = False
        for members in (m for m in groups.values() if len(m) > 1):
            top = max(level[i] for i in members)
            movable = [i for i in members if level[i] == top and top < 2] or [i for i in members if level[i] < 2]
            for i in movable:
                level[i] += 1
                moved = True
        if not moved:
            return names

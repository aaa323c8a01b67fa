"""Readers: a report file -> :class:`SourceText` (the text all offsets point into).

Each reader has one job: turn one file format into text plus what the extractor needs
to know about its layout (page starts, boilerplate spans to skip when finding values).
"""

from __future__ import annotations

import bisect
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


def read(path: str | Path) -> SourceText:
    """Read one report file (``.txt``, ``.pdf``, ``.docx``); raise :class:`ReadError` on bad input."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise ReadError(f"{path}: is a directory; pass the report files in it (or the directory to `perfeval extract`)")
    reader = _reader_for(path.suffix.lower())
    if reader is None:
        raise ReadError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; convert it to .txt, .pdf or .docx"
        )
    return reader(path)

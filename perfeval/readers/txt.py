"""Plain-text reports: UTF-8 (with or without BOM), GB18030/GBK and others, detected."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from perfeval.readers import ReadError, SourceText


def decode(data: bytes, name: str) -> str:
    """Decode report bytes: UTF-8 first (a BOM is dropped), then GB18030, then detection."""
    if not data.strip():
        raise ReadError(f"{name}: file is empty; pass a report with text in it")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{name}: looks like a binary file, not text; pass a .txt, .pdf or .docx report")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(f"{name}: cannot decode the text; save it as UTF-8 and try again")
    return str(best)


def decode_text(data: bytes, name: str) -> SourceText:
    return SourceText(text=decode(data, name), meta={"format": "txt"})


def read_txt(path: Path) -> SourceText:
    source = decode_text(path.read_bytes(), str(path))
    source.path = path
    return source

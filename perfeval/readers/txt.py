"""Plain-text reports: UTF-8 (with or without BOM), GB18030/GBK, UTF-16 (with or without BOM)
and others, detected."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from perfeval.readers import OLE_MAGIC, PDF_MAGIC, SNIFF_BYTES, ZIP_MAGIC, ReadError, SourceText

SAMPLE_BYTES = 4096  # what the binary and UTF-16 tests look at
# Text without a BOM but with NUL bytes may be UTF-16. Its byte order is where most NULs are:
# the high byte of every ASCII character (digits, spaces, line breaks); few CJK characters
# (一, U+4E00) put one in the low byte. It is taken as UTF-16 when this share of its first characters is what
# reports are written in (below); binary data read as UTF-16 reaches about half.
UTF16_TEXT_SHARE = 0.9
REPORT_CHARACTERS = (
    (0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x2BFF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF),
)


def _report_share(text: str) -> float:
    """Share of ``text``'s characters that are ASCII, line breaks, Latin, punctuation and symbols, or CJK."""
    plausible = sum(ch in "\t\n\r\f" or any(lo <= ord(ch) <= hi for lo, hi in REPORT_CHARACTERS) for ch in text)
    return plausible / len(text) if text else 0.0


def _utf16_without_bom(data: bytes) -> str | None:
    """``data`` decoded as UTF-16 in the byte order it was written in, if it reads as a report; else None."""
    if len(data) % 2:
        return None
    sample = data[:SAMPLE_BYTES]
    # NUL high bytes (odd positions) are ASCII in UTF-16LE; NUL low bytes (even) in UTF-16BE
    encoding = "utf-16-le" if sample[1::2].count(0) >= sample[0::2].count(0) else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _report_share(text[: SAMPLE_BYTES // 2]) >= UTF16_TEXT_SHARE else None


def decode(data: bytes, name: str) -> str:
    """Decode report bytes: a BOM first, then UTF-8, UTF-16 without BOM, GB18030, then detection."""
    if not data.strip():
        raise ReadError(f"{name}: file is empty; pass a report with text in it")
    head = data[:SNIFF_BYTES]
    if PDF_MAGIC in head or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        kind = "a PDF" if PDF_MAGIC in head else "a Word, Excel or zip file"
        raise ReadError(f"{name}: is {kind}, not text; save it under its own suffix (.pdf, .docx) and pass the file")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ReadError(f"{name}: starts like {encoding} text but is not; save it as UTF-8 and try again") from None
    if b"\x00" in data[:SAMPLE_BYTES]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise ReadError(f"{name}: looks like a binary file, not text; pass a .txt, .pdf or .docx report")
    for encoding in ("utf-8", "gb18030"):
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

"""Document type detection by content. The file name only chooses between text dialects
(Markdown, CSV, plain text); it never makes binary data acceptable."""

from __future__ import annotations

import io
import re
import zipfile
from enum import StrEnum
from pathlib import PurePath

from documents.ingestion.errors import UnsupportedFileType

#: How much of a file is inspected to decide whether it is text.
SNIFF_BYTES = 64 * 1024


class FileKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"
    CSV = "csv"


ACCEPTED = "PDF, Word (.docx), HTML, Markdown, CSV or plain text"

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_CSV_SUFFIXES = {".csv"}
_UTF_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _suffix(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when a sample without a byte-order mark is UTF-16 text.

    Text in Latin scripts saved as UTF-16 (Windows' "Unicode" text) has a NUL in every other
    byte, on the odd side for little-endian and the even side for big-endian; binary files put
    their NULs anywhere.
    """
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even, odd = sample[0 : pairs * 2 : 2].count(0) / pairs, sample[1 : pairs * 2 : 2].count(0) / pairs
    if odd > 0.3 and even < 0.02:
        encoding = "utf-16-le"
    elif even > 0.3 and odd < 0.02:
        encoding = "utf-16-be"
    else:
        return None
    text = sample[: pairs * 2].decode(encoding, errors="replace")
    unreadable = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\v"))
    return encoding if unreadable / len(text) < 0.01 else None


def looks_like_text(sample: bytes) -> bool:
    """True when the sample decodes as text: no NUL bytes (unless UTF-16, with or without a
    byte-order mark) and few control characters."""
    if not sample:
        return False
    if sample.startswith(_UTF_BOMS[1:]):
        return True
    if b"\x00" in sample:
        return utf16_without_bom(sample) is not None
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32 or byte == 127)
    return controls / len(sample) < 0.01


def detect_type(data: bytes, filename: str = "") -> FileKind:
    """The kind of document `data` holds, or UnsupportedFileType with a message for the user."""
    if not data:
        raise UnsupportedFileType("The file is empty.")
    head = data[:1024]
    if b"%PDF-" in head:
        return FileKind.PDF
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return FileKind.DOCX
        raise UnsupportedFileType(f"This archive is not a Word document. Upload {ACCEPTED}.")
    sample = data[:SNIFF_BYTES]
    if not looks_like_text(sample):
        named = f" named “{PurePath(filename).name}”" if filename else ""
        raise UnsupportedFileType(f"This file{named} is not a readable document. Upload {ACCEPTED}.")
    suffix = _suffix(filename)
    if _HTML_START.match(sample.lstrip(b"\xef\xbb\xbf")) or (suffix in _HTML_SUFFIXES and b"<" in sample):
        return FileKind.HTML
    if suffix in _MARKDOWN_SUFFIXES:
        return FileKind.MARKDOWN
    if suffix in _CSV_SUFFIXES:
        return FileKind.CSV
    return FileKind.TEXT

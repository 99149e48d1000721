"""The text lines of a PDF page with their geometry, as PDFium lays them out.

PDFium orders characters in reading order and marks line ends; per line we ask only for the boxes
of its first and last characters, its font, and its rectangles (a wide gap between rectangles on
one baseline separates table cells). A handful of calls per line keeps the cost per page near that
of plain text extraction.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c

from documents.ingestion.pdf_paragraphs import BOLD_MAX_CHARS

# PDFium ends a line with "\r\n", except after a hyphen: there it joins the next line itself
# (whatever follows, even the page footer) and marks the hyphen "\ufffe". We split there too and
# leave the hyphen to `hyphenation`, which knows the document's words.
_LINE_END_HYPHEN = "\ufffe"
_LINE_BREAK = re.compile(r"\r\n|\r|\n|(?<=\ufffe)")
#: A gap wider than this many font sizes between two runs of one line separates table cells.
_CELL_GAP_EMS = 1.8
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One visual line of text; coordinates in points, y growing upwards (PDF space)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    cells: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PdfPage:
    height: float
    lines: list[PdfLine]


def read_page(page: pypdfium2.PdfPage) -> PdfPage:
    _, height = page.get_size()
    textpage = page.get_textpage()
    try:
        lines = list(_lines(textpage))
    finally:
        textpage.close()
    return PdfPage(height=height, lines=lines)


def _lines(textpage: pypdfium2.PdfTextPage) -> Iterator[PdfLine]:
    text = textpage.get_text_range()
    # Text and character indices differ only where PDFium dropped or inserted characters.
    identity = len(text) == textpage.count_chars()
    fonts: dict[int | None, bool] = {}
    start = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        line = _line(textpage, text, start, end, identity, fonts)
        if line is not None:
            yield line
        if match:
            start = match.end()


def _line(
    textpage: pypdfium2.PdfTextPage, text: str, start: int, end: int, identity: bool, fonts: dict[int | None, bool]
) -> PdfLine | None:
    raw = text[start:end]
    stripped = raw.strip().replace(_LINE_END_HYPHEN, "-")
    if not stripped:
        return None
    first_text = start + (len(raw) - len(raw.lstrip()))
    last_text = start + len(raw.rstrip()) - 1
    if identity:
        first, last = first_text, last_text
    else:
        first = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, first_text)
        last = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, last_text)
    if first < 0 or last < first:
        return None
    left, _, _, top = textpage.get_charbox(first, loose=True)
    _, bottom, right, _ = textpage.get_charbox(last, loose=True)
    size = pdfium_c.FPDFText_GetFontSize(textpage, first)
    return PdfLine(
        text=stripped,
        x0=left,
        x1=right,
        top=top,
        bottom=bottom,
        size=round(size, 1),
        bold=len(stripped) < BOLD_MAX_CHARS and _is_bold(textpage, first, fonts),
        cells=_cells(textpage, text, first_text, last_text, first, last, size, identity),
    )


def _is_bold(textpage: pypdfium2.PdfTextPage, index: int, fonts: dict[int | None, bool]) -> bool:
    text_object = pdfium_c.FPDFText_GetTextObject(textpage, index)
    if not text_object:
        return False
    font = pdfium_c.FPDFTextObj_GetFont(text_object)
    key = ctypes.cast(font, ctypes.c_void_p).value
    if key not in fonts:  # a page has few fonts: each is looked at once
        fonts[key] = bool(font) and _font_is_bold(font)
    return fonts[key]


def _font_is_bold(font: Any) -> bool:  # an FPDF_FONT handle
    if pdfium_c.FPDFFont_GetWeight(font) >= 600 or pdfium_c.FPDFFont_GetFlags(font) & _FORCE_BOLD:
        return True
    # Standard fonts ("Helvetica-Bold") report no weight: their name tells.
    buffer = ctypes.create_string_buffer(128)
    length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
    return 0 < length <= len(buffer) and bool(_BOLD_NAME.search(buffer.value.decode("utf-8", "replace")))


def _cells(
    textpage: pypdfium2.PdfTextPage,
    text: str,
    first_text: int,
    last_text: int,
    first: int,
    last: int,
    size: float,
    identity: bool,
) -> tuple[str, ...]:
    """The cells of a table row: runs on one baseline separated by wide gaps; () for ordinary lines."""
    count = textpage.count_rects(first, last - first + 1)
    if count < 2:
        return ()
    rects = [textpage.get_rect(i) for i in range(count)]
    gap = max(size, 4.0) * _CELL_GAP_EMS
    cuts: list[int] = []
    for previous, current in zip(rects, rects[1:], strict=False):
        same_baseline = abs(previous[1] - current[1]) < max(size, 4.0) * 0.5
        if not same_baseline:
            return ()  # a line PDFium joined across a hyphen, not a table row
        if current[0] - previous[2] > gap:
            middle = (current[1] + current[3]) / 2
            index = textpage.get_index(current[0] + 0.5, middle, 1.0, 1.0)
            if index is None or index < 0:
                continue
            cut = index if identity else pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, index)
            if first_text < cut <= last_text:
                cuts.append(cut)
    if not cuts:
        return ()
    bounds = [first_text, *sorted(set(cuts)), last_text + 1]
    cells = tuple(" ".join(text[a:b].split()) for a, b in zip(bounds, bounds[1:], strict=False))
    return tuple(cell for cell in cells if cell)

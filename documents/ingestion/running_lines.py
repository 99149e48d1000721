"""Page headers and footers: lines at the top or bottom edge that repeat on most pages.

Lines are compared with their digits replaced, so "Page 3 of 12" and "Page 4 of 12" are the same
line; a bare page number ("3", "- 3 -", "Page 3", "iv") at an edge goes on any multi-page file.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from documents.ingestion.pdf_layout import PdfLine, PdfPage

#: Share of the page height, at the top and at the bottom, where headers and footers live.
_EDGE = 0.15
#: Lines looked at on each edge of a page (a header may have two lines: a title and a date).
_EDGE_LINES = 3
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*(?:[-–—)\]]|(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)


def _key(line: PdfLine) -> str:
    return " ".join(_DIGITS.sub("#", line.text.lower()).split())


def _edge_lines(page: PdfPage) -> list[PdfLine]:
    top = sorted((line for line in page.lines if line.bottom > page.height * (1 - _EDGE)), key=lambda line: -line.top)
    bottom = sorted((line for line in page.lines if line.top < page.height * _EDGE), key=lambda line: line.bottom)
    return top[:_EDGE_LINES] + bottom[:_EDGE_LINES]


def drop_running_lines(pages: list[PdfPage]) -> list[list[PdfLine]]:
    """Each page's lines without its running headers, footers and page numbers."""
    edges = [_edge_lines(page) for page in pages]
    counts = Counter(key for lines in edges for key in {_key(line) for line in lines})
    with_text = sum(1 for page in pages if page.lines)
    needed = max(2, math.ceil(with_text * 0.4))
    result = []
    for page, page_edges in zip(pages, edges, strict=True):
        running = {
            id(line)
            for line in page_edges
            if counts[_key(line)] >= needed or (len(pages) > 1 and _PAGE_NUMBER.match(line.text.strip()))
        }
        result.append([line for line in page.lines if id(line) not in running])
    return result

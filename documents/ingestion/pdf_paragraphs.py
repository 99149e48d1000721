"""PDF lines into paragraphs, headings, list items and table rows, from their geometry.

Two lines belong to one paragraph unless something a reader sees separates them: a vertical gap
wider than the usual line spacing, an indented first line, a short line ending a sentence, a
change of font size (headings), a list marker, or table cells. Statistics (body font size, line
spacing) are taken over the whole document, so one odd page does not mislead.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from chatsphere.text import sentence_spans
from documents.ingestion.hyphenation import Hyphenation

if TYPE_CHECKING:  # pdf_layout loads PDFium, which only PDF extraction needs
    from documents.ingestion.pdf_layout import PdfLine

LIST_MARKER = re.compile(r"^(?:[•●○◦▪■□‣∙·\-*–—]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)]|[A-Z]\))\s+")
#: A line ending like this may end a paragraph (a short line that does not is a wrapped heading
#: or a label, not the end of a paragraph).
SENTENCE_END = re.compile(r"[.!?:…。！？][\"'”’»)\]]*$")
# A table of contents entry: dot leaders, then a page number.
_CONTENTS_ENTRY = re.compile(r"(?:\.\s?){4,}\s*\d+$")
_BULLET = re.compile(r"^[•●○◦▪■□‣∙·\-*–—]\s")
_HEADING_SCALE = 1.15
#: Only a line this short can be a heading, so boldness is looked up for short lines only.
BOLD_MAX_CHARS = 80
_HEADING_MAX_WORDS = 15


class BlockKind(StrEnum):
    HEADING = "heading"
    PROSE = "prose"
    LIST = "list"
    TABLE = "table"


@dataclass(slots=True)
class Block:
    kind: BlockKind
    items: list[str] = field(default_factory=list)  # one for prose and headings; items; rows
    size: float = 0.0  # font size of its first line (ranks headings)

    @property
    def text(self) -> str:
        return "\n".join(self.items)


@dataclass(frozen=True, slots=True)
class _Layout:
    body_size: float
    body_bold: bool
    pitch: float  # baseline to baseline of body text


def _layout(pages: list[list[PdfLine]]) -> _Layout:
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    pitches: Counter[float] = Counter()
    # Boldness is known for short lines only (see pdf_layout): the last lines of paragraphs tell
    # whether body text is bold.
    bold: Counter[bool] = Counter()
    for lines in pages:
        for previous, line in zip([None, *lines], lines, strict=False):
            if line.size != body_size:
                continue
            if len(line.text) < BOLD_MAX_CHARS:
                bold[line.bold] += 1
            distance = round(previous.bottom - line.bottom, 1) if previous else 0
            if previous and previous.size == body_size and 0 < distance < body_size * 3:
                pitches[distance] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else body_size * 1.2
    return _Layout(body_size=body_size, body_bold=bold[True] > bold[False], pitch=pitch)


def _is_heading(line: PdfLine, layout: _Layout) -> bool:
    larger = line.size >= layout.body_size * _HEADING_SCALE
    # A bold line of body size is a heading ("2. Scope" included), unless it is a bulleted item or
    # ends like a sentence (the last line of a bold paragraph).
    bold = line.bold and not layout.body_bold and not line.text.endswith((".", ",", ";"))
    if not (larger or bold) or line.cells or not any(c.isalpha() for c in line.text):
        return False
    return len(line.text.split()) <= _HEADING_MAX_WORDS and (larger or not _BULLET.match(line.text))


def _kind(line: PdfLine, layout: _Layout) -> BlockKind:
    if _is_heading(line, layout):
        return BlockKind.HEADING
    if line.cells:
        return BlockKind.TABLE
    if LIST_MARKER.match(line.text) or _CONTENTS_ENTRY.search(line.text):
        return BlockKind.LIST
    return BlockKind.PROSE


class _PageReader:
    def __init__(self, layout: _Layout, hyphenation: Hyphenation) -> None:
        self.layout = layout
        self.hyphenation = hyphenation
        self.blocks: list[Block] = []
        self.lines: list[PdfLine] = []  # lines of the current block
        self.item_x0 = 0.0  # left edge of the current list item's marker

    def read(self, lines: list[PdfLine]) -> list[Block]:
        for line in lines:
            self.add(line, _kind(line, self.layout))
        return self.blocks

    def start(self, kind: BlockKind, line: PdfLine) -> None:
        self.blocks.append(Block(kind=kind, items=[line.text], size=line.size))
        self.lines = [line]
        self.item_x0 = line.x0

    def add(self, line: PdfLine, kind: BlockKind) -> None:
        if not self.blocks:
            self.start(kind, line)
            return
        block, previous = self.blocks[-1], self.lines[-1]
        expected = self.layout.pitch * line.size / self.layout.body_size
        distance = previous.bottom - line.bottom
        wide_gap = distance > expected * 1.45
        # A line above the previous one starts a new column; the paragraph goes on there only
        # if its sentence was left unfinished.
        new_column = distance < -expected * 0.1
        unfinished = not SENTENCE_END.search(previous.text)
        joined = kind is block.kind and not wide_gap and not new_column
        if kind is BlockKind.HEADING:
            if joined and line.size == previous.size:
                block.items[-1] = f"{block.items[-1]} {line.text}"
                self.lines.append(line)
            else:
                self.start(kind, line)
        elif kind is BlockKind.TABLE:
            if joined:
                block.items.append(" | ".join(line.cells))
                self.lines.append(line)
            else:
                self.blocks.append(Block(kind=kind, items=[" | ".join(line.cells)], size=line.size))
                self.lines = [line]
        elif kind is BlockKind.LIST:
            if block.kind is BlockKind.LIST and not new_column and distance <= expected * 2.2:
                block.items.append(line.text)
                self.lines.append(line)
                self.item_x0 = line.x0
            else:
                self.start(kind, line)
        elif block.kind is BlockKind.LIST:
            hanging = line.x0 > self.item_x0 + line.size * 0.5
            if (not wide_gap and not new_column and (hanging or unfinished)) or (new_column and unfinished):
                self.continue_item(block, line)
            else:
                self.start(BlockKind.PROSE, line)
        elif block.kind is BlockKind.PROSE:
            if (new_column and unfinished) or (not wide_gap and not new_column and not self.breaks_before(line)):
                self.continue_item(block, line)
            else:
                self.start(BlockKind.PROSE, line)
        else:
            self.start(BlockKind.PROSE, line)

    def continue_item(self, block: Block, line: PdfLine) -> None:
        block.items[-1] = self.hyphenation.join_lines(block.items[-1], line.text)
        self.lines.append(line)

    def breaks_before(self, line: PdfLine) -> bool:
        """A paragraph break a reader sees between two lines at normal spacing."""
        previous = self.lines[-1]
        if line.x0 - previous.x0 > line.size * 0.7:
            return True  # first-line indent
        left = min(other.x0 for other in self.lines)
        right = max(line.x1, *(other.x1 for other in self.lines))
        room = right - previous.x1
        short = room > max(line.size * 3, (right - left) * 0.12)
        if short and line.text[0].isupper() and not previous.text.endswith(("-", ",")):
            # Lines wrap because the next word did not fit; if it would have, the break was
            # meant ("Opening hours" above its text). Average character widths estimate the word.
            first_word = len(line.text.split(maxsplit=1)[0]) + 1
            if room > first_word * (line.x1 - line.x0) / len(line.text) * 1.3 + line.size * 0.5:
                return True
        return short and bool(SENTENCE_END.search(previous.text))  # short last line


def page_blocks(pages: list[list[PdfLine]]) -> list[list[Block]]:
    """Each page's blocks in reading order, hyphenation undone, sentences kept on one page."""
    layout = _layout(pages)
    hyphenation = Hyphenation([line.text for lines in pages for line in lines])
    result = []
    for lines in pages:
        result.append(_PageReader(layout, hyphenation).read(lines))
    _finish_sentences_across_pages(result, hyphenation)
    return result


def _finish_sentences_across_pages(pages: list[list[Block]], hyphenation: Hyphenation) -> None:
    """A sentence running over a page break moves whole to the page where it starts, so every
    page's text starts and ends at a sentence boundary and a quote cites one page."""
    for current, following in zip(pages, pages[1:], strict=False):
        if not current or not following:
            continue
        last, first = current[-1], following[0]
        if last.kind not in (BlockKind.PROSE, BlockKind.LIST) or first.kind is not BlockKind.PROSE:
            continue
        if SENTENCE_END.search(last.items[-1]):
            continue
        text = first.items[0]
        end = sentence_spans(text)[0][1]
        last.items[-1] = hyphenation.join_lines(last.items[-1], text[:end])
        rest = text[end:].strip()
        if rest:
            first.items[0] = rest
        else:
            following.pop(0)

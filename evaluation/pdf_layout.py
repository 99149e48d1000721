"""Lays a document out on A4 pages and draws it with reportlab.

Lines are broken here rather than by platypus so the page of every sentence is known exactly: a fact
sentence is never split across a page break (its lines move together), and `Layout.sentence_pages`
tells which page each sentence starts on. Paragraphs are justified, with an occasional hyphenated
long word at a line end, as typeset documents have.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from evaluation.blocks import Block, BulletList, Heading, Paragraph, Table

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 68.0
TOP = PAGE_HEIGHT - 78.0
BOTTOM = 72.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 10.5, 14.0
PARAGRAPH_GAP = 6.0
HEADING_FONT = "Helvetica-Bold"
HEADING_SIZES = {1: 17.0, 2: 13.0, 3: 11.5}
BULLET_INDENT = 16.0
TABLE_FONT, TABLE_SIZE, TABLE_ROW = "Helvetica", 9.0, 16.0
# Hyphenate only when the line would otherwise be left this empty, and only plain lower-case words.
HYPHENATE_GAP = 0.07 * TEXT_WIDTH
_HYPHENATABLE = re.compile(r"[a-z]{10,}[,.;:]?")
_VOWELS = set("aeiouy")

SentenceKey = tuple[int, int]  # (block index, sentence index)


@dataclass
class Line:
    kind: str  # "text", "heading", "bullet", "table"
    height: float  # advance from the previous baseline
    after: float = 0.0  # extra space below
    words: list[str] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)  # sentence index of each word
    justify: bool = False
    indent: float = 0.0
    size: float = BODY_SIZE
    font: str = BODY_FONT
    first_of_item: bool = False
    cells: tuple[str, ...] = ()
    header_row: bool = False


@dataclass
class Page:
    lines: list[tuple[float, Line]] = field(default_factory=list)  # (baseline y, line)


@dataclass
class Layout:
    pages: list[Page]
    sentence_pages: dict[SentenceKey, int]  # 1-based page where each paragraph sentence starts
    block_pages: dict[int, int]  # 1-based page where each block starts


@cache
def _width(text: str, font: str = BODY_FONT, size: float = BODY_SIZE) -> float:
    return stringWidth(text, font, size)


def _split_word(word: str, room: float) -> tuple[str, str] | None:
    """The longest syllable-like prefix that fits `room` with its hyphen."""
    if not _HYPHENATABLE.fullmatch(word):
        return None
    for cut in range(len(word) - 4, 3, -1):
        # Break before a consonant that opens a syllable (vowel | consonant vowel): "obli-gations".
        if word[cut - 1] in _VOWELS and word[cut] not in _VOWELS and word[cut + 1] in _VOWELS:
            head = word[:cut] + "-"
            if len(word) - cut >= 4 and _width(head) <= room:
                return head, word[cut:]
    return None


def _wrap(tokens: list[tuple[str, int]], width: float, *, hyphenate: bool) -> list[tuple[list[str], list[int]]]:
    space = _width(" ")
    lines: list[tuple[list[str], list[int]]] = []
    words: list[str] = []
    ids: list[int] = []
    used = 0.0
    queue = list(reversed(tokens))
    while queue:
        word, sentence = queue.pop()
        needed = _width(word) + (space if words else 0.0)
        if not words or used + needed <= width:
            words.append(word)
            ids.append(sentence)
            used += needed
            continue
        room = width - used - space
        split = _split_word(word, room) if hyphenate and room > HYPHENATE_GAP else None
        if split:
            words.append(split[0])
            ids.append(sentence)
            queue.append((split[1], sentence))
        else:
            queue.append((word, sentence))
        lines.append((words, ids))
        words, ids, used = [], [], 0.0
    if words:
        lines.append((words, ids))
    return lines


def _paragraph_units(paragraph: Paragraph, protected: Collection[int]) -> list[list[Line]]:
    tokens = [(word, i) for i, sentence in enumerate(paragraph.sentences) for word in sentence.split()]
    wrapped = _wrap(tokens, TEXT_WIDTH, hyphenate=True)
    lines = [
        Line("text", LEADING, words=w, sentences=s, justify=n < len(wrapped) - 1) for n, (w, s) in enumerate(wrapped)
    ]
    lines[-1].after = PARAGRAPH_GAP
    # Lines that must stay on one page: each protected sentence's lines, and no single-line orphan or widow.
    glue = [False] * len(lines)  # glue[n]: line n stays with line n + 1
    for sentence in protected:
        rows = [n for n, line in enumerate(lines) if sentence in line.sentences]
        for n in rows[:-1]:
            glue[n] = True
    if len(lines) >= 4:
        glue[0] = glue[-2] = True
    units: list[list[Line]] = [[]]
    for n, line in enumerate(lines):
        units[-1].append(line)
        if not glue[n] and n < len(lines) - 1:
            units.append([])
    return units


def _block_units(block: Block, protected: Collection[int]) -> list[list[Line]]:
    if isinstance(block, Heading):
        size = HEADING_SIZES[block.level]
        return [[Line("heading", size + 8, after=6, words=[block.text], font=HEADING_FONT, size=size)]]
    if isinstance(block, Paragraph):
        return _paragraph_units(block, protected)
    if isinstance(block, BulletList):
        units = []
        for item in block.items:
            wrapped = _wrap([(w, 0) for w in item.split()], TEXT_WIDTH - BULLET_INDENT, hyphenate=False)
            unit = [
                Line("bullet", LEADING, words=w, indent=BULLET_INDENT, first_of_item=n == 0)
                for n, (w, _) in enumerate(wrapped)
            ]
            units.append(unit)
        units[-1][-1].after = PARAGRAPH_GAP
        return units
    assert isinstance(block, Table)
    rows = [Line("table", TABLE_ROW + 4, cells=block.header, header_row=True)]
    rows += [Line("table", TABLE_ROW, cells=row) for row in block.rows]
    rows[-1].after = PARAGRAPH_GAP + 4
    return [rows]


def lay_out(blocks: list[Block], *, title: str = "", protected: Mapping[int, Collection[int]] | None = None) -> Layout:
    """Pages for `blocks` under a `title` on the first page.

    `protected` maps a paragraph's block index to its sentences that a page break must not split."""
    protected = protected or {}
    pages = [Page()]
    y = TOP
    sentence_pages: dict[SentenceKey, int] = {}
    block_pages: dict[int, int] = {}
    pending_heading: list[Line] = _block_units(Heading(title, 1), ())[0] if title else []
    for index, block in enumerate(blocks):
        units = _block_units(block, protected.get(index, ()))
        if isinstance(block, Heading):
            pending_heading.extend(units[0])
            block_pages[index] = -1  # set with the unit that follows
            continue
        for number, unit in enumerate(units):
            lines = (pending_heading + unit) if number == 0 else unit
            height = sum(line.height + line.after for line in lines)
            if y - height < BOTTOM and pages[-1].lines:
                pages.append(Page())
                y = TOP
            for line in lines:
                y -= line.height
                pages[-1].lines.append((y, line))
                y -= line.after
                if isinstance(block, Paragraph):
                    for sentence in line.sentences:
                        sentence_pages.setdefault((index, sentence), len(pages))
            if number == 0:
                for heading_index in [i for i, p in block_pages.items() if p == -1]:
                    block_pages[heading_index] = len(pages)
                block_pages[index] = len(pages)
                pending_heading = []
    return Layout(pages=pages, sentence_pages=sentence_pages, block_pages=block_pages)


def draw(layout: Layout, *, title: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(title)
    total = len(layout.pages)
    for number, page in enumerate(layout.pages, start=1):
        _draw_furniture(canvas, title=title, number=number, total=total)
        for y, line in page.lines:
            _draw_line(canvas, y, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_furniture(canvas: Canvas, *, title: str, number: int, total: int) -> None:
    canvas.setFont("Helvetica", 8.5)
    canvas.setFillGray(0.35)
    canvas.drawString(MARGIN_X, PAGE_HEIGHT - 48, title)
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, PAGE_HEIGHT - 54, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 54)
    canvas.drawCentredString(PAGE_WIDTH / 2, 40, f"Page {number} of {total}")
    canvas.setFillGray(0)


def _draw_line(canvas: Canvas, y: float, line: Line) -> None:
    if line.kind == "table":
        _draw_table_row(canvas, y, line)
        return
    text = " ".join(line.words)
    x = MARGIN_X + line.indent
    if line.kind == "bullet" and line.first_of_item:
        canvas.setFont(BODY_FONT, BODY_SIZE)
        canvas.drawString(MARGIN_X + 4, y, "\u2022")
    word_space = 0.0
    if line.justify and len(line.words) > 1:
        word_space = (TEXT_WIDTH - line.indent - _width(text, line.font, line.size)) / (len(line.words) - 1)
    obj = canvas.beginText(x, y)
    obj.setFont(line.font, line.size)
    obj.setWordSpace(word_space)
    obj.textLine(text)
    canvas.drawText(obj)


def _draw_table_row(canvas: Canvas, y: float, line: Line) -> None:
    columns = len(line.cells)
    column_width = TEXT_WIDTH / columns
    top = y + TABLE_ROW - 4.5
    canvas.setLineWidth(0.4)
    canvas.setStrokeGray(0.4)
    if line.header_row:
        canvas.line(MARGIN_X, top, MARGIN_X + TEXT_WIDTH, top)
    canvas.line(MARGIN_X, top - TABLE_ROW, MARGIN_X + TEXT_WIDTH, top - TABLE_ROW)
    canvas.setFont("Helvetica-Bold" if line.header_row else TABLE_FONT, TABLE_SIZE)
    for n, cell in enumerate(line.cells):
        canvas.drawString(MARGIN_X + n * column_width + 3, y, cell)

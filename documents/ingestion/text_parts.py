"""The extracted text of a document as the owner reads it: page by page for a PDF, and in parts
of bounded size for anything else, so one part is always cheap to store and to show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from documents.ingestion.extract import Section

#: The most characters one part holds: a PDF page longer than this takes several parts, and
#: the sections of other documents are gathered into parts up to this size.
MAX_PART_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class TextPart:
    number: int
    text: str
    page: int | None = None
    heading: str = ""


def _split_long(text: str, limit: int) -> Iterator[str]:
    """`text` in pieces of at most `limit` characters, cut between paragraphs where possible,
    else between words, else anywhere."""
    while len(text) > limit:
        cut = text.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        yield text[:cut].strip()
        text = text[cut:].strip()
    if text:
        yield text


def _with_heading(section: Section) -> str:
    """A section's text led by its heading when the text does not already start with it (Word
    documents keep their headings apart from the text)."""
    heading = (section.heading or "").split(" › ")[-1].strip()
    first_line = section.text.split("\n", 1)[0]
    if heading and heading not in first_line:
        return f"{heading}\n\n{section.text}"
    return section.text


def _paged(sections: Iterable[Section], limit: int) -> Iterator[tuple[int | None, str, str]]:
    for page, on_page in groupby(sections, key=lambda section: section.page):
        page_sections = list(on_page)
        heading = page_sections[0].heading or ""
        for piece in _split_long("\n\n".join(section.text for section in page_sections), limit):
            yield page, heading, piece


def _gathered(sections: Iterable[Section], limit: int) -> Iterator[tuple[int | None, str, str]]:
    texts: list[str] = []
    size, heading = 0, ""
    for section in sections:
        text = _with_heading(section)
        if texts and size + len(text) + 2 > limit:
            yield None, heading, "\n\n".join(texts)
            texts, size = [], 0
        if not texts:
            heading = section.heading or ""
        if len(text) > limit:
            yield from ((None, heading, piece) for piece in _split_long(text, limit))
            continue
        texts.append(text)
        size += len(text) + 2
    if texts:
        yield None, heading, "\n\n".join(texts)


def text_parts(sections: list[Section], *, limit: int = MAX_PART_CHARS) -> Iterator[TextPart]:
    """The parts of an extracted document, numbered from 1, made one at a time."""
    paged = any(section.page is not None for section in sections)
    pieces = _paged(sections, limit) if paged else _gathered(sections, limit)
    for number, (page, heading, text) in enumerate(pieces, start=1):
        yield TextPart(number=number, text=text, page=page, heading=heading[:500])

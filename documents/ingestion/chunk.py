"""Splitting sections into overlapping passages of whole sentences, within a token budget.

A passage is what a person would quote: it starts and ends at sentence boundaries, packs whole
paragraphs where they fit and prefers to end where a paragraph ends. Consecutive passages share
a few whole sentences (about the overlap asked for, never more than half a passage), so an answer
spanning the cut is found whole in one of them. Sections are chunked separately: a passage never
spans two PDF pages or two headings, which keeps its citation exact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from chatsphere.text import sentence_spans
from documents.ingestion.extract import Section

_TOKEN = re.compile(r"\w+|[^\w\s]")
# Where a sentence too long for one passage may be cut, best first: after clause punctuation,
# then between words.
_CLAUSE_END = re.compile(r"(?:[;:,]|\s[—–]|—)(?=\s)")
_WORD_END = re.compile(r"\S(?=\s)")


def count_tokens(text: str) -> int:
    """Words and punctuation marks: close to (slightly above) what embedding models count for
    English prose, with no tokenizer download."""
    return len(_TOKEN.findall(text))


@dataclass(frozen=True, slots=True)
class ChunkDraft:
    index: int
    text: str
    page: int | None
    heading: str | None
    token_count: int
    content_hash: str


@dataclass(frozen=True, slots=True)
class _Unit:
    """A sentence (or, for an over-long sentence, a piece of one): the smallest thing packed."""

    start: int
    end: int
    tokens: int
    opens_paragraph: bool


def _units(text: str, limit: int) -> list[_Unit]:
    units: list[_Unit] = []
    previous_end = 0
    for start, end in sentence_spans(text):
        opens_paragraph = not units or "\n\n" in text[previous_end:start]
        previous_end = end
        tokens = count_tokens(text[start:end])
        if tokens <= limit:
            units.append(_Unit(start, end, tokens, opens_paragraph))
            continue
        for number, (piece_start, piece_end) in enumerate(_split_long(text, start, end, limit)):
            tokens = count_tokens(text[piece_start:piece_end])
            units.append(_Unit(piece_start, piece_end, tokens, opens_paragraph and number == 0))
    return units


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """A sentence longer than a whole passage, in pieces of at most `limit` tokens: cut after
    clause punctuation (; : , —) where possible, and only then between words, since a passage
    must fit the embedding model."""
    pieces: list[tuple[int, int]] = []
    for clause_start, clause_end in _cuts(text, start, end, _CLAUSE_END):
        if count_tokens(text[clause_start:clause_end]) <= limit:
            pieces.append((clause_start, clause_end))
        else:
            pieces.extend(_cuts(text, clause_start, clause_end, _WORD_END))
    return _pack(text, pieces, limit)


def _cuts(text: str, start: int, end: int, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, piece_start = [], start
    for match in boundary.finditer(text, start, end):
        spans.append((piece_start, match.end()))
        piece_start = match.end()
        while piece_start < end and text[piece_start].isspace():
            piece_start += 1
    if piece_start < end:
        spans.append((piece_start, end))
    return spans


def _pack(text: str, pieces: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Adjacent pieces merged greedily while they fit."""
    packed: list[tuple[int, int]] = []
    for start, end in pieces:
        if packed and count_tokens(text[packed[-1][0] : end]) <= limit:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((start, end))
    return packed


def _passages(units: list[_Unit], limit: int, overlap: int) -> list[tuple[int, int]]:
    """(first, last + 1) unit indices of each passage."""
    before = [0, *accumulate(unit.tokens for unit in units)]  # tokens before unit i

    def tokens(first: int, stop: int) -> int:
        return before[stop] - before[first]

    passages: list[tuple[int, int]] = []
    first, count = 0, len(units)
    while first < count:
        stop = first + 1
        while stop < count and tokens(first, stop + 1) <= limit:
            stop += 1
        if stop < count:
            # End at the last paragraph end in the passage, if the passage is then at least half full.
            for candidate in range(stop - 1, first, -1):
                if tokens(first, candidate) < limit / 2:
                    break
                if units[candidate].opens_paragraph:
                    stop = candidate
                    break
        passages.append((first, stop))
        if stop >= count:
            break
        first = _overlap_start(first, stop, tokens, overlap, limit)
    return passages


def _overlap_start(first: int, stop: int, tokens: Callable[[int, int], int], overlap: int, limit: int) -> int:
    """Where the next passage starts: the whole sentences closest to `overlap` tokens before
    `stop`, leaving room for at least the next sentence."""
    if overlap <= 0:
        return stop
    best, best_distance = stop, overlap
    start = stop - 1
    while start > first and tokens(start, stop) <= limit // 2 and tokens(start, stop + 1) <= limit:
        distance = abs(tokens(start, stop) - overlap)
        if distance < best_distance:
            best, best_distance = start, distance
        start -= 1
    return best


def chunk_sections(sections: Iterable[Section], *, chunk_tokens: int, overlap_tokens: int = 0) -> list[ChunkDraft]:
    """Passages of at most `chunk_tokens` tokens, consecutive ones sharing about `overlap_tokens`."""
    return list(iter_chunks(sections, chunk_tokens=chunk_tokens, overlap_tokens=overlap_tokens))


def iter_chunks(sections: Iterable[Section], *, chunk_tokens: int, overlap_tokens: int = 0) -> Iterator[ChunkDraft]:
    """The passages of `chunk_sections` one at a time, so a large document's are never all held
    at once; the same sections always give the same passages."""
    if chunk_tokens < 8:
        raise ValueError("chunk_tokens must be at least 8")
    overlap = max(0, min(overlap_tokens, chunk_tokens // 2))
    index = 0
    for section in sections:
        units = _units(section.text, chunk_tokens)
        for first, stop in _passages(units, chunk_tokens, overlap):
            text = section.text[units[first].start : units[stop - 1].end]
            yield ChunkDraft(
                index=index,
                text=text,
                page=section.page,
                heading=section.heading,
                # Units are cut at white space, so their counts add up to the passage's.
                token_count=sum(unit.tokens for unit in units[first:stop]),
                content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
            index += 1

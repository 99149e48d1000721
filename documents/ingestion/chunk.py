"""Splitting sections into overlapping passages of a bounded token count.

semchunk splits at the most meaningful boundary that fits (paragraphs, then lines, sentences,
clauses, words), so a passage rarely stops mid-sentence. Sections are chunked separately: a
passage never spans two PDF pages or two headings, which keeps its citation exact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import semchunk

from documents.ingestion.extract import Section

_TOKEN = re.compile(r"\w+|[^\w\s]")


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


def chunk_sections(sections: Iterable[Section], *, chunk_tokens: int, overlap_tokens: int = 0) -> list[ChunkDraft]:
    """Passages of at most `chunk_tokens` tokens, consecutive ones sharing about `overlap_tokens`."""
    if chunk_tokens < 8:
        raise ValueError("chunk_tokens must be at least 8")
    overlap = max(0, min(overlap_tokens, chunk_tokens // 2))
    chunker = semchunk.chunkerify(count_tokens, chunk_tokens)
    drafts: list[ChunkDraft] = []
    for section in sections:
        if not section.text.strip():
            continue
        pieces = chunker(section.text, overlap=overlap or None)
        for piece in pieces:
            text = piece.strip()
            if not text:
                continue
            drafts.append(
                ChunkDraft(
                    index=len(drafts),
                    text=text,
                    page=section.page,
                    heading=section.heading,
                    token_count=count_tokens(text),
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                )
            )
    return drafts

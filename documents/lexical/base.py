"""What every lexical index returns: BM25-ranked chunks of one bot, and per-term statistics of
that bot's knowledge, so a caller can tell how much of a question a passage covers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

#: Okapi BM25 parameters (Lucene's defaults), shared by the backends that score in SQL.
K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class LexicalSearch:
    #: (chunk id, BM25 score), best first.
    hits: list[tuple[int, float]]
    #: In how many of the bot's chunks each query term occurs (0 for a term found nowhere).
    frequencies: dict[str, int]
    #: query terms each chunk contains, for the hits and for the extra chunks asked about.
    chunk_terms: dict[int, frozenset[str]] = field(default_factory=dict)


EMPTY_SEARCH = LexicalSearch(hits=[], frequencies={})


class LexicalIndex(Protocol):
    """A BM25-class index of chunk text, kept in the database that holds the chunks.

    Writes run inside the caller's transaction, so the index changes together with the chunks.
    Searches are scoped to one organization's bot and to chunks of ready documents in the query
    itself, and their statistics are the bot's own (no other bot's text can move a score).
    """

    def add_document(self, *, bot_id: uuid.UUID, document_id: uuid.UUID) -> None:
        """Index the document's chunk rows as they are now."""

    def remove_document(self, *, bot_id: uuid.UUID, document_id: uuid.UUID) -> None:
        """Unindex the document's chunk rows (call before the rows are deleted)."""

    def drop_bot(self, *, bot_id: uuid.UUID) -> None: ...

    def rebuild_bot(self, *, bot_id: uuid.UUID) -> None:
        """Index every chunk row of the bot afresh."""

    def search(
        self,
        *,
        organization_id: uuid.UUID,
        bot_id: uuid.UUID,
        terms: Sequence[str],
        limit: int,
        also_chunk_ids: Sequence[int] = (),
    ) -> LexicalSearch: ...

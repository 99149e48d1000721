"""The lexical index on SQLite: one FTS5 table per bot, ranked with FTS5's own bm25().

A table per bot keeps BM25's statistics (how rare a word is, how long passages are) to the bot's
own knowledge: in one shared table another organization's documents would move the scores,
and a score is an oracle for whether a word appears in someone else's documents.

The tables are external-content FTS5 tables over `documents_chunk` (the text is stored once);
their rows are indexed and unindexed by the document-level calls below, which the ingestion
pipeline makes in its transactions and a pre-delete hook makes for cascaded deletions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import connection
from django.db.backends.utils import CursorWrapper

from documents.lexical.base import LexicalSearch

#: The tokenizer of every table: Porter stemming over Unicode words, accents folded.
TOKENIZER = "porter unicode61 remove_diacritics 2"
#: A passage's heading counts half as much as its text.
HEADING_WEIGHT = 0.5
#: Rows read from FTS5 per wanted hit before the readiness check drops stale ones.
OVERFETCH = 2


def _bm25(table: str) -> str:
    """The ranking expression of a search: BM25 with the heading weighed less than the text."""
    return f"bm25({table}, 1.0, {HEADING_WEIGHT})"


def table_name(bot_id: uuid.UUID) -> str:
    return f"lexical_{uuid.UUID(str(bot_id)).hex}"


def _quote(term: str) -> str:
    """An FTS5 string literal: the term is searched as a word, never parsed as query syntax."""
    return '"' + term.replace('"', '""') + '"'


class SqliteLexicalIndex:
    name = "sqlite-fts5"

    def _exists(self, table: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            return cursor.fetchone() is not None

    def _create(self, table: str) -> None:
        if self._exists(table):
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5("
                f"text, heading, content='documents_chunk', content_rowid='id', tokenize='{TOKENIZER}')"
            )
            # `rank` for queries by hand: BM25 with the heading weighed less than the text. Searches
            # call the same bm25() themselves (_bm25), which FTS5 evaluates faster than `rank`.
            cursor.execute(
                f"INSERT INTO {table} ({table}, rank) VALUES ('rank', 'bm25(1.0, {HEADING_WEIGHT})')"  # noqa: S608 - table name made from the bot's UUID  # nosec B608
            )

    def add_document(self, *, bot_id: uuid.UUID, document_id: uuid.UUID) -> None:
        table = table_name(bot_id)
        self._create(table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (rowid, text, heading) "  # noqa: S608 - table name made from the bot's UUID  # nosec B608
                "SELECT id, text, heading FROM documents_chunk WHERE document_id = %s",
                [uuid.UUID(str(document_id)).hex],
            )

    def remove_document(self, *, bot_id: uuid.UUID, document_id: uuid.UUID) -> None:
        table = table_name(bot_id)
        if not self._exists(table):
            return
        # External content: FTS5 unindexes a row from the exact values it indexed.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({table}, rowid, text, heading) "  # noqa: S608 - table name made from the bot's UUID  # nosec B608
                "SELECT 'delete', id, text, heading FROM documents_chunk WHERE document_id = %s",
                [uuid.UUID(str(document_id)).hex],
            )

    def drop_bot(self, *, bot_id: uuid.UUID) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table_name(bot_id)}")

    def rebuild_bot(self, *, bot_id: uuid.UUID) -> None:
        table = table_name(bot_id)
        self.drop_bot(bot_id=bot_id)
        self._create(table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (rowid, text, heading) "  # noqa: S608 - table name made from the bot's UUID  # nosec B608
                "SELECT id, text, heading FROM documents_chunk WHERE bot_id = %s",
                [uuid.UUID(str(bot_id)).hex],
            )

    @staticmethod
    def _ready(
        cursor: CursorWrapper, organization_id: uuid.UUID, bot_id: uuid.UUID, ranked: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """The ranked rows that are chunks of this organization's bot in a ready document."""
        if not ranked:
            return []
        marks = ", ".join(["%s"] * len(ranked))
        cursor.execute(
            "SELECT c.id FROM documents_chunk c JOIN documents_document d ON d.id = c.document_id "  # noqa: S608 - only %s marks  # nosec B608
            f"WHERE c.id IN ({marks}) AND c.organization_id = %s AND c.bot_id = %s AND d.status = 'ready'",
            [rowid for rowid, _ in ranked] + [uuid.UUID(str(organization_id)).hex, uuid.UUID(str(bot_id)).hex],
        )
        ready = {int(row[0]) for row in cursor.fetchall()}
        return [(rowid, score) for rowid, score in ranked if rowid in ready]

    def search(
        self,
        *,
        organization_id: uuid.UUID,
        bot_id: uuid.UUID,
        terms: Sequence[str],
        limit: int,
        also_chunk_ids: Sequence[int] = (),
    ) -> LexicalSearch:
        table = table_name(bot_id)
        if not terms or not self._exists(table):
            return LexicalSearch(hits=[], frequencies={})
        query = " OR ".join(map(_quote, terms))
        with connection.cursor() as cursor:
            cursor.execute(
                # bm25() itself rather than the configured `rank` (the same function and weights):
                # its cost grows with every passage holding a query word, and `rank` cost half as
                # much again (at 10k chunks, 40 ms against 26 ms per question). Ordering by the
                # column's alias computes it once per passage; repeating the expression computed
                # it twice.
                f"SELECT rowid, {_bm25(table)} AS score FROM {table} WHERE {table} MATCH %s "  # noqa: S608 - UUID table name  # nosec B608
                "ORDER BY score LIMIT %s",
                [query, limit * OVERFETCH],
            )
            ranked = [(int(rowid), -float(score)) for rowid, score in cursor.fetchall()]
            hits = self._ready(cursor, organization_id, bot_id, ranked)[:limit]
            wanted = sorted({rowid for rowid, _ in hits} | {int(i) for i in also_chunk_ids})
            frequencies: dict[str, int] = {}
            contains: dict[int, set[str]] = {rowid: set() for rowid in wanted}
            marks = ", ".join(["%s"] * len(wanted)) or "NULL"
            for term in terms:
                # One pass over the term's postings: its frequency, and which wanted chunks hold it.
                cursor.execute(
                    f"SELECT count(*), group_concat(CASE WHEN rowid IN ({marks}) THEN rowid END) "  # noqa: S608 - only %s marks  # nosec B608
                    f"FROM {table} WHERE {table} MATCH %s",
                    [*wanted, _quote(term)],
                )
                frequency, found = cursor.fetchone()
                frequencies[term] = int(frequency)
                for rowid in (found or "").split(","):
                    if rowid:
                        contains[int(rowid)].add(term)
        return LexicalSearch(
            hits=hits,
            frequencies=frequencies,
            chunk_terms={rowid: frozenset(found) for rowid, found in contains.items()},
        )

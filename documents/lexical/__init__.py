"""The lexical (BM25-class) index of chunk text, in the database that holds the chunks: SQLite
FTS5 on the embedded default, PostgreSQL full-text search in production. The dense index lives
in the vector store; retrieval fuses the two (chat.retrieval)."""

from __future__ import annotations

from django.db import connection

from chatsphere.text.query import query_terms
from documents.lexical.base import EMPTY_SEARCH, LexicalIndex, LexicalSearch
from documents.lexical.postgres import PostgresLexicalIndex
from documents.lexical.sqlite import SqliteLexicalIndex

_BACKENDS: dict[str, LexicalIndex] = {"sqlite": SqliteLexicalIndex(), "postgresql": PostgresLexicalIndex()}


def lexical_index() -> LexicalIndex:
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No lexical index for the {connection.vendor} database.") from None


__all__ = ["EMPTY_SEARCH", "LexicalIndex", "LexicalSearch", "lexical_index", "query_terms"]

"""The lexical index on PostgreSQL: a generated `tsvector` column of each chunk with a GIN index,
ranked with Okapi BM25 computed in SQL from the bot's own statistics.

PostgreSQL keeps the column current with the row, so writes need nothing from us. Its own
`ts_rank` has no notion of how rare a word is; BM25 needs that per bot (never across bots, which
would let another organization's documents move the scores), so the query counts, among the bot's
ready chunks that contain any of the question's words, how many contain each word, and scores
those chunks with it. The GIN index finds them; the bot's passage count and lengths come from its
documents' totals.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection

from documents.lexical.base import K1, B, LexicalSearch

#: Text search configuration of the generated column (see the documents migration).
CONFIG = "english"

_SEARCH = f"""
WITH terms AS (
    SELECT t.term, l.lexeme
    FROM unnest(%(terms)s::text[]) AS t(term)
    CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('{CONFIG}', t.term))) AS l(lexeme)
),
stats AS (
    SELECT greatest(coalesce(sum(chunk_count), 0), 1) AS total,
           greatest(coalesce(sum(token_count), 0)::float / greatest(coalesce(sum(chunk_count), 0), 1), 1) AS average
    FROM documents_document
    WHERE organization_id = %(organization)s AND bot_id = %(bot)s AND status = 'ready'
),
matched AS (
    SELECT c.id, c.token_count, u.lexeme, coalesce(array_length(u.positions, 1), 1) AS tf
    FROM documents_chunk c
    JOIN documents_document d ON d.id = c.document_id
    -- Only the question's lexemes of each passage are unnested (marked A, then kept by weight):
    -- a passage holds some sixty lexemes, a question rarely more than a handful.
    CROSS JOIN LATERAL unnest(
        ts_filter(setweight(c.search_vector, 'A', (SELECT array_agg(lexeme) FROM terms)), '{{a}}')
    ) AS u(lexeme, positions, weights)
    WHERE c.organization_id = %(organization)s AND c.bot_id = %(bot)s AND d.status = 'ready'
      AND c.search_vector @@ (SELECT to_tsquery('simple', string_agg(quote_literal(lexeme), ' | ')) FROM terms)
      AND u.lexeme IN (SELECT lexeme FROM terms)
),
frequency AS (SELECT lexeme, count(*) AS df FROM matched GROUP BY lexeme),
scored AS (
    SELECT m.id,
           -- In float8 throughout: numeric arithmetic over thousands of rows costs several times more.
           sum(ln(1.0::float8 + (s.total - f.df + 0.5::float8) / (f.df + 0.5::float8))
               * m.tf * {K1 + 1}::float8
               / (m.tf + {K1}::float8 * (1 - {B}::float8 + {B}::float8 * m.token_count / s.average))) AS score,
           array_agg(m.lexeme) AS lexemes
    FROM matched m JOIN frequency f USING (lexeme) CROSS JOIN stats s
    GROUP BY m.id
    ORDER BY score DESC, m.id
    LIMIT %(limit)s
)
SELECT
    (SELECT json_agg(json_build_array(id, score, lexemes)) FROM scored),
    (SELECT json_object_agg(lexeme, df) FROM frequency),
    (SELECT json_agg(json_build_array(term, lexeme)) FROM terms)
"""  # noqa: S608 - constants only  # nosec B608

_CONTAINS = """
SELECT c.id, array_agg(u.lexeme)
FROM documents_chunk c
CROSS JOIN LATERAL unnest(c.search_vector) AS u(lexeme, positions, weights)
WHERE c.id = ANY(%(ids)s) AND c.organization_id = %(organization)s AND c.bot_id = %(bot)s
  AND u.lexeme = ANY(%(lexemes)s)
GROUP BY c.id
"""


def _loaded(value: object) -> Any:
    return json.loads(value) if isinstance(value, str) else value


class PostgresLexicalIndex:
    name = "postgres-tsvector"

    # The generated column follows every insert and delete of a chunk row.
    def add_document(self, *, bot_id: uuid.UUID, document_id: uuid.UUID) -> None:
        return None

    def remove_document(self, *, bot_id: uuid.UUID, document_id: uuid.UUID) -> None:
        return None

    def drop_bot(self, *, bot_id: uuid.UUID) -> None:
        return None

    def rebuild_bot(self, *, bot_id: uuid.UUID) -> None:
        return None

    def search(
        self,
        *,
        organization_id: uuid.UUID,
        bot_id: uuid.UUID,
        terms: Sequence[str],
        limit: int,
        also_chunk_ids: Sequence[int] = (),
    ) -> LexicalSearch:
        if not terms:
            return LexicalSearch(hits=[], frequencies={})
        scope = {"organization": uuid.UUID(str(organization_id)), "bot": uuid.UUID(str(bot_id))}
        with connection.cursor() as cursor:
            cursor.execute(_SEARCH, {**scope, "terms": list(terms), "limit": limit})
            scored, frequencies, pairs = cursor.fetchone()
            scored = _loaded(scored) or []
            frequencies = _loaded(frequencies) or {}
            pairs = _loaded(pairs) or []
            lexemes_of: dict[str, set[str]] = {term: set() for term in terms}
            for term, lexeme in pairs:
                lexemes_of[term].add(lexeme)
            hit_lexemes = {int(row[0]): set(row[2]) for row in scored}
            extra = [int(i) for i in also_chunk_ids if int(i) not in hit_lexemes]
            all_lexemes = sorted({lexeme for _, lexeme in pairs})
            if extra and all_lexemes:
                cursor.execute(_CONTAINS, {**scope, "ids": extra, "lexemes": all_lexemes})
                hit_lexemes.update({int(row[0]): set(row[1]) for row in cursor.fetchall()})
        # A term is as common as its most common lexeme ("self-service" → self-servic, self, servic);
        # a term the configuration drops entirely (a stopword to PostgreSQL) is left out.
        counts = {
            term: max(int(frequencies.get(lexeme, 0)) for lexeme in lexemes)
            for term, lexemes in lexemes_of.items()
            if lexemes
        }
        chunk_terms = {
            chunk_id: frozenset(term for term, lexemes in lexemes_of.items() if lexemes & found)
            for chunk_id, found in hit_lexemes.items()
        }
        return LexicalSearch(
            hits=[(int(row[0]), float(row[1])) for row in scored],
            frequencies=counts,
            chunk_terms=chunk_terms,
        )

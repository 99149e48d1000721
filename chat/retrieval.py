"""Hybrid retrieval: the question's dense neighbours (vector store) and its BM25 matches (lexical
index in the database), fused by a convex combination of their normalised scores, then a relevance
decision on the result.

The vector store says which chunks are close; the database says what they are. Every candidate,
dense or lexical, is kept only if it is a chunk row of this organization, this bot and a ready
document, read in one query — so a vector left behind by a deleted, failed or re-ingested
document, or one written into the wrong namespace, can never be cited.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from bots.models import Bot
from chat import relevance
from chat.curated.matching import CuratedMatch
from chat.dense_batch import dense_batcher
from chatsphere.ai.providers import get_embedder, get_vector_store
from chatsphere.ai.types import BatchVectorStore, VectorMatch
from chatsphere.text.query import name_terms
from chatsphere.text.word_weights import word_weight
from documents.lexical import EMPTY_SEARCH, lexical_index, query_terms
from documents.models import DocumentStatus
from documents.namespaces import bot_namespace

#: Candidates asked of each index before fusion.
DENSE_CANDIDATES = 40
LEXICAL_CANDIDATES = 40
#: The dense side's weight in the fusion. The offline embedder hashes words, so it mostly repeats
#: the lexical evidence: on PubMedQA (dev) BM25 alone beat every fusion giving it more than 0.1.
#: A semantic embedder (Gemini) finds paraphrases BM25 cannot, and gets an even share.
OFFLINE_DENSE_WEIGHT = 0.1
SEMANTIC_DENSE_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class RetrievedChunk:
    #: None for a curated answer (then `curated_answer_id` says which).
    document_id: uuid.UUID | None
    chunk_index: int
    title: str
    text: str
    page: int | None
    heading: str
    #: Fused score (0-1), only comparable within one question.
    score: float
    #: The question's search words this passage contains.
    terms: frozenset[str] = frozenset()
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float = 0.0
    lexical_score: float = 0.0
    curated_answer_id: uuid.UUID | None = None


CURATED_TITLE = "Curated answer"


def curated_source(match: CuratedMatch) -> RetrievedChunk:
    """A curated answer as the first source of an answer: the owner's own words for this question."""
    return RetrievedChunk(
        document_id=None,
        chunk_index=0,
        title=CURATED_TITLE,
        text=match.answer,
        page=None,
        heading=match.question,
        score=match.score,
        curated_answer_id=match.id,
    )


@dataclass(frozen=True, slots=True)
class QuestionEvidence:
    #: How informative each search word of the question is (chatsphere.text.word_weights).
    weights: dict[str, float]
    #: Search words found in none of the bot's passages.
    unknown: frozenset[str]
    #: Search words that name something (capitalised, or codes such as "R8").
    names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Retrieval:
    #: Best first, at most the bot's top_k (kept even when not relevant, to explain a fallback).
    chunks: list[RetrievedChunk]
    relevant: bool
    #: How well the best passage answers to the question (0-1), and the bar it had to reach.
    confidence: float
    bar: float


NOTHING = Retrieval(chunks=[], relevant=False, confidence=0.0, bar=1.0)


def _match_key(match: VectorMatch) -> tuple[uuid.UUID, int] | None:
    document_id = match.metadata.get("document_id")
    index = match.metadata.get("chunk_index")
    if document_id is None or index is None:
        head, _, tail = match.id.rpartition(":")
        document_id, index = head, tail
    try:
        return uuid.UUID(str(document_id)), int(index)  # type: ignore[arg-type]  # a list or bad value raises, caught below
    except (TypeError, ValueError):
        return None


@dataclass(slots=True)
class _Candidate:
    chunk_id: int
    document_id: uuid.UUID
    chunk_index: int
    title: str
    text: str
    page: int | None
    heading: str
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float = 0.0
    lexical_score: float = 0.0
    fused: float = 0.0


# Raw SQL: this runs for every question, and building the ORM query for forty candidates cost
# more than running it.
_COLUMNS = 'SELECT c.id, c.document_id, c."index", d.title, c.text, c.page, c.heading '
_SCOPE = (
    "JOIN documents_document d ON d.id = c.document_id WHERE c.organization_id = %s AND c.bot_id = %s AND d.status = %s"
)


def _db_uuid(value: uuid.UUID) -> object:
    return value if connection.features.has_native_uuid_field else value.hex


def _scope_params(bot: Bot) -> list[object]:
    return [_db_uuid(bot.organization_id), _db_uuid(bot.id), DocumentStatus.READY.value]


def _rows(sql: str, params: Sequence[Any]) -> list[_Candidate]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        _Candidate(int(chunk_id), uuid.UUID(str(document_id)), int(index), title, text, page, heading or "")
        for chunk_id, document_id, index, title, text, page, heading in rows
    ]


def _rows_by_key(bot: Bot, keys: Sequence[tuple[uuid.UUID, int]]) -> list[_Candidate]:
    # The wanted keys drive the join, so each is one lookup in the (document, index) unique index.
    # Written as `(document_id, index) IN (...)` SQLite's planner walks the organization's whole
    # chunk index instead: tens of milliseconds per question at 10k chunks, growing with the bot.
    pairs = ", ".join(["(%s, %s)"] * len(keys))
    params = [value for document_id, index in keys for value in (_db_uuid(document_id), index)]
    sql = (
        f"WITH wanted(document_id, chunk_index) AS (VALUES {pairs}) {_COLUMNS}"
        'FROM wanted JOIN documents_chunk c ON c.document_id = wanted.document_id AND c."index" = wanted.chunk_index '
        + _SCOPE
    )
    return _rows(sql, [*params, *_scope_params(bot)])


def _rows_by_id(bot: Bot, ids: Sequence[int]) -> list[_Candidate]:
    sql = f"{_COLUMNS}FROM documents_chunk c {_SCOPE} AND c.id IN ({', '.join(['%s'] * len(ids))})"
    return _rows(sql, [*_scope_params(bot), *ids])


def _dense_candidates(matches: Sequence[VectorMatch]) -> dict[tuple[uuid.UUID, int], tuple[int, float]]:
    """Dense rank (1-based) and score of each distinct chunk key, best first."""
    ranks: dict[tuple[uuid.UUID, int], tuple[int, float]] = {}
    for match in matches:
        key = _match_key(match)
        if key is not None and key not in ranks:
            ranks[key] = (len(ranks) + 1, match.score)
    return ranks


def dense_weight() -> float:
    """The dense side's share of the fused score for the deployment's embedder."""
    configured = settings.CHATSPHERE_HYBRID_DENSE_WEIGHT
    if configured is not None:
        return configured
    return OFFLINE_DENSE_WEIGHT if get_embedder().name.startswith("offline") else SEMANTIC_DENSE_WEIGHT


def _fuse(candidates: list[_Candidate], *, dense_weight: float) -> None:
    """Convex combination of min-max normalised cosine and max-normalised BM25 (whose floor is 0).

    A candidate missing from one list scores 0 on that side, so passages both indexes rank high
    come first: where dense and lexical evidence agree, the fused ranking is surest.
    """
    dense = [c.dense_score for c in candidates if c.dense_rank is not None]
    low, high = (min(dense), max(dense)) if dense else (0.0, 0.0)
    lexical_top = max((c.lexical_score for c in candidates if c.lexical_rank is not None), default=0.0)
    for c in candidates:
        dense_part = 0.0
        if c.dense_rank is not None:
            dense_part = (c.dense_score - low) / (high - low) if high > low else 1.0
        lexical_part = c.lexical_score / lexical_top if c.lexical_rank is not None and lexical_top > 0 else 0.0
        c.fused = dense_weight * dense_part + (1.0 - dense_weight) * lexical_part


def rank(
    *,
    bot: Bot,
    question: str,
    vector: np.ndarray | None,
    limit: int,
    matches: Sequence[VectorMatch] | None = None,
) -> tuple[list[RetrievedChunk], QuestionEvidence]:
    """The bot's chunks for a question, fused from both indexes, best first (no relevance cut).
    `matches`: the vector store's DENSE_CANDIDATES for `vector`, when already searched."""
    candidates: dict[int, _Candidate] = {}
    if vector is not None:
        if matches is None:
            matches = get_vector_store().query(
                namespace=bot_namespace(bot.id), vector=vector, top_k=DENSE_CANDIDATES, include_metadata=False
            )
        dense = _dense_candidates(matches)
        if dense:
            for candidate in _rows_by_key(bot, list(dense)):
                candidate.dense_rank, candidate.dense_score = dense[(candidate.document_id, candidate.chunk_index)]
                candidates[candidate.chunk_id] = candidate
    terms = query_terms(question)
    lexical = (
        lexical_index().search(
            organization_id=bot.organization_id,
            bot_id=bot.id,
            terms=terms,
            limit=LEXICAL_CANDIDATES,
            also_chunk_ids=list(candidates),
        )
        if terms
        else EMPTY_SEARCH
    )
    lexical_ranks = {chunk_id: (position, score) for position, (chunk_id, score) in enumerate(lexical.hits, start=1)}
    missing = [chunk_id for chunk_id in lexical_ranks if chunk_id not in candidates]
    if missing:
        for candidate in _rows_by_id(bot, missing):
            candidates[candidate.chunk_id] = candidate
    for chunk_id, (position, score) in lexical_ranks.items():
        if chunk_id in candidates:
            candidates[chunk_id].lexical_rank, candidates[chunk_id].lexical_score = position, score
    _fuse(list(candidates.values()), dense_weight=dense_weight())
    evidence = QuestionEvidence(
        weights={term: word_weight(term) for term in terms},
        unknown=frozenset(term for term, count in lexical.frequencies.items() if count == 0),
        names=name_terms(question),
    )
    ordered = sorted(candidates.values(), key=lambda c: (-c.fused, str(c.document_id), c.chunk_index))[:limit]
    chunks = [
        RetrievedChunk(
            document_id=c.document_id,
            chunk_index=c.chunk_index,
            title=c.title,
            text=c.text,
            page=c.page,
            heading=c.heading,
            score=c.fused,
            terms=lexical.chunk_terms.get(c.chunk_id, frozenset()),
            dense_rank=c.dense_rank,
            lexical_rank=c.lexical_rank,
            dense_score=c.dense_score,
            lexical_score=c.lexical_score,
        )
        for c in ordered
    ]
    return chunks, evidence


def decide(bot: Bot, chunks: list[RetrievedChunk], evidence: QuestionEvidence) -> Retrieval:
    if not chunks:
        return replace(NOTHING, bar=relevance.bar(bot.strictness))
    confidence = relevance.confidence(chunks, evidence.weights, evidence.unknown, evidence.names)
    bar = relevance.bar(bot.strictness)
    return Retrieval(chunks=chunks[: bot.top_k], relevant=confidence >= bar, confidence=confidence, bar=bar)


def can_search(bot: Bot) -> bool:
    """False when the bot's vectors come from another embedder (a re-index is due): comparing
    vectors of different models would return nonsense. Lexical search needs no vectors."""
    return bool(bot.embedder) and bot.embedder == get_embedder().name


def _search(
    bot: Bot, question: str, vector: np.ndarray | None, matches: Sequence[VectorMatch] | None = None
) -> Retrieval:
    chunks, evidence = rank(
        bot=bot, question=question, vector=vector, limit=max(bot.top_k, relevance.CANDIDATES), matches=matches
    )
    return decide(bot, chunks, evidence)


async def question_vector(bot: Bot, question: str) -> np.ndarray | None:
    """The question's embedding, or None when the bot's vectors cannot be searched with it."""
    return await asyncio.to_thread(get_embedder().embed_query, question) if can_search(bot) else None


async def retrieve(*, bot: Bot, question: str, vector: np.ndarray | None) -> Retrieval:
    """The bot's best chunks for a question (`vector`: its embedding, from `question_vector`) and
    whether they answer it. Raises ProviderError when a provider fails."""
    matches = None
    if vector is not None and isinstance(get_vector_store(), BatchVectorStore):
        # Searched together with the other questions being answered now (one matrix product).
        matches = await dense_batcher().query(namespace=bot_namespace(bot.id), vector=vector, top_k=DENSE_CANDIDATES)
    # Not thread-sensitive: a remote store's network wait must not hold up the database thread
    # every other socket of this process shares; the local store opens its own connection.
    return await database_sync_to_async(_search, thread_sensitive=False)(bot, question, vector, matches)


def retrieve_sync(*, bot: Bot, question: str) -> Retrieval:
    vector = get_embedder().embed_query(question) if can_search(bot) else None
    return _search(bot, question, vector)


def rank_sync(*, bot: Bot, question: str, limit: int) -> list[RetrievedChunk]:
    """The fused ranking alone (for evaluation): best first, no relevance decision."""
    vector = get_embedder().embed_query(question) if can_search(bot) else None
    chunks, _ = rank(bot=bot, question=question, vector=vector, limit=limit)
    return chunks

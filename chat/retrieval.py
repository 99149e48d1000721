"""Retrieval: embed the question, search the bot's namespace, and read the matching chunks
from the database.

The vector store says which chunks are close; the database says what they are. Matches are
kept only for chunk rows of this organization, this bot and a document that is ready, read in
one query — so a vector left behind by a deleted, failed or re-ingested document, or one
written into the wrong namespace, can never be cited.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

import numpy as np
from channels.db import database_sync_to_async
from django.db.models import Q

from bots.models import Bot
from chatsphere.ai.providers import get_embedder, get_vector_store
from chatsphere.ai.types import VectorMatch
from documents.models import Chunk, DocumentStatus
from documents.namespaces import bot_namespace

#: Extra matches asked of the store, so that stale vectors dropped by the database check do not
#: leave the bot with fewer than top_k sources.
OVERFETCH = 2
MAX_FETCH = 100


@dataclass(frozen=True, slots=True)
class RetrievedChunk:
    document_id: uuid.UUID
    chunk_index: int
    title: str
    text: str
    page: int | None
    heading: str
    score: float


def _match_key(match: VectorMatch) -> tuple[str, int] | None:
    document_id = match.metadata.get("document_id")
    index = match.metadata.get("chunk_index")
    if document_id is None or index is None:
        head, _, tail = match.id.rpartition(":")
        document_id, index = head, tail
    try:
        return str(uuid.UUID(str(document_id))), int(index)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def chunks_for_matches(
    *, bot: Bot, matches: Sequence[VectorMatch], score_threshold: float, top_k: int
) -> list[RetrievedChunk]:
    """The chunks behind the matches above the threshold, best first, at most top_k."""
    scored: dict[tuple[str, int], float] = {}
    for match in matches:
        key = _match_key(match)
        if key is not None and match.score >= score_threshold and key not in scored:
            scored[key] = match.score
    if not scored:
        return []
    condition = reduce(or_, (Q(document_id=document_id, index=index) for document_id, index in scored))
    rows = (
        Chunk.objects.filter(organization_id=bot.organization_id, bot_id=bot.id, document__status=DocumentStatus.READY)
        .filter(condition)
        .values_list("document_id", "index", "document__title", "text", "page", "heading")
    )
    found = [
        RetrievedChunk(
            document_id=document_id,
            chunk_index=index,
            title=title,
            text=text,
            page=page,
            heading=heading,
            score=scored[(str(document_id), index)],
        )
        for document_id, index, title, text, page, heading in rows
    ]
    found.sort(key=lambda chunk: (-chunk.score, str(chunk.document_id), chunk.chunk_index))
    return found[:top_k]


def _search(bot: Bot, vector: np.ndarray) -> list[RetrievedChunk]:
    matches = get_vector_store().query(
        namespace=bot_namespace(bot.id),
        vector=vector,
        top_k=min(MAX_FETCH, bot.top_k * OVERFETCH),
        include_metadata=False,
    )
    return chunks_for_matches(bot=bot, matches=matches, score_threshold=bot.score_threshold, top_k=bot.top_k)


def can_search(bot: Bot) -> bool:
    """False when the bot has no vectors yet or its vectors come from another embedder (a
    re-index is due): comparing vectors of different models would return nonsense."""
    return bool(bot.embedder) and bot.embedder == get_embedder().name


async def retrieve(*, bot: Bot, question: str) -> list[RetrievedChunk]:
    """The bot's best chunks for a question. Raises ProviderError when a provider fails."""
    if not can_search(bot):
        return []
    vector = await asyncio.to_thread(get_embedder().embed_query, question)
    # Not thread-sensitive: a remote store's network wait must not hold up the database thread
    # every other socket of this process shares; the local store opens its own connection.
    return await database_sync_to_async(_search, thread_sensitive=False)(bot, vector)


def retrieve_sync(*, bot: Bot, question: str) -> list[RetrievedChunk]:
    if not can_search(bot):
        return []
    return _search(bot, get_embedder().embed_query(question))

"""The stored query vectors of curated questions: made with the deployment's embedder, kept as
float32 bytes with the embedder's name, and remade when the embedder changes."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from chat.models import CuratedAnswer
from chatsphere.ai.providers import get_embedder
from chatsphere.ai.types import Embedder

#: Entries re-embedded per matching call after an embedder change; the rest follow on later calls,
#: so that one visitor's question never waits for a whole bot's entries.
REFRESH_LIMIT = 20


def current_embedder() -> Embedder:
    return get_embedder()


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    return np.frombuffer(bytes(data), dtype=np.float32)


def is_current(entry: CuratedAnswer, embedder: Embedder) -> bool:
    """Whether the entry's vector was made by this embedder (a name keeps across dimensions)."""
    stored = entry.question_embedding
    return entry.embedder == embedder.name and stored is not None and len(stored) == embedder.dimension * 4


def embed_question(entry: CuratedAnswer, embedder: Embedder) -> None:
    """Set the entry's vector fields (not saved). Raises ProviderError."""
    entry.question_embedding = vector_to_bytes(embedder.embed_query(entry.question))
    entry.embedder = embedder.name


def refresh_stale(entries: Iterable[CuratedAnswer], embedder: Embedder, *, limit: int = REFRESH_LIMIT) -> int:
    """Re-embed (and save) up to `limit` entries whose vector is missing or from another embedder.
    Raises ProviderError; entries done before the failure stay saved."""
    done = 0
    for entry in entries:
        if is_current(entry, embedder):
            continue
        if done >= limit:
            break
        embed_question(entry, embedder)
        # Only the vector fields, and only if the question was not edited meanwhile.
        CuratedAnswer.objects.filter(
            organization_id=entry.organization_id, id=entry.id, question=entry.question
        ).update(question_embedding=entry.question_embedding, embedder=entry.embedder)
        done += 1
    return done

"""Background upkeep of a bot's knowledge: re-indexing, vector clean-up, stalled documents.

The tasks of `documents.tasks` call these services with ids. A service never enqueues a task: it
returns what should run next (documents to ingest) and the task enqueues it, so the two modules
don't import each other. `ProviderError`s are raised for the task's retry policy to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bots.models import Bot
from chatsphere.ai.providers import get_embedder, get_vector_store
from documents import leases
from documents.lexical import lexical_index
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.namespaces import bot_namespace


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document to ingest, by id (tasks never carry model instances)."""

    document_id: str
    organization_id: str


def bot_reindex(*, bot_id: str, organization_id: str) -> list[DocumentRef]:
    """Switch the bot to the current embedder and reset its documents; returns those to re-ingest.

    The bot row is locked so concurrent re-index requests queue up, and the second finds nothing
    left to do. A vector store failure rolls everything back, so a retry starts over.
    """
    embedder = get_embedder()
    with transaction.atomic():
        bot = Bot.objects.select_for_update().filter(id=bot_id, organization_id=organization_id).first()
        if bot is None:
            return []
        if (
            bot.embedder == embedder.name
            and not Document.objects.filter(bot=bot)
            .exclude(embedder=embedder.name)
            .exclude(status=DocumentStatus.FAILED)
            .exists()
        ):
            return []
        bot.embedder, bot.embedding_dimension = embedder.name, embedder.dimension
        bot.save(update_fields=["embedder", "embedding_dimension", "updated_at"])
        documents = list(Document.objects.filter(bot=bot).exclude(status=DocumentStatus.PROCESSING))
        # Answers keep their lexical evidence while the vectors are rebuilt.
        lexical_index().rebuild_bot(bot_id=bot.id)
        Document.objects.filter(id__in=[doc.id for doc in documents]).update(
            status=DocumentStatus.PENDING,
            stage=DocumentStage.QUEUED,
            progress=0,
            attempts=0,
            error="",
            heartbeat_at=None,
        )
        # Old vectors have another dimension or meaning: none may be searched with the new
        # embedder. Dropped before the switch commits, so a failed drop leaves the bot as it was
        # and the task's retry starts over.
        get_vector_store().delete_namespace(namespace=bot_namespace(bot_id))
    return [DocumentRef(str(doc.id), str(organization_id)) for doc in documents]


def document_vectors_delete(*, bot_id: str, document_id: str) -> None:
    """Remove a deleted document's vectors (its row may already be gone; a re-created one keeps them)."""
    if Chunk.objects.filter(document_id=document_id).exists():
        return
    get_vector_store().delete_document(namespace=bot_namespace(bot_id), document_id=document_id)


def bot_vectors_delete(*, bot_id: str) -> None:
    """Drop a deleted bot's vector namespace."""
    if Bot.objects.filter(id=bot_id).exists():
        return
    get_vector_store().delete_namespace(namespace=bot_namespace(bot_id))


def _run_is_dead(document: Document, *, stale_before: datetime) -> bool:
    alive = leases.owner_is_alive(document.id, document.claimed_by)
    if alive is None:  # the lease cannot be read: only a stale heartbeat proves the run dead
        return document.heartbeat_at is None or document.heartbeat_at < stale_before
    return not alive


def stalled_documents() -> list[DocumentRef]:
    """Documents whose run died (its lease lapsed or its process is gone), whose task could not be
    sent (the broker was down), or whose task message was lost (pending too long)."""
    stale_before = timezone.now() - timedelta(seconds=settings.CHATSPHERE_INGEST_STALL_SECONDS)
    processing = Document.objects.filter(status=DocumentStatus.PROCESSING).only(
        "id", "organization_id", "claimed_by", "heartbeat_at"
    )
    stalled = [doc for doc in processing if _run_is_dead(doc, stale_before=stale_before)]
    lost = Document.objects.filter(status=DocumentStatus.PENDING).filter(
        Q(queue_failed_at__isnull=False) | Q(updated_at__lt=stale_before)
    )
    return [
        DocumentRef(str(doc.id), str(doc.organization_id)) for doc in stalled + list(lost.only("id", "organization_id"))
    ]


def mark_queued(documents: list[DocumentRef]) -> None:
    """Their tasks were sent: a send missed while the broker was down is made up for."""
    Document.objects.filter(id__in=[ref.document_id for ref in documents], queue_failed_at__isnull=False).update(
        queue_failed_at=None
    )

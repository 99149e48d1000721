"""Celery tasks of knowledge ingestion. They take ids, re-check the organization, and call services.

Worker loss is expected: tasks are acknowledged late and rejected when their worker dies, so the
broker redelivers them; the pipeline's claim makes a second delivery harmless, its attempt
counter stops a file that kills workers from looping, and the sweeper re-queues documents whose
worker vanished.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bots.models import Bot
from chatsphere.ai.providers import get_embedder, get_vector_store
from chatsphere.ai.types import ProviderError
from documents import pipeline
from documents.lexical import lexical_index
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.namespaces import bot_namespace

logger = logging.getLogger(__name__)

INGEST_MAX_RETRIES = 5


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with full jitter, capped."""
    cap = settings.CHATSPHERE_INGEST_RETRY_BACKOFF_MAX
    return random.uniform(0, min(cap, 2 ** (retries + 2)))  # noqa: S311 - jitter, not security


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=INGEST_MAX_RETRIES,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def ingest_document(self, *, document_id: str, organization_id: str) -> str:
    try:
        outcome = pipeline.ingest(
            document_id=document_id,
            organization_id=organization_id,
            final_attempt=self.request.retries >= INGEST_MAX_RETRIES,
        )
    except pipeline.TransientIngestionError as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    return outcome.status


@shared_task(bind=True, acks_late=True, max_retries=8)
def delete_document_vectors(self, *, bot_id: str, document_id: str) -> None:
    # The document row may already be gone; only its vectors are left to remove.
    if Chunk.objects.filter(document_id=document_id).exists():
        return
    try:
        get_vector_store().delete_document(namespace=bot_namespace(bot_id), document_id=document_id)
    except ProviderError as exc:
        if not exc.transient:
            raise
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc


@shared_task(bind=True, acks_late=True, max_retries=8)
def delete_bot_vectors(self, *, bot_id: str) -> None:
    if Bot.objects.filter(id=bot_id).exists():
        return
    try:
        get_vector_store().delete_namespace(namespace=bot_namespace(bot_id))
    except ProviderError as exc:
        if not exc.transient:
            raise
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc


@shared_task(acks_late=True)
def reindex_bot(*, bot_id: str, organization_id: str) -> int:
    """Rebuild a bot's vectors with the current embedder (after the embedding model changed)."""
    embedder = get_embedder()
    with transaction.atomic():
        bot = Bot.objects.select_for_update().filter(id=bot_id, organization_id=organization_id).first()
        if bot is None:
            return 0
        if (
            bot.embedder == embedder.name
            and not Document.objects.filter(bot=bot)
            .exclude(embedder=embedder.name)
            .exclude(status=DocumentStatus.FAILED)
            .exists()
        ):
            return 0
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
    # Old vectors have another dimension or meaning: none may be searched with the new embedder.
    get_vector_store().delete_namespace(namespace=bot_namespace(bot_id))
    for document in documents:
        ingest_document.delay(document_id=str(document.id), organization_id=str(organization_id))
    return len(documents)


@shared_task
def sweep_stalled_documents() -> int:
    """Re-queue documents whose worker vanished, and documents whose task message was lost."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CHATSPHERE_INGEST_STALL_SECONDS)
    requeued = 0
    stalled = Document.objects.filter(status=DocumentStatus.PROCESSING, heartbeat_at__lt=stale_before)
    lost = Document.objects.filter(status=DocumentStatus.PENDING, updated_at__lt=stale_before)
    for document in list(stalled.only("id", "organization_id")) + list(lost.only("id", "organization_id")):
        # The claim inside the task decides: it re-runs, or fails the document after too many attempts.
        ingest_document.delay(document_id=str(document.id), organization_id=str(document.organization_id))
        requeued += 1
    if requeued:
        logger.info("re-queued %d stalled documents", requeued)
    return requeued

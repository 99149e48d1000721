"""Celery tasks of knowledge ingestion. Each takes ids and calls one service (`documents.pipeline`
or `documents.upkeep`), then enqueues what the service says should run next; retries live here.

Worker loss is expected: tasks are acknowledged late and rejected when their worker dies, so the
broker redelivers them; the pipeline's claim makes a second delivery harmless, its attempt
counter stops a file that kills workers from looping, and the sweeper re-queues documents whose
run died — every few seconds on beat's schedule, and at once when a worker (re)starts.
"""

from __future__ import annotations

import logging
import random
from typing import NoReturn

from celery import Task, shared_task
from celery.signals import worker_ready
from django.conf import settings

from chatsphere.ai.types import ProviderError
from chatsphere.errors import ServiceUnavailable
from documents import file_store, pipeline, upkeep

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
def ingest_document(self: Task, *, document_id: str, organization_id: str) -> str:
    try:
        outcome = pipeline.ingest(
            document_id=document_id,
            organization_id=organization_id,
            final_attempt=self.request.retries >= INGEST_MAX_RETRIES,
            # Run eagerly (no broker), a deferred run could only be re-run at once, in a loop.
            fair=not self.request.is_eager,
        )
    except pipeline.TransientIngestionError as exc:
        if exc.reindex_bot_id:
            reindex_bot.delay(bot_id=exc.reindex_bot_id, organization_id=organization_id)
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    if outcome.status == "deferred":
        # Not a retry: waiting for the organization's own runs uses up none of its attempts.
        ingest_document.apply_async(
            kwargs={"document_id": document_id, "organization_id": organization_id},
            countdown=settings.CHATSPHERE_INGEST_SLOT_RETRY_SECONDS * random.uniform(0.5, 1.5),  # noqa: S311 - jitter
        )
    if outcome.reindex_bot_id:
        reindex_bot.delay(bot_id=outcome.reindex_bot_id, organization_id=organization_id)
    if outcome.purge_vectors_of_bot_id:
        delete_document_vectors.delay(bot_id=outcome.purge_vectors_of_bot_id, document_id=document_id)
    return outcome.status


def _ingest_later(documents: list[upkeep.DocumentRef]) -> None:
    for ref in documents:
        ingest_document.delay(document_id=ref.document_id, organization_id=ref.organization_id)


def _retry_if_transient(task: Task, exc: ProviderError) -> NoReturn:
    """A transient provider failure is retried with backoff; any other fails the task."""
    if not exc.transient:
        raise exc
    raise task.retry(exc=exc, countdown=backoff_seconds(task.request.retries)) from exc


@shared_task(bind=True, acks_late=True, max_retries=8)
def delete_document_vectors(self: Task, *, bot_id: str, document_id: str) -> None:
    try:
        upkeep.document_vectors_delete(bot_id=bot_id, document_id=document_id)
    except ProviderError as exc:
        _retry_if_transient(self, exc)


@shared_task(bind=True, acks_late=True, max_retries=8)
def delete_bot_vectors(self: Task, *, bot_id: str) -> None:
    try:
        upkeep.bot_vectors_delete(bot_id=bot_id)
    except ProviderError as exc:
        _retry_if_transient(self, exc)


@shared_task(bind=True, acks_late=True, max_retries=8)
def delete_document_file(self: Task, *, name: str) -> None:
    """Delete the file of a deleted document (or of an upload that was not saved)."""
    try:
        file_store.delete(name)
    except ServiceUnavailable as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc


@shared_task(bind=True, acks_late=True, max_retries=8)
def reindex_bot(self: Task, *, bot_id: str, organization_id: str) -> int:
    """Rebuild a bot's vectors with the current embedder (after the embedding model changed)."""
    try:
        documents = upkeep.bot_reindex(bot_id=bot_id, organization_id=organization_id)
    except ProviderError as exc:
        _retry_if_transient(self, exc)
    _ingest_later(documents)
    return len(documents)


@shared_task
def sweep_stalled_documents() -> int:
    """Re-queue documents whose worker vanished, and documents whose task message was lost."""
    documents = upkeep.stalled_documents()
    # The claim inside the task decides: it re-runs, or fails the document after too many attempts.
    _ingest_later(documents)
    upkeep.mark_queued(documents)
    if documents:
        logger.info("re-queued %d stalled documents", len(documents))
    return len(documents)


@shared_task(
    acks_late=True,
    soft_time_limit=settings.CHATSPHERE_CRAWL_TIME_LIMIT + 60,
    time_limit=settings.CHATSPHERE_CRAWL_TIME_LIMIT + 120,
)
def crawl_website(*, website_id: str, organization_id: str) -> str:
    """Crawl a website source once (its pages' ingestion is queued as they are added)."""
    from documents import websites  # the websites services enqueue this task

    return websites.website_crawl(website_id=website_id, organization_id=organization_id)


@shared_task
def recrawl_due_websites() -> int:
    """Start the scheduled re-crawls that are due, and crawls whose task was lost."""
    from documents import websites

    due = websites.websites_due()
    for ref in due:
        crawl_website.delay(website_id=ref.website_id, organization_id=ref.organization_id)
    return len(due)


@worker_ready.connect
def _take_over_after_restart(**_: object) -> None:
    """A restarted worker picks up documents its predecessor was processing when it died, instead
    of leaving them until their messages' visibility timeout or the next sweep."""
    sweep_stalled_documents.delay()

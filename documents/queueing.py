"""Sending a document to the ingestion queue without losing it when the queue is down.

The upload is committed before its task is sent. If the broker (Redis) does not answer, the
upload still succeeds — the document is saved and says `pending` — and the row records the missed
send; the sweeper (`documents.upkeep.stalled_documents`) sends it once the broker is back.
"""

from __future__ import annotations

import logging

from celery import Task
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from documents.models import Document, DocumentStatus
from documents.tasks import ingest_document

logger = logging.getLogger(__name__)

BROKER_UNAVAILABLE = (BrokerError, RedisConnectionError, RedisTimeoutError)


def send_ingestion(*, document_id: str, organization_id: str) -> bool:
    """Queue the document's ingestion; False (and the miss recorded) when the broker is down."""
    try:
        ingest_document.delay(document_id=document_id, organization_id=organization_id)
    except BROKER_UNAVAILABLE:
        logger.warning("the task queue is unavailable: document %s will be queued when it is back", document_id)
        Document.objects.filter(id=document_id, status=DocumentStatus.PENDING).update(queue_failed_at=timezone.now())
        return False
    return True


def send_or_run_here(task: Task, **kwargs: str) -> None:
    """Queue a clean-up task (vectors of deleted knowledge); when the broker is down, run it in
    this process instead, so the deletion the user saw succeed leaves nothing behind."""
    try:
        task.delay(**kwargs)
    except BROKER_UNAVAILABLE:
        logger.warning("the task queue is unavailable: running %s here", task.name)
        task.apply(kwargs=kwargs)

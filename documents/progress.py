"""Live document status for the dashboard: each change is sent to the organization's group."""

from __future__ import annotations

import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from documents.models import Document

logger = logging.getLogger(__name__)


def documents_group(organization_id: object) -> str:
    return f"org-{organization_id}.documents"


def progress_payload(document: Document) -> dict[str, object]:
    return {
        "id": str(document.id),
        "bot_id": str(document.bot_id),
        "title": document.title,
        "status": document.status,
        "stage": document.stage,
        "progress": document.progress,
        "error": document.error,
        "chunk_count": document.chunk_count,
        "page_count": document.page_count,
    }


#: Within one stage, updates closer together than this are not sent: a progress bar moving every
#: quarter second looks live, and a large document does not flood the channel layer.
MIN_INTERVAL_SECONDS = 0.25

_last_sent: dict[str, tuple[str, str, float]] = {}


def _worth_sending(document: Document) -> bool:
    key = str(document.id)
    now = time.monotonic()
    previous = _last_sent.get(key)
    if document.status != "processing":
        _last_sent.pop(key, None)  # final states always go out
        return True
    same_stage = previous is not None and previous[:2] == (document.status, document.stage)
    if same_stage and previous is not None and now - previous[2] < MIN_INTERVAL_SECONDS:
        return False
    _last_sent[key] = (document.status, document.stage, now)
    return True


def publish_progress(document: Document) -> None:
    """Best effort: a dashboard that misses one update catches up on the next or on reload."""
    layer = get_channel_layer()
    if layer is None or not _worth_sending(document):
        return
    try:
        async_to_sync(layer.group_send)(
            documents_group(document.organization_id),
            {"type": "document.progress", "document": progress_payload(document)},
        )
    except Exception:  # the channel layer being down must never fail ingestion
        logger.warning("could not publish progress of document %s", document.id, exc_info=True)

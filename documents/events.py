"""What a document's webhook events say (`document.ready`, `document.failed`), announced after commit."""

from __future__ import annotations

from typing import Any

from chatsphere.events import EventType, emit_on_commit
from documents.models import Document, DocumentStatus


def document_status_announce(document: Document) -> None:
    """Announce that the document finished processing, ready or failed (no other status announces)."""
    event_type = {
        DocumentStatus.READY: EventType.DOCUMENT_READY,
        DocumentStatus.FAILED: EventType.DOCUMENT_FAILED,
    }.get(DocumentStatus(document.status))
    if event_type is None:
        return
    document_id, organization_id = document.id, document.organization_id
    status, error = str(document.status), document.error or None

    def build() -> dict[str, Any]:
        current = Document.objects.select_related("bot").filter(id=document_id).first()
        if current is None:  # deleted since: say what is known
            return {"document": {"id": str(document_id), "status": status}}
        return {
            "document": {
                "id": str(current.id),
                "title": current.title,
                "source": current.source,
                "url": current.url or None,
                "status": status,
                "error": error,
                "chunk_count": current.chunk_count,
                "page_count": current.page_count,
            },
            "bot": {"id": str(current.bot_id), "name": current.bot.name},
        }

    emit_on_commit(organization_id=organization_id, event_type=event_type, build_data=build)

"""Reads of documents and chunks, always scoped to one organization."""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet

from accounts.models import Organization
from bots.models import Bot
from chatsphere.errors import NotFound
from documents.models import Document, DocumentStatus


def document_list(*, organization: Organization, bot: Bot, status: str | None = None) -> QuerySet[Document]:
    documents = Document.objects.filter(organization=organization, bot=bot)
    if status:
        documents = documents.filter(status=status)
    return documents


def document_get(*, organization: Organization, document_id: uuid.UUID) -> Document:
    document = Document.objects.filter(organization=organization, id=document_id).select_related("bot").first()
    if document is None:
        raise NotFound("Document not found.")
    return document


def document_status_counts(*, organization: Organization, bot: Bot) -> dict[str, int]:

    rows = (
        Document.objects.filter(organization=organization, bot=bot)
        .values("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {status: 0 for status in DocumentStatus.values}
    counts.update({row["status"]: row["count"] for row in rows})
    return counts

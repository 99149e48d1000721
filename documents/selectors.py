"""Reads of documents and chunks, always scoped to one organization."""

from __future__ import annotations

import uuid

from django.db.models import Count, F, Q, QuerySet

from accounts.models import Organization
from accounts.tenancy import Actor
from bots.models import Bot
from chatsphere.errors import NotFound
from documents.models import (
    Chunk,
    Document,
    DocumentSource,
    DocumentStatus,
    DocumentText,
    IngestionRun,
    WebsitePage,
    WebsitePageStatus,
    WebsiteSource,
)

#: The Knowledge page's status filter: "processing" covers documents still waiting for a worker.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    DocumentStatus.READY: (DocumentStatus.READY,),
    DocumentStatus.PROCESSING: (DocumentStatus.PENDING, DocumentStatus.PROCESSING),
    DocumentStatus.FAILED: (DocumentStatus.FAILED,),
}

#: Orders of the Knowledge page: name -> ORDER BY (the id last, so pages never repeat a row).
DOCUMENT_ORDERS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "title": ("title", "id"),
    "largest": ("-size_bytes", "-created_at", "-id"),
    "passages": ("-chunk_count", "-created_at", "-id"),
}


def document_list(*, organization: Organization, bot: Bot, status: str | None = None) -> QuerySet[Document]:
    documents = Document.objects.filter(organization=organization, bot=bot)
    if status:
        documents = documents.filter(status=status)
    return documents


def document_search(
    *,
    organization: Organization,
    bot: Bot,
    query: str = "",
    status: str = "",
    source: str = "",
    order: str = "newest",
    standalone: bool = False,
) -> QuerySet[Document]:
    """A bot's documents narrowed by the Knowledge page's search (title or web address contains
    the words, in any case), status group and kind, in one of `DOCUMENT_ORDERS`; with `standalone`,
    not the pages of website sources (the page shows those in their website's group)."""
    documents = Document.objects.filter(organization=organization, bot=bot)
    if standalone:
        documents = documents.filter(website__isnull=True)
    for word in query.split():
        documents = documents.filter(Q(title__icontains=word) | Q(url__icontains=word))
    if status in STATUS_GROUPS:
        documents = documents.filter(status__in=STATUS_GROUPS[status])
    if source in DocumentSource.values:
        documents = documents.filter(source=source)
    return documents.order_by(*DOCUMENT_ORDERS.get(order, DOCUMENT_ORDERS["newest"]))


def document_group_counts(*, organization: Organization, bot: Bot, standalone: bool = False) -> dict[str, int]:
    """How many of the bot's documents are in each group of `STATUS_GROUPS`."""
    counts = document_status_counts(organization=organization, bot=bot, standalone=standalone)
    return {group: sum(counts[status] for status in statuses) for group, statuses in STATUS_GROUPS.items()}


def documents_by_ids(*, organization: Organization, bot: Bot, ids: list[uuid.UUID]) -> QuerySet[Document]:
    """The given documents that are this bot's; ids of anything else are left out."""
    return Document.objects.filter(organization=organization, bot=bot, id__in=ids).order_by("-created_at", "-id")


def document_preview(*, document: Document, limit: int = 5) -> list[Chunk]:
    """The document's first passages, as they were indexed."""
    return list(
        Chunk.objects.filter(organization_id=document.organization_id, document=document).order_by("index")[:limit]
    )


def access_document_by_id(actor: Actor, document_id: uuid.UUID, *, for_update: bool = False) -> Document:
    """The actor's document with this id; missing and another organization's give the same NotFound."""
    documents = Document.objects.select_for_update(of=("self",)) if for_update else Document.objects.all()
    document = documents.filter(organization=actor.organization, id=document_id).select_related("bot").first()
    if document is None:
        raise NotFound("Document not found.")
    return document


def document_status_counts(*, organization: Organization, bot: Bot, standalone: bool = False) -> dict[str, int]:
    documents = Document.objects.filter(organization=organization, bot=bot)
    if standalone:
        documents = documents.filter(website__isnull=True)
    rows = documents.values("status").annotate(count=Count("id")).order_by()
    counts = {status: 0 for status in DocumentStatus.values}
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


def document_counts(*, organization: Organization) -> dict[uuid.UUID, int]:
    """How many documents each bot of the organization has (bots without any are absent)."""
    rows = Document.objects.filter(organization=organization).order_by().values("bot_id").annotate(n=Count("pk"))
    return {row["bot_id"]: row["n"] for row in rows}


def _with_progress(websites: QuerySet[WebsiteSource]) -> QuerySet[WebsiteSource]:
    """Each website with its pages counted by what the crawls made of them: `pages_found`,
    `pages_checked` (by the current or last run), `pages_fetched`, `pages_ingested` (their
    document is ready), `pages_ingesting` (still being processed), `pages_failed`,
    `pages_skipped` and `pages_gone`."""
    statuses = WebsitePageStatus
    return websites.annotate(
        pages_found=Count("pages", filter=~Q(pages__status=statuses.GONE)),
        pages_checked=Count(
            "pages", filter=Q(pages__fetched_at__gte=F("last_run_started_at")) & ~Q(pages__status=statuses.GONE)
        ),
        pages_fetched=Count("pages", filter=Q(pages__status__in=[statuses.FETCHED, statuses.UNCHANGED])),
        pages_ingested=Count("pages", filter=Q(pages__document__status=DocumentStatus.READY)),
        pages_ingesting=Count(
            "pages", filter=Q(pages__document__status__in=[DocumentStatus.PENDING, DocumentStatus.PROCESSING])
        ),
        pages_failed=Count("pages", filter=Q(pages__status=statuses.FAILED)),
        pages_skipped=Count("pages", filter=Q(pages__status=statuses.SKIPPED)),
        pages_gone=Count("pages", filter=Q(pages__status=statuses.GONE)),
    )


def website_list(*, organization: Organization, bot: Bot) -> QuerySet[WebsiteSource]:
    return _with_progress(WebsiteSource.objects.filter(organization=organization, bot=bot)).order_by(
        "-created_at", "-id"
    )


def access_website_by_id(actor: Actor, website_id: uuid.UUID) -> WebsiteSource:
    """The actor's website source with this id, with its progress; another organization's is NotFound."""
    website = (
        _with_progress(WebsiteSource.objects.filter(organization=actor.organization, id=website_id))
        .select_related("bot")
        .first()
    )
    if website is None:
        raise NotFound("Website not found.")
    return website


def website_pages(*, website: WebsiteSource, status: str = "") -> QuerySet[WebsitePage]:
    pages = WebsitePage.objects.filter(organization_id=website.organization_id, website=website)
    if status:
        pages = pages.filter(status=status)
    return pages.select_related("document").order_by("depth", "id")


def document_text_parts(*, document: Document, page: int | None = None) -> QuerySet[DocumentText]:
    """The document's extracted text, part by part (a PDF's pages in order); only the parts of
    PDF page `page` when given."""
    parts = DocumentText.objects.filter(organization_id=document.organization_id, document=document)
    if page is not None:
        parts = parts.filter(page=page)
    return parts.order_by("number")


def document_text_part_number(*, document: Document, page: int) -> int | None:
    """The part where a PDF's page `page` starts; None when the document has no such page."""
    return document_text_parts(document=document, page=page).values_list("number", flat=True).first()


def document_passages(*, document: Document, query: str = "") -> QuerySet[Chunk]:
    """The document's passages in order, narrowed to those containing every word of `query`
    (in their text or heading, in any case)."""
    chunks = Chunk.objects.filter(organization_id=document.organization_id, document=document)
    for word in query.split()[:20]:
        chunks = chunks.filter(Q(text__icontains=word) | Q(heading__icontains=word))
    return chunks.order_by("index")


def document_runs(*, document: Document) -> QuerySet[IngestionRun]:
    """The document's ingestion runs, newest first."""
    return IngestionRun.objects.filter(organization_id=document.organization_id, document=document).order_by(
        "-started_at", "-id"
    )

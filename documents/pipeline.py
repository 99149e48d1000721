"""Ingestion of one document: extract → normalise → chunk → embed → upsert → ready.

Safe to run any number of times and from any number of workers:
- a run first *claims* the document (one conditional write); a second delivery of the same task
  finds it claimed, with a fresh heartbeat, and does nothing;
- vector ids are deterministic (`<document_id>:<n>`), so a re-run overwrites its own vectors and
  then removes ids it no longer produces;
- a document deleted while it is processed has its vectors removed by whichever side finishes last;
- a run that dies (worker killed, out of memory) leaves a stale heartbeat: the sweeper re-queues
  the document, and after `CHATSPHERE_INGEST_MAX_ATTEMPTS` runs it is marked failed instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bots.models import Bot
from chatsphere.ai.providers import get_embedder, get_vector_store
from chatsphere.ai.types import Embedder, ProviderError, VectorRecord
from documents.ingestion import (
    ChunkDraft,
    ExtractionError,
    ExtractionLimits,
    FetchError,
    UnsupportedFileType,
    chunk_sections,
    detect_type,
    extract_safely,
    fetch_url,
)
from documents.lexical import lexical_index
from documents.models import Chunk, Document, DocumentSource, DocumentStage, DocumentStatus
from documents.namespaces import bot_namespace, vector_id
from documents.progress import publish_progress

logger = logging.getLogger(__name__)

#: Metadata of one vector must stay under Pinecone's 40 KB; the text is what citations quote.
MAX_METADATA_TEXT = 8000
UPSERT_BATCH = 200


class TransientIngestionError(Exception):
    """A provider or network failure worth retrying later."""


class DocumentGone(Exception):
    """The document was deleted, or reset for re-ingestion, while this run worked on it."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    detail: str = ""


# --- claiming and state -------------------------------------------------------------------------


def _claim(*, document_id: str, organization_id: str) -> Document | None:
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CHATSPHERE_INGEST_STALL_SECONDS)
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("bot")
            .filter(id=document_id, organization_id=organization_id)
            .first()
        )
        if document is None or document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            return None
        if (
            document.status == DocumentStatus.PROCESSING
            and document.heartbeat_at is not None
            and document.heartbeat_at > stale_before
        ):
            return None  # another worker holds it
        if document.attempts >= settings.CHATSPHERE_INGEST_MAX_ATTEMPTS:
            _mark_failed(
                document,
                f"Processing stopped unexpectedly {document.attempts} times (the file may be too large or "
                "malformed for the worker). Check the file and re-ingest it.",
            )
            return None
        document.status = DocumentStatus.PROCESSING
        document.stage = DocumentStage.FETCHING if document.source == DocumentSource.URL else DocumentStage.EXTRACTING
        document.progress = 1
        document.error = ""
        document.attempts += 1
        document.heartbeat_at = now
        document.save(update_fields=["status", "stage", "progress", "error", "attempts", "heartbeat_at", "updated_at"])
    publish_progress(document)
    return document


def _advance(document: Document, stage: str, progress: int) -> None:
    """Save the stage and progress (also the heartbeat); stop if the document is no longer ours."""
    now = timezone.now()
    updated = Document.objects.filter(id=document.id, status=DocumentStatus.PROCESSING).update(
        stage=stage, progress=progress, heartbeat_at=now, updated_at=now
    )
    if not updated:
        raise DocumentGone
    document.stage, document.progress, document.heartbeat_at = stage, progress, now
    publish_progress(document)


def _purge_vectors(document: Document) -> None:
    try:
        get_vector_store().delete_document(namespace=bot_namespace(document.bot_id), document_id=str(document.id))
    except ProviderError:
        # Retrieval only cites chunks of ready documents, so leftovers are never shown; the
        # delete task retries the purge.
        logger.warning("could not purge vectors of document %s now; queued", document.id, exc_info=True)
        from documents.tasks import delete_document_vectors

        delete_document_vectors.delay(bot_id=str(document.bot_id), document_id=str(document.id))


def _delete_chunks(document: Document) -> None:
    """Delete the document's chunks and their lexical index rows, in the caller's transaction."""
    with transaction.atomic():
        lexical_index().remove_document(bot_id=document.bot_id, document_id=document.id)
        Chunk.objects.filter(document_id=document.id).delete()


def _mark_failed(document: Document, message: str) -> None:
    _delete_chunks(document)
    now = timezone.now()
    Document.objects.filter(id=document.id).update(
        status=DocumentStatus.FAILED,
        error=message[:2000],
        heartbeat_at=None,
        chunk_count=0,
        token_count=0,
        updated_at=now,
    )
    document.status, document.error = DocumentStatus.FAILED, message[:2000]
    transaction.on_commit(lambda: _purge_vectors(document))
    transaction.on_commit(lambda: publish_progress(document))


def _release_for_retry(document: Document, message: str) -> None:
    # A transient failure is not the document's fault: it does not use up one of its attempts.
    Document.objects.filter(id=document.id, status=DocumentStatus.PROCESSING).update(
        status=DocumentStatus.PENDING,
        stage=DocumentStage.QUEUED,
        error=message[:2000],
        heartbeat_at=None,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )
    document.status, document.error = DocumentStatus.PENDING, message
    publish_progress(document)


# --- the stages ---------------------------------------------------------------------------------


def _read_source(document: Document) -> tuple[bytes, str, str | None]:
    """The document's bytes, their type, and a title found on the way (web pages)."""
    if document.source == DocumentSource.URL:
        try:
            page = fetch_url(
                document.url,
                allow_private=settings.CHATSPHERE_ALLOW_PRIVATE_URLS,
                timeout=settings.CHATSPHERE_FETCH_TIMEOUT,
                max_bytes=settings.CHATSPHERE_MAX_UPLOAD_MB * 1024 * 1024,
            )
        except FetchError as exc:
            if getattr(exc, "transient", False):
                raise TransientIngestionError(str(exc)) from exc
            raise
        name = page.final_url.rsplit("/", 1)[-1] or "page.html"
        if "html" in (page.content_type or ""):
            name = "page.html"
        return page.content, str(detect_type(page.content, name)), None
    with document.file.open("rb") as handle:
        data = handle.read()
    return data, document.content_type or str(detect_type(data, document.file.name)), None


def _limits() -> ExtractionLimits:
    return ExtractionLimits(
        timeout_seconds=settings.CHATSPHERE_EXTRACTION_TIMEOUT,
        memory_mb=settings.CHATSPHERE_EXTRACTION_MEMORY_MB,
        max_pages=settings.CHATSPHERE_EXTRACTION_MAX_PAGES,
    )


def _ensure_bot_embedder(bot: Bot, embedder: Embedder) -> None:
    """Record which embedder a bot's vectors come from; a different one means re-indexing."""
    if not bot.embedder:
        Bot.objects.filter(id=bot.id, embedder="").update(
            embedder=embedder.name, embedding_dimension=embedder.dimension
        )
        bot.refresh_from_db(fields=["embedder", "embedding_dimension"])
    if bot.embedder != embedder.name:
        from documents.tasks import reindex_bot

        transaction.on_commit(lambda: reindex_bot.delay(bot_id=str(bot.id), organization_id=str(bot.organization_id)))
        raise TransientIngestionError(
            "The bot's knowledge is being rebuilt for the new embedding model; this document follows."
        )


def _metadata(document: Document, draft: ChunkDraft) -> dict[str, object]:
    metadata: dict[str, object] = {
        "document_id": str(document.id),
        "chunk_index": draft.index,
        "title": document.title[:300],
        "text": draft.text[:MAX_METADATA_TEXT],
    }
    if draft.page is not None:
        metadata["page"] = draft.page
    if draft.heading:
        metadata["heading"] = draft.heading[:300]
    return metadata


def _embed_and_upsert(document: Document, drafts: list[ChunkDraft], embedder: Embedder) -> None:
    store = get_vector_store()
    namespace = bot_namespace(document.bot_id)
    batch_size = max(1, settings.CHATSPHERE_EMBED_BATCH)
    pending: list[VectorRecord] = []
    total = len(drafts)
    for start in range(0, total, batch_size):
        batch = drafts[start : start + batch_size]
        vectors = embedder.embed_documents([draft.text for draft in batch], titles=[document.title] * len(batch))
        pending.extend(
            VectorRecord(id=vector_id(document.id, draft.index), values=vector, metadata=_metadata(document, draft))
            for draft, vector in zip(batch, vectors, strict=True)
        )
        _advance(document, DocumentStage.EMBEDDING, 30 + int(50 * min(start + len(batch), total) / total))
    _advance(document, DocumentStage.INDEXING, 80)
    for start in range(0, len(pending), UPSERT_BATCH):
        store.upsert(namespace=namespace, records=pending[start : start + UPSERT_BATCH])
        _advance(document, DocumentStage.INDEXING, 80 + int(15 * min(start + UPSERT_BATCH, total) / total))
    wanted = {record.id for record in pending}
    stale = [
        vid for vid in store.list_document_ids(namespace=namespace, document_id=str(document.id)) if vid not in wanted
    ]
    if stale:
        store.delete_ids(namespace=namespace, ids=stale)


def _finish(
    document: Document, drafts: list[ChunkDraft], *, page_count: int | None, title: str | None, embedder: Embedder
) -> None:
    with transaction.atomic():
        still_ours = (
            Document.objects.select_for_update().filter(id=document.id, status=DocumentStatus.PROCESSING).exists()
        )
        if not still_ours:
            raise DocumentGone
        _delete_chunks(document)
        Chunk.objects.bulk_create(
            [
                Chunk(
                    organization_id=document.organization_id,
                    bot_id=document.bot_id,
                    document_id=document.id,
                    index=draft.index,
                    text=draft.text,
                    page=draft.page,
                    heading=(draft.heading or "")[:500],
                    token_count=draft.token_count,
                    content_hash=draft.content_hash,
                )
                for draft in drafts
            ],
            batch_size=500,
        )
        lexical_index().add_document(bot_id=document.bot_id, document_id=document.id)
        now = timezone.now()
        fields = {
            "status": DocumentStatus.READY,
            "stage": DocumentStage.DONE,
            "progress": 100,
            "error": "",
            "heartbeat_at": None,
            "chunk_count": len(drafts),
            "token_count": sum(draft.token_count for draft in drafts),
            "embedder": embedder.name,
            "embedding_dimension": embedder.dimension,
            "indexed_at": now,
            "page_count": page_count,
            "updated_at": now,
        }
        if title and document.source == DocumentSource.URL and document.title == document.url:
            fields["title"] = title[:255]
        Document.objects.filter(id=document.id).update(**fields)
        for name, value in fields.items():
            setattr(document, name, value)
    publish_progress(document)


def _run(document: Document) -> None:
    data, kind, _ = _read_source(document)
    _advance(document, DocumentStage.EXTRACTING, 5)
    extracted = extract_safely(data, kind, limits=_limits())
    _advance(document, DocumentStage.CHUNKING, 20)
    bot = document.bot
    drafts = chunk_sections(
        extracted.sections,
        chunk_tokens=bot.chunk_tokens or settings.CHATSPHERE_CHUNK_TOKENS,
        overlap_tokens=bot.chunk_overlap if bot.chunk_overlap is not None else settings.CHATSPHERE_CHUNK_OVERLAP,
    )
    if not drafts:
        hint = " It may be a scanned image without a text layer." if kind == "pdf" else ""
        raise ExtractionError(f"No text could be extracted from this document.{hint}")
    embedder = get_embedder()
    _ensure_bot_embedder(bot, embedder)
    _advance(document, DocumentStage.EMBEDDING, 30)
    _embed_and_upsert(document, drafts, embedder)
    _finish(document, drafts, page_count=extracted.page_count, title=extracted.title, embedder=embedder)


def ingest(*, document_id: str, organization_id: str, final_attempt: bool) -> Outcome:
    """Run ingestion once. Raises TransientIngestionError when a later retry may succeed."""
    document = _claim(document_id=document_id, organization_id=organization_id)
    if document is None:
        return Outcome("skipped")
    started = time.perf_counter()
    try:
        _run(document)
    except DocumentGone:
        _purge_vectors(document)
        return Outcome("gone")
    except (ProviderError, TransientIngestionError) as exc:
        transient = isinstance(exc, TransientIngestionError) or exc.transient
        message = exc.message if isinstance(exc, ProviderError) else str(exc)
        if transient and not final_attempt:
            _release_for_retry(document, f"Temporary problem, retrying: {message}")
            raise TransientIngestionError(message) from exc
        _mark_failed(document, message if not transient else f"Gave up after several tries: {message}")
        return Outcome("failed", message)
    except (ExtractionError, UnsupportedFileType, FetchError) as exc:
        _mark_failed(document, str(exc))
        return Outcome("failed", str(exc))
    except SoftTimeLimitExceeded:
        message = "Processing this document took too long; try splitting it into smaller files."
        _mark_failed(document, message)
        return Outcome("failed", message)
    except Exception:
        logger.exception("ingestion of document %s failed", document_id)
        message = "An unexpected error stopped processing this document. Re-ingest it to try again."
        _mark_failed(document, message)
        return Outcome("failed", message)
    logger.info(
        "document %s ready: %d chunks in %.2fs", document_id, document.chunk_count, time.perf_counter() - started
    )
    return Outcome("ready")

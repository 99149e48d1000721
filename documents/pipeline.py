"""Ingestion of one document: extract → normalise → chunk → embed → upsert → ready.

Safe to run any number of times and from any number of workers:
- a run first *claims* the document (one conditional write) and holds a lease on it
  (`documents.leases`); a second delivery of the same task finds a live owner and does nothing,
  while a redelivery after the owner died takes the document over at once;
- vector ids are deterministic (`<document_id>:<n>`), so a re-run overwrites its own vectors and
  then removes ids it no longer produces;
- a document deleted while it is processed has its vectors removed by whichever side finishes last;
- a run that dies (worker killed, out of memory) stops renewing its lease: the redelivered task or
  the sweeper takes the document over, and after `CHATSPHERE_INGEST_MAX_ATTEMPTS` runs it is
  marked failed instead, naming the stage the last run died in.

Work is bounded whatever the file's size: the passages are counted before anything is embedded
(a document over `CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT` fails, naming the limit and its size), then —
unless there are few enough to keep — made again batch by batch: embed a batch, upsert it, drop
it; and once more for the chunk rows, which are written with the lexical index in the final
transaction. The status is `ready` only when all of that is in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bots.models import Bot
from chatsphere import metrics
from chatsphere.ai.providers import get_embedder, get_vector_store
from chatsphere.ai.types import Embedder, Metadata, ProviderError, VectorRecord
from chatsphere.errors import ServiceUnavailable
from documents import file_store, leases, org_slots, runs
from documents.events import document_status_announce
from documents.ingestion import (
    ChunkDraft,
    ExtractionError,
    ExtractionLimits,
    FetchError,
    Section,
    UnsupportedFileType,
    detect_type,
    extract_safely,
    fetch_url,
    iter_chunks,
    text_parts,
)
from documents.lexical import lexical_index
from documents.models import (
    Chunk,
    Document,
    DocumentSource,
    DocumentStage,
    DocumentStatus,
    DocumentText,
    IngestionOutcome,
)
from documents.namespaces import bot_namespace, vector_id
from documents.progress import publish_progress
from documents.quotas import content_over_quota

logger = logging.getLogger(__name__)

#: Metadata of one vector must stay under Pinecone's 40 KB; the text is what citations quote.
MAX_METADATA_TEXT = 8000
UPSERT_BATCH = 200
CHUNK_ROW_BATCH = 500
#: Parts of extracted text written at a time (each at most MAX_PART_CHARS characters).
TEXT_ROW_BATCH = 50
#: Passages of one document kept in memory between stages (a few MB); larger documents stream.
KEEP_PASSAGES = 1000


class TransientIngestionError(Exception):
    """A provider or network failure worth retrying later. `reindex_bot_id` names a bot whose
    knowledge must be rebuilt first (its embedding model changed); the task enqueues that."""

    def __init__(self, message: str, *, reindex_bot_id: str = "") -> None:
        super().__init__(message)
        self.reindex_bot_id = reindex_bot_id


class DocumentGone(Exception):
    """The document was deleted, or reset for re-ingestion, while this run worked on it."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a run ended, and what the task enqueues next (the pipeline never enqueues tasks)."""

    status: str
    detail: str = ""
    #: The bot whose knowledge must be rebuilt with the current embedding model.
    reindex_bot_id: str = ""
    #: The bot of a deleted document whose vectors could not be purged now.
    purge_vectors_of_bot_id: str = ""


# --- claiming and state -------------------------------------------------------------------------


def _held_by_another_run(document: Document, *, stale_before: datetime) -> bool:
    """Whether a live run is processing the document. A run whose process died, or whose lease
    lapsed, is taken over at once; only when the lease cannot be read does the row's heartbeat
    decide."""
    if document.status != DocumentStatus.PROCESSING:
        return False
    alive = leases.owner_is_alive(document.id, document.claimed_by)
    if alive is not None:
        return alive
    return document.heartbeat_at is not None and document.heartbeat_at > stale_before


def _claim(*, document_id: str, organization_id: str, owner: str) -> Document | None:
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
        if _held_by_another_run(document, stale_before=stale_before):
            return None
        # Whoever held the document before is gone (or the document waited in the queue): its
        # last sign of life is when a run recorded as still running stopped.
        previous_heartbeat = document.heartbeat_at
        if document.attempts >= settings.CHATSPHERE_INGEST_MAX_ATTEMPTS:
            # The stage stays where the last run died, so the owner sees where it failed.
            stage = DocumentStage(document.stage).label.lower() if document.stage in DocumentStage.values else ""
            _mark_failed(
                document,
                f"Processing stopped unexpectedly {document.attempts} times"
                + (f", the last time while {stage}" if stage else "")
                + " (the file may be too large or malformed for the worker). Check the file and re-ingest it.",
            )
            claimed = None
        else:
            claimed = _take(document, owner=owner, now=now)
    # The history is written once the claim is committed, so the claim's lock on the document
    # stays as short as it was; a run killed in between has no record of its own.
    with transaction.atomic():
        runs.runs_interrupt(document_id=document.id, stopped_at=previous_heartbeat or now)
        if claimed is not None:
            runs.run_start(document=claimed.document, worker=owner, queued_at=claimed.queued_at, started_at=now)
    if claimed is None:
        return None
    publish_progress(document)
    return document


@dataclass(frozen=True, slots=True)
class _Claimed:
    document: Document
    #: When the document was queued for this run (None when a dead run's document is taken over).
    queued_at: datetime | None


def _take(document: Document, *, owner: str, now: datetime) -> _Claimed:
    """Make `owner` the document's run (in the claim's transaction)."""
    # The last write to a waiting document is the one that queued it.
    queued_at = document.updated_at if document.status == DocumentStatus.PENDING else None
    document.status = DocumentStatus.PROCESSING
    document.stage = DocumentStage.FETCHING if document.source == DocumentSource.URL else DocumentStage.EXTRACTING
    document.progress = 1
    document.error = ""
    document.attempts += 1
    document.heartbeat_at = now
    document.claimed_by = owner
    leases.grant(document.id, owner)
    document.save(
        update_fields=["status", "stage", "progress", "error", "attempts", "heartbeat_at", "claimed_by", "updated_at"]
    )
    return _Claimed(document=document, queued_at=queued_at)


def _advance(document: Document, stage: str, progress: int) -> None:
    """Save the stage and progress (also the heartbeat); stop if the document is no longer ours."""
    now = timezone.now()
    updated = Document.objects.filter(id=document.id, status=DocumentStatus.PROCESSING).update(
        stage=stage, progress=progress, heartbeat_at=now, updated_at=now
    )
    if not updated:
        raise DocumentGone
    if stage != document.stage:
        runs.run_reached(document_id=document.id, worker=document.claimed_by, stage=stage)
    document.stage, document.progress, document.heartbeat_at = stage, progress, now
    publish_progress(document)


def _purge_vectors(document: Document) -> bool:
    """Whether the document's vectors are gone; if not, the delete task retries the purge."""
    try:
        get_vector_store().delete_document(namespace=bot_namespace(document.bot_id), document_id=str(document.id))
    except ProviderError:
        # Retrieval only cites chunks of ready documents, so leftovers are never shown meanwhile.
        logger.warning("could not purge vectors of document %s now; queued", document.id, exc_info=True)
        return False
    return True


def _delete_chunks(document: Document) -> None:
    """Delete the document's chunks, their lexical index rows and its extracted text, in the
    caller's transaction."""
    with transaction.atomic():
        lexical_index().remove_document(bot_id=document.bot_id, document_id=document.id)
        Chunk.objects.filter(document_id=document.id).delete()
        DocumentText.objects.filter(document_id=document.id).delete()


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
    if document.claimed_by:
        runs.run_end(
            document_id=document.id, worker=document.claimed_by, outcome=IngestionOutcome.FAILED, error=message
        )
    transaction.on_commit(lambda: _purge_vectors(document))
    transaction.on_commit(lambda: publish_progress(document))
    document_status_announce(document)


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
    runs.run_end(document_id=document.id, worker=document.claimed_by, outcome=IngestionOutcome.RETRYING, error=message)
    document.status, document.error = DocumentStatus.PENDING, message
    publish_progress(document)


# --- the stages ---------------------------------------------------------------------------------


def _read_source(document: Document) -> tuple[bytes, str, str | None]:
    """The document's bytes, their type, and a title found on the way (web pages)."""
    if document.source == DocumentSource.URL and not document.file:
        # A single page is fetched now; a crawled page was kept as the crawl fetched it.
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
    try:
        data = file_store.read(document)
    except FileNotFoundError as exc:
        raise ExtractionError("The uploaded file is missing from the file storage; upload it again.") from exc
    except ServiceUnavailable as exc:
        # The storage is down, not the document: it is read again when the task is retried.
        raise TransientIngestionError(exc.message) from exc
    return data, document.content_type or str(detect_type(data, document.file.name or "")), None


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
        raise TransientIngestionError(
            "The bot's knowledge is being rebuilt for the new embedding model; this document follows.",
            reindex_bot_id=str(bot.id),
        )


def _metadata(document: Document, draft: ChunkDraft) -> Metadata:
    metadata: Metadata = {
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


@dataclass(frozen=True, slots=True)
class _Passages:
    """How a document's passages are made. A document of up to KEEP_PASSAGES passages keeps them
    (they are made once); a larger one makes them again on each pass, so none is held for longer
    than one batch and memory stays the same whatever the document's size."""

    sections: list[Section]
    chunk_tokens: int
    overlap_tokens: int
    kept: tuple[ChunkDraft, ...] | None = None

    def __iter__(self) -> Iterator[ChunkDraft]:
        if self.kept is not None:
            return iter(self.kept)
        return iter_chunks(self.sections, chunk_tokens=self.chunk_tokens, overlap_tokens=self.overlap_tokens)

    def batches(self, size: int) -> Iterator[list[ChunkDraft]]:
        drafts = iter(self)
        while batch := list(islice(drafts, size)):
            yield batch


@dataclass(frozen=True, slots=True)
class _Size:
    chunks: int
    tokens: int


def _measure_within_limit(passages: _Passages) -> tuple[_Size, _Passages]:
    """Count the passages before anything is embedded, and refuse a document over the limit.
    Returns the passages to use from then on (kept, when there are few)."""
    limit = settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT
    chunks = tokens = 0
    kept: list[ChunkDraft] | None = []
    for draft in passages:
        chunks += 1
        tokens += draft.token_count
        if kept is not None:
            kept.append(draft)
            if len(kept) > KEEP_PASSAGES:
                kept = None
    if limit and chunks > limit:
        raise ExtractionError(
            f"This document makes {chunks:,} passages ({tokens:,} tokens); the limit is {limit:,} passages "
            "per document (CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT). Split it into smaller files and add them "
            "separately, or ask your administrator to raise the limit."
        )
    if kept is not None:
        passages = replace(passages, kept=tuple(kept))
    return _Size(chunks=chunks, tokens=tokens), passages


def _is_stale(vid: str, *, chunk_count: int) -> bool:
    """Whether a vector id of the document is beyond the passages this run produced."""
    index = vid.rsplit(":", 1)[-1]
    return not (index.isdigit() and int(index) < chunk_count)


def _embed_and_upsert(document: Document, passages: _Passages, size: _Size, embedder: Embedder) -> None:
    """Embed and upsert one batch at a time, so memory stays flat whatever the document's size."""
    store = get_vector_store()
    namespace = bot_namespace(document.bot_id)
    embed_batch = max(1, settings.CHATSPHERE_EMBED_BATCH)
    done = 0
    # One upsert (and one progress save) per UPSERT_BATCH passages, embedded EMBED_BATCH at a time.
    for batch in passages.batches(UPSERT_BATCH):
        records: list[VectorRecord] = []
        for start in range(0, len(batch), embed_batch):
            part = batch[start : start + embed_batch]
            vectors = embedder.embed_documents([draft.text for draft in part], titles=[document.title] * len(part))
            records.extend(
                VectorRecord(id=vector_id(document.id, draft.index), values=vector, metadata=_metadata(document, draft))
                for draft, vector in zip(part, vectors, strict=True)
            )
        store.upsert(namespace=namespace, records=records)
        done += len(batch)
        _advance(document, DocumentStage.EMBEDDING, 30 + int(65 * done / size.chunks))
    _advance(document, DocumentStage.INDEXING, 95)
    stale = [
        vid
        for vid in store.list_document_ids(namespace=namespace, document_id=str(document.id))
        if _is_stale(vid, chunk_count=size.chunks)
    ]
    if stale:
        store.delete_ids(namespace=namespace, ids=stale)


def _chunk_rows(document: Document, batch: list[ChunkDraft]) -> list[Chunk]:
    return [
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
        for draft in batch
    ]


def _write_text(document: Document, sections: list[Section]) -> None:
    """Store the extracted text a part at a time (a few MB at most in memory)."""
    parts = text_parts(sections)
    while batch := list(islice(parts, TEXT_ROW_BATCH)):
        DocumentText.objects.bulk_create(
            DocumentText(
                organization_id=document.organization_id,
                document_id=document.id,
                number=part.number,
                page=part.page,
                heading=part.heading,
                text=part.text,
            )
            for part in batch
        )


def _finish(
    document: Document,
    passages: _Passages,
    size: _Size,
    *,
    page_count: int | None,
    title: str | None,
    embedder: Embedder,
) -> None:
    with transaction.atomic():
        still_ours = (
            Document.objects.select_for_update().filter(id=document.id, status=DocumentStatus.PROCESSING).exists()
        )
        if not still_ours:
            raise DocumentGone
        _delete_chunks(document)
        # The rows are written a batch at a time, but in this one transaction with the lexical
        # index, so the document's passages are searchable all at once or not at all.
        for batch in passages.batches(CHUNK_ROW_BATCH):
            Chunk.objects.bulk_create(_chunk_rows(document, batch))
        _write_text(document, passages.sections)
        lexical_index().add_document(bot_id=document.bot_id, document_id=document.id)
        now = timezone.now()
        fields = {
            "status": DocumentStatus.READY,
            "stage": DocumentStage.DONE,
            "progress": 100,
            "error": "",
            "heartbeat_at": None,
            "chunk_count": size.chunks,
            "token_count": size.tokens,
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
        runs.run_end(
            document_id=document.id,
            worker=document.claimed_by,
            outcome=IngestionOutcome.READY,
            chunk_count=size.chunks,
        )
        document_status_announce(document)
    publish_progress(document)


def _run(document: Document) -> None:
    data, kind, _ = _read_source(document)
    _advance(document, DocumentStage.EXTRACTING, 5)
    extracted = extract_safely(data, kind, limits=_limits())
    del data  # the file's bytes are not needed past extraction
    _advance(document, DocumentStage.CHUNKING, 20)
    bot = document.bot
    passages = _Passages(
        sections=extracted.sections,
        chunk_tokens=bot.chunk_tokens or settings.CHATSPHERE_CHUNK_TOKENS,
        overlap_tokens=bot.chunk_overlap if bot.chunk_overlap is not None else settings.CHATSPHERE_CHUNK_OVERLAP,
    )
    size, passages = _measure_within_limit(passages)
    if not size.chunks:
        hint = " It may be a scanned image without a text layer." if kind == "pdf" else ""
        raise ExtractionError(f"No text could be extracted from this document.{hint}")
    if over_quota := content_over_quota(document=document, pages=extracted.page_count or 0, chunks=size.chunks):
        raise ExtractionError(over_quota)
    embedder = get_embedder()
    _ensure_bot_embedder(bot, embedder)
    _advance(document, DocumentStage.EMBEDDING, 30)
    _embed_and_upsert(document, passages, size, embedder)
    _finish(document, passages, size, page_count=extracted.page_count, title=extracted.title, embedder=embedder)


def ingest(*, document_id: str, organization_id: str, final_attempt: bool, fair: bool = True) -> Outcome:
    """Run ingestion once. Raises TransientIngestionError when a later retry may succeed.

    With `fair`, the run first takes one of its organization's slots (`documents.org_slots`);
    when they are all taken it does nothing and answers `deferred`: the task queues it again."""
    owner = leases.new_owner()
    slot = org_slots.take(organization_id, owner) if fair else org_slots.Slot("", owner)
    if slot is None:
        return Outcome("deferred")
    with slot:
        document = _claim(document_id=document_id, organization_id=organization_id, owner=owner)
        if document is None:
            return Outcome("skipped")
        started = time.perf_counter()
        with leases.Renewal(document.id, owner):
            try:
                outcome = _run_claimed(document, final_attempt=final_attempt)
            except TransientIngestionError:
                metrics.ingestion_finished(outcome="retrying", seconds=time.perf_counter() - started)
                raise
    pages = (document.page_count or 1) if outcome.status == "ready" else 0
    metrics.ingestion_finished(outcome=outcome.status, seconds=time.perf_counter() - started, pages=pages)
    return outcome


def _run_claimed(document: Document, *, final_attempt: bool) -> Outcome:
    document_id = str(document.id)
    started = time.perf_counter()
    try:
        _run(document)
    except DocumentGone:
        runs.run_end(
            document_id=document.id,
            worker=document.claimed_by,
            outcome=IngestionOutcome.CANCELLED,
            error="The document was deleted or reset while it was being processed.",
        )
        purged = _purge_vectors(document)
        return Outcome("gone", purge_vectors_of_bot_id="" if purged else str(document.bot_id))
    except (ProviderError, TransientIngestionError) as exc:
        transient = isinstance(exc, TransientIngestionError) or exc.transient
        message = exc.message if isinstance(exc, ProviderError) else str(exc)
        reindex_bot_id = exc.reindex_bot_id if isinstance(exc, TransientIngestionError) else ""
        if transient and not final_attempt:
            _release_for_retry(document, f"Temporary problem, retrying: {message}")
            raise TransientIngestionError(message, reindex_bot_id=reindex_bot_id) from exc
        _mark_failed(document, message if not transient else f"Gave up after several tries: {message}")
        return Outcome("failed", message, reindex_bot_id=reindex_bot_id)
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

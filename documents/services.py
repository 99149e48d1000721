"""Writes for documents: add knowledge to a bot (file, text, web page), delete it, re-ingest it.

Everything is validated before anything is stored; ingestion itself runs in a Celery task
(`documents.tasks.ingest_document`), enqueued after the transaction commits.
"""

from __future__ import annotations

import hashlib
import ipaddress
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from audit.models import AuditAction
from audit.services import audit_record
from bots.models import Bot
from chatsphere.errors import ApplicationError, Conflict, PayloadTooLarge
from documents import eager, file_store, queueing, selectors
from documents.file_names import document_file_name
from documents.ingestion import UnsupportedFileType, detect_type, is_encrypted_pdf
from documents.models import Document, DocumentSource, DocumentStage, DocumentStatus, WebsiteSource
from documents.quotas import check_room_for_document
from documents.tasks import delete_document_file, delete_document_vectors, ingest_document

MAX_TITLE_LENGTH = 255


def _max_upload_bytes() -> int:
    return settings.CHATSPHERE_MAX_UPLOAD_MB * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _refuse_duplicate(*, bot: Bot, sha256: str) -> None:
    existing = Document.objects.filter(bot=bot, sha256=sha256).only("id", "title").first()
    if existing is not None:
        raise Conflict(
            f"This content is already in this bot as “{existing.title}”.",
            code="duplicate_document",
            extra={"document_id": str(existing.id)},
        )


def _enqueue(document: Document) -> None:
    document_id, organization_id = str(document.id), str(document.organization_id)

    def enqueue() -> None:
        if eager.runs_after_response():
            # The embedded default: the page answers at once, the row turns Ready live.
            eager.run_after_response(
                lambda: ingest_document.delay(document_id=document_id, organization_id=organization_id)
            )
        else:
            queueing.send_ingestion(document_id=document_id, organization_id=organization_id)

    transaction.on_commit(enqueue)


def _create_with_file(document: Document, *, filename: str, data: bytes, field: str) -> Document:
    """Store the file, then save the row: both or neither. The file is stored before the bot is
    locked, so a slow storage never holds up the bot's other uploads."""
    bot = document.bot
    _refuse_duplicate(bot=bot, sha256=document.sha256)  # most duplicates never reach the storage
    stored_name = file_store.save(document, document_file_name(document.id, filename), data)
    committed = False

    def mark_committed() -> None:
        nonlocal committed
        committed = True

    try:
        with transaction.atomic():
            Bot.objects.select_for_update().filter(pk=bot.pk).first()  # serialise duplicate checks per bot
            _refuse_duplicate(bot=bot, sha256=document.sha256)
            check_room_for_document(organization_id=document.organization_id, bot_id=bot.id, field=field)
            transaction.on_commit(mark_committed)  # before the enqueueing, which may raise after the commit
            document.save()
            _enqueue(document)
    except BaseException:
        if not committed:
            # No row, so no file: a file nothing points to would never be deleted.
            queueing.send_or_run_here(delete_document_file, name=stored_name)
        raise
    return document


def _clean_title(title: str, *, fallback: str) -> str:
    title = " ".join((title or "").split())[:MAX_TITLE_LENGTH]
    return title or fallback[:MAX_TITLE_LENGTH]


def check_upload_size(size: int) -> None:
    limit = _max_upload_bytes()
    if size > limit:
        raise PayloadTooLarge(
            f"This file is {_megabytes(size)}; files up to {settings.CHATSPHERE_MAX_UPLOAD_MB} MB are accepted.",
            errors={"file": [f"The file is larger than {settings.CHATSPHERE_MAX_UPLOAD_MB} MB."]},
        )


def document_create_from_file(*, actor: Actor, bot: Bot, uploaded_file: UploadedFile, title: str = "") -> Document:
    require_role(actor, Role.ADMIN, action="add documents")
    check_upload_size(uploaded_file.size or 0)
    data = uploaded_file.read(_max_upload_bytes() + 1)
    check_upload_size(len(data))
    filename = uploaded_file.name or "upload"
    try:
        kind = detect_type(data, filename)
    except UnsupportedFileType as exc:
        raise ApplicationError(str(exc), code="unsupported_file", errors={"file": [str(exc)]}) from exc
    # Checked in the extraction server, sharing the ingestion's memory cap (and so its child).
    if kind == "pdf" and is_encrypted_pdf(data, memory_mb=settings.CHATSPHERE_EXTRACTION_MEMORY_MB):
        message = "This PDF is password-protected. Remove the password and upload it again."
        raise ApplicationError(message, code="encrypted_pdf", errors={"file": [message]})
    document = Document(
        organization=actor.organization,
        bot=bot,
        created_by=actor.user,
        source=DocumentSource.FILE,
        title=_clean_title(title, fallback=filename),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=str(kind),
        size_bytes=len(data),
    )
    return _create_with_file(document, filename=filename, data=data, field="file")


def document_create_from_text(*, actor: Actor, bot: Bot, title: str, text: str) -> Document:
    require_role(actor, Role.ADMIN, action="add documents")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("The text is empty.", errors={"text": ["This field may not be blank."]})
    if len(text) > settings.CHATSPHERE_MAX_TEXT_CHARS:
        message = f"Pasted text is limited to {settings.CHATSPHERE_MAX_TEXT_CHARS:,} characters."
        raise PayloadTooLarge(message, code="text_too_long", errors={"text": [message]})
    data = text.encode("utf-8")
    document = Document(
        organization=actor.organization,
        bot=bot,
        created_by=actor.user,
        source=DocumentSource.TEXT,
        title=_clean_title(title, fallback=text.split("\n", 1)[0][:80] or "Pasted text"),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="text",
        size_bytes=len(data),
    )
    return _create_with_file(document, filename="pasted.txt", data=data, field="text")


def validate_public_url(url: str) -> str:
    """Refuse URLs that are not http(s), and — unless private addresses are allowed — literal
    private, loopback or link-local hosts. The worker checks again after DNS resolution."""
    url = (url or "").strip()
    invalid = ApplicationError("Enter a web page address starting with http:// or https://.", errors={"url": []})
    invalid.errors["url"] = [invalid.message]
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise invalid from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 2000:
        raise invalid
    if not settings.CHATSPHERE_ALLOW_PRIVATE_URLS:
        host = parts.hostname
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if host == "localhost" or host.endswith(".localhost") or (address is not None and not address.is_global):
            message = "This address points to a private network; only public web pages can be added."
            raise ApplicationError(message, code="private_url", errors={"url": [message]})
    return url


def document_create_from_url(*, actor: Actor, bot: Bot, url: str, title: str = "") -> Document:
    require_role(actor, Role.ADMIN, action="add documents")
    url = validate_public_url(url)
    with transaction.atomic():
        Bot.objects.select_for_update().filter(pk=bot.pk).first()
        existing = Document.objects.filter(bot=bot, source=DocumentSource.URL, url=url).only("id", "title").first()
        if existing is not None:
            raise Conflict(
                f"This page is already in this bot as “{existing.title}”.",
                code="duplicate_document",
                extra={"document_id": str(existing.id)},
            )
        check_room_for_document(organization_id=actor.organization.id, bot_id=bot.id, field="url")
        document = Document.objects.create(
            organization=actor.organization,
            bot=bot,
            created_by=actor.user,
            source=DocumentSource.URL,
            title=_clean_title(title, fallback=url),
            url=url,
            content_type="html",
        )
        _enqueue(document)
    return document


def document_create_from_page(*, actor: Actor, website: WebsiteSource, url: str, data: bytes, kind: str) -> Document:
    """A crawled page of a website source, kept as fetched: ingestion reads this snapshot instead
    of fetching the page again. Quotas and duplicate content are checked as for uploads."""
    require_role(actor, Role.ADMIN, action="add documents")
    document = Document(
        organization=actor.organization,
        bot=website.bot,
        created_by=actor.user,
        source=DocumentSource.URL,
        title=_clean_title(url, fallback=url),  # the page's own title replaces it once it is read
        url=url,
        website=website,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=kind,
        size_bytes=len(data),
    )
    return _create_with_file(
        document, filename="page.html" if kind == "html" else f"page.{kind}", data=data, field="url"
    )


def document_replace_page(*, actor: Actor, document: Document, data: bytes, kind: str) -> Document:
    """A crawled page whose content changed: keep the new snapshot and ingest it again (its old
    passages stay searchable until the new ones replace them)."""
    require_role(actor, Role.ADMIN, action="re-ingest documents")
    old_name = document.file.name
    stored_name = file_store.save(document, document_file_name(document.id, "page.html"), data)
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            if locked.status == DocumentStatus.PROCESSING:
                raise Conflict("This page is being processed right now; the next crawl compares it again.")
            locked.file.name = stored_name
            locked.sha256 = hashlib.sha256(data).hexdigest()
            locked.content_type = kind
            locked.size_bytes = len(data)
            locked.title = _clean_title(locked.url, fallback=locked.url)
            locked.status, locked.stage, locked.progress = DocumentStatus.PENDING, DocumentStage.QUEUED, 0
            locked.error, locked.attempts, locked.heartbeat_at = "", 0, None
            locked.save(
                update_fields=[
                    *("file", "sha256", "content_type", "size_bytes", "title", "status", "stage", "progress"),
                    *("error", "attempts", "heartbeat_at", "updated_at"),
                ]
            )
            _enqueue(locked)
    except BaseException:
        queueing.send_or_run_here(delete_document_file, name=stored_name)
        raise
    if old_name and old_name != stored_name:
        transaction.on_commit(lambda: queueing.send_or_run_here(delete_document_file, name=old_name))
    return locked


@transaction.atomic
def document_reingest(*, actor: Actor, document: Document) -> Document:
    require_role(actor, Role.ADMIN, action="re-ingest documents")
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status == DocumentStatus.PROCESSING:
        raise Conflict("This document is being processed right now; try again when it has finished.")
    locked.status = DocumentStatus.PENDING
    locked.stage = DocumentStage.QUEUED
    locked.progress = 0
    locked.error = ""
    locked.attempts = 0
    locked.heartbeat_at = None
    locked.save(update_fields=["status", "stage", "progress", "error", "attempts", "heartbeat_at", "updated_at"])
    _enqueue(locked)
    audit_record(actor=actor, action=AuditAction.DOCUMENT_REINGEST, target=locked, changes={"bot": str(locked.bot_id)})
    return locked


def document_delete(*, actor: Actor, document: Document) -> None:
    """Delete the document, its chunks, its file and its vectors (nothing stays searchable or stored)."""
    require_role(actor, Role.ADMIN, action="delete documents")
    bot_id, document_id = document.bot_id, document.id
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DOCUMENT_DELETE, target=document, changes={"bot": str(bot_id)})
        document.delete()  # its file goes after commit (documents.cascade), with a bot's or an organization's too

        def cleanup() -> None:
            # A task, so a vector store that is briefly down is retried rather than left with orphans.
            queueing.send_or_run_here(delete_document_vectors, bot_id=str(bot_id), document_id=str(document_id))

        transaction.on_commit(cleanup)


#: The most documents one bulk action takes (a page of the Knowledge list holds 50).
BULK_LIMIT = 100


@dataclass(slots=True)
class BulkOutcome:
    """What a bulk action did: the titles it acted on, those it left (with why), and how many of
    the ids given were not the bot's documents (deleted meanwhile, or never its own)."""

    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0


def _bulk_documents(*, actor: Actor, bot: Bot, document_ids: list[uuid.UUID]) -> tuple[list[Document], int]:
    unique = list(dict.fromkeys(document_ids))
    if not unique:
        raise ApplicationError("Select at least one document.", errors={"documents": ["Select at least one document."]})
    if len(unique) > BULK_LIMIT:
        message = f"Select at most {BULK_LIMIT} documents at a time."
        raise ApplicationError(message, errors={"documents": [message]})
    documents = list(selectors.documents_by_ids(organization=actor.organization, bot=bot, ids=unique))
    return documents, len(unique) - len(documents)


def document_bulk_delete(*, actor: Actor, bot: Bot, document_ids: list[uuid.UUID]) -> BulkOutcome:
    """Delete the selected documents of one bot, all or none; their vectors go after commit."""
    require_role(actor, Role.ADMIN, action="delete documents")
    documents, missing = _bulk_documents(actor=actor, bot=bot, document_ids=document_ids)
    outcome = BulkOutcome(missing=missing)
    with transaction.atomic():
        for document in documents:
            document_delete(actor=actor, document=document)
            outcome.done.append(document.title)
    return outcome


def document_bulk_reingest(*, actor: Actor, bot: Bot, document_ids: list[uuid.UUID]) -> BulkOutcome:
    """Queue the selected documents of one bot again; one being processed right now is skipped."""
    require_role(actor, Role.ADMIN, action="re-ingest documents")
    documents, missing = _bulk_documents(actor=actor, bot=bot, document_ids=document_ids)
    outcome = BulkOutcome(missing=missing)
    with transaction.atomic():
        for document in documents:
            try:
                document_reingest(actor=actor, document=document)
            except Conflict:
                outcome.skipped.append((document.title, "being processed right now"))
            else:
                outcome.done.append(document.title)
    return outcome

"""Writes for documents: add knowledge to a bot (file, text, web page), delete it, re-ingest it.

Everything is validated before anything is stored; ingestion itself runs in a Celery task
(`documents.tasks.ingest_document`), enqueued after the transaction commits.
"""

from __future__ import annotations

import hashlib
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from bots.models import Bot
from chatsphere.errors import ApplicationError, Conflict, PayloadTooLarge
from documents.ingestion import UnsupportedFileType, detect_type, is_encrypted_pdf
from documents.models import Document, DocumentSource, DocumentStage, DocumentStatus

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
    from documents.tasks import ingest_document

    document_id, organization_id = str(document.id), str(document.organization_id)
    transaction.on_commit(lambda: ingest_document.delay(document_id=document_id, organization_id=organization_id))


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
    if kind == "pdf" and is_encrypted_pdf(data):
        message = "This PDF is password-protected. Remove the password and upload it again."
        raise ApplicationError(message, code="encrypted_pdf", errors={"file": [message]})
    sha256 = hashlib.sha256(data).hexdigest()

    with transaction.atomic():
        Bot.objects.select_for_update().filter(pk=bot.pk).first()  # serialise duplicate checks per bot
        _refuse_duplicate(bot=bot, sha256=sha256)
        document = Document(
            organization=actor.organization,
            bot=bot,
            source=DocumentSource.FILE,
            title=_clean_title(title, fallback=filename),
            sha256=sha256,
            content_type=str(kind),
            size_bytes=len(data),
        )
        document.file.save(filename, ContentFile(data), save=False)
        document.save()
        _enqueue(document)
    return document


def document_create_from_text(*, actor: Actor, bot: Bot, title: str, text: str) -> Document:
    require_role(actor, Role.ADMIN, action="add documents")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("The text is empty.", errors={"text": ["This field may not be blank."]})
    if len(text) > settings.CHATSPHERE_MAX_TEXT_CHARS:
        message = f"Pasted text is limited to {settings.CHATSPHERE_MAX_TEXT_CHARS:,} characters."
        raise PayloadTooLarge(message, code="text_too_long", errors={"text": [message]})
    data = text.encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        Bot.objects.select_for_update().filter(pk=bot.pk).first()
        _refuse_duplicate(bot=bot, sha256=sha256)
        document = Document(
            organization=actor.organization,
            bot=bot,
            source=DocumentSource.TEXT,
            title=_clean_title(title, fallback=text.split("\n", 1)[0][:80] or "Pasted text"),
            sha256=sha256,
            content_type="text",
            size_bytes=len(data),
        )
        document.file.save("pasted.txt", ContentFile(data), save=False)
        document.save()
        _enqueue(document)
    return document


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
        document = Document.objects.create(
            organization=actor.organization,
            bot=bot,
            source=DocumentSource.URL,
            title=_clean_title(title, fallback=url),
            url=url,
            content_type="html",
        )
        _enqueue(document)
    return document


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
    return locked


def document_delete(*, actor: Actor, document: Document) -> None:
    """Delete the document, its chunks, its file and its vectors (nothing stays searchable)."""
    require_role(actor, Role.ADMIN, action="delete documents")
    bot_id, document_id = document.bot_id, document.id
    file_name = document.file.name if document.file else ""
    storage = document.file.storage if document.file else None
    with transaction.atomic():
        document.delete()

        def cleanup() -> None:
            from documents.tasks import delete_document_vectors

            # A task, so a vector store that is briefly down is retried rather than left with orphans.
            delete_document_vectors.delay(bot_id=str(bot_id), document_id=str(document_id))
            if storage is not None and file_name:
                storage.delete(file_name)

        transaction.on_commit(cleanup)

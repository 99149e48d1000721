"""Every write, read and delete of a document's file, through Django's storage API: the local disk
(the embedded default) or an S3-compatible bucket (`CHATSPHERE_S3_BUCKET`, docs/deploy.md).

A storage that does not answer is one error whatever the backend, `ServiceUnavailable`: an upload
answers 503 and stores nothing, ingestion retries later, a clean-up task retries.
"""

from __future__ import annotations

import logging

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from s3transfer.exceptions import RetriesExceededError, S3DownloadFailedError, S3UploadFailedError

from chatsphere.errors import NotFound, ServiceUnavailable
from documents.models import Document

logger = logging.getLogger(__name__)

#: What a storage raises when it cannot be reached or refuses to work (a disk, a share, a bucket).
STORAGE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    BotoCoreError,
    ClientError,
    Boto3Error,
    RetriesExceededError,
    S3DownloadFailedError,
    S3UploadFailedError,
)
UNAVAILABLE_MESSAGE = "The file storage is unavailable for a moment, so nothing was saved. Try again shortly."


def storage() -> Storage:
    return Document._meta.get_field("file").storage


def save(document: Document, name: str, data: bytes) -> str:
    """Store the document's file (the row is not saved) and return the name it was stored under;
    nothing is stored when this raises."""
    try:
        document.file.save(name, ContentFile(data), save=False)
    except STORAGE_ERRORS as exc:
        logger.warning("the file storage refused an upload (%s)", type(exc).__name__, exc_info=True)
        raise ServiceUnavailable(UNAVAILABLE_MESSAGE) from exc
    return str(document.file.name)


def read(document: Document) -> bytes:
    """The document's file. FileNotFoundError when it is missing; ServiceUnavailable when the
    storage does not answer (worth trying again)."""
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise
    except STORAGE_ERRORS as exc:
        raise ServiceUnavailable(f"The file storage did not answer ({type(exc).__name__}).") from exc


def open_for_download(document: Document) -> File:
    """The document's file, open for reading in chunks (the caller closes it). NotFound when it is
    missing from the storage; ServiceUnavailable when the storage does not answer."""
    try:
        return document.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound("The original file is missing from the file storage.") from exc
    except STORAGE_ERRORS as exc:
        raise ServiceUnavailable(f"The file storage did not answer ({type(exc).__name__}).") from exc


def delete(name: str) -> None:
    """Delete a stored file; one already gone is not an error."""
    try:
        storage().delete(name)
    except FileNotFoundError:
        return
    except STORAGE_ERRORS as exc:
        raise ServiceUnavailable(f"The file storage did not answer ({type(exc).__name__}).") from exc

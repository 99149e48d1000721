"""What a deleted bot leaves in the vector store, and what any deleted document leaves in the
file storage, goes after commit.

`bots` sits below `documents` and cannot enqueue its tasks, so documents listens for the
deletion (like `documents.lexical.hooks` does for the lexical index) and drops the namespace
once the deletion is committed, through a task so a vector store that is briefly down is retried.
A document's file goes the same way however the row went: deleted alone, or with its bot or its
organization (the database's cascade deletes the rows, this deletes the files).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete

from documents import queueing
from documents.tasks import delete_bot_vectors, delete_document_file


def _bot_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    bot_id = str(instance.id)
    transaction.on_commit(lambda: queueing.send_or_run_here(delete_bot_vectors, bot_id=bot_id))


def _document_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: queueing.send_or_run_here(delete_document_file, name=name))


def connect() -> None:
    from bots.models import Bot
    from documents.models import Document

    post_delete.connect(_bot_deleted, sender=Bot, dispatch_uid="documents-bot-vectors-delete")
    post_delete.connect(_document_deleted, sender=Document, dispatch_uid="documents-file-delete")

"""Deletions that cascade from a bot or a document take their lexical index rows with them.

Chunk rows are deleted by Django's cascade without passing through our code; their index rows
must go in the same transaction, before the rows they were built from (external-content FTS5
unindexes a row from its text). On PostgreSQL the index is a column of the row and these are no-ops.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete

from documents.lexical import lexical_index


def _document_deleting(sender: type, instance: Any, **kwargs: Any) -> None:
    lexical_index().remove_document(bot_id=instance.bot_id, document_id=instance.id)


def _bot_deleting(sender: type, instance: Any, **kwargs: Any) -> None:
    lexical_index().drop_bot(bot_id=instance.id)


def connect() -> None:
    from bots.models import Bot
    from documents.models import Document

    pre_delete.connect(_document_deleting, sender=Document, dispatch_uid="lexical-document-delete")
    pre_delete.connect(_bot_deleting, sender=Bot, dispatch_uid="lexical-bot-delete")

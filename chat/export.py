"""A bot's conversations with their messages as CSV or JSON, produced a batch at a time so that
an export of any size holds only one batch in memory (the page streams what is produced)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bots.models import Bot
from chat.models import Conversation, Message
from chatsphere.exports import newest_first_batches, spreadsheet_cell

#: Conversations read per query (their messages come in one more).
EXPORT_BATCH = 200

CSV_COLUMNS = [
    "conversation_id",
    "conversation_title",
    "channel",
    "conversation_started_at",
    "origin_page",
    "verified_user_id",
    "verified_email",
    "verified_name",
    "message_id",
    "role",
    "sent_at",
    "content",
    "unanswered",
    "feedback",
    "sources",
]
_FEEDBACK = {1: "helpful", -1: "not helpful"}


def conversation_batches(
    conversations: QuerySet[Conversation], *, size: int = EXPORT_BATCH
) -> Iterator[list[Conversation]]:
    """The conversations, newest first, `size` at a time with their messages in order."""
    return newest_first_batches(
        conversations.prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("created_at", "id"))),
        size=size,
    )


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _sources(message: Message) -> list[dict[str, Any]]:
    return [
        {"title": citation.get("title"), "page": citation.get("page"), "document_id": citation.get("document_id")}
        for citation in message.citations or []
        if isinstance(citation, dict)
    ]


def export_csv(conversations: QuerySet[Conversation]) -> Iterator[str]:
    """One row per message (a conversation without messages gets one row of its own), under a
    header row; a byte-order mark first so that spreadsheets read the text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for batch in conversation_batches(conversations):
        buffer.seek(0)
        buffer.truncate()
        for conversation in batch:
            head = [
                conversation.id,
                spreadsheet_cell(conversation.title),
                conversation.channel,
                _iso(conversation.created_at),
                spreadsheet_cell(conversation.origin_page),
                spreadsheet_cell(conversation.verified_user_id),
                spreadsheet_cell(conversation.verified_email),
                spreadsheet_cell(conversation.verified_name),
            ]
            messages = list(conversation.messages.all())
            if not messages:
                writer.writerow(head + [""] * (len(CSV_COLUMNS) - len(head)))
            for message in messages:
                writer.writerow(
                    head
                    + [
                        message.id,
                        message.role,
                        _iso(message.created_at),
                        spreadsheet_cell(message.content),
                        "yes" if message.unanswered else "",
                        _FEEDBACK.get(message.feedback or 0, ""),
                        spreadsheet_cell("; ".join(str(source["title"] or "") for source in _sources(message))),
                    ]
                )
        yield buffer.getvalue()


def _conversation_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": str(conversation.id),
        "title": conversation.title,
        "channel": conversation.channel,
        "started_at": _iso(conversation.created_at),
        "last_message_at": _iso(conversation.last_message_at),
        "origin_page": conversation.origin_page,
        # Who the visitor was when the site signed their identity (docs/identity.md); else null.
        "verified_visitor": (
            {
                "user_id": conversation.verified_user_id,
                "email": conversation.verified_email or None,
                "name": conversation.verified_name or None,
            }
            if conversation.verified_user_id
            else None
        ),
        "messages": [
            {
                "id": str(message.id),
                "role": message.role,
                "content": message.content,
                "sent_at": _iso(message.created_at),
                "unanswered": message.unanswered,
                "feedback": _FEEDBACK.get(message.feedback or 0),
                "sources": _sources(message),
                "model": message.model or None,
            }
            for message in conversation.messages.all()
        ],
    }


def export_json(conversations: QuerySet[Conversation], *, bot: Bot, filters: dict[str, str]) -> Iterator[str]:
    """One JSON object: the bot, the filters applied and the conversations with their messages."""
    head = {
        "bot": {"id": str(bot.id), "name": bot.name},
        "exported_at": _iso(timezone.now()),
        "filters": filters,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "conversations": ['
    first = True
    for batch in conversation_batches(conversations):
        parts = [json.dumps(_conversation_json(conversation), ensure_ascii=False) for conversation in batch]
        yield ("" if first else ",") + "\n" + ",\n".join(parts)
        first = False
    yield "\n]}\n"

"""Reads of conversations and messages, always scoped to one organization (or one bot)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet

from accounts.models import Organization
from bots.models import Bot
from chat.models import Conversation, Message, MessageRole
from chat.participants import Participant
from chatsphere.errors import NotFound


def conversation_list(*, organization: Organization, bot: Bot) -> QuerySet[Conversation]:
    return Conversation.objects.filter(organization=organization, bot=bot).annotate(message_count=Count("messages"))


def conversation_get(*, organization: Organization, conversation_id: uuid.UUID) -> Conversation:
    conversation = (
        Conversation.objects.filter(organization=organization, id=conversation_id).select_related("bot").first()
    )
    if conversation is None:
        raise NotFound("Conversation not found.")
    return conversation


def conversation_get_for_participant(*, bot: Bot, participant: Participant, conversation_id: uuid.UUID) -> Conversation:
    """A conversation this participant may continue; another visitor's, user's or bot's is NotFound."""
    conversation = Conversation.objects.filter(
        organization_id=bot.organization_id, bot=bot, id=conversation_id, **participant.conversation_filter()
    ).first()
    if conversation is None:
        raise NotFound("Conversation not found.")
    return conversation


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(organization_id=conversation.organization_id, conversation=conversation).order_by(
        "created_at", "id"
    )


def message_get(*, organization: Organization, message_id: uuid.UUID) -> Message:
    message = (
        Message.objects.filter(organization=organization, id=message_id).select_related("conversation__bot").first()
    )
    if message is None:
        raise NotFound("Message not found.")
    return message


def recent_messages(*, conversation: Conversation, before: datetime | None = None, limit: int = 40) -> list[Message]:
    """The latest `limit` messages of a conversation, oldest first."""
    messages = Message.objects.filter(organization_id=conversation.organization_id, conversation=conversation)
    if before is not None:
        messages = messages.filter(created_at__lt=before)
    latest = list(messages.order_by("-created_at", "-id")[:limit])
    latest.reverse()
    return latest


def questions_since(*, organization_id: uuid.UUID, since: datetime) -> int:
    return Message.objects.filter(organization_id=organization_id, role=MessageRole.USER, created_at__gte=since).count()


#: Messages a visitor gets back when reopening a conversation (the newest ones).
HISTORY_LIMIT = 100


def participant_history(*, bot: Bot, participant: Participant, conversation_id: uuid.UUID) -> list[dict[str, object]]:
    """The newest messages of one of the participant's own conversations, oldest first, as the
    widget shows them; another visitor's or another bot's conversation is NotFound."""
    conversation = conversation_get_for_participant(bot=bot, participant=participant, conversation_id=conversation_id)
    return [
        {
            "id": str(message.id),
            "role": message.role,
            "content": message.content,
            "citations": message.citations,
            "feedback": message.feedback,
            "created_at": message.created_at.isoformat(),
        }
        for message in recent_messages(conversation=conversation, limit=HISTORY_LIMIT)
        if message.role == MessageRole.USER or not message.error or message.content
    ]


def conversation_search(
    *,
    organization: Organization,
    bot: Bot,
    channel: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    unanswered: bool = False,
    feedback: str = "",
) -> QuerySet[Conversation]:
    """A bot's conversations, newest first, narrowed by the dashboard's filters. `feedback` is
    "up", "down" (some answer rated so) or "none" (no answer rated)."""
    conversations = conversation_list(organization=organization, bot=bot).order_by("-created_at", "-id")
    if channel:
        conversations = conversations.filter(channel=channel)
    if since is not None:
        conversations = conversations.filter(created_at__gte=since)
    if until is not None:
        conversations = conversations.filter(created_at__lt=until)
    answers = Message.objects.filter(conversation=OuterRef("pk"), role=MessageRole.ASSISTANT)
    if unanswered:
        conversations = conversations.filter(Exists(answers.filter(unanswered=True)))
    if feedback == "up":
        conversations = conversations.filter(Exists(answers.filter(feedback=1)))
    elif feedback == "down":
        conversations = conversations.filter(Exists(answers.filter(feedback=-1)))
    elif feedback == "none":
        conversations = conversations.exclude(Exists(answers.filter(feedback__isnull=False)))
    return conversations

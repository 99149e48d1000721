"""Reads of conversations and messages, always scoped to one organization (or one bot)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Organization
from accounts.tenancy import Actor
from bots.models import Bot
from chat.models import Channel, Conversation, Message, MessageRole
from chat.participants import Participant
from chat.sources import shown_citations
from chatsphere.errors import InvalidInput, NotFound


def conversation_list(*, organization: Organization, bot: Bot, channel: str = "") -> QuerySet[Conversation]:
    """A bot's conversations; `channel`, when given, must be one of `Channel`."""
    conversations = Conversation.objects.filter(organization=organization, bot=bot)
    if channel:
        if channel not in Channel.values:
            raise InvalidInput({"channel": [f"Must be one of: {', '.join(Channel.values)}."]})
        conversations = conversations.filter(channel=channel)
    # Counted per row in a subquery rather than by joining and grouping every message of the bot:
    # a page of 50 then counts the messages of those 50 only.
    counts = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return conversations.annotate(message_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def access_conversation_by_id(actor: Actor, conversation_id: uuid.UUID) -> Conversation:
    """The actor's conversation with this id; missing and another organization's give the same NotFound."""
    conversation = (
        Conversation.objects.filter(organization=actor.organization, id=conversation_id).select_related("bot").first()
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


def access_message_by_id(actor: Actor, message_id: uuid.UUID) -> Message:
    """The actor's message with this id; missing and another organization's give the same NotFound."""
    message = (
        Message.objects.filter(organization=actor.organization, id=message_id)
        .select_related("conversation__bot")
        .first()
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
            "citations": shown_citations(bot=bot, channel=conversation.channel, citations=message.citations),
            "feedback": message.feedback,
            "created_at": message.created_at.isoformat(),
        }
        for message in recent_messages(conversation=conversation, limit=HISTORY_LIMIT)
        if message.role == MessageRole.USER or not message.error or message.content
    ]


#: Conversations a visitor gets listed (the newest ones).
PARTICIPANT_CONVERSATIONS_LIMIT = 20


def participant_conversations(*, bot: Bot, participant: Participant) -> list[dict[str, object]]:
    """The participant's own conversations with this bot, newest first, as the widget lists them: a
    verified visitor's from every browser, an anonymous visitor's from this browser's token."""
    conversations = Conversation.objects.filter(
        organization_id=bot.organization_id, bot=bot, **participant.conversation_filter()
    ).order_by("-created_at", "-id")[:PARTICIPANT_CONVERSATIONS_LIMIT]
    return [
        {
            "id": str(conversation.id),
            "title": conversation.title,
            "created_at": conversation.created_at.isoformat(),
            "last_message_at": conversation.last_message_at.isoformat() if conversation.last_message_at else None,
        }
        for conversation in conversations
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
    text: str = "",
) -> QuerySet[Conversation]:
    """A bot's conversations, newest first, narrowed by the dashboard's filters. `feedback` is
    "up", "down" (some answer rated so) or "none" (no answer rated); `text` keeps those where a
    message (the visitor's or the bot's) contains it, in any case.

    The text is looked for per conversation, through the messages' conversation index (the
    conversations are already the organization's; naming the organization in the subquery again
    lets the database prefer its organization-wide index and read every message of the
    organization once per conversation)."""
    conversations = conversation_list(organization=organization, bot=bot, channel=channel).order_by(
        "-created_at", "-id"
    )
    if text := text.strip():
        containing = Message.objects.filter(conversation=OuterRef("pk"), content__icontains=text)
        conversations = conversations.filter(Exists(containing))
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


def conversation_counts(*, organization: Organization) -> dict[uuid.UUID, int]:
    """How many conversations each bot of the organization has (bots without any are absent)."""
    rows = Conversation.objects.filter(organization=organization).order_by().values("bot_id").annotate(n=Count("pk"))
    return {row["bot_id"]: row["n"] for row in rows}

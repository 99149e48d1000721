"""Writes of the chat app: starting a turn (quota, conversation, question), saving answers,
feedback. The answering pipeline itself is `chat.rag`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from bots.models import Bot
from chat import events, selectors
from chat.models import Channel, Conversation, Message, MessageRole
from chat.participants import Participant
from chatsphere.errors import ApplicationError, NotFound

#: Earlier messages read for the prompt's history; the token budget then picks the newest that fit.
HISTORY_MESSAGES = 40
TITLE_LENGTH = 80


class QuotaExceeded(ApplicationError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code = "quota_exceeded"


@dataclass(frozen=True, slots=True)
class Turn:
    """A question saved in its conversation, with the conversation's earlier messages."""

    bot: Bot
    conversation: Conversation
    question: Message
    history: list[Message]
    conversation_created: bool


def month_start(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def quota_check(*, organization_id: uuid.UUID) -> None:
    """Raise QuotaExceeded when the organization has used its questions of this month."""
    quota = settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA
    if quota <= 0:
        return
    if selectors.questions_since(organization_id=organization_id, since=month_start()) >= quota:
        raise QuotaExceeded(
            "This assistant has answered all the questions it can this month. Please try again next month, "
            "or contact the site owner."
        )


def question_validate(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ApplicationError("Type a message first.", code="empty_message")
    limit = settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise ApplicationError(
            f"Messages can be at most {limit} characters long; this one has {len(text)}.", code="message_too_long"
        )
    return text.strip()


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


def _current_bot(bot: Bot, participant: Participant, public_key: str | None) -> Bot:
    """The bot as it is now: settings changed while a socket was open apply to its next question,
    and a widget whose bot was switched off or whose key was rotated stops answering."""
    current = Bot.objects.filter(organization_id=bot.organization_id, id=bot.id).first()
    unavailable = current is None or (
        participant.channel == Channel.WIDGET
        and (not current.is_active or (public_key is not None and current.public_key != public_key))
    )
    if unavailable:
        raise ApplicationError("This assistant is not available right now.", code="bot_unavailable")
    return current  # type: ignore[return-value]  # not None: `unavailable` covers a missing bot


@transaction.atomic
def turn_start(
    *,
    bot: Bot,
    participant: Participant,
    text: str,
    conversation_id: uuid.UUID | None = None,
    public_key: str | None = None,
) -> Turn:
    """Save a question: checks the bot is available and the quota, continues the participant's
    own conversation (another one is NotFound) or starts one; returns it with its earlier messages.
    `public_key` is the widget key the visitor connected with."""
    text = question_validate(text)
    bot = _current_bot(bot, participant, public_key)
    quota_check(organization_id=bot.organization_id)
    created = conversation_id is None
    if conversation_id is None:
        conversation = Conversation.objects.create(
            organization_id=bot.organization_id,
            bot=bot,
            channel=participant.channel,
            visitor_id=participant.visitor_id,
            verified_user_id=participant.verified_user_id,
            verified_email=participant.verified_email,
            verified_name=participant.verified_name,
            user_id=participant.user_id,
            title=_title(text),
            origin_page=participant.origin_page[:2000],
            user_agent=participant.user_agent[:400],
        )
        history: list[Message] = []
    else:
        conversation = selectors.conversation_get_for_participant(
            bot=bot, participant=participant, conversation_id=conversation_id
        )
        history = selectors.recent_messages(conversation=conversation, limit=HISTORY_MESSAGES)
    question = Message.objects.create(
        organization_id=bot.organization_id, conversation=conversation, role=MessageRole.USER, content=text
    )
    conversation.last_message_at = question.created_at
    conversation.save(update_fields=["last_message_at", "updated_at"])
    conversation.bot = bot
    return Turn(bot=bot, conversation=conversation, question=question, history=history, conversation_created=created)


def api_turn_start(*, actor: Actor, bot: Bot, text: str, conversation_id: uuid.UUID | None = None) -> Turn:
    """An API client's question to one of its organization's bots: every role may ask."""
    require_role(actor, Role.MEMBER, action="chat with bots")
    if bot.organization_id != actor.organization.id:
        raise NotFound("Bot not found.")
    return turn_start(bot=bot, participant=Participant(channel=Channel.API), text=text, conversation_id=conversation_id)


@transaction.atomic
def answer_save(
    *,
    conversation: Conversation,
    content: str,
    citations: list[dict[str, Any]] | None = None,
    model: str = "",
    input_tokens: int = 0,
    output_tokens: int = 0,
    time_to_first_token_ms: int | None = None,
    latency_ms: int | None = None,
    unanswered: bool = False,
    error: str = "",
) -> Message:
    message = Message.objects.create(
        organization_id=conversation.organization_id,
        conversation=conversation,
        role=MessageRole.ASSISTANT,
        content=content,
        citations=citations or [],
        model=model[:100],
        input_tokens=max(0, input_tokens),
        output_tokens=max(0, output_tokens),
        time_to_first_token_ms=time_to_first_token_ms,
        latency_ms=latency_ms,
        unanswered=unanswered,
        error=error[:500],
    )
    Conversation.objects.filter(id=conversation.id).update(
        last_message_at=message.created_at, updated_at=timezone.now()
    )
    if unanswered:
        events.unanswered_announce(message)
    return message


def _rate(message: Message, rating: object, *, rated_by: str) -> Message:
    if rating not in (1, -1) or isinstance(rating, bool):
        raise ApplicationError(
            "Rate an answer with 1 (helpful) or -1 (not helpful).",
            code="invalid",
            errors={"rating": ["Must be 1 or -1."]},
        )
    if message.role != MessageRole.ASSISTANT or message.error:
        raise ApplicationError("Only the bot's answers can be rated.", code="not_an_answer")
    changed = message.feedback != rating
    message.feedback = rating
    message.save(update_fields=["feedback", "updated_at"])
    if changed:
        events.feedback_announce(message, rated_by=rated_by)
    return message


@transaction.atomic
def message_rate(*, actor: Actor, message: Message, rating: object) -> Message:
    """A member's (or API client's) rating of an answer of their organization."""
    require_role(actor, Role.MEMBER, action="rate answers")
    if message.organization_id != actor.organization.id:
        raise NotFound("Message not found.")
    return _rate(message, rating, rated_by="member")


@transaction.atomic
def message_rate_by_participant(
    *, bot: Bot, participant: Participant, message_id: uuid.UUID, rating: object
) -> Message:
    """A visitor's rating of an answer in one of their own conversations."""
    message = (
        Message.objects.select_for_update()
        .filter(
            organization_id=bot.organization_id,
            id=message_id,
            conversation__bot=bot,
            **{f"conversation__{key}": value for key, value in participant.conversation_filter().items()},
        )
        .first()
    )
    if message is None:
        raise NotFound("Message not found.")
    return _rate(message, rating, rated_by="visitor")


def conversations_finish_idle(*, limit: int = 500) -> int:
    """Announce conversations quiet for `CHATSPHERE_CONVERSATION_IDLE_MINUTES` (once per quiet
    spell: a conversation that resumes is announced again when it goes quiet again). Only spells
    that began within the last day count, so a first run does not announce all of history."""
    idle_since = timezone.now() - timedelta(minutes=settings.CHATSPHERE_CONVERSATION_IDLE_MINUTES)
    candidates = (
        Conversation.objects.filter(last_message_at__lt=idle_since, last_message_at__gte=idle_since - timedelta(days=1))
        .filter(Q(finished_announced_at__isnull=True) | Q(finished_announced_at__lt=F("last_message_at")))
        .order_by("last_message_at")
        .values_list("id", flat=True)[:limit]
    )
    announced = 0
    for conversation_id in list(candidates):
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update()
                .filter(id=conversation_id, last_message_at__lt=idle_since)
                .filter(Q(finished_announced_at__isnull=True) | Q(finished_announced_at__lt=F("last_message_at")))
                .first()
            )
            if conversation is None:  # a message arrived meanwhile, or another run announced it
                continue
            conversation.finished_announced_at = timezone.now()
            conversation.save(update_fields=["finished_announced_at", "updated_at"])
            events.finished_announce(conversation)
            announced += 1
    return announced

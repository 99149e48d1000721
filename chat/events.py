"""What the chat's webhook events say, announced after commit by the services that make the change.

Visitor text leaves ChatSphere in one event only: `message.unanswered` carries the question the
bot could not answer, which is what an owner acts on (write a curated answer, add a document).
Other events carry ids, counts and ratings; the conversation itself is read through the API.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from chat.models import Conversation, Message, MessageRole
from chatsphere.events import EventType, emit_on_commit


def _bot(conversation: Conversation) -> dict[str, Any]:
    return {"id": str(conversation.bot_id), "name": conversation.bot.name}


def unanswered_announce(answer: Message) -> None:
    """The bot answered with its fallback: send the question it could not answer."""
    answer_id, conversation_id = answer.id, answer.conversation_id

    def build() -> dict[str, Any]:
        conversation = Conversation.objects.select_related("bot").get(id=conversation_id)
        question = (
            Message.objects.filter(
                conversation_id=conversation_id, role=MessageRole.USER, created_at__lte=answer.created_at
            )
            .order_by("-created_at")
            .first()
        )
        return {
            "message": {"id": str(answer_id), "created_at": answer.created_at},
            "question": {"id": str(question.id), "text": question.content} if question else None,
            "conversation": {"id": str(conversation_id), "channel": conversation.channel},
            "bot": _bot(conversation),
        }

    emit_on_commit(organization_id=answer.organization_id, event_type=EventType.MESSAGE_UNANSWERED, build_data=build)


def feedback_announce(answer: Message, *, rated_by: str) -> None:
    """Someone rated an answer (`rated_by`: `visitor`, or `member` for the dashboard and API)."""
    answer_id, conversation_id, rating = answer.id, answer.conversation_id, answer.feedback

    def build() -> dict[str, Any]:
        conversation = Conversation.objects.select_related("bot").get(id=conversation_id)
        return {
            "message": {"id": str(answer_id)},
            "rating": rating,
            "rated_by": rated_by,
            "conversation": {"id": str(conversation_id), "channel": conversation.channel},
            "bot": _bot(conversation),
        }

    emit_on_commit(organization_id=answer.organization_id, event_type=EventType.FEEDBACK_CREATED, build_data=build)


def finished_announce(conversation: Conversation) -> None:
    """The conversation went quiet for `CHATSPHERE_CONVERSATION_IDLE_MINUTES`."""
    conversation_id = conversation.id

    def build() -> dict[str, Any]:
        current = Conversation.objects.select_related("bot").get(id=conversation_id)
        counts = Message.objects.filter(conversation_id=conversation_id).aggregate(
            questions=Count("id", filter=Q(role=MessageRole.USER)),
            answers=Count("id", filter=Q(role=MessageRole.ASSISTANT)),
            unanswered=Count("id", filter=Q(role=MessageRole.ASSISTANT, unanswered=True)),
            helpful=Count("id", filter=Q(feedback=1)),
            not_helpful=Count("id", filter=Q(feedback=-1)),
        )
        return {
            "conversation": {
                "id": str(conversation_id),
                "channel": current.channel,
                "started_at": current.created_at,
                "last_message_at": current.last_message_at,
                **counts,
            },
            "bot": _bot(current),
        }

    emit_on_commit(
        organization_id=conversation.organization_id, event_type=EventType.CONVERSATION_FINISHED, build_data=build
    )

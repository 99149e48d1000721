"""Reads of curated answers and of the questions a bot could not answer, scoped to one organization."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import Actor
from bots.models import Bot
from chat.curated.matching import covers
from chat.curated.text import content_terms, question_key
from chat.models import CuratedAnswer, Message, MessageRole
from chatsphere.errors import NotFound

#: How far back, and how many fallback answers at most, the unanswered list looks.
UNANSWERED_DAYS = 90
UNANSWERED_SCAN = 2000


def curated_answer_list(*, organization: Organization, bot: Bot, search: str = "") -> QuerySet[CuratedAnswer]:
    entries = CuratedAnswer.objects.filter(organization=organization, bot=bot).select_related(
        "created_by", "updated_by"
    )
    search = search.strip()
    if search:
        entries = entries.filter(Q(question__icontains=search) | Q(answer__icontains=search))
    return entries.defer("question_embedding")


def access_curated_answer_by_id(actor: Actor, curated_answer_id: uuid.UUID) -> CuratedAnswer:
    """The actor's curated answer with this id; missing and another organization's give the same NotFound."""
    entry = (
        CuratedAnswer.objects.filter(organization=actor.organization, id=curated_answer_id)
        .select_related("bot", "created_by", "updated_by")
        .defer("question_embedding")
        .first()
    )
    if entry is None:
        raise NotFound("Answer not found.")
    return entry


def question_of_answer(*, message: Message) -> str:
    """The visitor's question a bot answer replies to: the conversation's last question before it."""
    question = (
        Message.objects.filter(
            organization_id=message.organization_id,
            conversation_id=message.conversation_id,
            role=MessageRole.USER,
            created_at__lte=message.created_at,
        )
        .order_by("-created_at", "-id")
        .values_list("content", flat=True)
        .first()
    )
    return question or ""


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    #: The newest wording of the question.
    question: str
    count: int
    last_asked_at: datetime
    #: The newest fallback answer, which "Write the answer" links as the corrected message.
    message_id: uuid.UUID
    conversation_id: uuid.UUID


def unanswered_questions(
    *, organization: Organization, bot: Bot, limit: int = 50, days: int = UNANSWERED_DAYS
) -> list[UnansweredQuestion]:
    """Questions the bot answered with its fallback, newest first, one row per question (compared
    by `question_key`) with how often and when last it was asked; questions a curated answer now
    covers are left out."""
    asked = Message.objects.filter(
        organization_id=organization.id,
        conversation_id=OuterRef("conversation_id"),
        role=MessageRole.USER,
        created_at__lte=OuterRef("created_at"),
    ).order_by("-created_at", "-id")
    fallbacks = (
        Message.objects.filter(
            organization=organization,
            conversation__bot=bot,
            role=MessageRole.ASSISTANT,
            unanswered=True,
            created_at__gte=timezone.now() - timedelta(days=days),
        )
        .annotate(question=Subquery(asked.values("content")[:1]))
        .order_by("-created_at", "-id")
        .values_list("id", "conversation_id", "created_at", "question")[:UNANSWERED_SCAN]
    )
    curated = list(CuratedAnswer.objects.filter(organization=organization, bot=bot).values_list("question", flat=True))
    curated_keys = {question_key(text) for text in curated}
    curated_terms = [content_terms(text) for text in curated]

    rows: dict[str, dict[str, object]] = {}
    for message_id, conversation_id, created_at, question in fallbacks:
        key = question_key(question or "")
        if not key:
            continue
        row = rows.get(key)
        if row is None:
            rows[key] = {
                "question": question.strip(),
                "count": 1,
                "last_asked_at": created_at,
                "message_id": message_id,
                "conversation_id": conversation_id,
            }
        else:
            row["count"] += 1  # type: ignore[operator]  # the count is an int; the row dict mixes value types
    result = []
    for key, row in rows.items():
        if key in curated_keys or covers(curated_terms=curated_terms, question=row["question"]):  # type: ignore[arg-type]  # the question is a str; the row dict mixes value types
            continue
        result.append(UnansweredQuestion(**row))  # type: ignore[arg-type]  # the row's keys are UnansweredQuestion's fields
        if len(result) >= limit:
            break
    return result

"""Writes of curated answers. Owners and admins write them; members only read them."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from bots.models import Bot
from chat.curated import embeddings
from chat.curated.text import question_key
from chat.models import CURATED_ANSWER_MAX, CURATED_QUESTION_MAX, CuratedAnswer, Message, MessageRole
from chatsphere.ai.types import ProviderError
from chatsphere.errors import ApplicationError, Conflict, NotFound

logger = logging.getLogger(__name__)


def _text(value: object, *, field: str, label: str, limit: int, errors: dict[str, list[str]]) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[field] = [f"Write the {label}."]
        return ""
    text = value.strip()
    if "\x00" in text:
        errors[field] = [f"The {label} contains a NUL character."]
    elif len(text) > limit:
        errors[field] = [f"The {label} can be at most {limit} characters long; this one has {len(text)}."]
    return text


def _validated(question: object, answer: object) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    question_text = _text(question, field="question", label="question", limit=CURATED_QUESTION_MAX, errors=errors)
    answer_text = _text(answer, field="answer", label="answer", limit=CURATED_ANSWER_MAX, errors=errors)
    if question_text and "question" not in errors and not question_key(question_text):
        errors["question"] = ["Write the question in words."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid", errors=errors)
    return question_text, answer_text


def _refuse_duplicate(*, bot: Bot, key: str, exclude_id: uuid.UUID | None = None) -> None:
    existing = CuratedAnswer.objects.filter(organization_id=bot.organization_id, bot=bot, question_key=key)
    if exclude_id is not None:
        existing = existing.exclude(id=exclude_id)
    found = existing.only("id").first()
    if found is not None:
        raise Conflict(
            "This bot already has an answer to this question: edit that one instead.",
            code="duplicate_question",
            errors={"question": ["This bot already has an answer to this question."]},
            extra={"curated_answer_id": str(found.id)},
        )


def _check_source(*, bot: Bot, source_message: Message) -> None:
    same_bot = source_message.organization_id == bot.organization_id and (source_message.conversation.bot_id == bot.id)
    if not same_bot:
        raise NotFound("Message not found.", errors={"source_message_id": ["No answer of this bot has this id."]})
    if source_message.role != MessageRole.ASSISTANT:
        raise ApplicationError(
            "Only an answer of the bot can be corrected.",
            code="invalid",
            errors={"source_message_id": ["This message is a question, not an answer of the bot."]},
        )


def _embed(entry: CuratedAnswer) -> None:
    # A provider outage must not lose the owner's text: the entry matches by its words meanwhile
    # and gets its vector on a later match (`embeddings.refresh_stale`).
    try:
        embeddings.embed_question(entry, embeddings.current_embedder())
    except ProviderError as error:
        logger.warning("curated question saved without its vector: %s", error.message)
        entry.question_embedding, entry.embedder = None, ""


def _save(entry: CuratedAnswer, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            entry.save(**kwargs)
    except IntegrityError as exc:  # the same question saved concurrently
        _refuse_duplicate(bot=entry.bot, key=entry.question_key, exclude_id=entry.id)
        raise exc


@transaction.atomic
def curated_answer_create(
    *, actor: Actor, bot: Bot, question: object, answer: object, source_message: Message | None = None
) -> CuratedAnswer:
    require_role(actor, Role.ADMIN, action="write answers")
    if bot.organization_id != actor.organization.id:
        raise NotFound("Bot not found.")
    question_text, answer_text = _validated(question, answer)
    key = question_key(question_text)
    _refuse_duplicate(bot=bot, key=key)
    if source_message is not None:
        _check_source(bot=bot, source_message=source_message)
    entry = CuratedAnswer(
        organization=actor.organization,
        bot=bot,
        question=question_text,
        question_key=key,
        answer=answer_text,
        created_by=actor.user,
        updated_by=actor.user,
        source_message=source_message,
    )
    _embed(entry)
    _save(entry, force_insert=True)
    return entry


@transaction.atomic
def curated_answer_update(
    *, actor: Actor, curated_answer: CuratedAnswer, question: object = None, answer: object = None
) -> CuratedAnswer:
    """Change the question and/or the answer (None leaves a field as it is)."""
    require_role(actor, Role.ADMIN, action="change answers")
    entry = curated_answer
    if entry.organization_id != actor.organization.id:
        raise NotFound("Answer not found.")
    question_text, answer_text = _validated(
        entry.question if question is None else question, entry.answer if answer is None else answer
    )
    changed = ["updated_by", "updated_at"]
    if question_text != entry.question:
        key = question_key(question_text)
        _refuse_duplicate(bot=entry.bot, key=key, exclude_id=entry.id)
        entry.question, entry.question_key = question_text, key
        _embed(entry)
        changed += ["question", "question_key", "question_embedding", "embedder"]
    if answer_text != entry.answer:
        entry.answer = answer_text
        changed.append("answer")
    entry.updated_by = actor.user
    _save(entry, update_fields=changed)
    return entry


@transaction.atomic
def curated_answer_delete(*, actor: Actor, curated_answer: CuratedAnswer) -> None:
    require_role(actor, Role.ADMIN, action="delete answers")
    if curated_answer.organization_id != actor.organization.id:
        raise NotFound("Answer not found.")
    curated_answer.delete()

"""Reads of bots, always scoped to one organization."""

from __future__ import annotations

import uuid

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Organization
from bots.models import Bot
from chat.models import Conversation
from chatsphere.errors import NotFound
from documents.models import Document


def bot_list(*, organization: Organization) -> QuerySet[Bot]:
    return Bot.objects.filter(organization=organization)


def bot_get(*, organization: Organization, bot_id: uuid.UUID) -> Bot:
    """The bot with this id in this organization; missing and foreign give the same NotFound."""
    bot = Bot.objects.filter(organization=organization, id=bot_id).first()
    if bot is None:
        raise NotFound("Bot not found.")
    return bot


def bot_get_by_public_key(*, public_key: str) -> Bot | None:
    """Public widget lookup: the key itself is the credential, so no organization is needed."""
    return Bot.objects.filter(public_key=public_key).select_related("organization").first()


def bot_list_with_counts(*, organization: Organization) -> QuerySet[Bot]:
    """Bots with their document and conversation counts, in one query."""

    def count_of(model: type) -> Subquery:
        rows = model.objects.filter(bot=OuterRef("pk")).order_by().values("bot").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(rows), 0)

    return Bot.objects.filter(organization=organization).annotate(
        document_count=count_of(Document), conversation_count=count_of(Conversation)
    )

"""Reads of bots, always scoped to one organization."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from accounts.models import Organization
from bots.models import Bot
from chatsphere.errors import NotFound


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

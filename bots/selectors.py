"""Reads of bots, always scoped to one organization."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from accounts.models import Membership, Organization
from accounts.tenancy import Actor
from bots.models import Bot
from chatsphere.errors import NotFound


def bot_list(*, organization: Organization) -> QuerySet[Bot]:
    return Bot.objects.filter(organization=organization)


def access_bot_by_id(actor: Actor, bot_id: uuid.UUID, *, for_update: bool = False) -> Bot:
    """The actor's bot with this id; missing and another organization's give the same NotFound."""
    bots = Bot.objects.select_for_update() if for_update else Bot.objects.all()
    bot = bots.filter(organization=actor.organization, id=bot_id).first()
    if bot is None:
        raise NotFound("Bot not found.")
    return bot


def access_bot_by_id_for_member(*, user_id: uuid.UUID, bot_id: uuid.UUID) -> Bot:
    """A bot of any organization the user is a member of (the dashboard's sockets name only the
    bot); otherwise NotFound."""
    organizations = Membership.objects.filter(user_id=user_id).values("organization_id")
    bot = Bot.objects.filter(id=bot_id, organization_id__in=organizations).first()
    if bot is None:
        raise NotFound("Bot not found.")
    return bot


def bot_get_by_public_key(*, public_key: str) -> Bot | None:
    """Public widget lookup: the key itself is the credential, so no organization is needed."""
    return Bot.objects.filter(public_key=public_key).select_related("organization").first()

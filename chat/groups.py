"""Channel-layer groups of the chat sockets; every name starts with the organization id."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def bot_group(organization_id: object, bot_id: object) -> str:
    """Every open chat socket (widget and playground) of one bot."""
    return f"org-{organization_id}.bot-{bot_id}.chat"


def bot_sockets_recheck(*, organization_id: object, bot_id: object) -> None:
    """After the current transaction commits, tell the bot's open sockets to check whether it still
    serves them (call after switching a bot off, rotating its key or deleting it)."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(bot_group(organization_id, bot_id), {"type": "bot.changed"})
        except Exception:  # open sockets also re-check the bot with every question
            logger.warning("could not notify the chat sockets of bot %s", bot_id, exc_info=True)

    transaction.on_commit(send)

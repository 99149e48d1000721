"""Telling open sockets that their bot changed or access was withdrawn; every group name starts
with the organization id. Services call these helpers, consumers join these groups.

A bot's chat sockets (widget and playground) join `bot_group`; the bot services call
`bot_sockets_recheck` after switching a bot off, changing its origins, rotating its key or
deleting it. A member's dashboard sockets (playground, live document status) join
`member_group`. Services that take access away (removing a member, deleting the organization, logging out everywhere,
a new password) call `member_sockets_recheck`; after commit each socket re-reads its member's
access from the database and closes with `CLOSE_ACCESS_REVOKED` if it is gone. The sockets also
re-check on their own (at most `CHATSPHERE_SOCKET_ACCESS_RECHECK_SECONDS` apart), so a lost
notification delays a close by that much, never forever.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

#: Close code of a dashboard socket whose member lost access (removed, logged out, organization gone).
CLOSE_ACCESS_REVOKED = 4403

MEMBER_CHANGED = "member.changed"


def member_group(organization_id: object, user_id: object) -> str:
    """Every open dashboard socket of one member of one organization."""
    return f"org-{organization_id}.user-{user_id}"


def bot_group(organization_id: object, bot_id: object) -> str:
    """Every open chat socket (widget and playground) of one bot."""
    return f"org-{organization_id}.bot-{bot_id}.chat"


def group_send_after_commit(groups: Iterable[str], event: dict[str, Any]) -> None:
    """Send `event` to each group once the current transaction commits (never if it rolls back)."""
    groups = list(groups)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group in groups:
            try:
                async_to_sync(layer.group_send)(group, event)
            except Exception:  # sockets re-check on their own too; a lost notice only delays a close
                logger.warning("could not notify the sockets of %s", group, exc_info=True)

    if groups:
        transaction.on_commit(send)


def member_sockets_recheck(*, user_id: object, organization_ids: Iterable[object]) -> None:
    """After commit, tell the user's dashboard sockets in these organizations to re-check access."""
    group_send_after_commit(
        (member_group(organization_id, user_id) for organization_id in organization_ids), {"type": MEMBER_CHANGED}
    )


def bot_sockets_recheck(*, organization_id: object, bot_id: object) -> None:
    """After the current transaction commits, tell the bot's open sockets to check whether it still
    serves them (the bot services call this after switching a bot off, changing its allowed
    origins, rotating its key or deleting it)."""
    group_send_after_commit([bot_group(organization_id, bot_id)], {"type": "bot.changed"})


class AccessClock:
    """When a socket last confirmed its access; `due()` says whether to ask the database again."""

    def __init__(self) -> None:
        self.checked_at = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self.checked_at >= settings.CHATSPHERE_SOCKET_ACCESS_RECHECK_SECONDS

    def confirmed(self) -> None:
        self.checked_at = time.monotonic()

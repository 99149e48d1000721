"""Signed visitor tokens: a widget visitor's identity, kept by its browser.

The token carries a random visitor id and the bot it was issued for, signed with the secret
key. Only its holder can resume that visitor's conversations, and a token issued by one bot's
widget is worthless on another bot's.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing

_SALT = "chatsphere.chat.visitor"


def visitor_token_issue(*, bot_id: object) -> tuple[str, str]:
    """A new visitor: (visitor_id, token)."""
    visitor_id = secrets.token_hex(16)
    return visitor_id, visitor_token_sign(visitor_id=visitor_id, bot_id=bot_id)


def visitor_token_sign(*, visitor_id: str, bot_id: object) -> str:
    """A fresh token for a known visitor (re-signing restarts its lifetime)."""
    return signing.dumps({"v": visitor_id, "b": str(bot_id)}, salt=_SALT, compress=False)


def visitor_token_read(*, token: str, bot_id: object) -> str | None:
    """The visitor id in a valid, unexpired token of this bot; None otherwise."""
    if not token or len(token) > 500:
        return None
    max_age = timedelta(days=settings.CHATSPHERE_VISITOR_TOKEN_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("b") != str(bot_id):
        return None
    visitor_id = payload.get("v")
    return visitor_id if isinstance(visitor_id, str) and visitor_id else None

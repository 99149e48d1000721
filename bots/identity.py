"""Verified visitor identity: a site signs its signed-in user's id with the bot's identity secret.

What is signed (docs/identity.md): the UTF-8 bytes of the user id, the e-mail address and the
name joined by a line feed ("\\n"), each empty when not given; the signature is the lowercase hex
HMAC-SHA256 of those bytes under the bot's identity secret. None of the three may contain a line
feed or another control character, so no two different identities sign the same bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

USER_ID_MAX = 255
EMAIL_MAX = 254
NAME_MAX = 200
#: A hex HMAC-SHA256.
HASH_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Identity:
    """A visitor identity whose signature checked out."""

    user_id: str
    email: str = ""
    name: str = ""


def identity_secret_new() -> str:
    """A new identity secret: 256 random bits, with a prefix that says what it is."""
    return "ids_" + secrets.token_urlsafe(32)


def identity_message(*, user_id: str, email: str = "", name: str = "") -> bytes:
    return "\n".join((user_id, email, name)).encode()


def identity_sign(*, secret: str, user_id: str, email: str = "", name: str = "") -> str:
    """The signature a site computes on its server (this is the reference the docs' snippets match)."""
    message = identity_message(user_id=user_id, email=email, name=name)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _plain(value: object, *, limit: int) -> str | None:
    """The text, or None when it is not a string, too long, or holds a control character."""
    if not isinstance(value, str) or len(value) > limit:
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return None
    return value


def identity_rejection(
    *, secret: str, user_id: object, user_hash: object, email: object = "", name: object = ""
) -> tuple[Identity | None, str]:
    """The verified identity, or None and why not (for the server's log; never the secret or hash).

    The signature is compared in constant time. A bot without a secret verifies nobody."""
    if not secret:
        return None, "the bot has no identity secret"
    plain_id = _plain(user_id, limit=USER_ID_MAX)
    if not plain_id or not plain_id.strip():
        return None, "the user id is missing, too long or holds control characters"
    plain_email = _plain(email if email is not None else "", limit=EMAIL_MAX)
    plain_name = _plain(name if name is not None else "", limit=NAME_MAX)
    if plain_email is None or plain_name is None:
        return None, "the e-mail or name is not text, too long or holds control characters"
    # Signed by the site, so only its shape is checked (addresses outside ASCII are fine).
    if plain_email and (plain_email.count("@") != 1 or any(ch.isspace() for ch in plain_email)):
        return None, "the e-mail address is not valid"
    if not isinstance(user_hash, str) or len(user_hash) != HASH_LENGTH:
        return None, "the signature is missing or not a hex HMAC-SHA256"
    expected = identity_sign(secret=secret, user_id=plain_id, email=plain_email, name=plain_name)
    if not hmac.compare_digest(expected.encode(), user_hash.lower().encode()):
        return None, "the signature does not match"
    return Identity(user_id=plain_id, email=plain_email, name=plain_name), ""

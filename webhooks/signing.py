"""Signatures of webhook requests, as Standard Webhooks defines them (Stripe's scheme, named headers).

The secret is `whsec_` + base64 of 24 random bytes; its decoded bytes are the HMAC-SHA256 key.
Each request carries `webhook-id` (the event's id), `webhook-timestamp` (Unix seconds of this
attempt) and `webhook-signature`: `v1,<base64 HMAC of "id.timestamp.body">`, one per secret in
use (two during a rotation), separated by spaces. Receivers refuse timestamps outside their
replay window (docs/webhooks.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not one


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(*, secrets_in_use: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    signatures = " ".join(
        signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body) for secret in secrets_in_use
    )
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signatures}

"""Origin checks of a bot's sockets (widget chat, playground, live document status) and of its widget's CORS.

Origins are compared after normalisation (`bots.validation.normalize_origin`): scheme and host
lower-cased, default ports dropped. Per RFC 6454 `HTTPS://Shop.Example.com` is the same origin
as `https://shop.example.com`, so case variants of an allowed origin are accepted; anything that
differs in scheme, host or port, carries user info or a path, is `null` or missing is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError

from bots.validation import normalize_origin


def header(scope: Mapping[str, object], name: bytes) -> str | None:
    """The value of a header of an ASGI scope; None when absent or sent more than once differently."""
    values = {
        value.decode("latin-1")
        for key, value in scope.get("headers") or []  # type: ignore[attr-defined]  # an ASGI scope's headers: (bytes, bytes) pairs
        if key.lower() == name
    }
    return values.pop() if len(values) == 1 else None


def normalized_origin(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalize_origin(value)
    except ValidationError:
        return None


#: What a browser sends as Origin: `scheme://host[:port]` and nothing after it (RFC 6454 §6.2).
_SERIALIZED_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\\\s]+$")


def origin_header(value: str | None) -> str | None:
    """An Origin header's value, normalised; None when missing, `null` or malformed (a path,
    query, fragment or user info is never part of the Origin a browser sends)."""
    if not value or not _SERIALIZED_ORIGIN.match(value):
        return None
    return normalized_origin(value)


def request_origin(scope: Mapping[str, object]) -> str | None:
    """The connection's Origin header, normalised; None when missing, `null` or malformed."""
    return origin_header(header(scope, b"origin"))


def own_origins(scope: Mapping[str, object]) -> set[str]:
    """Origins of this application: the Host the client connected to, the public site URL and the
    trusted CSRF origins (behind a TLS proxy the socket's own scheme says `ws`, not `wss`)."""
    origins = set()
    host = header(scope, b"host")
    if host:
        scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
        origins.add(normalized_origin(f"{scheme}://{host}"))
    origins.add(normalized_origin(settings.SITE_URL))
    origins.update(normalized_origin(origin) for origin in settings.CSRF_TRUSTED_ORIGINS)
    origins.discard(None)
    return origins  # type: ignore[return-value]  # None was discarded just above


def origin_in(origin: str | None, allowed: Iterable[str]) -> bool:
    permitted = {normalized_origin(item) for item in allowed} - {None}
    return origin is not None and normalized_origin(origin) in permitted


def origin_allowed(scope: Mapping[str, object], allowed: Iterable[str]) -> bool:
    """Whether the connection comes from one of `allowed` (an empty list: this application only)."""
    allowed = list(allowed)
    return origin_in(request_origin(scope), allowed or own_origins(scope))


def widget_origin_allowed(scope: Mapping[str, object], allowed: Iterable[str]) -> bool:
    """The widget runs on the bot's allowed origins and on this application's own hosted chat page
    (`/chat/<public_key>/`); with no allowed origins, only the latter."""
    return origin_in(request_origin(scope), [*allowed, *own_origins(scope)])

"""Rate limits of chat questions, counted in the Django cache so that every web process (with
Redis) shares them: per widget visitor and per client IP on the widget socket, per API key or
user on the chat API and the playground.

Rates are read from settings.CHATSPHERE_CHAT_RATE_LIMITS on every call (`10/m`, `100/h`, …).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from django.conf import settings
from django_ratelimit.core import get_usage

from chatsphere import metrics
from chatsphere.errors import RateLimited
from chatsphere.text.durations import wait_in_words

VISITOR = "visitor"
IP = "ip"
API = "api"


def rate_limit_hit(limits: Iterable[tuple[str, str]]) -> None:
    """Count one question against each (scope, identity) pair; raise RateLimited when any is over.

    A scope without a configured rate is unlimited. If the cache cannot be reached the question
    is let through: an outage of the cache must not silence every bot.
    """
    retry_after = 0
    for scope, ident in limits:
        rate = settings.CHATSPHERE_CHAT_RATE_LIMITS.get(scope)
        if not rate:
            continue
        usage = get_usage(
            None, group=f"chat.{scope}", key=lambda _group, _request, ident=ident: ident, rate=rate, increment=True
        )
        if usage and usage["should_limit"] and usage["limit"]:
            retry_after = max(retry_after, int(usage["time_left"]), 1)
            metrics.rate_limit_refused(scope)
    if retry_after:
        raise RateLimited(
            f"You are sending messages too quickly. Please wait {wait_in_words(retry_after)} and try again.",
            retry_after=retry_after,
        )


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def client_ip(scope: Mapping[str, object]) -> str:
    """The client's address of an ASGI connection, trusting `X-Forwarded-For` only as far as
    CHATSPHERE_TRUSTED_PROXY_COUNT proxies (as the API's throttles do). IPv6 clients are grouped
    by /64, since one host usually holds a whole /64."""
    client = scope.get("client") or ("",)
    address = str(client[0] or "")  # type: ignore[index]  # an ASGI scope's client: a (host, port) pair
    proxies = settings.CHATSPHERE_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = _header(scope.get("headers") or [], b"x-forwarded-for")  # type: ignore[arg-type]  # an ASGI scope's headers: (bytes, bytes) pairs
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
